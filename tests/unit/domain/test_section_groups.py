"""The section list's groups come from section kinds, and "x of y answered" from the answers."""

from __future__ import annotations

from typing import Any

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.section_groups import answered_counts, section_groups


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
    counts = answered_counts(v2, answers, asked)
    assert counts["screening"] == (1, 3)  # None is unanswered, not "no"
    assert counts["readiness"] == (0, 0)
    everything = {q.id for s in v2.sections for q in s.questions}
    full_counts = answered_counts(v2, full2, everything)
    answered, asked_now = full_counts["screening"]
    assert answered == len(ids) and asked_now == len(screening.questions)
