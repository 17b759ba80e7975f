"""Workspaces with an enrolled reviewer, ready to sign; PDFs to sign; pdfsig parsing.

Built on the session-cached keys of ``crypto_fixtures`` (Alice signs, Bob co-signs, both
under STUDY-A; Carol belongs to STUDY-B). Workspaces use the cheap test KDF.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from reviewer_app.domain.definition import default_definition
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.signing.pades_sign import SigningIdentity
from reviewer_app.services.signing.rules import finding_in
from reviewer_app.services.signing.signoff import SignoffService
from reviewer_app.services.trust.authority import certificate_pem, fingerprint
from reviewer_app.services.trust.enrolment import export_pkcs12
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.assignments import Assignment, AssignmentStore
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.identity_store import IdentityStore
from tests.support.crypto_fixtures import Reviewer, alice, bob, study_a

PASSPHRASE = "correct horse battery staple"
ESCALATED_SEED = 2  # avoidability and harm triggers, decision "escalate"
COSIGNER_PASSPHRASE = "bob's own export passphrase"
PDFSIG = shutil.which("pdfsig")
needs_pdfsig = pytest.mark.skipif(
    PDFSIG is None, reason="poppler's pdfsig is not installed (CI installs poppler-utils)"
)


class Clock:
    """A UTC clock that moves on one second per reading, from a fixed start."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def identity_of(reviewer: Reviewer) -> SigningIdentity:
    return SigningIdentity(reviewer.key, reviewer.cert, (study_a().root,))


def tiny_pdf(text: str = "Case summary") -> bytes:
    """A one-page reportlab PDF, independent of the summary renderer."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def enrol(workspace: Workspace, reviewer: Reviewer, *, name: str = "Alice Example") -> None:
    """Give the workspace Alice's (or another's) key, certificate and the pinned root."""
    pem = reviewer.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    store = IdentityStore(workspace.db)
    store.create(
        pem, name=name, profession="doctor", registration="GMC 1234567", email="a@example.nhs.uk"
    )
    root = study_a().root
    store.set_certificate(
        certificate_pem(reviewer.cert).encode("ascii"),
        (certificate_pem(root).encode("ascii"),),
        reviewer.ref,
    )
    AssignmentStore(workspace.db).pin_root(
        certificate_pem(root), fingerprint(root), "STUDY-A", "Structured review A"
    )


@dataclass
class Bench:
    """A workspace with cases, an enrolled reviewer and the services on it."""

    workspace: Workspace
    reviews: ReviewService
    signoff: SignoffService
    clock: Clock

    def complete_review(self, case_ref: str, seed: int = 1) -> int:
        """Open the case and fill a complete, valid review; return the review id."""
        opened = self.reviews.open(case_ref, "R01")
        answers = complete_answers(opened.definition, opened.case, random.Random(seed))
        self.reviews.save(opened.review_id, answers, "R01")
        return opened.review_id

    def acknowledged(self, review_id: int) -> tuple[str, ...]:
        return self.signoff.check(review_id).warning_codes

    def sign(self, case_ref: str, seed: int = 1) -> int:
        review_id = self.complete_review(case_ref, seed)
        self.signoff.sign(review_id, PASSPHRASE, self.acknowledged(review_id))
        return review_id

    def joint(self, case_ref: str, co_ref: str = "R02", co_name: str = "Bob Example") -> None:
        AssignmentStore(self.workspace.db).set_assignments(
            [
                Assignment(
                    case_ref=case_ref,
                    review_mode="joint",
                    co_reviewer_ref=co_ref,
                    co_reviewer_name=co_name,
                    pack_sequence=1,
                )
            ]
        )


def make_bench(folder: Path, case_count: int = 4, *, enrolled: bool = True) -> Bench:
    workspace = Workspace.create(folder, PASSPHRASE, kdf=TEST_KDF)
    CaseStore(workspace.db).upsert_many(synthetic_cases(case_count, seed=3, prefix="SIG"))
    if enrolled:
        enrol(workspace, alice())
    clock = Clock()
    reviews = ReviewService(workspace.db, current_definition=default_definition, clock=clock)
    signoff = SignoffService(workspace, clock=clock, synthetic=True)
    return Bench(workspace, reviews, signoff, clock)


def bob_pkcs12() -> bytes:
    return export_pkcs12(bob().key, bob().cert, [study_a().root], COSIGNER_PASSPHRASE)


# --- pdfsig ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfsigSignature:
    valid: bool
    """"Signature Validation: Signature is Valid." """
    total: bool
    """"Total document signed" """
    ranges: tuple[int, int, int, int] | None


_RANGES = re.compile(r"Signed Ranges: \[(\d+) - (\d+)\], \[(\d+) - (\d+)\]")


def pdfsig(data: bytes) -> list[PdfsigSignature]:
    """pdfsig's verdict per signed signature field (integrity only: -nocert)."""
    assert PDFSIG is not None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            [PDFSIG, "-nocert", handle.name],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    found = []
    for block in re.split(r"^Signature #\d+:", out, flags=re.MULTILINE)[1:]:
        if "is not signed" in block:
            continue
        match = _RANGES.search(block)
        ranges = None
        if match:
            a, b, c, d = (int(g) for g in match.groups())
            ranges = (a, b - a, c, d - c)
        found.append(
            PdfsigSignature(
                valid="Signature Validation: Signature is Valid." in block,
                total="Total document signed" in block and "Not total" not in block,
                ranges=ranges,
            )
        )
    return found


def signed_with_a_finding(bench: Bench, case_ref: str) -> int:
    """A complete, signed full review in which an escalation trigger fired and the decision
    was to escalate (the first sample seed that gives one, whatever the sample answers do)."""
    opened = bench.reviews.open(case_ref, "R01")
    for seed in (ESCALATED_SEED, *range(3, 60)):
        answers = complete_answers(opened.definition, opened.case, random.Random(seed))
        if (
            finding_in(opened.definition, answers) == "an escalation trigger fired"
            and answers.get("escalation.decision") == "escalate"
            and any(
                i["answers"].get("problems.item.harm") == "yes"
                for i in answers.get("problems.items") or []
            )
        ):
            bench.reviews.save(opened.review_id, answers, "R01")
            check = bench.signoff.check(opened.review_id)
            if not check.errors:
                bench.signoff.sign(opened.review_id, PASSPHRASE, check.warning_codes)
                return opened.review_id
    raise AssertionError("no sample seed gives an escalated review")
