"""Importing packs into a reviewer's workspace: trust on first use, refusals, later packs."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import NewerVersionError, ReadOnlyError, UserError
from reviewer_app.services.allocation import study_allocation
from reviewer_app.services.intake import study_intake
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.packs.format import (
    PackCase,
    PackContent,
    PackRefusal,
    PackRefusedError,
    build_pack,
)
from reviewer_app.services.packs.importer import OlderPackError, TrustNotConfirmedError
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import certificate_pem, fingerprint
from reviewer_app.services.trust.workspace_identity import load_private_key
from reviewer_app.storage.audit import AuditLog, verify_audit
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.crypto_fixtures import study_b
from tests.support.study_fixtures import World, snapshot, world
from tests.support.study_fixtures import pack_content_for as _content


def _first_import(w: World, ref: str = "R01") -> tuple[dict[str, Path], ReviewerSession]:
    made = w.make_packs()
    session = w.session(ref)
    session.import_pack(made[ref].read_bytes(), trust_fingerprint=w.fingerprint())
    return made, session


# --- trust on first use --------------------------------------------------------------------


def test_the_first_pack_needs_the_fingerprint_confirmed(w: World) -> None:
    made = w.make_packs()
    data = made["R01"].read_bytes()
    with w.session("R01") as session:
        before = snapshot(session.workspace.db)
        preview = session.preview_pack(data)
        assert not preview.trusted
        assert preview.root_fingerprint == w.fingerprint()
        assert preview.addressee_ref == "R01"
        assert preview.case_count > 0 and preview.review_mode == "independent"
        with pytest.raises(TrustNotConfirmedError, match="first pack"):
            session.import_pack(data)
        with pytest.raises(TrustNotConfirmedError, match="not the fingerprint"):
            session.import_pack(data, trust_fingerprint="00" * 32)
        assert snapshot(session.workspace.db) == before
        identity = session.identity()
        assert identity is not None and identity.cert_pem is None
        typed = w.fingerprint().lower().replace(" ", ":")
        report = session.import_pack(data, trust_fingerprint=typed)
        assert report.root_pinned and report.certificate_stored
        assert report.added and not report.updated
        assert session.preview_pack(data).trusted
        pinned = AssignmentStore(session.workspace.db).pinned_root()
        assert pinned is not None and pinned.fingerprint == w.fingerprint()


def test_the_certificate_from_the_pack_is_stored_and_matches_the_key(w: World) -> None:
    _, session = _first_import(w)
    with session:
        identity = session.identity()
        assert identity is not None and identity.cert_pem is not None
        assert identity.reviewer_ref == "R01"
        cert = x509.load_pem_x509_certificate(identity.cert_pem)
        key = load_private_key(identity)
        assert cert.public_key().public_numbers() == key.public_key().public_numbers()
        (root_pem,) = identity.chain_pems
        cert.verify_directly_issued_by(x509.load_pem_x509_certificate(root_pem))


def test_reimporting_the_same_pack_changes_nothing(w: World) -> None:
    made, session = _first_import(w)
    with session:
        before = snapshot(session.workspace.db)
        report = session.import_pack(made["R01"].read_bytes())
        assert report.already_imported and not report.changed
        assert "already imported" in report.summary_lines()[0]
        assert snapshot(session.workspace.db) == before


# --- refusals, each with nothing changed ---------------------------------------------------


def _refused(session: ReviewerSession, data: bytes, error: type[Exception] = UserError) -> Any:
    before = snapshot(session.workspace.db)
    with pytest.raises(error) as caught:
        session.import_pack(data, trust_fingerprint=None)
    assert snapshot(session.workspace.db) == before
    assert "Nothing has been changed" in str(caught.value)
    return caught.value


def test_a_pack_for_someone_else_is_refused(w: World) -> None:
    made, session = _first_import(w)
    with session:
        err = _refused(session, made["R02"].read_bytes(), PackRefusedError)
        assert err.reason is PackRefusal.NOT_FOR_YOU


def test_a_pack_for_someone_else_is_refused_before_the_first_import(w: World) -> None:
    made = w.make_packs()
    with w.session("R01") as session:
        before = snapshot(session.workspace.db)
        with pytest.raises(PackRefusedError) as caught:
            session.import_pack(made["R02"].read_bytes(), trust_fingerprint=w.fingerprint())
        assert caught.value.reason is PackRefusal.NOT_FOR_YOU
        with pytest.raises(PackRefusedError) as caught:
            session.import_pack(b"not a pack at all", trust_fingerprint=w.fingerprint())
        assert caught.value.reason is PackRefusal.NOT_A_PACK
        assert snapshot(session.workspace.db) == before


def test_a_tampered_pack_is_refused(w: World) -> None:
    _made, session = _first_import(w)
    content, key, root, cert = _content(w, "R01")
    signed = bytearray(cms.sign_attached(content.to_json_bytes(), key, root))
    at = signed.find(b"NSR-")
    signed[at + 4] ^= 0x01
    with session:
        err = _refused(session, cms.envelope(bytes(signed), cert), PackRefusedError)
        assert err.reason is PackRefusal.TAMPERED


def test_a_forged_pack_is_refused(w: World) -> None:
    _made, session = _first_import(w)
    content, _key, _root, cert = _content(w, "R01")
    impostor = study_b()
    forged = cms.envelope(
        cms.sign_attached(content.to_json_bytes(), impostor.key, impostor.root), cert
    )
    with session:
        err = _refused(session, forged, PackRefusedError)
        assert err.reason in (PackRefusal.FORGED, PackRefusal.OTHER_STUDY)


def test_a_pack_from_another_study_is_refused(w: World, tmp_path: Path, template_root) -> None:
    other = world(tmp_path / "other", template_root / "other-root")
    made_other = other.make_packs()
    _, session = _first_import(w)
    # the other world's R01 has another key: re-encrypt its content for our R01's certificate
    content, _k, _r, cert = _content(w, "R01")
    with other.study() as study:
        key, root = study.signing_authority()
    doc = content.model_dump(mode="json")
    doc["study_root_cert_pem"] = certificate_pem(root)
    signed = cms.sign_attached(json.dumps(doc).encode(), key, root)
    with session:
        err = _refused(session, cms.envelope(signed, cert), PackRefusedError)
        assert err.reason is PackRefusal.OTHER_STUDY
        _refused(session, made_other["R01"].read_bytes(), PackRefusedError)


def test_a_newer_format_is_refused(w: World) -> None:
    _, session = _first_import(w)
    content, key, root, cert = _content(w, "R01")
    doc = content.model_dump(mode="json")
    doc["format_version"] = 3
    data = cms.envelope(cms.sign_attached(json.dumps(doc).encode(), key, root), cert)
    with session:
        err = _refused(session, data, NewerVersionError)
        assert "newer version" in str(err)


def test_an_older_pack_is_refused(w: World) -> None:
    _, session = _first_import(w)
    content, key, root, cert = _content(w, "R01", sequence=5)
    newer = build_pack(content, key, root, cert)
    content_old, *_ = _content(w, "R01", sequence=3)
    older = build_pack(content_old, key, root, cert)
    with session:
        session.import_pack(newer)
        err = _refused(session, older, OlderPackError)
        assert "pack 5" in str(err)


def _root_signed(w: World, ref: str, doc: dict[str, Any] | bytes) -> bytes:
    """A pack signed by the world's study root, assembled without build_pack's checks."""
    _, key, root, cert = _content(w, ref)
    payload = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return cms.envelope(cms.sign_attached(payload, key, root), cert)


@pytest.mark.parametrize("sequence", [10**30, 2**62])
def test_an_out_of_range_pack_number_is_refused_and_real_packs_still_import(
    w: World, sequence: int
) -> None:
    """10^30 used to crash the import (OverflowError in SQLite); 2^62 was accepted, and then
    every genuine pack was refused as older."""
    made = w.make_packs()
    content, *_ = _content(w, "R01")
    doc = content.model_dump(mode="json")
    doc["sequence"] = sequence
    with w.session("R01") as session:
        before = snapshot(session.workspace.db)
        with pytest.raises(PackRefusedError) as caught:
            session.import_pack(_root_signed(w, "R01", doc), trust_fingerprint=w.fingerprint())
        assert "1 to 1,000,000" in str(caught.value)
        assert snapshot(session.workspace.db) == before
        report = session.import_pack(made["R01"].read_bytes(), trust_fingerprint=w.fingerprint())
        assert report.sequence == 1 and report.added


def test_a_deeply_nested_pack_is_refused_naming_the_limit(w: World) -> None:
    """Before the first pack the workspace has no certificate: the bound is still named."""
    deep = b"[" * 10**6 + b"]" * 10**6
    with w.session("R01") as session:
        before = snapshot(session.workspace.db)
        with pytest.raises(PackRefusedError) as caught:
            session.import_pack(_root_signed(w, "R01", deep), trust_fingerprint=w.fingerprint())
        assert caught.value.reason is PackRefusal.TOO_LARGE
        assert "levels deep" in str(caught.value)
        assert snapshot(session.workspace.db) == before
    _made, session = _first_import(w)
    with session:
        err = _refused(session, _root_signed(w, "R01", deep), PackRefusedError)
        assert err.reason is PackRefusal.TOO_LARGE


def test_oversized_packs_are_refused_naming_the_limit(w: World) -> None:
    _made, session = _first_import(w)
    content, *_ = _content(w, "R01")
    many = content.model_dump(mode="json")
    many["cases"] = many["cases"] * 7_000  # 21,000 entries
    with session:
        err = _refused(session, b"\x30" * (25 * 1024 * 1024), PackRefusedError)
        assert err.reason is PackRefusal.TOO_LARGE and "24 MB" in str(err)
        err = _refused(session, _root_signed(w, "R01", many), PackRefusedError)
        assert err.reason is PackRefusal.TOO_LARGE and "21,000 cases" in str(err)


def test_a_pack_encrypted_for_two_reviewers_is_refused(w: World) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.serialization import pkcs7

    _made, session = _first_import(w)
    content, key, root, cert = _content(w, "R01")
    *_, other_cert = _content(w, "R02")
    shared = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(cms.sign_attached(content.to_json_bytes(), key, root))
        .set_content_encryption_algorithm(algorithms.AES256)
        .add_recipient(cert)
        .add_recipient(other_cert)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with session:
        err = _refused(session, shared, PackRefusedError)
        assert err.reason is PackRefusal.SEVERAL_RECIPIENTS


# --- later packs ---------------------------------------------------------------------------


def _set_case(w: World, case_ref: str, **changes: str) -> None:
    """Correct one case in the study's cohort (as a corrected CSV would)."""
    from reviewer_app.services.demo.synthetic import cohort_csv
    from reviewer_app.storage.study.cohort import CohortStore

    with w.study() as study:
        cases = CohortStore(study.db).cases()
        updated = [c.model_copy(update=changes) if c.case_ref == case_ref else c for c in cases]
        study_intake.add_cohort(study, cohort_csv(updated).encode(), "corrected.csv")
        study_allocation.allocate(study)


