"""The discordance rules, each tested on both sides of every boundary (hand-made answers)."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.reconciliation import DiscordanceKind
from reviewer_app.services.reconciliation.discordance import (
    avoidability_discordant,
    care_score_discordant,
    discordances,
    escalation_discordant,
    has_harm,
    immediate_discordant,
    outcome_discordant,
)


def rcp(grade: int) -> dict[str, Any]:
    return {"scale": "rcp", "grade": grade}


def hogan(grade: int) -> dict[str, Any]:
    return {"scale": "hogan", "grade": grade}


def answers(**values: Any) -> dict[str, Any]:
    """Canonical answers from question ids spelt with "__" for "."."""
    return {k.replace("__", "."): {"state": "answered", "value": v} for k, v in values.items()}


def problems(*harms: str) -> dict[str, Any]:
    items = [
        {"id": f"p{i}", "answers": {"problems.item.type": "assessment", "problems.item.harm": h}}
        for i, h in enumerate(harms)
    ]
    return answers(problems__any="yes", problems__items=items)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (rcp(3), rcp(4), True),  # across the 50:50 line
        (rcp(3), rcp(1), False),  # both more likely than not
        (rcp(4), rcp(6), False),  # both not
        (rcp(3), hogan(4), False),  # same judgement on the two scales
        (rcp(3), hogan(3), True),  # Hogan 3 = RCP 4
        (hogan(4), rcp(4), True),
        (rcp(3), None, True),  # more likely than not in one only
        (rcp(4), None, False),  # not, against no grade
        (None, None, False),
        (rcp(3), {"scale": "rcp", "grade": 9}, True),  # an invalid grade is no grade
    ],
)
def test_avoidability_is_dichotomised_at_more_likely_than_not(
    first: Any, second: Any, expected: bool
) -> None:
    assert avoidability_discordant(first, second) is expected
    assert avoidability_discordant(second, first) is expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (3, 4, False),  # one apart, same side
        (3, 5, True),  # two apart
        (4, 5, False),
        (1, 2, False),  # both poor, one apart
        (1, 3, True),  # two apart and across
        (2, 3, True),  # one apart but across poor/adequate
        (3, 3, False),
        (2, 2, False),
        (2, "not_applicable", True),  # poor in one, not scored in the other
        (3, "not_applicable", False),
        (1, None, True),
        (5, None, False),
        ("not_applicable", None, False),
        (None, None, False),
    ],
)
def test_care_scores_two_apart_or_across_the_poor_adequate_boundary(
    first: Any, second: Any, expected: bool
) -> None:
    assert care_score_discordant(first, second) is expected
    assert care_score_discordant(second, first) is expected


def test_harm_yes_or_probably_counts_and_no_does_not() -> None:
    assert has_harm(problems("yes"))
    assert has_harm(problems("no", "probably"))
    assert not has_harm(problems("no"))
    assert not has_harm(answers(problems__any="no"))
    assert not has_harm({})
    # items left behind after "any problems" was changed to no are not counted
    hidden = problems("yes")
    hidden["problems.any"] = {"state": "answered", "value": "no"}
    assert not has_harm(hidden)
    # an item answer written as a state (format version 2) is read too
    stated = answers(
        problems__any="yes",
        problems__items=[
            {"id": "x", "answers": {"problems.item.harm": {"state": "answered", "value": "yes"}}}
        ],
    )
    assert has_harm(stated)


def test_escalation_immediate_and_outcome() -> None:
    assert escalation_discordant("escalate", "not_escalating")
    assert escalation_discordant("escalate", None)
    assert not escalation_discordant("not_escalating", None)
    assert not escalation_discordant("escalate", "escalate")
    assert immediate_discordant("yes", "no")
    assert immediate_discordant("yes", None)
    assert not immediate_discordant("no", None)
    assert not immediate_discordant("yes", "yes")
    assert outcome_discordant("full_review", "records_missing")
    assert not outcome_discordant("records_missing", "records_missing")


def test_discordances_of_a_pair_name_each_item_with_its_rule() -> None:
    d = default_definition()
    first = {
        **answers(
            avoidability__grade=rcp(3),
            phase__overall__score=2,
            phase__admission__score=3,
            phase__ongoing__score=4,
            escalation__decision="escalate",
            immediate__concern="yes",
        ),
        **problems("yes"),
    }
    second = {
        **answers(
            avoidability__grade=rcp(5),
            phase__overall__score=3,
            phase__admission__score=4,
            phase__ongoing__score=4,
            escalation__decision="not_escalating",
            immediate__concern="no",
        ),
        **problems("no"),
    }
    found = {x.item: x.kind for x in discordances(d, first, second)}
    assert found == {
        "avoidability.grade": DiscordanceKind.AVOIDABILITY,
        "phase.overall.score": DiscordanceKind.CARE_SCORE,
        "problems.items": DiscordanceKind.HARM,
        "escalation.decision": DiscordanceKind.ESCALATION,
        "immediate.concern": DiscordanceKind.IMMEDIATE_SAFETY,
    }
    assert discordances(d, first, first) == []
    one = discordances(d, first, second)[0]
    assert one.first == {"state": "answered", "value": rcp(3)}
    assert one.to_json()["kind"] == "avoidability"


def test_different_outcomes_are_one_discordance_and_nothing_inside_is_compared() -> None:
    d = default_definition()
    first = answers(avoidability__grade=rcp(1))
    found = discordances(
        d, first, {}, first_outcome="full_review", second_outcome="records_missing"
    )
    assert [(x.item, x.kind) for x in found] == [("outcome.type", DiscordanceKind.OUTCOME)]
    assert found[0].second == {"state": "answered", "value": "records_missing"}
    both_missing = discordances(
        d, first, {}, first_outcome="records_missing", second_outcome="records_missing"
    )
    assert both_missing == []
