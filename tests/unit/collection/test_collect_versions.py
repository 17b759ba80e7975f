"""Idempotency and conflicts, supersession, revocation and hand-back, and the commands."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.errors import UserError
from reviewer_app.services.allocation import study_allocation
from reviewer_app.services.collection import records
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.packs.maker import make_packs
from reviewer_app.services.trust import enrolment_desk
from reviewer_app.storage import keys
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.cli_runner import run_cli as _run
from tests.support.cli_runner import study_cli_env
from tests.support.study_fixtures import STUDY_PASSPHRASE, new_workspace
from tests.unit.collection.collect_support import (
    Returned,
    amend_and_sign,
    held_cases,
    identity,
    read_bundle,
    resign,
    returned_world,
    sign_case,
)


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "collect-templates"


@pytest.fixture
def rw(tmp_path: Path, template_root: Path) -> Returned:
    return returned_world(tmp_path, template_root)


def _amend_first_and_return(rw: Returned) -> str:
    """R01 amends its first signed case and returns v2; the case ref."""
    with rw.session("R01") as session:
        signed = SignatureStore(session.workspace.db).signed_review_ids()
        case_ref = sorted(signed)[0]
        amend_and_sign(session, signed[case_ref][-1])
        session.return_reviews(rw.shared)
    return case_ref


def test_an_amendment_supersedes_its_predecessor_and_both_are_kept(rw: Returned) -> None:
    with rw.study() as study:
        collect(study, rw.shared)
    case_ref = _amend_first_and_return(rw)
    with rw.study() as study:
        report = collect(study, rw.shared)
        state = records.returned_states(study)[(case_ref, "R01")]
    assert report.counts("R01").superseded == 1 and report.counts("R01").new == 0
    assert state.version == 2 and state.versions == (1, 2) and state.amended


def test_a_predecessor_later_in_the_same_run_is_waited_for(rw: Returned) -> None:
    case_ref = _amend_first_and_return(rw)
    # the amendment's bundle now sorts before its predecessor's
    (rw.shared / "return-R01-0002.p7m").rename(rw.shared / "return-R01-0000.p7m")
    with rw.study() as study:
        report = collect(study, rw.shared)
        state = records.returned_states(study)[(case_ref, "R01")]
    assert report.quarantined == [] and state.versions == (1, 2)


def test_an_amendment_without_its_predecessor_waits_in_quarantine(
    rw: Returned, tmp_path: Path
) -> None:
    case_ref = _amend_first_and_return(rw)
    away = tmp_path / "away.p7m"
    shutil.move(rw.shared / "return-R01-0001.p7m", away)
    with rw.study() as study:
        report = collect(study, rw.shared)
        assert [q.reason for q in report.quarantined] == [QuarantineReason.NO_PREDECESSOR]
        assert (case_ref, "R01") not in records.returned_states(study)
    shutil.move(away, rw.shared / "return-R01-0001.p7m")
    with rw.study() as study:
        again = collect(study, rw.shared)
        assert records.returned_states(study)[(case_ref, "R01")].versions == (1, 2)
        assert records.quarantine(study) == []
    assert again.counts("R01").new == 2 and again.counts("R01").superseded == 1


def test_an_older_version_after_a_newer_one_changes_nothing(rw: Returned) -> None:
    with rw.study() as study:
        collect(study, rw.shared)
    case_ref = _amend_first_and_return(rw)
    with rw.study() as study:
        collect(study, rw.shared)
        old = read_bundle(study, rw.shared / "return-R01-0001.p7m")
        with rw.session("R01") as session:
            key, cert = identity(session)
        # the old bundle, encrypted again: another file, the same versions
        (rw.shared / "return-R01-0009.p7m").write_bytes(resign(study, old, key, cert))
        report = collect(study, rw.shared)
        state = records.returned_states(study)[(case_ref, "R01")]
    assert report.files_collected == 1 and report.counts("R01").unchanged == 2
    assert state.version == 2


def test_the_same_version_with_other_content_is_a_conflict_never_an_overwrite(
    rw: Returned,
) -> None:
    restored = rw.w.root / "ws-R01-restored"
    shutil.copytree(rw.w.workspace_dir("R01"), restored)
    with rw.session("R01") as session:
        case_ref = held_cases(session)[2]
        sign_case(session, case_ref, seed=1)
        session.return_reviews(rw.shared)
    with rw.study() as study:
        collect(study, rw.shared)
        first = records.returned_states(study)[(case_ref, "R01")]
    from reviewer_app.services.session import ReviewerSession
    from tests.support.study_fixtures import WORKSPACE_PASSPHRASE

    with ReviewerSession.unlock(restored, WORKSPACE_PASSPHRASE) as other:
        sign_case(other, case_ref, seed=7)  # same case, same version 1, other answers
        other.return_reviews(rw.shared)
    with rw.study() as study:
        report = collect(study, rw.shared)
        conflicts = records.conflicts(study)
        kept = records.returned_states(study)[(case_ref, "R01")]
    assert report.counts("R01").conflicts == 1 and len(report.conflicts) == 1
    assert [(c.case_ref, c.version) for c in conflicts] == [(case_ref, 1)]
    assert kept.conflict and kept.signed_at == first.signed_at
    assert "CONFLICT" in "\n".join(report.summary_lines())


# --- revocation -----------------------------------------------------------------------------


def test_reviews_signed_before_a_revocation_stay_valid(rw: Returned) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)  # surely after the signing
    with rw.study() as study:
        enrolment_desk.revoke(study, "R01", "laptop lost", clock=lambda: later)
        report = collect(study, rw.shared)
    assert report.quarantined == [] and report.counts("R01").new == 2


def test_a_bundle_signed_after_the_revocation_is_quarantined(rw: Returned) -> None:
    with rw.study() as study:
        enrolment_desk.revoke(study, "R01", "laptop lost")
        bundle = read_bundle(study, rw.shared / "return-R01-0001.p7m")
        with rw.session("R01") as session:
            key, cert = identity(session)
        (rw.shared / "return-R01-0001.p7m").write_bytes(resign(study, bundle, key, cert))
        report = collect(study, rw.shared)
    assert [q.reason for q in report.quarantined] == [QuarantineReason.REVOKED]
    assert report.counts("R01").new == 0 and report.counts("R02").new == 2


def test_a_revoked_reviewer_gets_no_pack_and_re_enrols_with_a_new_identity(
    rw: Returned, tmp_path: Path
) -> None:
    with rw.study() as study:
        first = enrolment_desk.revoke(study, "R01", "laptop lost")
        again = enrolment_desk.revoke(study, "R01", "another reason")
        assert again.already and again.revoked_at == first.revoked_at
        assert again.reason == "laptop lost"
        packs = make_packs(study, rw.shared)
        assert packs.revoked == ["R01"] and "R01" not in {m.reviewer_ref for m in packs.made}
        session2, request = new_workspace(tmp_path / "new-ws", "R01")
        session2.close()
        result = enrolment_desk.enrol(study, request, "R01", replace=True)
        assert result.replaced_fingerprint == first.cert_fingerprint
        packs = make_packs(study, rw.shared)
        assert "R01" in {m.reviewer_ref for m in packs.made} and packs.revoked == []


def test_revocation_needs_a_reason_and_an_enrolled_reviewer(rw: Returned) -> None:
    with rw.study() as study:
        with pytest.raises(UserError, match="reason"):
            enrolment_desk.revoke(study, "R01", "  ")
        with pytest.raises(UserError, match="no reviewer R99"):
            enrolment_desk.revoke(study, "R99", "gone")


# --- hand-back ------------------------------------------------------------------------------


def test_a_handed_back_case_is_reallocated_and_later_returns_are_quarantined(
    rw: Returned,
) -> None:
    with rw.study() as study:
        collect(study, rw.shared)
        (handed,) = records.handed_back(study)
        case_ref, ref = handed
        assert ref == "R02"
        with pytest.raises(UserError, match="allocate again"):
            make_packs(study, rw.shared)
        study_allocation.allocate(study)
        pair = study_allocation.allocation(study).pairs[case_ref]
        assert "R02" not in pair
        assert "R02" in {m.reviewer_ref for m in make_packs(study, rw.shared).made}
        bundle = read_bundle(study, rw.shared / "return-R02-0001.p7m")
        with rw.session("R02") as session:
            key, cert = identity(session)
        (rw.shared / "return-R02-0002.p7m").write_bytes(resign(study, bundle, key, cert))
        report = collect(study, rw.shared)
    assert [q.reason for q in report.quarantined] == [QuarantineReason.NOT_ALLOCATED]


# --- the commands ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    study_cli_env(monkeypatch)


def test_collect_and_revoke_commands(
    rw: Returned, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    study = str(rw.w.study_dir)
    code, out, err = _run(capsys, "coordinator", "collect", study, str(rw.shared), "--json")
    assert code == 0, err
    assert json.loads(out)["totals"]["new"] == 4
    assert "[2/2]" in err and "Collection done" in err  # progress on stderr, JSON clean on stdout
    code, out, err = _run(capsys, "coordinator", "collect", study, str(rw.shared))
    assert code == 0 and "2 already collected" in out
    code, out, err = _run(capsys, "coordinator", "revoke", study, "R03", "--reason", "laptop lost")
    assert code == 0 and "Revoked R03's certificate" in out and "--replace" in out
    code, out, err = _run(capsys, "coordinator", "collect", study, str(rw.root_missing()))
    assert code != 0 and "There is no folder" in err


def test_collect_without_a_folder_needs_one_until_packs_were_made(
    tmp_path: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from reviewer_app.services.study import Study

    Study.create(tmp_path / "s", STUDY_PASSPHRASE, name="Empty", kdf=keys.TEST_KDF).close()
    code, _, err = _run(capsys, "coordinator", "collect", str(tmp_path / "s"))
    assert code != 0 and "give the folder holding the returns" in err


def test_a_review_made_under_definition_v1_is_collected_as_v1(rw: Returned) -> None:
    """A review begun before v2 stays a v1 review: collection checks it against v1 and takes
    it; a version the app does not have is refused as one the study did not send."""
    from reviewer_app.domain.definition import default_definition, load_definition_version
    from reviewer_app.services.review.service import ReviewService
    from reviewer_app.services.signing.signoff import SignoffService
    from tests.support.review_fixtures import complete_answers
    from tests.support.study_fixtures import WORKSPACE_PASSPHRASE

    current = default_definition()
    assert current.version >= 2
    v1 = load_definition_version(current.id, 1)
    with rw.session("R01") as session:
        case_ref = held_cases(session)[2]
        reviews = ReviewService(session.workspace.db, current_definition=lambda: v1)
        opened = reviews.open(case_ref, "reviewer")
        assert opened.definition.version == 1
        reviews.save(opened.review_id, complete_answers(v1), "reviewer")
        signoff = SignoffService(session.workspace, synthetic=True)
        signoff.sign(
            opened.review_id, WORKSPACE_PASSPHRASE, signoff.check(opened.review_id).warning_codes
        )
        session.return_reviews(rw.shared)
    with rw.study() as study:
        report = collect(study, rw.shared)
        assert report.quarantined == []
        stored = {(s.case_ref, s.reviewer_ref): s for s in records.returned_states(study).values()}
        assert (case_ref, "R01") in stored
        contents = {st.case_ref: doc for st, doc in records.in_force_contents(study)}
        assert contents[case_ref]["definition"]["version"] == "1"