def test_a_later_pack_updates_corrects_and_never_touches_answers(w: World) -> None:
    made, session = _first_import(w)
    with session:
        held = sorted(s.case_ref for s in session.list_cases())
        started, untouched = held[0], held[1]
        reviews = ReviewStore(session.workspace.db)
        review = reviews.open_review(started, "nhs-mortality-review", "1", "R01")
        reviews.save_answer(review.id, "phase.overall.comment", "Looked at the notes", "R01")
        answers_before = session.workspace.db.query_all("SELECT * FROM answers")
    _set_case(w, started, nhs_number="9990000018")
    _set_case(w, untouched, site="Elsewhere Hospital")
    made = w.make_packs()
    with w.session("R01") as session:
        report = session.import_pack(made["R01"].read_bytes())
        assert report.corrected == [started]
        assert report.updated == [untouched]
        assert not report.added and not report.withdrawn
        record = session.cases.get_record(started)
        assert record.case.nhs_number == "9990000018"  # the wrong number did not survive
        assert record.identifiers_corrected
        assert not session.cases.get_record(untouched).identifiers_corrected
        assert session.workspace.db.query_all("SELECT * FROM answers") == answers_before
        entries = [
            e for e in AuditLog(session.workspace.db).entries() if e.action == "case_corrected"
        ]
        assert len(entries) == 1 and entries[0].field == "nhs_number"
        assert "9990000018" not in (entries[0].new_json or "")
        assert verify_audit(session.workspace.db).ok
        summary = {s.case_ref: s for s in session.list_cases()}
        assert "identifiers corrected" in summary[started].flags


