"""The workspace's integrity check (services/integrity/checks.py): every kind of tampering is
caught and named, in the one place unlock, sign-off, export and return all call.

Tampering is done as someone holding the key would (tests/support/audit_tampering.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.domain.definition import default_definition
from reviewer_app.errors import UserError
from reviewer_app.services.integrity.checks import (
    SIGNATURE_ACTIONS,
    WHAT_TO_DO,
    WorkspaceIntegrityError,
    check_workspace,
    require_intact,
)
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.signing.signoff import SignoffService
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.cases import CaseStore
from tests.support import audit_tampering
from tests.support.signoff_fixtures import PASSPHRASE, Bench, Clock, make_bench


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One signed case (SIG-0001) and one draft (SIG-0002), built once."""
    bench = make_bench(tmp_path_factory.mktemp("integrity") / "ws", case_count=2)
    bench.sign("SIG-0001")
    bench.reviews.open("SIG-0002", "R01")
    bench.workspace.close()
    return bench.workspace.folder


@pytest.fixture
def bench(template: Path, tmp_path: Path) -> Iterator[Bench]:
    """A private copy of the template, opened with the services of ``make_bench``."""
    folder = tmp_path / "ws"
    shutil.copytree(template, folder)
    workspace = Workspace.unlock(folder, PASSPHRASE)
    clock = Clock()
    yield Bench(
        workspace,
        ReviewService(workspace.db, current_definition=default_definition, clock=clock),
        SignoffService(workspace, clock=clock, synthetic=True),
        clock,
    )
    workspace.close()


def patient_words(bench: Bench) -> list[str]:
    cases = [CaseStore(bench.workspace.db).get(f"SIG-000{i}") for i in (1, 2)]
    return [w for c in cases for w in (c.family_name, c.nhs_number)]


def test_an_untouched_workspace_is_intact(bench: Bench) -> None:
    report = check_workspace(bench.workspace.db, contents=True)
    assert report.ok and report.chain_ok and report.database_ok
    assert report.chain.entries == AuditLog(bench.workspace.db).head().seq > 0
    assert len(report.signatures) == 1 and report.sealed == ()
    assert report.lines()[-1].startswith("INTACT")
    assert require_intact(bench.workspace.db, "signing").ok


@pytest.mark.parametrize(
    ("how", "args", "bad_seq", "words"),
    [
        ("edit", (3,), 3, "altered"),
        ("delete", (2,), 2, "missing"),
        ("reorder", (2, 4), 2, "does not follow"),
    ],
)
def test_each_kind_of_tampering_is_caught_and_refused(
    bench: Bench, how: str, args: tuple[int, ...], bad_seq: int, words: str
) -> None:
    db = bench.workspace.db
    getattr(audit_tampering, how)(db, *args)
    report = check_workspace(db)
    assert not report.ok and not report.chain_ok and report.database_ok
    assert report.chain.first_bad_seq == bad_seq
    assert words in (report.chain.problem or "")
    # The signature sealed a head after the break: it is lost with the chain.
    assert len(report.sealed) == 1 and "SIG-0001 version 1" in report.sealed[0].text
    with pytest.raises(WorkspaceIntegrityError) as refused:
        require_intact(db, "signing")
    message = str(refused.value)
    assert "so signing is refused" in message and f"entry {bad_seq}" in message
    assert WHAT_TO_DO in message and "backup" in message and "coordinator" in message
    assert not any(word in message for word in patient_words(bench))
    assert report.lines()[-1].startswith("NOT INTACT")


def test_a_rewritten_chain_is_caught_by_the_head_a_signature_sealed(bench: Bench) -> None:
    """Re-hashed from the start, the chain is valid on its own: only the sealed head shows."""
    db = bench.workspace.db
    audit_tampering.rewrite_history(db)
    assert AuditLog(db).verify().ok
    report = check_workspace(db)
    assert report.chain_ok and not report.ok
    (problem,) = report.sealed
    assert problem.signature.case_ref == "SIG-0001" and problem.signature.role == "reviewer"
    assert "no longer matches the trail" in problem.text
    with pytest.raises(WorkspaceIntegrityError, match="audit head it sealed"):
        require_intact(db, "export")


def test_a_break_after_a_signature_keeps_that_signature_matched(bench: Bench) -> None:
    db = bench.workspace.db
    sealed = check_workspace(db).signatures[0].head
    bench.complete_review("SIG-0002")  # entries after the signature
    audit_tampering.edit(db, AuditLog(db).head().seq)
    report = check_workspace(db)
    assert not report.chain_ok and report.chain.first_bad_seq == AuditLog(db).head().seq
    assert report.chain.first_bad_seq > sealed.seq
    assert report.sealed == (), "the signature's head comes before the break: still matched"


