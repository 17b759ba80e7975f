"""The study's avoidability scale: chosen at init (default RCP SJR), changeable only until the
first pack is made, carried in packs (older packs read as before) and stored in the workspace
by the pack that brought it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.services.packs.format import build_pack
from reviewer_app.services.packs.study_scale import ScaleFixedError, set_study_scale, study_scale
from reviewer_app.storage.study import info
from reviewer_app.storage.workspace.study_settings import StudySettingsStore
from tests.support.cli_runner import run_cli as run
from tests.support.cli_runner import study_cli_env
from tests.support.crypto_fixtures import pack_content
from tests.support.study_fixtures import World, pack_content_for

H, R = AvoidabilityScale.HOGAN, AvoidabilityScale.RCP


# --- the pack format -----------------------------------------------------------------------


def test_a_pack_without_a_scale_is_byte_for_byte_what_older_versions_wrote() -> None:
    old = pack_content()
    assert b"avoidability_scale" not in old.to_json_bytes()
    assert old.avoidability_scale is None
    carrying = pack_content(avoidability_scale="hogan")
    assert carrying.avoidability_scale is H
    assert json.loads(carrying.to_json_bytes())["avoidability_scale"] == "hogan"
    assert carrying.digest() != old.digest()  # a new setting is news: the pack is made again
    round_trip = type(old).model_validate_json(carrying.to_json_bytes())
    assert round_trip == carrying


@pytest.mark.parametrize("bad", ["RCP", "sjr", "", 1])
def test_a_pack_with_an_unknown_scale_is_refused(bad: Any) -> None:
    with pytest.raises(ValidationError, match="avoidability_scale"):
        pack_content(avoidability_scale=bad)


# --- the study's setting -------------------------------------------------------------------


def test_the_scale_is_rcp_by_default_and_fixed_once_a_pack_is_made(w: World) -> None:
    with w.study() as study:
        assert study_scale(study) is R
        change = set_study_scale(study, "hogan")
        assert change.changed and "PRISM / Hogan" in change.summary_line()
        assert study_scale(study) is H
        assert not set_study_scale(study, H).changed
        with pytest.raises(Exception, match="not an avoidability scale"):
            set_study_scale(study, "sjr")
    w.make_packs()
    with w.study() as study:
        with pytest.raises(ScaleFixedError, match="can no longer change") as caught:
            set_study_scale(study, R)
        assert "Nothing was changed" in str(caught.value)
        assert study_scale(study) is H
        assert not set_study_scale(study, H).changed  # the same scale is not a change
        assert info.packs_made(study.db) >= 1


# --- the workspace ------------------------------------------------------------------------


def _pack(w: World, ref: str, sequence: int, **overrides: Any) -> bytes:
    """A pack for ``ref`` signed by the world's study root (``overrides``: any field)."""
    content, key, root, cert = pack_content_for(w, ref, sequence=sequence, **overrides)
    return build_pack(content, key, root, cert)


def test_the_workspace_keeps_the_scale_of_the_latest_pack_that_carried_one(w: World) -> None:
    with w.study() as study:
        set_study_scale(study, H)
    made = w.make_packs()  # the study's packs carry its scale
    with w.session("R01") as session:
        settings = StudySettingsStore(session.workspace.db)
        assert settings.avoidability_scale() is None  # nothing imported yet
        report = session.import_pack(made["R01"].read_bytes(), trust_fingerprint=w.fingerprint())
        assert report.scale_stored is H
        assert "PRISM / Hogan" in "\n".join(report.summary_lines())
        assert settings.avoidability_scale() is H
        report = session.import_pack(_pack(w, "R01", 51))  # an older kind of pack: no scale
        assert report.scale_stored is None and settings.avoidability_scale() is H
        report = session.import_pack(_pack(w, "R01", 52, avoidability_scale="hogan"))
        assert report.scale_stored is None  # the same scale again: nothing new
        assert session.import_pack(_pack(w, "R01", 53, avoidability_scale="rcp")).scale_stored is R
        assert settings.avoidability_scale() is R