def test_a_later_pack_adds_and_withdraws(w: World) -> None:
    _made, session = _first_import(w)
    with session:
        held = sorted(s.case_ref for s in session.list_cases())
        started, never_opened = held[0], held[1]
        reviews = ReviewStore(session.workspace.db)
        review = reviews.open_review(started, "nhs-mortality-review", "1", "R01")
        reviews.save_answer(review.id, "phase.overall.comment", "Started", "R01")
    with w.study() as study:
        for ref in (started, never_opened):
            study_allocation.set_override(study, ref, ("R03", "R04"))
        study_intake.add_cohort(
            study,
            importlib.import_module("tests.support.study_fixtures").cohort_bytes(16),
            "more.csv",
        )
        study_allocation.allocate(study)
        pairs = study_allocation.allocation(study).pairs
        report = pack_maker.make_packs(study, w.packs_dir)
    path = next(m.path for m in report.made if m.reviewer_ref == "R01")
    new_for_r01 = sorted(c for c, p in pairs.items() if "R01" in p and c not in held)
    with w.session("R01") as session:
        result = session.import_pack(path.read_bytes())
        assert result.withdrawn == [started]
        assert result.removed == [never_opened]
        assert sorted(result.added) == new_for_r01
        assert session.cases.get_record(started).withdrawn
        assert not session.cases.exists(never_opened)
        with pytest.raises(ReadOnlyError, match="withdrawn"):
            ReviewStore(session.workspace.db).save_answer(
                review.id, "phase.overall.comment", "Changed", "R01"
            )
        lines = "\n".join(result.summary_lines())
        assert started in lines and "withdrawn" in lines