def _signature_entries(bench: Bench) -> tuple[int, int]:
    """The sealed head's seq of SIG-0001's signature, and the seq of its own "signed" entry."""
    db = bench.workspace.db
    (signed,) = [e for e in AuditLog(db).entries() if e.action == SIGNATURE_ACTIONS["reviewer"]]
    return signed.new_value["audit_head"][0], signed.seq


CUT_SHORT = (
    "the audit entry recording the signature of case SIG-0001 version 1 is missing: "
    "the trail was cut short"
)


@pytest.mark.parametrize("cut", ["the signed entry onwards", "everything after the head"])
def test_a_trail_cut_short_after_a_signature_is_caught_by_the_quick_check(
    bench: Bench, cut: str
) -> None:
    """B7: deleting the tail (the signature's own "signed" entry, or its status entry and
    "signed" entry) leaves a chain that holds and the sealed head still in it."""
    db = bench.workspace.db
    head_seq, signed_seq = _signature_entries(bench)
    assert signed_seq > head_seq + 1  # its status entry comes between
    audit_tampering.truncate(db, signed_seq if cut.startswith("the signed") else head_seq + 1)
    assert AuditLog(db).verify().ok, "the chain that is left holds on its own"
    for contents in (False, True):
        report = check_workspace(db, contents=contents)
        assert not report.ok and report.chain_ok
        assert report.problems == (CUT_SHORT,), "named once, not as a content mismatch too"
        assert CUT_SHORT in report.lines()[3]
    for doing in ("signing", "co-signing", "exporting the signed summaries"):
        with pytest.raises(WorkspaceIntegrityError) as refused:
            require_intact(db, doing)
        assert f"so {doing} is refused" in str(refused.value) and CUT_SHORT in str(refused.value)
        assert not any(word in str(refused.value) for word in patient_words(bench))
    review_id = bench.complete_review("SIG-0002")  # signing anything else seals nothing
    with pytest.raises(WorkspaceIntegrityError, match="the trail was cut short"):
        bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))
    assert bench.signoff.signatures(review_id) == []


def test_unlock_refuses_a_trail_cut_short(bench: Bench) -> None:
    folder, key = bench.workspace.folder, bench.workspace.key
    _, signed_seq = _signature_entries(bench)
    bench.workspace.close()
    audit_tampering.tamper_file(Workspace.db_path_in(folder), key, "truncate", signed_seq)
    with pytest.raises(WorkspaceIntegrityError, match="opening the workspace is refused") as no:
        Workspace.unlock(folder, PASSPHRASE)
    assert CUT_SHORT in str(no.value)


def test_a_trail_cut_short_before_a_sealed_head_says_so(bench: Bench) -> None:
    db = bench.workspace.db
    head_seq, _ = _signature_entries(bench)
    audit_tampering.truncate(db, head_seq)
    (problem,) = check_workspace(db).sealed
    assert f"the audit head it sealed (entry {head_seq}) no longer matches the trail" in (
        problem.text
    )
    assert f"the trail ends at entry {head_seq - 1}, so it was cut short" in problem.text


def test_every_signature_has_its_entry_and_later_entries_keep_it_intact(bench: Bench) -> None:
    """The coherent side: the signature's own entry is there, whatever follows it."""
    db = bench.workspace.db
    bench.sign("SIG-0002")
    report = check_workspace(db)
    assert report.ok and len(report.signatures) == 2, report.problems
    signed = [e for e in AuditLog(db).entries() if e.action == "signed"]
    assert len(signed) == 2 and AuditLog(db).head().seq == signed[-1].seq
    assert check_workspace(db, contents=True).ok


def test_the_actions_checked_are_those_sign_off_writes() -> None:
    from reviewer_app.services.signing.signing_inputs import SIGNED_ACTION

    assert SIGNATURE_ACTIONS["reviewer"] == SIGNED_ACTION
    assert SIGNATURE_ACTIONS["co_reviewer"] == "co_signed"


def test_answers_changed_under_a_signature_are_caught_by_the_full_check(bench: Bench) -> None:
    db = bench.workspace.db
    review_id = bench.reviews.open("SIG-0001", "R01").review_id
    with db.transaction():
        for name in ("answers_locked_update",):
            db.execute(f"DROP TRIGGER {name}")
        db.execute(
            "UPDATE answers SET value_json = '\"changed\"' WHERE review_id = ? AND "
            "question_id = (SELECT min(question_id) FROM answers WHERE review_id = ?)",
            (review_id, review_id),
        )
    assert check_workspace(db).ok, "the quick check reads heads, not contents"
    report = check_workspace(db, contents=True)
    assert not report.ok and report.contents_checked
    assert "no longer hashes to the content that was signed" in report.sealed[0].text


