"""Definition v2: a harm with severity "no harm", a problem tagged with a theme that records
no issue, and an avoidability grade off the study's scale (issue 10, audit B3, B4, "Pages").

Each finding is tested on both sides: the contradiction is found, the coherent record is not.
"""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.definition import ReviewDefinition, Severity, load_definition_version
from reviewer_app.domain.study_scale import on_study_scale, study_scale_of
from reviewer_app.domain.validation import validate
from tests.support.review_fixtures import complete_answers, make_case

CASE = make_case()
NO_HARM = "R3.harm_severity_no_harm"
THEME = "R7.problem_theme_without_issue"
SCALE = "R10.grade_not_on_study_scale"


def found(v2: ReviewDefinition, answers: dict[str, Any], code: str) -> list[Any]:
    return list(validate(v2, answers, CASE).with_code(code))


def problem(item_id: str = "p1", **answers: Any) -> dict[str, Any]:
    base = {"problems.item.type": "monitoring", "problems.item.phase": "ongoing"}
    base |= {"problems.item.setting": "acute_hospital"}
    return {"id": item_id, "answers": base | answers}


def with_problems(answers: dict[str, Any], *items: dict[str, Any]) -> dict[str, Any]:
    return answers | {"problems.any": "yes", "problems.items": list(items)}


FLUIDS_ISSUE = {
    "theme.fluids.issue": "yes",
    "theme.fluids.setting": ["acute_hospital"],
    "theme.fluids.phase": ["ongoing"],
    "theme.fluids.comment": "Fluid balance charts were not kept for two days.",
}


# --- B3: led to harm, severity "no harm" -----------------------------------------------------


@pytest.mark.parametrize("harm", ["yes", "probably"])
def test_a_problem_that_led_to_harm_cannot_have_severity_no_harm(
    v2: ReviewDefinition, full2: dict[str, Any], harm: str
) -> None:
    harmed = problem("p2", **{"problems.item.harm": harm, "problems.item.severity": "no_harm"})
    answers = with_problems(full2, problem(**{"problems.item.harm": "no"}), harmed)
    [issue] = found(v2, answers, NO_HARM)
    assert issue.severity is Severity.ERROR
    assert (issue.question_id, issue.group_id, issue.item_id) == (
        "problems.item.severity",
        "problems.items",
        "p2",
    )
    assert not validate(v2, answers, CASE).can_sign


@pytest.mark.parametrize("severity", ["low", "moderate", "prolonged_psychological"])
def test_a_harm_with_a_severity_of_harm_signs(
    v2: ReviewDefinition, full2: dict[str, Any], severity: str
) -> None:
    harmed = problem(**{"problems.item.harm": "probably", "problems.item.severity": severity})
    answers = with_problems(full2, harmed)
    assert not found(v2, answers, NO_HARM)
    assert validate(v2, answers, CASE).can_sign


def test_no_harm_without_a_harm_is_not_this_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    # The severity is asked only when the problem led to harm: with harm "no" it is not read.
    unharmed = problem(**{"problems.item.harm": "no", "problems.item.severity": "no_harm"})
    assert not found(v2, with_problems(full2, unharmed), NO_HARM)


# --- "Pages": a problem's theme against the theme's "Issue identified" ------------------------


@pytest.mark.parametrize(("said", "label"), [("no", "No"), ("not_applicable", "Not applicable")])
def test_a_problem_tagged_with_a_theme_that_records_no_issue_warns(
    v2: ReviewDefinition, full2: dict[str, Any], said: str, label: str
) -> None:
    tagged = problem(**{"problems.item.harm": "no", "problems.item.themes": ["fluids"]})
    answers = with_problems(full2, tagged) | {"theme.fluids.issue": said}
    [issue] = found(v2, answers, THEME)
    assert issue.severity is Severity.WARNING
    assert (issue.group_id, issue.item_id) == ("problems.items", "p1")
    assert f"(Fluid management: {label})" in issue.message
    assert validate(v2, answers, CASE).can_sign  # a warning: acknowledged, not blocking


def test_a_problem_tagged_with_a_theme_that_records_the_issue_is_coherent(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    tagged = problem(**{"problems.item.harm": "no", "problems.item.themes": ["fluids"]})
    answers = with_problems(full2, tagged) | FLUIDS_ISSUE
    assert validate(v2, answers, CASE).issues == ()
    answers["theme.fluids.issue"] = "cannot_tell"  # not a contradiction
    assert not found(v2, answers, THEME)


def test_each_contradicting_theme_is_named(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    themes = ["deterioration", "fluids", "medicines"]
    tagged = problem(**{"problems.item.harm": "no", "problems.item.themes": themes})
    answers = with_problems(full2, tagged) | FLUIDS_ISSUE
    messages = [i.message for i in found(v2, answers, THEME)]
    assert len(messages) == 2
    assert "Recognition of and response to deterioration" in messages[0]
    assert "Medicines management" in messages[1]


# --- B4: the grade on the study's scale ------------------------------------------------------


def test_a_v2_grade_on_the_other_scale_is_an_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2["avoidability.grade"] = {"scale": "hogan", "grade": 2}  # RCP 5, the same judgement
    [issue] = found(v2, full2, SCALE)
    assert issue.severity is Severity.ERROR
    assert issue.question_id == "avoidability.grade"
    assert issue.message.endswith("grade on the study's scale, RCP SJR.")
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 5}
    assert validate(v2, full2, CASE).issues == ()


def test_in_a_hogan_study_a_v2_grade_must_be_on_hogan(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    hogan = on_study_scale(v2, AvoidabilityScale.HOGAN)
    full2["avoidability.grade"] = {"scale": "hogan", "grade": 2}
    assert validate(hogan, full2, CASE).issues == ()
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 5}
    [issue] = validate(hogan, full2, CASE).with_code(SCALE)
    assert issue.message.endswith("grade on the study's scale, PRISM / Hogan.")


def test_v1_reviews_keep_either_scale() -> None:
    v1 = load_definition_version("nhs-mortality-review", 1)
    answers = complete_answers(v1)
    for scale in ("hogan", "rcp"):
        answers["avoidability.grade"] = {"scale": scale, "grade": 2 if scale == "hogan" else 5}
        report = validate(v1, answers, CASE)
        assert not list(report.with_code(SCALE))
        assert report.can_sign


@pytest.mark.parametrize("scale", list(AvoidabilityScale))
def test_an_older_version_can_be_put_on_the_same_study_scale(
    v2: ReviewDefinition, scale: AvoidabilityScale
) -> None:
    study = on_study_scale(v2, scale)
    assert study_scale_of(study) is scale
    v1 = load_definition_version("nhs-mortality-review", 1)
    assert study_scale_of(on_study_scale(v1, study_scale_of(study))) is scale