def test_a_withdrawn_case_given_back_is_reinstated(w: World) -> None:
    _, session = _first_import(w)
    with session:
        case_ref = sorted(s.case_ref for s in session.list_cases())[0]
        ReviewStore(session.workspace.db).open_review(case_ref, "d", "1", "R01")
    content, key, root, cert = _content(
        w, "R01", sequence=10, cases=[], withdrawn_case_refs=[case_ref]
    )
    with w.study() as study:
        from reviewer_app.storage.study.cohort import CohortStore

        case = next(c for c in CohortStore(study.db).cases() if c.case_ref == case_ref)
    back, *_ = _content(w, "R01", sequence=11, cases=[PackCase(case=case)])
    with w.session("R01") as session:
        assert session.import_pack(build_pack(content, key, root, cert)).withdrawn == [case_ref]
        assert session.import_pack(build_pack(back, key, root, cert)).reinstated == [case_ref]
        assert not session.cases.get_record(case_ref).withdrawn


# --- per-case review mode ------------------------------------------------------------------


def _cases(w: World) -> list[Any]:
    from reviewer_app.storage.study.cohort import CohortStore

    with w.study() as study:
        return CohortStore(study.db).cases()[:3]


def test_a_mixed_mode_pack_stores_each_cases_own_mode(w: World) -> None:
    solo, joint, also_solo = _cases(w)
    mixed = [
        PackCase(case=solo),
        PackCase(
            case=joint,
            review_mode=ReviewMode.JOINT,
            co_reviewer_ref="R02",
            co_reviewer_name="Nurse Two",
        ),
        PackCase(case=also_solo, review_mode=ReviewMode.INDEPENDENT),  # same as the pack's
    ]
    content, key, root, cert = _content(w, "R01", sequence=1, cases=mixed)
    pack = build_pack(content, key, root, cert)
    with w.session("R01") as session:
        preview = session.preview_pack(pack)
        assert (preview.review_mode, preview.joint_case_count) == ("independent", 1)
        session.import_pack(pack, trust_fingerprint=fingerprint(root))
        store = AssignmentStore(session.workspace.db)
        found = {
            c.case_ref: (a.review_mode, a.co_reviewer_ref, a.co_reviewer_name)
            for c in (solo, joint, also_solo)
            if (a := store.assignment(c.case_ref)) is not None
        }
    assert found == {
        solo.case_ref: ("independent", None, None),
        joint.case_ref: ("joint", "R02", "Nurse Two"),
        also_solo.case_ref: ("independent", None, None),
    }


