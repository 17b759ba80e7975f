"""The taskforce copy of the PDF summary holds no direct identifier of the patient, anywhere.

The case has every identifier set, and identifiers are also planted in the reviewer's free
text (name, NHS number in several spacings, hospital number, date of birth in several
formats, postcode). The file is scanned as raw bytes, as every decompressed stream, as its
document info and XMP metadata, and as text extracted by pypdf and by pdftotext. The same
scan of the identifiable copy finds them (proof the scan can see), except in the metadata,
which holds only the case reference and the study in both copies.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.text_identifiers import fold_accents, identifiers_in
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.summary.pdf import changes_between, render_summary
from reviewer_app.services.summary.redaction import REDACTED, Redactor
from tests.support.summary_fixtures import (
    identified_case,
    normalise,
    pdftotext,
    pypdf_text,
    sample_input,
)

CASE = identified_case(
    family_name="Zielińska",
    given_names="Agnieszka Marianna",
    nhs_number="9434765919",
    hospital_number="RWE4236563",
    postcode="LE1 5WW",
)
NHS_FORMS = ("9434765919", "943 476 5919", "943-476-5919", "943.476.5919", "94347 65919")
DOB_FORMS = (
    "12/03/1940",
    "12-03-1940",
    "12.03.1940",
    "1940-03-12",
    "12 March 1940",
    "12th March 1940",
    "March 12, 1940",
    "12 Mar 1940",
    "12/3/40",
    "12031940",
)
NAME_FORMS = ("Zielińska", "ZIELIŃSKA", "Zielinska", "Agnieszka", "Marianna")
HOSPITAL_FORMS = ("RWE4236563", "RWE 4236563", "rwe4236563")
POSTCODE_FORMS = ("LE1 5WW", "LE15WW", "le1 5ww")
SAFE_SENTENCE = "Observations were not repeated for eleven hours overnight."


def _planted_answers() -> dict[str, Any]:
    d = default_definition()
    answers = complete_answers(d, CASE, random.Random(21))
    plant = [
        f"Mrs Zielińska was seen late. {SAFE_SENTENCE}",
        f"NHS no {NHS_FORMS[1]} and {NHS_FORMS[2]}; hospital number RWE 4236563.",
        f"Born {DOB_FORMS[0]}, also written 1940-03-12 and 12th March 1940.",
        "Lives at LE1 5WW with her daughter Agnieszka.",
        f"Ref 943.476.5919 / 12031940 / LE15WW. {SAFE_SENTENCE}",
    ]
    answers["learning.poor_care"] = " ".join(plant)
    answers["learning.good_practice"] = f"{plant[0]}\n\n{plant[2]}"
    answers["phase.overall.comment"] = plant[1] + " " + SAFE_SENTENCE * 3
    answers["avoidability.comment"] = plant[3]
    answers["readiness.note"] = plant[4]
    answers["screening.existing_process"] = "yes"
    answers["screening.existing_process_types"] = ["complaint"]
    answers["screening.existing_process_reference"] = "Complaint from Ms A Zielińska"
    return answers


ANSWERS = _planted_answers()


def _render(taskforce: bool) -> bytes:
    d = default_definition()
    old = dict(ANSWERS)
    old["learning.good_practice"] = "Earlier text naming Agnieszka Zielińska, born 12/03/1940."
    return render_summary(
        sample_input(
            case=CASE,
            answers=ANSWERS,
            taskforce_copy=taskforce,
            version=2,
            supersedes=1,
            amendment_reason="Corrected after a call with Agnieszka's son.",
            changes=changes_between(d, old, ANSWERS),
        )
    )


@pytest.fixture(scope="module")
def taskforce_pdf() -> bytes:
    return _render(taskforce=True)


@pytest.fixture(scope="module")
def identifiable_pdf() -> bytes:
    return _render(taskforce=False)


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream of the file, decompressed (content, fonts, ToUnicode maps, forms...)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for number in range(1, len(reader.xref_objStm) + 1000):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:
            continue
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
    assert len(found) >= 5
    return found


def _metadata(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    parts = [f"{k}={v}" for k, v in (reader.metadata or {}).items()]
    root = reader.trailer["/Root"]
    if "/Metadata" in root:  # XMP
        parts.append(root["/Metadata"].get_object().get_data().decode("utf-8", "replace"))
    return "\n".join(parts)


def _byte_forms(needle: str) -> list[bytes]:
    forms = {needle, needle.upper(), needle.lower()}
    out = []
    for form in forms:
        out += [form.encode("utf-8"), form.encode("utf-16-be")]
        with contextlib.suppress(UnicodeEncodeError):
            out.append(form.encode("latin-1"))
    return out


def _found_in_bytes(blob: bytes, needles: tuple[str, ...]) -> list[str]:
    return [n for n in needles if any(form in blob for form in _byte_forms(n))]


def _found_in_text(text: str, needles: tuple[str, ...]) -> list[str]:
    folded = normalise(text).casefold()
    digits = re.sub(r"\D", "", text)
    hits = [n for n in needles if normalise(n).casefold() in folded]
    for n in needles:  # digit identifiers with any separator, e.g. "943 476 5919"
        d = re.sub(r"\D", "", n)
        if len(d) >= 8 and d in digits:
            hits.append(n)
    return hits


ALL = NHS_FORMS + DOB_FORMS + NAME_FORMS + HOSPITAL_FORMS + POSTCODE_FORMS


def test_taskforce_copy_has_no_identifier_in_raw_bytes(taskforce_pdf: bytes) -> None:
    assert _found_in_bytes(taskforce_pdf, ALL) == []


def test_taskforce_copy_has_no_identifier_in_any_decompressed_stream(
    taskforce_pdf: bytes,
) -> None:
    for stream in _streams(taskforce_pdf):
        assert _found_in_bytes(stream, ALL) == []


def test_taskforce_copy_has_no_identifier_in_metadata(taskforce_pdf: bytes) -> None:
    meta = _metadata(taskforce_pdf)
    assert "NSR-0042" in meta
    assert _found_in_text(meta, ALL) == []


@pytest.mark.parametrize("reader", [pypdf_text, pdftotext])
def test_taskforce_copy_has_no_identifier_in_its_text(taskforce_pdf: bytes, reader: Any) -> None:
    text = reader(taskforce_pdf)
    assert _found_in_text(text, ALL) == []
    assert "NSR-0042" in text
    assert "Withheld in the taskforce copy" in text
    assert REDACTED in text
    assert normalise(SAFE_SENTENCE) in text  # only what identifies is redacted
    assert "Postcode district LE1" in normalise(pypdf_text(taskforce_pdf))


def test_the_same_scan_finds_identifiers_in_the_identifiable_copy(identifiable_pdf: bytes) -> None:
    text = pypdf_text(identifiable_pdf)
    for group in (
        NHS_FORMS[:3],
        DOB_FORMS[:1],
        NAME_FORMS[:2],
        HOSPITAL_FORMS[:1],
        POSTCODE_FORMS[:1],
    ):
        assert _found_in_text(text, group), group
    assert REDACTED not in text
    # Both copies keep identifiers out of the metadata.
    assert _found_in_text(_metadata(identifiable_pdf), ALL) == []


def test_redactor_keeps_clean_text_and_redacts_each_identifier_form() -> None:
    redactor = Redactor(CASE)
    assert redactor.redact(SAFE_SENTENCE) == SAFE_SENTENCE
    for needle in ALL:
        text = f"{SAFE_SENTENCE} Noted: {needle}. Plan agreed with the team."
        result = redactor.redact(text)
        assert _found_in_text(result, (needle,)) == [], needle
        assert result.startswith(SAFE_SENTENCE)
        assert result.endswith("Plan agreed with the team.")


@pytest.mark.parametrize("letter", ["ł", "Ł", "ø", "Ø", "æ", "Æ", "ß", "đ", "Đ", "ħ", "œ", "ı"])
def test_redaction_and_the_identifier_check_fold_the_same_letters(letter: str) -> None:
    """A name typed without a letter's mark is caught by both paths, or by neither."""
    case = identified_case(family_name=f"Ka{letter}owska")
    typed = f"Seen by Ka{fold_accents(letter)}owska's daughter on the ward."
    assert fold_accents(letter) != letter
    assert bool(identifiers_in(typed, case)) == Redactor(case).flagged(typed) is True
