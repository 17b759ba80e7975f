"""The coordinator's study: creation, intake, enrolment, allocation, packs (service level)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509

from reviewer_app import paths
from reviewer_app.errors import (
    InvalidInputError,
    NetworkDriveError,
    NotFoundError,
    UserError,
    WrongPassphraseError,
)
from reviewer_app.services.allocation import study_allocation
from reviewer_app.services.allocation.study_allocation import AllocationOutOfDateError
from reviewer_app.services.intake import study_intake
from reviewer_app.services.intake.study_intake import CohortRejectedError
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.packs.format import PackRefusal, PackRefusedError
from reviewer_app.services.packs.maker import pack_file_name
from reviewer_app.services.packs.opening import open_pack
from reviewer_app.services.study import Study
from reviewer_app.services.trust import cms, enrolment_desk
from reviewer_app.services.trust.authority import (
    fingerprint,
    parse_fingerprint,
    replaced_fingerprint_of,
    reviewer_ref_of,
)
from reviewer_app.services.trust.workspace_identity import load_private_key
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.study.enrolments import EnrolmentStore
from reviewer_app.storage.study.schema import STUDY_MIGRATIONS
from tests.support.sample_data import SAMPLE_DATA
from tests.support.study_fixtures import (
    STUDY_PASSPHRASE,
    World,
    cohort_bytes,
    new_study,
    new_workspace,
    panel,
    panel_bytes,
    snapshot,
    world,
)


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "worlds"


@pytest.fixture
def study(tmp_path: Path) -> Study:
    s = new_study(tmp_path / "study")
    yield s
    s.close()


# --- creating and opening ------------------------------------------------------------------


def test_a_new_study_has_a_root_and_reopens_with_its_passphrase(tmp_path: Path) -> None:
    with new_study(tmp_path / "s", cases=0) as study:
        fp = study.fingerprint()
        assert parse_fingerprint(fp) == fp
        assert fingerprint(study.root_certificate()) == fp
        assert study.info.review_mode == "independent"
    with Study.open(tmp_path / "s", STUDY_PASSPHRASE) as again:
        assert again.fingerprint() == fp
        assert again.info.name == "Test study"


def test_the_authority_key_is_stored_encrypted_under_the_passphrase(study: Study) -> None:
    from reviewer_app.storage.study.info import StudyInfoStore

    pem = StudyInfoStore(study.db).authority_key_pem()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    new_study(tmp_path / "s", cases=0).close()
    with pytest.raises(WrongPassphraseError, match="study"):
        Study.open(tmp_path / "s", "not the study passphrase")


def test_a_second_study_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    new_study(tmp_path / "s", cases=0).close()
    with pytest.raises(UserError, match="already a study"):
        Study.create(tmp_path / "s", STUDY_PASSPHRASE, name="Again", kdf=TEST_KDF)


def test_no_study_here(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        Study.open(tmp_path / "nothing", STUDY_PASSPHRASE)


def test_bad_mode_and_short_passphrase_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="independent"):
        Study.create(tmp_path / "a", STUDY_PASSPHRASE, name="X", mode="solo", kdf=TEST_KDF)
    with pytest.raises(UserError, match="at least"):
        Study.create(tmp_path / "b", "short", name="X", kdf=TEST_KDF)
    assert not Study.exists_in(tmp_path / "a") and not Study.exists_in(tmp_path / "b")


def test_a_study_on_a_network_drive_is_refused(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "share" / "study"
    mount = paths.Mount(mount_point=str(tmp_path / "share"), fs_type="cifs")
    monkeypatch.setattr(paths, "read_mount_table", lambda: [mount])
    (tmp_path / "share").mkdir()
    with pytest.raises(NetworkDriveError, match="network"):
        Study.create(target, STUDY_PASSPHRASE, name="X", kdf=TEST_KDF)
    assert not target.exists()


# --- cohort intake -------------------------------------------------------------------------


def test_importing_the_same_cohort_again_changes_nothing(study: Study) -> None:
    before = snapshot(study.db)
    report = study_intake.add_cohort(study, cohort_bytes(12), "cohort.csv")
    assert not report.changes.changed
    assert report.changes.unchanged == 12
    assert snapshot(study.db) == before
    assert "Nothing changed" in report.summary_lines()[0]


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_corrected_cohort_adds_and_updates_and_names_fields_not_values(study: Study) -> None:
    rows = _rows(cohort_bytes(14))  # the same first 12 + 2 new
    rows[0]["nhs_number"] = "999 000 0018"
    rows[1]["site"] = "Glenfield Hospital" if rows[1]["site"] != "Glenfield Hospital" else "X"
    report = study_intake.add_cohort(study, _csv(rows), "corrected.csv")
    assert report.changes.added == (rows[12]["case_ref"], rows[13]["case_ref"])
    assert report.changes.updated[rows[0]["case_ref"]] == ("nhs_number",)
    assert report.changes.updated[rows[1]["case_ref"]] == ("site",)
    assert report.changes.unchanged == 10
    text = "\n".join(report.summary_lines())
    assert "nhs_number" in text and "9990000018" not in text and "999 000 0018" not in text
    assert rows[1]["site"] not in text


def test_a_cohort_with_errors_imports_nothing_and_lists_every_error(study: Study) -> None:
    before = snapshot(study.db)
    rows = _rows(cohort_bytes(20))
    rows[13]["nhs_number"] = "999 000 0019"  # bad check digit
    rows[15]["date_of_death"] = "31/02/2018"
    rows[17]["sex"] = "x"
    with pytest.raises(CohortRejectedError) as caught:
        study_intake.add_cohort(study, _csv(rows), "bad.csv")
    message = str(caught.value)
    assert "nothing has been changed" in message
    assert "line 15, column nhs_number" in message
    assert "line 17, column date_of_death" in message
    assert "line 19, column sex" in message
    assert len(caught.value.problems) == 3
    assert rows[13]["family_name"] not in message
    assert snapshot(study.db) == before


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\xff binary", b"a,b,c\n1,2,3\n", b"case_ref\n"],
)
def test_garbage_cohorts_are_one_clear_error(study: Study, data: bytes) -> None:
    before = snapshot(study.db)
    with pytest.raises(InvalidInputError):
        study_intake.add_cohort(study, data, "junk.csv")
    assert snapshot(study.db) == before


def test_cohort_warnings_are_reported_and_flagged(tmp_path: Path) -> None:
    rows = _rows(cohort_bytes(3))
    rows[0]["date_of_birth"] = "2010-01-01"  # a child: outside this method
    with new_study(tmp_path / "s", cases=0) as study:
        report = study_intake.add_cohort(study, _csv(rows), "c.csv")
        from reviewer_app.storage.study.cohort import CohortStore

        assert CohortStore(study.db).flagged() == {rows[0]["case_ref"]: (False, True)}
    assert any("under 18" in str(w) for w in report.warnings)


def test_the_shared_synthetic_files_import(tmp_path: Path) -> None:
    with Study.create(tmp_path / "s", STUDY_PASSPHRASE, name="Shared", kdf=TEST_KDF) as study:
        cohort = study_intake.add_cohort(
            study, (SAMPLE_DATA / "cohort.csv").read_bytes(), "cohort.csv"
        )
        panel_report = study_intake.add_reviewers(
            study, (SAMPLE_DATA / "reviewers.csv").read_bytes(), "r.csv"
        )
        assert len(cohort.changes.added) == 40
        assert len(panel_report.changes.added) == 8
        report = study_allocation.allocate(study)
        assert len(report.result.pairs) + len(report.result.unallocated) == 40


# --- the panel -----------------------------------------------------------------------------


def test_panel_reimport_and_update(study: Study) -> None:
    before = snapshot(study.db)
    assert not study_intake.add_reviewers(study, panel_bytes(), "r.csv").changes.changed
    assert snapshot(study.db) == before
    changed = panel()
    changed[0] = changed[0].model_copy(update={"conflicts": ("renal",)})
    report = study_intake.add_reviewers(study, panel_bytes(changed), "r.csv")
    assert report.changes.updated == {"R01": ("conflicts",)}


def test_a_panel_with_errors_imports_nothing(study: Study) -> None:
    before = snapshot(study.db)
    bad = panel_bytes().replace(b",doctor,", b",surgeon,", 1)
    with pytest.raises(CohortRejectedError, match="profession"):
        study_intake.add_reviewers(study, bad, "r.csv")
    assert snapshot(study.db) == before


# --- enrolment -----------------------------------------------------------------------------


def test_enrol_issues_a_certificate_and_returns_the_key_fingerprint(
    study: Study, tmp_path: Path
) -> None:
    session, request = new_workspace(tmp_path / "ws", "R01")
    with session:
        result = enrolment_desk.enrol(study, request, "R01")
        assert result.key_fingerprint == session.key_fingerprint()
    active = EnrolmentStore(study.db).active("R01")
    assert active is not None
    cert = x509.load_pem_x509_certificate(active.cert_pem.encode())
    assert reviewer_ref_of(cert) == "R01"
    cert.verify_directly_issued_by(study.root_certificate())
    assert result.cert_fingerprint == fingerprint(cert)


def test_enrol_refusals_change_nothing(study: Study, tmp_path: Path) -> None:
    session, request = new_workspace(tmp_path / "ws", "R01")
    session.close()
    before = snapshot(study.db)
    with pytest.raises(InvalidInputError, match="not an enrolment request"):
        enrolment_desk.enrol(study, b"\x00garbage", "R01")
    tampered = request.replace(b"GMC 1234567", b"GMC 7654321")
    with pytest.raises(InvalidInputError, match="do not match"):
        enrolment_desk.enrol(study, tampered, "R01")
    with pytest.raises(NotFoundError, match="R99"):
        enrolment_desk.enrol(study, request, "R99")
    assert snapshot(study.db) == before


def test_a_second_key_needs_replace(study: Study, tmp_path: Path) -> None:
    first, request_1 = new_workspace(tmp_path / "ws1", "R01")
    second, request_2 = new_workspace(tmp_path / "ws2", "R01")
    first.close()
    second.close()
    old = enrolment_desk.enrol(study, request_1, "R01")
    before = snapshot(study.db)
    with pytest.raises(UserError, match="--replace"):
        enrolment_desk.enrol(study, request_2, "R01")
    with pytest.raises(UserError, match="same key"):
        enrolment_desk.enrol(study, request_1, "R01")
    assert snapshot(study.db) == before
    new = enrolment_desk.enrol(study, request_2, "R01", replace=True)
    assert new.replaced_fingerprint == old.cert_fingerprint
    history = EnrolmentStore(study.db).history("R01")
    assert [e.replaced for e in history] == [True, False]
    cert = x509.load_pem_x509_certificate(history[1].cert_pem.encode())
    assert replaced_fingerprint_of(cert) == old.cert_fingerprint


# --- allocation ----------------------------------------------------------------------------


def test_allocate_stores_pairs_and_writes_csv(study: Study) -> None:
    report = study_allocation.allocate(study)
    assert len(report.result.pairs) == 12
    assert not report.result.unallocated
    text = study_allocation.allocation_csv(study)
    assert text.splitlines()[0] == "case_ref,reviewer_1,reviewer_2"
    assert len(text.splitlines()) == 13
    assert report.not_enrolled  # nobody enrolled yet: reported
    assert (
        study_allocation.allocate(study).result.pairs == report.result.pairs
    )  # deterministic, stable


def test_unsafe_cases_are_reported_not_forced(tmp_path: Path) -> None:
    reviewers = panel()
    rows = _rows(cohort_bytes(4))
    specialty = rows[0]["specialty"]
    conflicted = [r.model_copy(update={"conflicts": (specialty,)}) for r in reviewers[:3]]
    with new_study(tmp_path / "s", cases=4) as study:
        study_intake.add_reviewers(study, panel_bytes([*conflicted, reviewers[3]]), "r.csv")
        report = study_allocation.allocate(study)
        unallocated = dict(report.result.unallocated)
        assert rows[0]["case_ref"] in unallocated
        assert rows[0]["case_ref"] not in report.result.pairs
        assert "could NOT be allocated" in "\n".join(report.summary_lines())


def test_overrides_survive_reallocation_and_unsafe_ones_are_refused(study: Study) -> None:
    study_allocation.allocate(study)
    ref = "NSR-0001"
    study_allocation.set_override(study, ref, ("R03", "R04"))
    report = study_allocation.allocate(study)
    assert report.result.pairs[ref] == ("R03", "R04")
    assert ref in report.result.overridden
    assert study_allocation.allocate(study).result.pairs[ref] == ("R03", "R04")
    with pytest.raises(InvalidInputError):
        study_allocation.set_override(study, ref, ("R03", "R03"))
    with pytest.raises(NotFoundError):
        study_allocation.set_override(study, ref, ("R03", "R99"))
    with pytest.raises(NotFoundError):
        study_allocation.set_override(study, "NSR-9999", ("R01", "R02"))
    study_allocation.set_override(study, ref, None)
    assert ref not in study_allocation.allocate(study).result.overridden


def test_make_packs_refuses_a_stale_allocation(study: Study, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="allocate first"):
        pack_maker.make_packs(study, tmp_path / "out")
    study_allocation.allocate(study)
    study_intake.add_cohort(study, cohort_bytes(13), "more.csv")
    with pytest.raises(AllocationOutOfDateError):
        pack_maker.make_packs(study, tmp_path / "out")


# --- packs ---------------------------------------------------------------------------------


def _pairs(w: World) -> dict[str, tuple[str, str]]:
    with w.study() as study:
        return study_allocation.allocation(study).pairs


def test_independent_packs_give_both_reviewers_the_case(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root)
    made = w.make_packs()
    assert set(made) == {"R01", "R02", "R03", "R04"}
    for ref, path in made.items():
        assert path.name == pack_file_name(ref, 1) == f"assignment-{ref}-0001.p7m"
    pairs = _pairs(w)
    for ref in made:
        with w.session(ref) as session:
            session.import_pack(made[ref].read_bytes(), trust_fingerprint=w.fingerprint())
            held = {s.case_ref for s in session.list_cases()}
        assert held == {c for c, pair in pairs.items() if ref in pair}


def test_joint_packs_go_to_the_first_reviewer_naming_the_second(
    tmp_path: Path, template_root
) -> None:
    w = world(tmp_path, template_root, mode="joint")
    made = w.make_packs()
    pairs = _pairs(w)
    firsts = {pair[0] for pair in pairs.values()}
    assert set(made) == firsts
    from reviewer_app.storage.workspace.assignments import AssignmentStore

    ref = sorted(firsts)[0]
    with w.session(ref) as session:
        report = session.import_pack(made[ref].read_bytes(), trust_fingerprint=w.fingerprint())
        assert sorted(report.added) == sorted(c for c, p in pairs.items() if p[0] == ref)
        case_ref = report.added[0]
        assignment = AssignmentStore(session.workspace.db).assignment(case_ref)
    assert assignment is not None
    assert assignment.review_mode == "joint"
    assert assignment.co_reviewer_ref == pairs[case_ref][1]
    names = {r.reviewer_ref: r.name for r in panel()}
    assert assignment.co_reviewer_name == names[pairs[case_ref][1]]


def test_a_reallocated_case_is_withdrawn_in_the_next_pack(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root)
    w.make_packs()
    pairs = _pairs(w)
    case_ref, (first, second) = next(iter(pairs.items()))
    others = [r for r in ("R01", "R02", "R03", "R04") if r not in (first, second)]
    with w.study() as study:
        study_allocation.set_override(study, case_ref, tuple(sorted(others)))
        study_allocation.allocate(study)
        report = pack_maker.make_packs(study, w.packs_dir)
    by_ref = {m.reviewer_ref: m for m in report.made}
    assert by_ref[first].withdrawn_count == 1 and by_ref[first].sequence == 2
    with w.study() as study:
        from reviewer_app.storage.study.packs import PackLedger

        last = PackLedger(study.db).last_pack(first)
    assert last is not None and last.withdrawn_case_refs == (case_ref,)
    assert case_ref not in last.case_refs


def test_a_pack_is_encrypted_to_its_reviewer_alone(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root)
    made = w.make_packs()
    data = made["R01"].read_bytes()
    with w.study() as study:
        cert = x509.load_pem_x509_certificate(
            EnrolmentStore(study.db).active("R01").cert_pem.encode()  # type: ignore[union-attr]
        )
        other = x509.load_pem_x509_certificate(
            EnrolmentStore(study.db).active("R02").cert_pem.encode()  # type: ignore[union-attr]
        )
        root = study.root_certificate()
    info = asn1_cms.ContentInfo.load(data)
    assert info["content_type"].native == "enveloped_data"
    recipients = list(info["content"]["recipient_infos"])
    assert len(recipients) == 1
    rid = recipients[0].chosen["rid"].chosen
    assert rid["serial_number"].native == cert.serial_number
    assert rid["issuer"].dump() == cert.issuer.public_bytes()
    assert b"NSR-0001" not in data and b"assignment-pack" not in data
    with w.session("R02") as session:
        identity = session.identity()
        assert identity is not None
        key = load_private_key(identity)
    with pytest.raises(cms.NotARecipientError):
        cms.open_envelope(data, key, other)
    with pytest.raises(PackRefusedError) as caught:
        open_pack(data, key, other, root)
    assert caught.value.reason is PackRefusal.NOT_FOR_YOU


# --- per-case review mode ----------------------------------------------------------------------


def _held(w: World, ref: str, pack: Path) -> dict[str, tuple[str, str | None, str | None]]:
    """Import ``pack`` into ``ref``'s workspace; case ref -> (mode, co-reviewer ref, name)."""
    from reviewer_app.storage.workspace.assignments import AssignmentStore

    with w.session(ref) as session:
        session.import_pack(pack.read_bytes(), trust_fingerprint=w.fingerprint())
        store = AssignmentStore(session.workspace.db)
        found = {}
        for summary in session.list_cases():
            a = store.assignment(summary.case_ref)
            assert a is not None
            found[summary.case_ref] = (a.review_mode, a.co_reviewer_ref, a.co_reviewer_name)
        return found