def test_a_later_pack_changes_a_cases_mode(w: World) -> None:
    case = _cases(w)[0]
    first, key, root, cert = _content(w, "R01", sequence=1, cases=[PackCase(case=case)])
    joint = PackCase(
        case=case, review_mode=ReviewMode.JOINT, co_reviewer_ref="R03", co_reviewer_name="Three"
    )
    second, *_ = _content(w, "R01", sequence=2, cases=[joint])
    with w.session("R01") as session:
        session.import_pack(build_pack(first, key, root, cert), trust_fingerprint=fingerprint(root))
        report = session.import_pack(build_pack(second, key, root, cert))
        assert report.unchanged == 1  # the case facts did not change; its mode did
        assignment = AssignmentStore(session.workspace.db).assignment(case.case_ref)
    assert assignment is not None
    assert (assignment.review_mode, assignment.co_reviewer_ref) == ("joint", "R03")


def test_pack_content_needs_a_co_reviewer_exactly_for_joint_cases(w: World) -> None:
    case = _cases(w)[0]
    with pytest.raises(ValueError, match="co-reviewer"):
        _content(w, "R01", cases=[PackCase(case=case, review_mode=ReviewMode.JOINT)])
    with pytest.raises(ValueError, match="co-reviewer"):
        _content(
            w,
            "R01",
            review_mode=ReviewMode.JOINT,
            cases=[
                PackCase(
                    case=case,
                    review_mode=ReviewMode.INDEPENDENT,
                    co_reviewer_ref="R02",
                    co_reviewer_name="Two",
                )
            ],
        )
    ok, *_ = _content(
        w,
        "R01",
        review_mode=ReviewMode.JOINT,
        cases=[PackCase(case=case, review_mode=ReviewMode.INDEPENDENT)],
    )
    assert ok.cases[0].mode_in(ok.review_mode) is ReviewMode.INDEPENDENT


def test_a_pack_without_overrides_is_written_as_before(w: World) -> None:
    """No ``review_mode`` key in a case unless it is set: packs of single-mode studies stay
    readable by earlier versions of the app (their case model forbids unknown keys)."""
    content, *_ = _content(w, "R01")
    doc = json.loads(content.to_json_bytes())
    assert all("review_mode" not in c for c in doc["cases"])
    assert set(doc["cases"][0]) == {"case", "co_reviewer_ref", "co_reviewer_name"}
    case = _cases(w)[0]
    marked, *_ = _content(
        w,
        "R01",
        cases=[
            PackCase(
                case=case, review_mode=ReviewMode.JOINT, co_reviewer_ref="R2", co_reviewer_name="B"
            )
        ],
    )
    (written,) = json.loads(marked.to_json_bytes())["cases"]
    assert written["review_mode"] == "joint"
    assert PackContent.model_validate_json(marked.to_json_bytes()) == marked


# --- the pack reader under random input ----------------------------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, bytes, str]:
    root = tmp_path_factory.getbasetemp() / "worlds"
    w = world(tmp_path_factory.mktemp("fuzz"), root)
    return w, w.make_packs()["R01"].read_bytes(), w.fingerprint()