def test_unlock_refuses_a_tampered_workspace_and_check_may_still_read_it(bench: Bench) -> None:
    folder, key = bench.workspace.folder, bench.workspace.key
    bench.workspace.close()
    assert Workspace.unlock(folder, PASSPHRASE).db is not None  # intact: opens
    audit_tampering.tamper_file(Workspace.db_path_in(folder), key, "delete", 5)
    for connect in (True, False):
        with pytest.raises(WorkspaceIntegrityError) as refused:
            Workspace.unlock(folder, PASSPHRASE, connect=connect)
        assert "opening the workspace is refused" in str(refused.value)
        assert "entry 5 is missing" in str(refused.value)
    with Workspace.unlock(folder, PASSPHRASE, check_integrity=False) as opened:
        assert check_workspace(opened.db).chain.first_bad_seq == 5
    # The refusal left the file as it was: the same finding again, nothing repaired.
    with Workspace.unlock(folder, PASSPHRASE, check_integrity=False) as opened:
        assert AuditLog(opened.db).verify().first_bad_seq == 5


def test_a_damaged_page_of_the_database_file_is_refused(tmp_path: Path) -> None:
    bench = make_bench(tmp_path / "ws", case_count=8)
    for ref in ("SIG-0001", "SIG-0002", "SIG-0003"):
        bench.complete_review(ref)
    folder = bench.workspace.folder
    bench.workspace.close()
    path = Workspace.db_path_in(folder)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[5 * page + 100] ^= 0xFF  # one byte inside a page well past the first
    path.write_bytes(bytes(data))
    with pytest.raises(UserError) as refused:
        Workspace.unlock(folder, PASSPHRASE)
    assert "backup" in str(refused.value)
    with Workspace.unlock(folder, PASSPHRASE, check_integrity=False) as opened:
        report = check_workspace(opened.db)
    assert not report.database_ok and not report.ok
    assert any(p.startswith("the database file: ") for p in report.problems)


def test_a_co_signed_review_is_intact_and_its_co_signature_must_name_the_same_content(
    tmp_path: Path,
) -> None:
    from tests.support.signoff_fixtures import COSIGNER_PASSPHRASE, bob_pkcs12

    bench = make_bench(tmp_path / "ws", case_count=1)
    try:
        bench.joint("SIG-0001")
        review_id = bench.sign("SIG-0001")
        slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
        db = bench.workspace.db
        report = check_workspace(db, contents=True)
        assert report.ok, report.problems
        assert [s.role for s in report.signatures] == ["reviewer", "co_reviewer"]
        assert AuditLog(db).entries()[-1].action == "co_signed"
        with db.transaction():
            db.execute("DROP TRIGGER IF EXISTS signatures_no_update")
            db.execute(
                "UPDATE signatures SET content_sha256 = ? WHERE review_id = ? AND seq = 2",
                ("0" * 64, review_id),
            )
        (problem,) = check_workspace(db, contents=True).sealed
        assert problem.signature.role == "co_reviewer"
        # its own audit entry names the content it signed: the quick check sees it too
        assert "the audit entry recording the co-signature of case SIG-0001 version 1" in (
            problem.text
        )
        assert "does not match the signature" in problem.text
        assert check_workspace(db).sealed == (problem,)
    finally:
        bench.workspace.close()


def test_a_co_signature_whose_entry_was_cut_off_is_caught(tmp_path: Path) -> None:
    from tests.support.signoff_fixtures import COSIGNER_PASSPHRASE, bob_pkcs12

    bench = make_bench(tmp_path / "ws", case_count=1)
    try:
        bench.joint("SIG-0001")
        review_id = bench.sign("SIG-0001")
        slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
        db = bench.workspace.db
        audit_tampering.truncate(db, AuditLog(db).head().seq)  # the "co_signed" entry
        report = check_workspace(db)
        assert report.chain_ok and report.problems == (
            "the audit entry recording the co-signature of case SIG-0001 version 1 is "
            "missing: the trail was cut short",
        )
    finally:
        bench.workspace.close()


# --- before every signature (needs signoff.py to call require_intact: see the issue-10 report)


def test_signing_and_co_signing_refuse_a_broken_trail_and_sign_nothing(tmp_path: Path) -> None:
    from tests.support.signoff_fixtures import COSIGNER_PASSPHRASE, bob_pkcs12

    bench = make_bench(tmp_path / "ws", case_count=2)
    try:
        bench.joint("SIG-0002")
        joint = bench.sign("SIG-0002")
        review_id = bench.complete_review("SIG-0001")
        db = bench.workspace.db
        audit_tampering.edit(db, 2)  # while the workspace is open, as in a running app
        with pytest.raises(WorkspaceIntegrityError, match="so signing is refused"):
            bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))
        assert bench.signoff.signatures(review_id) == []
        slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
        with pytest.raises(WorkspaceIntegrityError, match="is refused"):
            bench.signoff.cosign(joint, slot.id, COSIGNER_PASSPHRASE)
        assert len(bench.signoff.signatures(joint)) == 1
    finally:
        bench.workspace.close()
