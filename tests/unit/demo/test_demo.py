"""The demo workspace: built through the real study, pack and sign-off code, with cases in every
state, and every stored PDF (both copies, every version, every signature count) passing our
verifier against the demo study's root, poppler's ``pdfsig``, and the ``verify`` CLI.

The demo is the session's one (built once per run by ``reviewer-app demo`` with the cheap test
KDF; the signing itself is real), copied for this module.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from pypdf import PdfReader

from reviewer_app.cli import main
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.services.demo.build import (
    DEMO_CASE_COUNT,
    DEMO_PASSPHRASE,
    DEMO_REVIEWER,
    DEMO_STUDY_PASSPHRASE,
    demo_co_reviewer_file,
    demo_study_folder,
)
from reviewer_app.services.demo.reviews import (
    AMENDMENT_REASON,
    DEMO_CO_REVIEWER,
    DEMO_CO_REVIEWER_PASSPHRASE,
    DEMO_PLAN,
    DemoState,
    planned_states,
)
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.signing.pades_verify import Coverage, verify_pdf
from reviewer_app.services.study import Study
from reviewer_app.services.trust.authority import certificate_pem
from reviewer_app.services.trust.enrolment import import_pkcs12
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.cases import CaseSummary
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.signatures import (
    SignatureRecord,
    SignatureStore,
    SignedDocument,
)
from tests.support.demo_fixtures import DemoBuild
from tests.support.signoff_fixtures import needs_pdfsig, pdfsig

Progress = tuple[int, int, str]


@dataclass
class Demo:
    folder: Path
    root: x509.Certificate
    progress: list[Progress]
    seconds: float
    summaries: dict[str, CaseSummary]
    versions: dict[str, list[Review]]
    signatures: dict[int, list[SignatureRecord]]
    documents: dict[int, list[SignedDocument]]
    answers: dict[int, dict[str, object]]
    joint_modes: dict[str, tuple[str, str | None]]

    def refs_in(self, state: DemoState) -> list[str]:
        plan = planned_states(list(self.summaries))
        return sorted(ref for ref, s in plan.items() if s is state)

    def signed_by(self, review: Review) -> list[str | None]:
        return [s.signer_ref for s in self.signatures.get(review.id, [])]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_build: DemoBuild) -> Iterator[Demo]:
    # The session's demo (tests/conftest.py: built once by `reviewer-app demo`, cheap test KDF,
    # its progress and build time kept), copied: the `pdf` exports below write to the workspace.
    folder = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(demo_build.folder, folder)
    seen: list[Progress] = list(demo_build.progress)
    seconds = demo_build.seconds
    with Study.open(demo_study_folder(folder), DEMO_STUDY_PASSPHRASE) as study:
        root = study.root_certificate()
    with ReviewerSession.unlock(folder, DEMO_PASSPHRASE) as session:
        db = session.workspace.db
        reviews, store = ReviewStore(db), SignatureStore(db)
        summaries = {s.case_ref: s for s in session.list_cases()}
        versions = {ref: reviews.versions(ref) for ref in summaries}
        all_reviews = [r for vs in versions.values() for r in vs]
        assignments = AssignmentStore(db)
        joint_modes = {}
        for ref in summaries:
            assignment = assignments.assignment(ref)
            assert assignment is not None
            joint_modes[ref] = (assignment.review_mode, assignment.co_reviewer_ref)
        yield Demo(
            folder=folder,
            root=root,
            progress=seen,
            seconds=seconds,
            summaries=summaries,
            versions=versions,
            signatures={r.id: store.signatures(r.id) for r in all_reviews},
            documents={r.id: store.documents(r.id) for r in all_reviews},
            answers={r.id: reviews.answers(r.id) for r in all_reviews},
            joint_modes=joint_modes,
        )


# --- the states -------------------------------------------------------------------------------


def test_the_plan_is_fixed_and_a_small_demo_still_has_every_key_state() -> None:
    refs = [f"DEMO-{n:04d}" for n in range(1, 13)]
    plan = planned_states(refs)
    assert plan == planned_states(list(reversed(refs)))  # by reference, not by input order
    assert [plan[r] for r in refs[:3]] == [DemoState.NOT_STARTED] * 3
    key_states = set(DemoState) - {
        DemoState.AMENDMENT_IN_PROGRESS,  # extras that only the full demo has room for
    }
    assert set(plan.values()) >= key_states


def test_the_demo_has_every_case_and_the_expected_status_per_state(demo: Demo) -> None:
    assert len(demo.summaries) == DEMO_CASE_COUNT
    expected = {
        DemoState.NOT_STARTED: ReviewStatus.NOT_STARTED,
        DemoState.IN_PROGRESS: ReviewStatus.IN_PROGRESS,
        DemoState.READY_TO_SIGN: ReviewStatus.READY_TO_SIGN,
        DemoState.SIGNED: ReviewStatus.SIGNED,
        DemoState.CO_SIGNED: ReviewStatus.SIGNED,
        DemoState.AWAITING_CO_SIGNATURE: ReviewStatus.AWAITING_COSIGNATURE,  # joint, one signature
        DemoState.AMENDED: ReviewStatus.SIGNED,
        DemoState.AMENDMENT_IN_PROGRESS: ReviewStatus.AMENDMENT_IN_PROGRESS,
        DemoState.RECORDS_MISSING: ReviewStatus.RECORDS_MISSING,
        DemoState.URGENT: ReviewStatus.SIGNED,
    }
    plan = planned_states(list(demo.summaries))
    assert set(plan.values()) == set(DemoState)
    for ref, state in plan.items():
        assert demo.summaries[ref].status is expected[state], (ref, state)
    assert len(demo.refs_in(DemoState.NOT_STARTED)) >= 3
    assert demo.summaries["DEMO-0001"].status is ReviewStatus.NOT_STARTED
    assert sum(1 for s in plan.values() if s is not DemoState.NOT_STARTED) == len(DEMO_PLAN)


def test_not_started_cases_have_no_review(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.NOT_STARTED):
        assert demo.versions[ref] == []


def test_in_progress_cases_are_partly_answered(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.IN_PROGRESS):
        summary = demo.summaries[ref]
        assert summary.answered > 0 and 0 < summary.progress < 0.95
        assert not demo.signatures[demo.versions[ref][-1].id]


def test_ready_to_sign_cases_are_complete_and_unsigned(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.READY_TO_SIGN):
        (review,) = demo.versions[ref]
        assert demo.signatures[review.id] == [] and demo.documents[review.id] == []


def test_signed_cases_carry_one_signature_by_the_demo_reviewer(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.SIGNED) + demo.refs_in(DemoState.AWAITING_CO_SIGNATURE):
        (review,) = demo.versions[ref]
        assert demo.signed_by(review) == [DEMO_REVIEWER.reviewer_ref]
        assert {d.kind.value for d in demo.documents[review.id]} == {"full", "taskforce"}


def test_the_joint_cases_are_joint_and_one_is_co_signed_by_the_co_reviewer(demo: Demo) -> None:
    joint = demo.refs_in(DemoState.CO_SIGNED) + demo.refs_in(DemoState.AWAITING_CO_SIGNATURE)
    for ref in joint:
        assert demo.joint_modes[ref] == ("joint", DEMO_CO_REVIEWER.reviewer_ref)
    others = set(demo.summaries) - set(joint)
    assert {demo.joint_modes[ref] for ref in others} == {("independent", None)}
    for ref in demo.refs_in(DemoState.CO_SIGNED):
        (review,) = demo.versions[ref]
        records = demo.signatures[review.id]
        assert [(s.seq, s.role.value, s.signer_ref) for s in records] == [
            (1, "reviewer", DEMO_REVIEWER.reviewer_ref),
            (2, "co_reviewer", DEMO_CO_REVIEWER.reviewer_ref),
        ]
        assert records[0].content_sha256 == records[1].content_sha256
        counts = sorted((d.kind.value, d.signature_count) for d in demo.documents[review.id])
        assert counts == [("full", 1), ("full", 2), ("taskforce", 1), ("taskforce", 2)]


def test_the_co_reviewer_slot_was_removed_and_their_identity_file_opens(demo: Demo) -> None:
    with ReviewerSession.unlock(demo.folder, DEMO_PASSPHRASE) as session:
        assert SignatureStore(session.workspace.db).slots() == []
    opened = import_pkcs12(
        demo_co_reviewer_file(demo.folder).read_bytes(), DEMO_CO_REVIEWER_PASSPHRASE
    )
    opened.cert.verify_directly_issued_by(demo.root)


def test_the_amended_case_has_two_signed_versions_with_a_reason(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.AMENDED):
        v1, v2 = demo.versions[ref]
        assert (v1.version, v1.status, v2.version, v2.status) == (
            1,
            ReviewStatus.SIGNED,
            2,
            ReviewStatus.SIGNED,
        )
        assert v2.amends_review_id == v1.id and v2.amendment_reason == AMENDMENT_REASON
        assert demo.signed_by(v1) == demo.signed_by(v2) == [DEMO_REVIEWER.reviewer_ref]
        assert demo.answers[v1.id] != demo.answers[v2.id]
        assert "amended" in demo.summaries[ref].flags
        text = _text(_latest(demo.documents[v2.id], "full").pdf)
        assert "amends version 1" in text


def test_the_amendment_in_progress_keeps_its_signed_version(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.AMENDMENT_IN_PROGRESS):
        v1, v2 = demo.versions[ref]
        assert demo.signed_by(v1) == [DEMO_REVIEWER.reviewer_ref]
        assert v2.status is ReviewStatus.AMENDMENT_IN_PROGRESS and demo.signatures[v2.id] == []


def test_records_missing_is_a_signed_outcome_with_its_reason(demo: Demo) -> None:
    for ref in demo.refs_in(DemoState.RECORDS_MISSING):
        (review,) = demo.versions[ref]
        assert review.outcome_reason
        assert demo.signed_by(review) == [DEMO_REVIEWER.reviewer_ref]
        pdf = _latest(demo.documents[review.id], "full").pdf
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
        assert "records missing" in _text(pdf).lower()
        answers = demo.answers[review.id]  # v2: the missing records are named, not reviewed
        assert answers["records.missing"] == ["acute"]
        assert "acute" not in answers["records.reviewed"]


def test_the_urgent_case_records_an_immediate_concern_and_an_escalation(demo: Demo) -> None:
    (ref,) = demo.refs_in(DemoState.URGENT)
    assert "urgent" in demo.summaries[ref].flags
    (review,) = demo.versions[ref]
    assert review.urgent
    answers = demo.answers[review.id]
    assert answers["immediate.concern"] == "yes"
    assert answers["escalation.decision"] == "escalate"
    # v2: told at a date and a time, after the review began; the escalation reaches the
    # provider's patient-safety team and asks nothing the review already says
    assert review.created_at.strftime("%Y-%m-%d") <= answers["immediate.told_at"][:10]
    (item,) = answers["escalation.items"]
    assert "provider_patient_safety" in item["answers"]["escalation.item.destination"]
    assert not {"escalation.item.harm", "escalation.item.status"} & set(item["answers"])
    assert demo.signed_by(review) == [DEMO_REVIEWER.reviewer_ref]
    others = {r for r, s in demo.summaries.items() if "urgent" in s.flags}
    assert others == {ref}


# --- every stored PDF ---------------------------------------------------------------------------


def _all_documents(demo: Demo) -> list[SignedDocument]:
    return [d for docs in demo.documents.values() for d in docs]


def _latest(docs: list[SignedDocument], kind: str) -> SignedDocument:
    return max((d for d in docs if d.kind.value == kind), key=lambda d: d.signature_count)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_stored_pdf_verifies_against_the_demo_study_root(demo: Demo) -> None:
    documents = _all_documents(demo)
    signed_versions = sum(1 for records in demo.signatures.values() if records)
    co_signed = len(demo.refs_in(DemoState.CO_SIGNED))
    assert len(documents) == 2 * signed_versions + 2 * co_signed
    for doc in documents:
        result = verify_pdf(doc.pdf, demo.root)
        assert result.ok, (doc.review_id, doc.kind, result.failures)
        assert len(result.signatures) == doc.signature_count
        assert all(s.trusted for s in result.signatures)
        assert result.signatures[-1].coverage is Coverage.WHOLE_FILE


def test_every_page_of_every_demo_pdf_says_synthetic_data(demo: Demo) -> None:
    for doc in _all_documents(demo):
        pages = PdfReader(io.BytesIO(doc.pdf)).pages
        for number, page in enumerate(pages, start=1):
            assert "SYNTHETIC DATA" in (page.extract_text() or ""), (doc.review_id, number)


@needs_pdfsig
def test_pdfsig_finds_every_signature_valid_and_the_last_covering_the_file(demo: Demo) -> None:
    for doc in _all_documents(demo):
        verdicts = pdfsig(doc.pdf)
        assert len(verdicts) == doc.signature_count, (doc.review_id, doc.kind)
        assert all(v.valid for v in verdicts), (doc.review_id, doc.kind)
        assert verdicts[-1].total, (doc.review_id, doc.kind)
        ours = verify_pdf(doc.pdf).signatures
        assert [v.ranges for v in verdicts] == [s.signed_ranges for s in ours]


def test_the_verify_cli_passes_an_exported_demo_pdf(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (ref,) = demo.refs_in(DemoState.CO_SIGNED)
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", DEMO_PASSPHRASE)
    out = tmp_path / f"{ref}.pdf"
    trust = tmp_path / "demo-root.pem"
    trust.write_text(certificate_pem(demo.root), encoding="ascii")
    assert main(["pdf", ref, "--workspace", str(demo.folder), "--out", str(out)]) == 0
    assert main(["verify", str(out), "--trust", str(trust)]) == 0
    for extra in (["--taskforce-copy"], ["--version", "1"]):
        copy = tmp_path / f"{ref}{extra[0]}.pdf"
        args = ["pdf", ref, "--workspace", str(demo.folder), "--out", str(copy), *extra]
        assert main(args) == 0
        assert main(["verify", str(copy), "--trust", str(trust)]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err


# --- the build ------------------------------------------------------------------------------------


def test_progress_is_reported_per_step_up_to_done(demo: Demo) -> None:
    totals = {total for _, total, _ in demo.progress}
    assert len(totals) == 1
    (total,) = totals
    done = [d for d, _, _ in demo.progress]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total
    assert total >= len(DEMO_PLAN) + 6
    labels = [label for _, _, label in demo.progress]
    assert any("co-signed" in label for label in labels)
    assert labels[-1] == "Demo workspace ready"


def test_the_demo_command_prints_every_public_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo already built (a second run changes nothing) still prints them all.
    monkeypatch.setattr(
        "reviewer_app.services.demo.build.build_demo_workspace",
        lambda *a, **k: pytest.fail("an existing demo must not be rebuilt"),
    )
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "workspace.key.json").write_text("{}")
    demo_co_reviewer_file(folder).write_bytes(b"x")
    assert main(["demo", "--workspace", str(folder)]) == 0
    out = capsys.readouterr().out
    for secret in (DEMO_PASSPHRASE, DEMO_STUDY_PASSPHRASE, DEMO_CO_REVIEWER_PASSPHRASE):
        assert secret in out
    assert str(demo_co_reviewer_file(folder)) in out


def test_the_case_header_says_what_the_list_says_of_a_joint_review(demo: Demo) -> None:
    """A joint review signed once is "awaiting co-signature" in the header as in the list;
    a co-signed one and a single reviewer's signed one are "signed" in both."""
    from reviewer_app.services.review.service import ReviewService

    plan = planned_states(list(demo.summaries))
    with ReviewerSession.unlock(demo.folder, DEMO_PASSPHRASE) as session:
        service = ReviewService(session.workspace.db)
        for ref, state in plan.items():
            if state in (DemoState.AWAITING_CO_SIGNATURE, DemoState.CO_SIGNED, DemoState.SIGNED):
                assert service.shown_status(ref) is demo.summaries[ref].status, ref
        shown = {state: service.shown_status(ref) for ref, state in plan.items()}
    assert shown[DemoState.AWAITING_CO_SIGNATURE] is ReviewStatus.AWAITING_COSIGNATURE
    assert shown[DemoState.CO_SIGNED] is ReviewStatus.SIGNED
    assert shown[DemoState.SIGNED] is ReviewStatus.SIGNED
