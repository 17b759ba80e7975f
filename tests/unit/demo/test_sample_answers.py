"""Sample answer sets: always valid (no validation errors), and as varied as real reviews."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.avoidability import AvoidabilityScale, to_rcp_grade
from reviewer_app.domain.definition import (
    ReviewDefinition,
    default_definition,
    load_definition_version,
)
from reviewer_app.domain.study_scale import on_study_scale
from reviewer_app.domain.triggers import escalation_triggers
from reviewer_app.domain.validation import validate
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.demo.synthetic import synthetic_cases
from tests.support.review_fixtures import FIXTURES

CASES = synthetic_cases(300, seed=77)


def _definitions() -> list[ReviewDefinition]:
    return [
        load_definition_version("nhs-mortality-review", 1),
        load_definition_version("nhs-mortality-review", 3, [FIXTURES]),
    ]


@pytest.mark.parametrize("definition", _definitions(), ids=["v1", "v3-13-themes"])
def test_complete_answers_pass_validation_for_many_seeds(definition: ReviewDefinition) -> None:
    warnings: Counter[str] = Counter()
    for seed, case in enumerate(CASES):
        answers = complete_answers(definition, case, random.Random(seed))
        report = validate(definition, answers, case)
        assert report.errors == (), (seed, [(i.code, i.location) for i in report.errors])
        warnings.update(i.code for i in report.warnings)
        assert not AnswerView(definition, answers).problems, seed
    # The invented text never looks like a patient identifier (rule 8).
    assert warnings["R8.identifier_in_text"] == 0


# The warnings a coherent sample may still carry (a real reviewer acknowledges them): none of
# the v2 contradictions the sample answers are built to avoid.
_AVOIDED_WARNINGS = {
    "R7.discharge_phase_after_death_in_admission",
    "R7.theme_issue_without_problems",
    "R7.avoidable_with_low_harm",
    "R7.family_concerns_no_second_review",
    "R4.death_from_harm_not_avoidable",
    "R6.time_told_before_review",
    "R7.problem_theme_without_issue",
}


def test_v2_samples_are_coherent_escalations_from_the_review() -> None:
    """Under v2 (what new reviews use) the samples pass validation and escalate as the rules
    say: destinations follow the triggers, an avoidable death or a safeguarding concern is
    escalated, tracking is never typed, and none of the avoidable contradictions warns."""
    v2 = default_definition()
    assert v2.version == 2
    escalated = not_escalated = 0
    for seed, case in enumerate(CASES):
        answers = complete_answers(v2, case, random.Random(seed))
        report = validate(v2, answers, case)
        assert report.errors == (), (seed, [(i.code, i.location) for i in report.errors])
        assert not AnswerView(v2, answers).problems, seed
        assert not {i.code for i in report.warnings} & _AVOIDED_WARNINGS, seed
        assert not report.with_code("R8.identifier_in_text"), seed
        for item in answers.get("escalation.items", []):
            assert not {"escalation.item.status", "escalation.item.harm"} & set(item["answers"])
        if answers.get("escalation.decision") == "escalate":
            escalated += 1
        elif answers.get("escalation.decision") == "not_escalating":
            not_escalated += 1
            fired = {t.id for t in escalation_triggers(v2, answers)}
            assert not fired & {"avoidability", "safeguarding"}, seed
    assert escalated > 20 and not_escalated > 0


def test_same_seed_same_answers() -> None:
    d = default_definition()
    first = complete_answers(d, CASES[0], random.Random(5))
    assert complete_answers(d, CASES[0], random.Random(5)) == first


def test_answers_vary_like_real_reviews() -> None:
    d = default_definition()
    seen: Counter[str] = Counter()
    for seed, case in enumerate(CASES):
        a = complete_answers(d, case, random.Random(seed))
        scores = [v for k, v in a.items() if k.startswith("phase.") and k.endswith(".score")]
        if any(isinstance(s, int) and s <= 2 for s in scores):
            seen["poor score"] += 1
            poor = [
                k.removesuffix(".score")
                for k, v in a.items()
                if k.endswith(".score") and isinstance(v, int) and v <= 2
            ]
            assert all(len(a[f"{p}.comment"]) >= 100 for p in poor)  # substantial comments
        if "not_applicable" in scores:
            seen["phase not applicable"] += 1
        harms = [i["answers"].get("problems.item.harm") for i in a.get("problems.items", [])]
        if "yes" in harms:
            seen["harm"] += 1
        if a.get("escalation.decision") == "escalate":
            seen["escalated"] += 1
            item = a["escalation.items"][0]["answers"]
            assert item["escalation.item.duty_of_candour"] in {"yes", "no", "unsure"}
            seen[f"duty {item['escalation.item.duty_of_candour']}"] += 1
        if a.get("escalation.decision") == "not_escalating":
            seen["not escalated"] += 1
        if escalation_triggers(d, a):
            assert "escalation.decision" in a
        if a.get("screening.learning_disability") == "yes":
            seen["ld"] += 1
            assert a.get("screening.leder_reference") or a.get("screening.leder_date")
        if a.get("relatives.outcome") == "spoke":
            seen["relatives spoke"] += 1
        if any(v == "cannot_tell" for v in a.values()):
            seen["cannot tell"] += 1
    for kind in (
        "poor score",
        "phase not applicable",
        "harm",
        "escalated",
        "duty yes",
        "not escalated",
        "ld",
        "relatives spoke",
        "cannot tell",
    ):
        assert seen[kind] >= 5, (kind, seen)
    assert seen["poor score"] < len(CASES) * 0.7  # most care is not poor


def test_v1_samples_still_use_either_scale() -> None:
    v1 = load_definition_version("nhs-mortality-review", 1)
    scales = Counter(
        complete_answers(v1, case, random.Random(seed))["avoidability.grade"]["scale"]
        for seed, case in enumerate(CASES)
    )
    assert scales["hogan"] >= 5 and scales["rcp"] >= 5


@pytest.mark.parametrize("scale", list(AvoidabilityScale))
def test_v2_samples_grade_on_the_studys_scale(scale: AvoidabilityScale) -> None:
    study = on_study_scale(default_definition(), scale)
    for seed, case in enumerate(CASES[:120]):
        answers = complete_answers(study, case, random.Random(seed))
        assert answers["avoidability.grade"]["scale"] == scale.value, seed
        report = validate(study, answers, case)
        assert report.errors == (), (seed, [(i.code, i.location) for i in report.errors])


def test_v2_samples_are_clinically_coherent() -> None:
    """A problem is tagged only with themes that record the issue; a death judged more
    likely than not avoidable (RCP 1-3) has a problem that led to death, and a problem that
    led to death makes the death more likely than not avoidable; no harm is "no harm"."""
    v2 = default_definition()
    avoidable = 0
    for seed, case in enumerate(CASES):
        answers = complete_answers(v2, case, random.Random(seed))
        items = [i["answers"] for i in answers.get("problems.items", [])]
        for item in items:
            for theme in item.get("problems.item.themes", []):
                assert answers[f"theme.{theme}.issue"] == "yes", (seed, theme)
            if item["problems.item.harm"] != "no":
                assert item["problems.item.severity"] != "no_harm", seed
        if case.discharge_date is None:  # died in the index admission
            assert answers.get("theme.discharge.issue") in {None, "not_applicable"}, seed
        rcp = to_rcp_grade(answers["avoidability.grade"])
        assert rcp is not None
        led_to_death = [
            i
            for i in items
            if i["problems.item.harm"] != "no" and i.get("problems.item.severity") == "death"
        ]
        if rcp <= 3:
            avoidable += 1
            assert led_to_death, seed
        if any(i["problems.item.harm"] == "yes" for i in led_to_death):
            assert rcp <= 3, seed
    assert avoidable >= 5