def test_an_older_pack_never_overrides_a_later_packs_scale(w: World) -> None:
    made = w.make_packs()
    with w.session("R01") as session:
        session.import_pack(made["R01"].read_bytes(), trust_fingerprint=w.fingerprint())
        db = session.workspace.db
        with db.transaction():
            assert StudySettingsStore(db).set_avoidability_scale(H, 9)
        with db.transaction():
            assert not StudySettingsStore(db).set_avoidability_scale(R, 8)
        assert StudySettingsStore(db).avoidability_scale() is H
        with pytest.raises(Exception, match="only ever replaced"), db.transaction():
            db.execute("DELETE FROM study_settings")


# --- the commands ----------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    study_cli_env(monkeypatch)


def test_init_takes_the_scale_and_set_scale_changes_it_until_packs_are_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: None, w: World
) -> None:
    study = tmp_path / "new-study"
    code, out, err = run(
        capsys, "coordinator", "init", str(study), "--name", "S", "--scale", "hogan"
    )
    assert code == 0, err
    assert "PRISM / Hogan scale" in out
    code, out, err = run(capsys, "coordinator", "set-scale", str(study), "rcp")
    assert code == 0, err
    assert "now RCP SJR" in out
    code, out, err = run(capsys, "coordinator", "set-scale", str(study), "sjr")
    assert code != 0 and "invalid choice" in err
    code, out, err = run(capsys, "coordinator", "init", str(tmp_path / "default"), "--name", "D")
    assert code == 0 and "RCP SJR scale" in out
    w.make_packs()
    code, out, err = run(capsys, "coordinator", "set-scale", str(w.study_dir), "hogan")
    assert code == 1
    assert "can no longer change" in err and "Nothing was changed" in err
    with w.study() as opened:
        assert study_scale(opened) is R


def test_a_hogan_study_signs_hogan_grades_refuses_rcp_ones_and_collects_them(w: World) -> None:
    """In a Hogan study a v2 review graded on Hogan signs and is collected; the same review
    graded on RCP SJR is refused at sign-off (the grade must be on the study's scale)."""
    import random

    from reviewer_app.services.collection.collector import collect
    from reviewer_app.services.review.service import ReviewService
    from reviewer_app.services.signing.rules import ValidationBlocksSigningError
    from reviewer_app.services.signing.signoff import SignoffService
    from tests.support.study_fixtures import WORKSPACE_PASSPHRASE
    from tests.unit.collection.collect_support import complete_answers

    with w.study() as study:
        set_study_scale(study, H)
    made = w.make_packs()
    with w.session("R01") as session:
        session.import_pack(made["R01"].read_bytes(), trust_fingerprint=w.fingerprint())
        reviews = ReviewService(session.workspace.db)
        signoff = SignoffService(session.workspace, synthetic=True)
        first, second = sorted(c.case_ref for c in session.list_cases())[:2]
        for ref, scale in ((first, H), (second, R)):
            opened = reviews.open(ref, "reviewer")
            answers = complete_answers(opened.definition, opened.case, random.Random(3))
            grade = answers["avoidability.grade"]
            answers["avoidability.grade"] = {"scale": scale.value, "grade": grade["grade"]}
            reviews.save(opened.review_id, answers, "reviewer")
            check = signoff.check(opened.review_id)
            codes = {e.code for e in check.errors}
            if scale is H:
                assert not codes, codes
                signoff.sign(opened.review_id, WORKSPACE_PASSPHRASE, check.warning_codes)
            else:
                assert "R10.grade_not_on_study_scale" in codes
                with pytest.raises(ValidationBlocksSigningError):
                    signoff.sign(opened.review_id, WORKSPACE_PASSPHRASE, check.warning_codes)
        session.return_reviews(w.packs_dir)
    with w.study() as study:
        report = collect(study, w.packs_dir)
    assert report.quarantined == [] and report.files_collected == 1
    assert report.counts("R01").new == 1
