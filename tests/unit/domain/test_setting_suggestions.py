"""Settings the case header tells are suggested, by option value, only in setting questions."""

from __future__ import annotations

from reviewer_app.domain.case import PlaceOfDeath
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.setting_suggestions import is_setting_question, setting_suggestions
from tests.support.review_fixtures import make_case


def test_site_and_gp_practice_suggest_acute_hospital_and_primary_care(
    v2: ReviewDefinition,
) -> None:
    question = v2.question("theme.deterioration.setting")
    case = make_case(site="Glenfield", gp_practice_code="C82001", place_of_death="hospice")
    suggested = setting_suggestions(question, case)  # type: ignore[arg-type]
    assert [s.value for s in suggested] == ["acute_hospital", "primary_care", "hospice"]
    assert "Glenfield" in suggested[0].why and "C82001" in suggested[1].why
    assert suggested[0].label == "Acute hospital"


def test_nothing_known_nothing_suggested_and_only_setting_questions(v2: ReviewDefinition) -> None:
    case = make_case(site=None, gp_practice_code=None, place_of_death=PlaceOfDeath.HOME)
    question = v2.question("theme.deterioration.setting")
    assert setting_suggestions(question, case) == []  # type: ignore[arg-type]
    records = v2.question("records.reviewed")
    assert not is_setting_question(records)
    assert setting_suggestions(records, make_case()) == []  # type: ignore[arg-type]
    assert is_setting_question(v2.question("problems.item.setting"))
    assert not is_setting_question(v2.question("screening.autism"))
