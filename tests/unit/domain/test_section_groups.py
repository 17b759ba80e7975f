"""The section list's groups come from section kinds, and "x of y answered" from the answers."""

from __future__ import annotations

from typing import Any

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.progress import SectionState, section_states
from reviewer_app.domain.section_groups import SectionCount, section_counts, section_groups
from reviewer_app.domain.validation import validate
from tests.support.review_fixtures import make_case


def test_v2_groups_follow_the_kinds_in_form_order(v2: ReviewDefinition) -> None:
    groups = section_groups(v2)
    assert [g.title for g in groups] == [
        "Screening and records",
        "Phases of care",
        "Themes 1–12",
        "Problems and avoidability",
        "Relatives, escalation, learning",
        "Before signing",
    ]
    assert [i for g in groups for i in g.section_ids] == [s.id for s in v2.sections]
    phases = {s.id for s in v2.sections_of_kind(SectionKind.PHASE)}
    assert set(groups[1].section_ids) == phases
    assert groups[0].section_ids == ("screening", "outcome", "records")


def test_a_section_of_another_kind_stays_with_the_one_before(v2: ReviewDefinition) -> None:
    sections = list(v2.sections)
    other = sections[3].model_copy(update={"kind": SectionKind.OTHER})  # a phase, retyped
    changed = v2.model_copy(update={"sections": [*sections[:3], other, *sections[4:]]})
    groups = section_groups(changed)
    assert groups[0].section_ids == ("screening", "outcome", "records", other.id)
    assert groups[1].title == "Phases of care" and other.id not in groups[1].section_ids
    only_other = v2.model_copy(update={"sections": [other]})
    assert [g.title for g in section_groups(only_other)] == ["Other sections"]


def test_answered_counts_only_what_is_asked_now(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    screening = v2.section("screening")
    ids = [q.id for q in screening.questions if q.id in full2]
    asked = set(ids[:3])
    answers = {ids[0]: full2[ids[0]], ids[2]: None, ids[4]: full2[ids[4]]}  # [4]: not asked
    counts = section_counts(v2, answers, asked)
    # no findings given: what is unanswered is not known to be needed (None is not "no")
    assert counts["screening"] == SectionCount(1, 1, 2)
    assert counts["readiness"] == SectionCount(0, 0) and str(counts["readiness"]) == ""
    everything = {q.id for s in v2.sections for q in s.questions}
    full = section_counts(v2, full2, everything)["screening"]
    assert full.answered == len(ids)
    assert full.answered + full.optional_left == len(screening.questions)


def _counts_and_states(v2: ReviewDefinition, answers: dict[str, Any]) -> list[Any]:
    case = make_case()
    report = validate(v2, answers, case)
    states = section_states(v2, answers, report)
    view = AnswerView(v2, answers)
    relevant = {q.id for s in v2.sections for q in s.questions if view.is_relevant(q.id)}
    counts = section_counts(v2, answers, relevant, report.issues)
    return [(sid, states[sid], counts[sid]) for sid in states]


def test_the_count_agrees_with_the_state(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    incomplete_problem = full2 | {
        "problems.any": "yes",
        "problems.items": [{"id": "p1", "answers": {"problems.item.type": "monitoring"}}],
    }
    optional_left = {k: v for k, v in full2.items() if k != "records.quality"}
    seen = set()
    for answers in ({}, full2, incomplete_problem, optional_left):
        for section_id, state, count in _counts_and_states(v2, answers):
            seen.add((section_id, state))
            if state is SectionState.COMPLETE:
                assert count.answered == count.needed, (section_id, count)
            if state is SectionState.IN_PROGRESS:
                assert count.answered < count.needed, (section_id, count)
    assert ("problems", SectionState.IN_PROGRESS) in seen
    problems = dict((s, c) for s, _, c in _counts_and_states(v2, incomplete_problem))["problems"]
    assert str(problems) == f"{problems.needed - 1} of {problems.needed} answered"
    records = dict((s, (st, c)) for s, st, c in _counts_and_states(v2, optional_left))["records"]
    assert records[0] is SectionState.COMPLETE
    assert str(records[1]).endswith("answered (1 optional left)"), records


def test_a_count_in_words() -> None:
    assert str(SectionCount(2, 3)) == "2 of 3 answered"
    assert str(SectionCount(0, 1, 1)) == "0 of 1 answered", "optional said once the rest is done"
    assert str(SectionCount(2, 2, 1)) == "2 of 2 answered (1 optional left)"
    assert str(SectionCount(0, 0, 2)) == "2 optional left"