def test_a_joint_case_in_an_independent_study_goes_to_the_first_reviewer_only(
    tmp_path: Path, template_root
) -> None:
    w = world(tmp_path, template_root)
    pairs = _pairs(w)
    joint_ref, (first, second) = sorted(pairs.items())[0]
    with w.study() as study:
        study_allocation.set_case_mode(study, joint_ref, "joint")
        assert study_allocation.case_modes(study) == {joint_ref: "joint"}
    made = w.make_packs()
    names = {r.reviewer_ref: r.name for r in panel()}
    held_first = _held(w, first, made[first])
    assert held_first[joint_ref] == ("joint", second, names[second])
    assert {v for k, v in held_first.items() if k != joint_ref} == {("independent", None, None)}
    held_second = _held(w, second, made[second])
    assert joint_ref not in held_second
    assert held_second == {
        c: ("independent", None, None) for c, p in pairs.items() if second in p and c != joint_ref
    }


def test_clearing_the_override_gives_the_case_back_to_both(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root)
    pairs = _pairs(w)
    joint_ref, (first, second) = sorted(pairs.items())[0]
    with w.study() as study:
        study_allocation.set_case_mode(study, joint_ref, "joint")
    made = w.make_packs()
    _held(w, first, made[first])
    _held(w, second, made[second])
    with w.study() as study:
        study_allocation.set_case_mode(study, joint_ref, None)
        report = pack_maker.make_packs(study, w.packs_dir)
    again = {m.reviewer_ref: m.path for m in report.made}
    assert _held(w, first, again[first])[joint_ref] == ("independent", None, None)
    assert _held(w, second, again[second])[joint_ref] == ("independent", None, None)


