"""Reconciliation on a hand-made study: values in use, consensus records, second stage and
each case's stage, through the public service functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.domain.reconciliation import CaseStage
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.services.reconciliation.compare import NotComparableError, compare_case
from reviewer_app.services.reconciliation.consensus import (
    CONSENSUS_COLUMNS,
    ConsensusRefusedError,
    consensus_rows,
    record_consensus,
)
from reviewer_app.services.reconciliation.resolved import ValueSource, resolved_cases
from reviewer_app.services.reconciliation.second_stage import (
    SecondStageRefusedError,
    allocate_second,
    second_stage_queue,
)
from reviewer_app.services.reconciliation.stages import case_stages
from reviewer_app.storage.study.consensus import ConsensusStore
from reviewer_app.storage.study.panel import PanelStore
from tests.support.study_fixtures import snapshot
from tests.unit.reconciliation.hand_study import HandStudy, answered, rcp

AGREE = {"phase.overall.score": 4, "avoidability.grade": rcp(6), "theme.fluids.issue": "no"}


@pytest.fixture
def hand(tmp_path: Path) -> Iterator[HandStudy]:
    h = HandStudy(tmp_path / "study")
    c = h.case_refs
    h.pair(
        {
            c[0]: ("R01", "R02"),
            c[1]: ("R01", "R02"),
            c[2]: ("R03", "R04"),
            c[3]: ("R03", "R04"),
            c[4]: ("R01", "R03"),
            c[5]: ("R02", "R04"),
        }
    )
    h.put(c[0], "R01", AGREE)
    h.put(c[0], "R02", AGREE)
    h.put(c[1], "R01", {"phase.overall.score": 1, "avoidability.grade": rcp(2)})
    h.put(c[2], "R03", {"phase.overall.score": 2, "avoidability.grade": rcp(3)})
    h.put(c[2], "R04", {"phase.overall.score": 4, "avoidability.grade": rcp(5)})
    h.put(c[3], "R03", outcome="handed_back")
    h.put(c[3], "R04", AGREE)
    h.put(c[4], "R01", outcome="records_missing")
    h.put(c[4], "R03", outcome="records_missing")
    yield h
    h.close()


def stages(h: HandStudy) -> list[CaseStage]:
    found = {row.case_ref: row.stage for row in case_stages(h.study)}
    return [found[ref] for ref in h.case_refs]


def test_values_in_use_per_case(hand: HandStudy) -> None:
    c = hand.case_refs
    found = {r.case_ref: r for r in resolved_cases(hand.study)}
    assert sorted(found) == c[:5]  # nothing returned for the sixth
    agreed = found[c[0]]
    assert agreed.sources["phase.overall.score"] is ValueSource.AGREED
    assert agreed.unreconciled == frozenset() and agreed.pair == ("R01", "R02")
    blind = found[c[1]]
    assert not blind.pair_complete and blind.reviewer_refs == ("R01",)
    assert blind.sources["avoidability.grade"] is ValueSource.SINGLE and not blind.discordances
    split = found[c[2]]
    assert split.open_discordances == {"avoidability.grade", "phase.overall.score"}
    assert split.answers["phase.overall.score"] == answered(2)  # the worse
    assert split.answers["avoidability.grade"] == answered(rcp(3))  # the more avoidable
    assert found[c[3]].reviewer_refs == ("R04",) and found[c[3]].outcome == "full_review"
    assert found[c[4]].outcome == "records_missing"


def test_stages_follow_the_case_through_consensus_and_second_stage(hand: HandStudy) -> None:
    S = CaseStage
    assert stages(hand) == [
        S.CLOSED,
        S.ONE_OF_TWO,
        S.BOTH_RETURNED,
        S.HANDED_BACK,
        S.RECORDS_MISSING,
        S.AWAITING_RETURNS,
    ]
    c2 = hand.case_refs[2]
    record_consensus(
        hand.study,
        c2,
        "phase.overall.score",
        value="3",
        method="pair_discussion",
        reason="Agreed at the pair meeting.",
        recorded_by="coordinator",
    )
    assert stages(hand)[2] is S.IN_CONSENSUS
    record_consensus(
        hand.study,
        c2,
        "avoidability.grade",
        value="hogan:3",
        method="panel",
        reason="Panel review.",
        recorded_by="coordinator",
    )
    case = next(r for r in resolved_cases(hand.study) if r.case_ref == c2)
    assert case.answers["phase.overall.score"] == answered(3)
    assert case.answers["avoidability.grade"] == answered({"scale": "hogan", "grade": 3})
    assert case.sources["avoidability.grade"] is ValueSource.CONSENSUS
    assert case.open_discordances == frozenset() and case.unreconciled == frozenset()
    # R03's review fired triggers (score 2, RCP 3): second stage is owed
    assert stages(hand)[2] is S.SECOND_STAGE
    queue = {e.case_ref: e for e in second_stage_queue(hand.study)}
    assert set(queue) == {hand.case_refs[1], c2}  # the blind single review fires too
    assert {t for t, _ in queue[c2].triggers} == {"poor_care", "avoidability"}
    assert queue[c2].triggered_by == ("R03",) and queue[c2].state == "queued"
    report = allocate_second(hand.study, case_ref=c2, allocated_by="coordinator")
    # R01 and R02 are outside the pair; both carry 3 cases: the tie goes by ref
    assert [(a.case_ref, a.reviewer_ref) for a in report.allocated] == [(c2, "R01")]
    assert stages(hand)[2] is S.SECOND_STAGE
    hand.put(c2, "R01", {"phase.overall.score": 3, "avoidability.grade": rcp(4)})
    assert stages(hand)[2] is S.CLOSED
    entry = {e.case_ref: e for e in second_stage_queue(hand.study)}[c2]
    assert entry.state == "returned" and entry.reviewer_ref == "R01"
    resolved = next(r for r in resolved_cases(hand.study) if r.case_ref == c2)
    assert resolved.second_stage_refs == ("R01",)  # apart from the pair's reviews
    assert resolved.reviewer_refs == ("R03", "R04")


def test_a_consensus_is_versioned_and_an_amendment_makes_it_stale(hand: HandStudy) -> None:
    c2 = hand.case_refs[2]
    for value in ("3", "2"):
        done = record_consensus(
            hand.study,
            c2,
            "phase.overall.score",
            value=value,
            method="third_reviewer",
            reason=f"Score {value}.",
            recorded_by="Analyst A",
        )
    assert done.superseded and done.record.version == 2
    rows = consensus_rows(hand.study)
    assert [tuple(r) for r in rows] == [CONSENSUS_COLUMNS] * 2
    assert [(r["version"], r["current"], r["supersedes_version"]) for r in rows] == [
        ("1", "no", ""),
        ("2", "yes", "1"),
    ]
    assert rows[1]["first_value"] == "2" and rows[1]["second_value"] == "4"
    assert rows[1]["agreed_value"] == "2" and rows[1]["method"] == "third_reviewer"
    assert ConsensusStore(hand.study.db).verify() is None
    hand.put(c2, "R03", {"phase.overall.score": 1, "avoidability.grade": rcp(3)}, version=2)
    case = next(r for r in resolved_cases(hand.study) if r.case_ref == c2)
    assert case.stale_consensus == {"phase.overall.score"}
    assert case.answers["phase.overall.score"] == answered(1)
    assert "phase.overall.score" in case.open_discordances
    assert stages(hand)[2] is CaseStage.IN_CONSENSUS


def test_consensus_records_are_append_only(hand: HandStudy) -> None:
    record_consensus(
        hand.study,
        hand.case_refs[2],
        "phase.overall.score",
        value="3",
        method="panel",
        reason="r",
        recorded_by="c",
    )
    for sql in ("UPDATE consensus_records SET reason = 'x'", "DELETE FROM consensus_records"):
        with pytest.raises(Exception, match="append-only"), hand.study.db.transaction():
            hand.study.db.execute(sql)
    # a change behind the app's back (trigger removed) is found by the hash chain
    with hand.study.db.transaction():
        hand.study.db.execute("DROP TRIGGER consensus_records_no_update")
        hand.study.db.execute("UPDATE consensus_records SET agreed_value = '{}'")
    assert ConsensusStore(hand.study.db).verify() == 1


@pytest.mark.parametrize(
    ("case_index", "item", "value", "method", "reason", "error", "words"),
    [
        (1, "phase.overall.score", "3", "panel", "r", ConsensusRefusedError, "blind"),
        (0, "phase.overall.score", "3", "panel", "r", ConsensusRefusedError, "do not differ"),
        (3, "phase.overall.score", "3", "panel", "r", ConsensusRefusedError, "one review only"),
        (2, "phase.overall.score", "7", "panel", "r", InvalidInputError, "does not fit"),
        (2, "avoidability.grade", "3", "panel", "r", InvalidInputError, "rcp:3"),
        (2, "phase.overall.score", "3", "vote", "r", InvalidInputError, "pair_discussion"),
        (2, "phase.overall.score", "3", "panel", "  ", InvalidInputError, "reason"),
        (2, "no.such.question", "3", "panel", "r", ConsensusRefusedError, "do not differ"),
    ],
)
def test_a_refused_consensus_changes_nothing(
    hand: HandStudy,
    case_index: int,
    item: str,
    value: str,
    method: str,
    reason: str,
    error: type[UserError],
    words: str,
) -> None:
    before = snapshot(hand.study.db)
    with pytest.raises(error, match=words):
        record_consensus(
            hand.study,
            hand.case_refs[case_index],
            item,
            value=value,
            method=method,
            reason=reason,
            recorded_by="c",
        )
    assert snapshot(hand.study.db) == before
    with pytest.raises(NotFoundError):
        record_consensus(
            hand.study, "NO-SUCH", item, value=value, method="panel", reason="r", recorded_by="c"
        )


def test_second_stage_refusals_and_conflicts(hand: HandStudy) -> None:
    c = hand.case_refs
    before = snapshot(hand.study.db)
    with pytest.raises(SecondStageRefusedError, match="one of the case's pair"):
        allocate_second(hand.study, case_ref=c[2], reviewer_ref="R03", allocated_by="c")
    with pytest.raises(SecondStageRefusedError, match="not in the second-stage queue"):
        allocate_second(hand.study, case_ref=c[0], allocated_by="c")
    with pytest.raises(NotFoundError):
        allocate_second(hand.study, case_ref="NO-SUCH", allocated_by="c")
    with pytest.raises(InvalidInputError, match="Name the case"):
        allocate_second(hand.study, reviewer_ref="R01", allocated_by="c")
    with pytest.raises(SecondStageRefusedError, match="no reviewer R09"):
        allocate_second(hand.study, case_ref=c[2], reviewer_ref="R09", allocated_by="c")
    assert snapshot(hand.study.db) == before  # refused: nothing changed
    # R01 and R02 both made conflicted with the case: nobody is left outside the pair
    case = next(x for x in hand.study_cases() if x.case_ref == c[2])
    panel = PanelStore(hand.study.db)
    for ref in ("R01", "R02"):
        reviewer = panel.get(ref)
        assert reviewer is not None
        panel.upsert([reviewer.model_copy(update={"conflicts": (case.gp_practice_code,)})])
    with pytest.raises(SecondStageRefusedError, match="conflict"):
        allocate_second(hand.study, case_ref=c[2], reviewer_ref="R01", allocated_by="c")
    report = allocate_second(hand.study, allocated_by="c")
    assert (c[2], "no reviewer outside the pair is free of conflicts") in report.not_allocated
    # the blind case c[1] (pair R01, R02) can go to R03 or R04, three cases each: by ref
    assert [(a.case_ref, a.reviewer_ref) for a in report.allocated] == [(c[1], "R03")]
    with pytest.raises(SecondStageRefusedError, match="already with R03"):
        allocate_second(hand.study, case_ref=c[1], allocated_by="c")


def test_compare_marks_differences_and_refuses_a_blind_pair(hand: HandStudy) -> None:
    c = hand.case_refs
    result = compare_case(hand.study, c[2])
    rows = {i.question_id: i for i in result.items}
    assert rows["phase.overall.score"].differs and rows["phase.overall.score"].discordance
    assert rows["phase.overall.score"].first.startswith("2")
    assert not rows["theme.fluids.issue"].differs
    text = "\n".join(result.lines())
    assert "! phase.overall.score" in text and "[rule]" in text
    with pytest.raises(NotComparableError, match="blind"):
        compare_case(hand.study, c[1])


def test_pair_rows_code_both_values_the_consensus_and_the_value_used(hand: HandStudy) -> None:
    from reviewer_app.services.reconciliation.pair_rows import PAIR_COLUMNS, pair_rows

    c = hand.case_refs
    record_consensus(
        hand.study,
        c[2],
        "phase.overall.score",
        value="3",
        method="panel",
        reason="r",
        recorded_by="c",
    )
    rows = pair_rows(hand.study)
    assert all(tuple(r) == PAIR_COLUMNS for r in rows)
    assert {r["case_ref"] for r in rows} == {c[0], c[2], c[4]}  # complete pairs only
    by = {(r["case_ref"], r["item"]): r for r in rows}
    score = by[(c[2], "phase.overall.score")]
    assert (score["first_value"], score["second_value"]) == ("2", "4")
    assert (score["consensus_value"], score["value_used"], score["source"]) == (
        "3",
        "3",
        "consensus",
    )
    assert score["discordance"] == "care_score" and score["differs"] == "yes"
    grade = by[(c[2], "avoidability.grade")]
    assert grade["value_used"] == '{"grade": 3, "scale": "rcp"}' and grade["source"] == "rule"
    unanswered = by[(c[0], "theme.medicines.issue")]
    assert (unanswered["first_value"], unanswered["differs"]) == ("unanswered", "no")
    assert (c[0], "learning.poor_care") not in by  # free text is not exported here


def test_a_second_stage_hand_back_reopens_the_case_for_someone_else(hand: HandStudy) -> None:
    c1 = hand.case_refs[1]  # R01's blind single review (score 1, RCP 2) fires triggers
    first = allocate_second(hand.study, case_ref=c1, allocated_by="c").allocated[0]
    assert first.reviewer_ref == "R03"
    hand.put(c1, "R03", outcome="handed_back")
    entry = {e.case_ref: e for e in second_stage_queue(hand.study)}[c1]
    assert entry.state == "handed_back" and entry.open
    again = allocate_second(hand.study, allocated_by="c").allocated
    # R03 handed it back and R01, R02 are the pair: R04 is the only one left; the third
    # case (queued by R03's poor score, pair R03 and R04) goes to R01 (3 cases, as R02: by ref)
    assert [(a.case_ref, a.reviewer_ref) for a in again] == [
        (c1, "R04"),
        (hand.case_refs[2], "R01"),
    ]
    with pytest.raises(SecondStageRefusedError, match="handed this case back"):
        allocate_second(hand.study, case_ref=c1, reviewer_ref="R03", allocated_by="c")


def test_the_least_loaded_reviewer_outside_the_pair_is_chosen(hand: HandStudy) -> None:
    from reviewer_app.storage.study.second_stage import SecondStageStore

    c = hand.case_refs
    # R01 carries one second-stage case more than R02: the third case goes to R02
    SecondStageStore(hand.study.db).allocate(c[5], "R01", ["reviewer_request"], "c")
    report = allocate_second(hand.study, case_ref=c[2], allocated_by="c")
    assert [a.reviewer_ref for a in report.allocated] == ["R02"]


def test_a_consensus_on_the_problems_says_whose_items_stand(hand: HandStudy) -> None:
    c5 = hand.case_refs[5]  # pair R02, R04
    harm = [{"id": "a", "answers": {"problems.item.harm": "yes"}}]
    none = [{"id": "b", "answers": {"problems.item.harm": "no"}}]
    hand.put(c5, "R02", {"problems.any": "yes", "problems.items": harm})
    hand.put(c5, "R04", {"problems.any": "yes", "problems.items": none})
    case = next(r for r in resolved_cases(hand.study) if r.case_ref == c5)
    assert case.open_discordances == {"problems.items"}
    with pytest.raises(InvalidInputError, match="R02, R04 or both"):
        record_consensus(
            hand.study,
            c5,
            "problems.items",
            value="R01",
            method="panel",
            reason="r",
            recorded_by="c",
        )
    record_consensus(
        hand.study, c5, "problems.items", value="R04", method="panel", reason="r", recorded_by="c"
    )
    case = next(r for r in resolved_cases(hand.study) if r.case_ref == c5)
    items = case.answers["problems.items"]["value"]
    assert [(i["id"], i["reviewer_ref"]) for i in items] == [("b", "R04")]
    assert case.open_discordances == frozenset()
    assert case.sources["problems.items"] is ValueSource.CONSENSUS