@FUZZ
@given(data=st.data())
def test_mutated_packs_are_refused_cleanly_or_import_the_original(
    fuzz_world: tuple[World, bytes, str], data: st.DataObject
) -> None:
    w, pack, fp = fuzz_world
    mutated = bytearray(pack)
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        at = data.draw(st.integers(0, max(0, len(mutated) - 1)))
        if kind == "flip" and mutated:
            mutated[at] ^= data.draw(st.integers(1, 255))
        elif kind == "cut":
            del mutated[at:]
        else:
            mutated[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    with w.session("R01") as session:
        before = snapshot(session.workspace.db)
        try:
            report = session.import_pack(bytes(mutated), trust_fingerprint=fp)
        except UserError:
            assert snapshot(session.workspace.db) == before
            return
        # A mutation the formats tolerate must still be the pack the authority signed.
        held = {s.case_ref for s in session.list_cases()}
    with w.study() as study:
        expected = {
            c for c, pair in study_allocation.allocation(study).pairs.items() if "R01" in pair
        }
    assert report.sequence == 1 and held == expected


@FUZZ
@given(garbage=st.binary(max_size=2048))
def test_random_bytes_are_refused_cleanly(
    fuzz_world: tuple[World, bytes, str], garbage: bytes
) -> None:
    w, _pack, fp = fuzz_world
    with w.session("R02") as session:
        before = snapshot(session.workspace.db)
        with pytest.raises(UserError):
            session.import_pack(garbage, trust_fingerprint=fp)
        assert snapshot(session.workspace.db) == before


# --- the collection certificate (returns are encrypted to it) ------------------------------


def _collection_pem(w: World) -> tuple[str, str]:
    from reviewer_app.services.trust.collection_key import issue_collection_key

    with w.study() as study:
        key, root = study.signing_authority()
    _, cert = issue_collection_key(key, root)
    return certificate_pem(cert), fingerprint(cert)


def _pinned_collection(session: ReviewerSession) -> str | None:
    from reviewer_app.storage.workspace.returns import ReturnStore

    pinned = ReturnStore(session.workspace.db).collection_cert()
    return None if pinned is None else pinned.fingerprint


def test_a_pack_pins_the_collection_certificate_and_a_later_one_replaces_it(w: World) -> None:
    _, session = _first_import(w)
    first_pem, first_fp = _collection_pem(w)
    second_pem, second_fp = _collection_pem(w)
    content, key, root, cert = _content(w, "R01", sequence=5, collection_cert_pem=first_pem)
    assert content.format_version == 2
    with session:
        before = _pinned_collection(session)
        report = session.import_pack(build_pack(content, key, root, cert))
        assert report.collection_cert_stored and report.changed
        assert "returning reviews" in "\n".join(report.summary_lines())
        assert before != first_fp and _pinned_collection(session) == first_fp
        same, *_ = _content(w, "R01", sequence=6, collection_cert_pem=first_pem)
        assert not session.import_pack(build_pack(same, key, root, cert)).collection_cert_stored
        newer, *_ = _content(w, "R01", sequence=7, collection_cert_pem=second_pem)
        assert session.import_pack(build_pack(newer, key, root, cert)).collection_cert_stored
        assert _pinned_collection(session) == second_fp
        without, *_ = _content(w, "R01", sequence=8)  # a version 1 pack: the pin is kept
        assert without.format_version == 1
        session.import_pack(build_pack(without, key, root, cert))
        assert _pinned_collection(session) == second_fp


def _not_a_collection_cert(w: World, which: str) -> str:
    from reviewer_app.services.trust.collection_key import issue_collection_key

    if which == "another study's":
        return certificate_pem(issue_collection_key(study_b().key, study_b().root)[1])
    if which == "a reviewer's":
        return _content(w, "R02")[0].reviewer_cert_pem  # issued by this root, but signs
    if which == "the root itself":
        return _content(w, "R01")[0].study_root_cert_pem
    return "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize(
    "which", ["another study's", "a reviewer's", "the root itself", "unreadable"]
)
def test_a_pack_carrying_a_bad_collection_certificate_is_refused_as_forged(
    w: World, which: str
) -> None:
    _, session = _first_import(w)
    content, *_ = _content(w, "R01", sequence=5)
    doc = content.model_dump(mode="json")
    doc["format_version"] = 2
    doc["collection_cert_pem"] = _not_a_collection_cert(w, which)
    with session:
        err = _refused(session, _root_signed(w, "R01", doc))
        assert isinstance(err, PackRefusedError) and err.reason is PackRefusal.FORGED
        assert "returning reviews" in str(err)
        with pytest.raises(PackRefusedError):
            session.preview_pack(_root_signed(w, "R01", doc))
