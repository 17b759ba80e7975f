"""Inputs for the PDF summary tests and ways to read a PDF back (pypdf and pdftotext)."""

from __future__ import annotations

import hashlib
import io
import random
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.summary.pdf import Signer, SummaryInput
from tests.support.review_fixtures import make_case

STUDY = "Leicester deaths review 2017"
STUDY_ID = "LDR-2017"
HASH = hashlib.sha256(b"canonical review content").hexdigest()

REVIEWER = Signer(
    name="Dr Amrit Kowalczyk",
    profession="Consultant physician",
    registration="GMC 7012345",
    role="reviewer",
    signed_at=datetime(2017, 7, 14, 14, 5, tzinfo=UTC),
)
CO_REVIEWER = Signer(
    name="Siân Ní Bhriain",
    profession="Senior nurse, community",
    registration="NMC 12A3456E",
    role="co-reviewer",
    signed_at=datetime(2017, 12, 1, 9, 30, tzinfo=UTC),
)


def identified_case(**changes: Any) -> Case:
    """A synthetic case with every identifier set (hospital number, postcode...)."""
    fields: dict[str, Any] = {
        "case_ref": "NSR-0042",
        "hospital_number": "RWE4236563",
        "family_name": "Featherstonehaugh",
        "given_names": "Ada Marie",
        "date_of_birth": date(1940, 3, 12),
        "postcode": "LE1 5WW",
        "site": "Leicester Royal Infirmary",
        "specialty": "acute medicine",
        "gp_practice_code": "C82018",
    }
    fields.update(changes)
    return make_case(**fields)


def sample_input(
    seed: int = 1,
    definition: ReviewDefinition | None = None,
    case: Case | None = None,
    answers: dict[str, Any] | None = None,
    **changes: Any,
) -> SummaryInput:
    definition = definition or default_definition()
    case = case or identified_case()
    if answers is None:
        answers = complete_answers(definition, case, random.Random(seed))
    fields: dict[str, Any] = {
        "study_name": STUDY,
        "study_id": STUDY_ID,
        "case": case,
        "definition": definition,
        "answers": answers,
        "content_hash": HASH,
        "signers": (REVIEWER,),
        "synthetic": True,
    }
    fields.update(changes)
    return SummaryInput(**fields)


def normalise(text: str) -> str:
    """NFC, one space for any run of whitespace, line breaks after hyphens joined."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


def pypdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [normalise(page.extract_text() or "") for page in reader.pages]


def pypdf_text(pdf: bytes) -> str:
    return " ".join(pypdf_pages(pdf))


FOOTER_ENDS = ("approved routes.", "identifying free text redacted.")


def body_text(pdf: bytes, drop: tuple[str, ...] = ()) -> str:
    """The text of all pages without page furniture (and without ``drop``, e.g. the
    repeated header row of a table), so that text split across pages reads on."""
    bodies = []
    for page in pypdf_pages(pdf):
        body = page
        for end in FOOTER_ENDS:  # furniture is drawn first, "Page X of Y" last
            if end in body:
                body = body.split(end, 1)[1]
        body = re.sub(r"Page \d+ of \d+\s*$", "", body.strip())
        for text in drop:
            body = body.replace(text, " ")
        bodies.append(body)
    return normalise(" ".join(bodies))


def pdftotext(pdf: bytes) -> str:
    """Text as poppler extracts it (reading order), normalised like ``pypdf_text``."""
    exe = shutil.which("pdftotext")
    assert exe is not None, "poppler's pdftotext is needed for these tests"
    done = subprocess.run(
        [exe, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return normalise(done.stdout.decode("utf-8"))


def assert_near(text: str, label: str, value: str, window: int = 400) -> None:
    """Some occurrence of ``label`` is followed by ``value`` within ``window`` characters."""
    label, value = normalise(label), normalise(value)
    start = text.find(label)
    assert start >= 0, f"{label!r} not found"
    while start >= 0:
        found = text.find(value, start + len(label))
        if 0 <= found - start - len(label) <= window:
            return
        start = text.find(label, start + 1)
    raise AssertionError(f"{value!r} not found after {label!r}")


def assert_in_order(text: str, parts: list[str], window: int = 6000) -> None:
    """Each of ``parts`` appears after the previous one, all within ``window`` characters."""
    start = text.find(normalise(parts[0]))
    assert start >= 0, f"{parts[0]!r} not found"
    position = start + len(normalise(parts[0]))
    for part in parts[1:]:
        found = text.find(normalise(part), position)
        assert found >= 0, f"{part!r} not found after {parts[0]!r}"
        assert found - start <= window, f"{part!r} too far from {parts[0]!r}"
        position = found + len(normalise(part))
