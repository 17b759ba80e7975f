"""A case given to a second-stage reviewer is among that reviewer's pack cases (reviewed
alone), moves when it is given to someone else, and the pair keep theirs."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.packs.format import PackCase
from reviewer_app.storage.study.second_stage import SecondStageStore
from tests.unit.reconciliation.hand_study import HandStudy


def _held(h: HandStudy, pairs: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    held = pack_maker.cases_by_reviewer(h.study, pairs, ReviewMode.INDEPENDENT)
    return {ref: sorted(pc.case.case_ref for pc in cases) for ref, cases in held.items()}


def test_second_stage_cases_are_in_the_reviewers_pack_cases(tmp_path: Path) -> None:
    h = HandStudy(tmp_path / "study", cases=2)
    try:
        c = h.case_refs
        pairs = {c[0]: ("R01", "R02"), c[1]: ("R03", "R04")}
        h.pair(pairs)
        assert _held(h, pairs) == {"R01": [c[0]], "R02": [c[0]], "R03": [c[1]], "R04": [c[1]]}
        store = SecondStageStore(h.study.db)
        store.allocate(c[0], "R03", ["poor_care"], "coordinator")
        assert _held(h, pairs) == {
            "R01": [c[0]],
            "R02": [c[0]],
            "R03": [c[0], c[1]],
            "R04": [c[1]],
        }
        # given to R04 instead: R03's next pack no longer holds it (the ledger withdraws it)
        store.allocate(c[0], "R04", ["poor_care"], "coordinator")
        held = _held(h, pairs)
        assert held["R03"] == [c[1]] and held["R04"] == [c[0], c[1]]
        cases = pack_maker.cases_by_reviewer(h.study, pairs, ReviewMode.INDEPENDENT)
        second = next(pc for pc in cases["R04"] if pc.case.case_ref == c[0])
        assert second.co_reviewer_ref is None and second.review_mode is None
    finally:
        h.close()


def test_a_second_stage_case_is_reviewed_alone_whatever_the_study_mode() -> None:
    case = synthetic_cases(1, seed=3)[0]
    joint_study = pack_maker.second_stage_pack_case(case, ReviewMode.JOINT)
    assert joint_study.mode_in(ReviewMode.JOINT) is ReviewMode.INDEPENDENT
    assert joint_study.co_reviewer_ref is None
    plain = pack_maker.second_stage_pack_case(case, ReviewMode.INDEPENDENT)
    assert plain.review_mode is None  # the pack's own mode, left out of the JSON
    if "stage" in PackCase.model_fields:
        assert vars(plain).get("stage") == "second"