def test_an_independent_case_in_a_joint_study_goes_to_both(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root, mode="joint")
    pairs = _pairs(w)
    solo_ref, (first, second) = sorted(pairs.items())[0]
    with w.study() as study:
        study_allocation.set_case_mode(study, solo_ref, "independent")
    made = w.make_packs()
    held_first = _held(w, first, made[first])
    assert held_first[solo_ref] == ("independent", None, None)
    assert all(v[0] == "joint" and v[1] for k, v in held_first.items() if k != solo_ref)
    assert _held(w, second, made[second])[solo_ref] == ("independent", None, None)


def test_set_case_mode_refusals(study: Study) -> None:
    with pytest.raises(NotFoundError):
        study_allocation.set_case_mode(study, "NO-SUCH-CASE", "joint")
    from reviewer_app.storage.study.cohort import CohortStore

    case_ref = CohortStore(study.db).cases()[0].case_ref
    with pytest.raises(InvalidInputError, match="independent"):
        study_allocation.set_case_mode(study, case_ref, "solo")
    assert study_allocation.case_modes(study) == {}


def test_the_set_mode_command(
    tmp_path: Path, template_root, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from reviewer_app import cli
    from reviewer_app.commands.common import STUDY_PASSPHRASE_ENV

    w = world(tmp_path, template_root)
    monkeypatch.setenv(STUDY_PASSPHRASE_ENV, STUDY_PASSPHRASE)
    case_ref = sorted(_pairs(w))[0]
    folder = str(w.study_dir)
    assert cli.main(["coordinator", "set-mode", folder, case_ref, "joint"]) == 0
    out = capsys.readouterr().out
    assert "jointly" in out and "independent" in out and "Make the packs again" in out
    with w.study() as study:
        assert study_allocation.case_modes(study) == {case_ref: "joint"}
    assert cli.main(["coordinator", "set-mode", folder, case_ref, "--clear"]) == 0
    assert "follows the study's review mode (independent)" in capsys.readouterr().out
    with w.study() as study:
        assert study_allocation.case_modes(study) == {}
    assert cli.main(["coordinator", "set-mode", folder, case_ref]) == 1  # neither
    assert cli.main(["coordinator", "set-mode", folder, case_ref, "joint", "--clear"]) == 1
    assert cli.main(["coordinator", "set-mode", folder, "NO-SUCH", "joint"]) != 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert "--clear" in printed.err


# --- one death is one case, across files ---------------------------------------------------


def test_a_second_file_cannot_add_a_death_already_in_the_study(study: Study) -> None:
    before = snapshot(study.db)
    rows = _rows(cohort_bytes(14))[12:]  # two new deaths...
    known = _rows(cohort_bytes(12))[3]
    rows.append(known | {"case_ref": "NSR-9999"})  # ...and one already a case
    with pytest.raises(CohortRejectedError) as caught:
        study_intake.add_cohort(study, _csv(rows), "more.csv")
    message = str(caught.value)
    assert "more.csv line 4, column nhs_number" in message
    assert f'already case "{known["case_ref"]}"' in message
    assert known["nhs_number"] not in message and known["family_name"] not in message
    assert snapshot(study.db) == before
    # The same death under its own case_ref is a correction, as before.
    report = study_intake.add_cohort(
        study, _csv([known | {"site": "Glenfield Hospital X"}]), "fix.csv"
    )
    assert report.changes.updated == {known["case_ref"]: ("site",)}


# --- what allocate and make-packs report ---------------------------------------------------


def test_making_packs_again_with_nothing_changed_writes_no_new_pack(
    tmp_path: Path, template_root
) -> None:
    w = world(tmp_path, template_root)
    w.make_packs()
    files = sorted(p.name for p in w.packs_dir.iterdir())
    with w.study() as study:
        report = pack_maker.make_packs(study, w.packs_dir)
        assert report.made == []
        assert report.unchanged == {"R01": 1, "R02": 1, "R03": 1, "R04": 1}
        lines = report.summary_lines()
        assert "No changes since pack 1 for R01: no new pack written." in lines
        assert "No packs made: nothing has changed since the last packs." in lines
        from reviewer_app.storage.study.cohort import CohortStore
        from reviewer_app.storage.study.packs import PackLedger

        assert len(PackLedger(study.db).all()) == 4
        case = CohortStore(study.db).cases()[0]
        holders = set(study_allocation.allocation(study).pairs[case.case_ref])
    assert sorted(p.name for p in w.packs_dir.iterdir()) == files
    # A corrected case detail is a change, for the two reviewers who hold the case only.
    rows = [r for r in _rows(cohort_bytes(12)) if r["case_ref"] == case.case_ref]
    with w.study() as study:
        study_intake.add_cohort(
            study, _csv([rows[0] | {"site": "Glenfield Hospital X"}]), "fix.csv"
        )
        study_allocation.allocate(study)
        report = pack_maker.make_packs(study, w.packs_dir)
    assert {m.reviewer_ref for m in report.made} == holders
    assert all(m.sequence == 2 for m in report.made)
    assert set(report.unchanged) == {"R01", "R02", "R03", "R04"} - holders
    # A new certificate (re-enrolment) is a change: the new workspace needs every case.
    session, request = new_workspace(tmp_path / "ws-new", "R01")
    session.close()
    with w.study() as study:
        enrolment_desk.enrol(study, request, "R01", replace=True)
        report = pack_maker.make_packs(study, w.packs_dir)
    assert [m.reviewer_ref for m in report.made] == ["R01"]


def _undo_after_v1(study: Study) -> None:
    """Drop every table and column the steps after version 1 added, whatever they are."""
    import sqlite3

    from reviewer_app.storage.study.schema import STUDY_SCHEMA_V1

    v1 = sqlite3.connect(":memory:")
    v1.executescript(STUDY_SCHEMA_V1)
    v1_tables = {r[0] for r in v1.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    now = [r[0] for r in study.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in now:
        if table not in v1_tables:
            study.db.execute(f'DROP TABLE "{table}"')
    for table in sorted(v1_tables):
        v1_cols = {r[1] for r in v1.execute(f'PRAGMA table_info("{table}")')}
        for row in list(study.db.execute(f'PRAGMA table_info("{table}")')):
            if row[1] not in v1_cols:
                study.db.execute(f'ALTER TABLE "{table}" DROP COLUMN "{row[1]}"')


def test_a_study_made_before_pack_digests_is_migrated(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root)
    w.make_packs()
    with w.study() as study:  # make it look like version 1: no digest column, no v3
        with study.db.transaction():
            _undo_after_v1(study)
        study.db.set_user_version(1)
    with w.study() as study:
        assert study.db.user_version == len(STUDY_MIGRATIONS)
        report = pack_maker.make_packs(study, w.packs_dir)  # no digest to compare: sent once more
        assert len(report.made) == 4 and all(m.sequence == 2 for m in report.made)
        assert pack_maker.make_packs(study, w.packs_dir).made == []
    assert list((w.study_dir / "backups").iterdir())


def test_allocate_and_make_packs_explain_joint_cases(tmp_path: Path, template_root) -> None:
    w = world(tmp_path, template_root)
    pairs = _pairs(w)
    joint_ref, (first, _second) = sorted(pairs.items())[0]
    with w.study() as study:
        study_allocation.set_case_mode(study, joint_ref, "joint")
        report = study_allocation.allocate(study)
        lines = report.summary_lines()
        assert lines[0] == "12 cases allocated (0 by hand)."
        assert lines[1].startswith(
            "12 cases: 11 independent double review (22 reviewer assignments), 1 joint ("
        )
        assert any(line.startswith("Cases per reviewer (a joint case counts") for line in lines)
        packs = pack_maker.make_packs(study, w.packs_dir)
    text = "\n".join(packs.summary_lines())
    made = {m.reviewer_ref: m for m in packs.made}
    assert made[first].joint_count == 1
    assert f"{made[first].path.name}: {made[first].case_count} cases (1 joint)" in text
    assert "Allocation: 12 cases: 11 independent double review (22 reviewer assignments)" in text
    with w.study() as study:
        study_allocation.set_case_mode(study, joint_ref, None)
        plain = study_allocation.allocate(study).summary_lines()
    assert plain[1] == "12 cases: 12 independent double review (24 reviewer assignments)."


def test_enrol_warns_when_the_request_email_is_not_the_panels(study: Study, tmp_path: Path) -> None:
    session, request = new_workspace(tmp_path / "ws", "R03")  # r03@example.nhs.uk
    session.close()
    result = enrolment_desk.enrol(study, request, "R01")  # the panel has r01@example.nhs.uk for R01
    assert len(result.warnings) == 1
    assert "r03@example.nhs.uk" in result.warnings[0]
    assert "r01@example.nhs.uk" in result.warnings[0]
    assert "--replace" in result.warnings[0]
    from reviewer_app.services.session import ReviewerSession

    same = ReviewerSession.create(tmp_path / "ws2", "reviewer workspace passphrase", kdf=TEST_KDF)
    request = same.create_identity(
        name="Nurse Test 2", profession="nurse", registration="NMC 12A1002E",
        email="R02@Example.nhs.uk",
    )  # fmt: skip
    same.close()
    assert enrolment_desk.enrol(study, request, "R02").warnings == []  # case does not matter


# --- the collection key (issue 12) -------------------------------------------------------------


def test_every_pack_carries_the_study_collection_certificate(
    tmp_path: Path, template_root: Path
) -> None:
    from reviewer_app.services.returns.format import is_collection_certificate
    from reviewer_app.services.trust.authority import certificate_pem

    w = world(tmp_path, template_root)
    made = w.make_packs()
    with w.study() as study:
        collection_pem = certificate_pem(study.collection_certificate())
        key, cert = study.collection_authority()
        assert is_collection_certificate(cert, study.root_certificate())
        assert key.public_key().public_numbers() == cert.public_key().public_numbers()
        root = study.root_certificate()
        assert pack_maker.make_packs(study, w.packs_dir).made == []  # the same key: no change
        enrolled = EnrolmentStore(study.db).active("R01")
        assert enrolled is not None
        cert_r01 = x509.load_pem_x509_certificate(enrolled.cert_pem.encode())
    with w.session("R01") as session:
        identity = session.identity()
        assert identity is not None
        opened = open_pack(made["R01"].read_bytes(), load_private_key(identity), cert_r01, root)
    assert opened.content.format_version == 2
    assert opened.content.collection_cert_pem == collection_pem


def test_the_collection_key_is_made_once_and_survives_a_passphrase_change(
    tmp_path: Path,
) -> None:
    from reviewer_app.services.study import change_study_passphrase

    folder = tmp_path / "s"
    with Study.create(folder, STUDY_PASSPHRASE, name="Keys", kdf=TEST_KDF) as study:
        first = study.collection_certificate()
        assert study.collection_certificate() == first
    new = "a brand new study passphrase"
    change_study_passphrase(folder, STUDY_PASSPHRASE, new, kdf=TEST_KDF)
    with Study.open(folder, new) as study:
        key, cert = study.collection_authority()
    assert cert == first
    assert key.public_key().public_numbers() == first.public_key().public_numbers()
