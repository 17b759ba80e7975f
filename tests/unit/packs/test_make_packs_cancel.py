"""Making packs can be stopped between two packs (the coordinator's Cancel): what was made
stays made and recorded, nothing half-made is left, and making again ends as an uninterrupted
run does."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.services.packs.maker import make_packs
from reviewer_app.storage.study.packs import PackLedger
from tests.support.study_fixtures import ENROLLED, World, world


def _ledger(w: World) -> list[tuple[str, int, tuple[str, ...]]]:
    with w.study() as study:
        return [
            (p.reviewer_ref, p.sequence, tuple(p.case_refs)) for p in PackLedger(study.db).all()
        ]


def _after(count: int) -> tuple[list[int], object]:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > count

    return asked, cancelled


def test_stopping_after_one_pack_keeps_it_and_making_again_makes_the_rest(
    tmp_path: Path, template_root: Path
) -> None:
    stopped, whole = world(tmp_path / "a", template_root), world(tmp_path / "b", template_root)
    _asked, cancelled = _after(1)
    with stopped.study() as study:
        first = make_packs(study, stopped.packs_dir, cancelled=cancelled)  # type: ignore[arg-type]
    assert len(first.made) == 1 and first.stopped == len(ENROLLED) - 1
    assert any("make the packs again" in line for line in first.summary_lines())
    assert sorted(p.name for p in stopped.packs_dir.iterdir()) == [first.made[0].path.name]
    assert [r for r, _, _ in _ledger(stopped)] == [first.made[0].reviewer_ref]
    with stopped.study() as study:
        second = make_packs(study, stopped.packs_dir)
    assert second.stopped == 0
    assert len(second.made) == len(ENROLLED) - 1
    assert set(second.unchanged) == {first.made[0].reviewer_ref}
    with whole.study() as study:
        uninterrupted = make_packs(study, whole.packs_dir)
    assert len(uninterrupted.made) == len(ENROLLED)
    assert _ledger(stopped) == _ledger(whole)
    assert sorted(p.name for p in stopped.packs_dir.iterdir()) == sorted(
        p.name for p in whole.packs_dir.iterdir()
    )


def test_stopping_before_the_first_pack_makes_and_records_nothing(
    tmp_path: Path, template_root: Path
) -> None:
    w = world(tmp_path, template_root)
    with w.study() as study:
        report = make_packs(study, w.packs_dir, cancelled=lambda: True)
    assert report.made == [] and report.stopped == len(ENROLLED)
    assert _ledger(w) == []
    assert not w.packs_dir.exists() or list(w.packs_dir.iterdir()) == []
