"""The escalation's worst harm in words: with its severity, never a bare "Yes"."""

from __future__ import annotations

import pytest

from reviewer_app.domain.escalation_facts import EscalationFacts
from reviewer_app.domain.escalation_words import fact_rows_in_words, worst_harm_in_words
from reviewer_app.domain.values import NOT_ANSWERED_LABEL


@pytest.mark.parametrize(
    ("harm", "severity", "words"),
    [
        ("Yes", "Severe harm", "Severe harm (a problem in care led to it)"),
        ("Probably", "Low harm", "Low harm (a problem in care probably led to it)"),
        ("Yes", NOT_ANSWERED_LABEL, "Harm, severity not answered (a problem in care led to it)"),
        ("No", "Not applicable", "No problem in care led to harm"),
        ("None recorded", "Not applicable", "None recorded"),
    ],
)
def test_worst_harm_in_words(harm: str, severity: str, words: str) -> None:
    assert worst_harm_in_words(harm, severity) == words


def test_fact_rows_state_the_harm_once() -> None:
    facts = EscalationFacts(
        triggers=(),
        worst_harm="Yes",
        worst_severity="Death",
        avoidability="Probably avoidable",
        care_scores=(("Overall care", "2 – Poor"),),
    )
    rows = dict(fact_rows_in_words(facts))
    assert rows["Worst harm among the problems in care"] == "Death (a problem in care led to it)"
    assert "Worst harm severity" not in rows
    assert rows["Avoidability of death"] == "Probably avoidable"
    assert [label for label, _ in fact_rows_in_words(facts)] == [
        label for label, _ in facts.rows() if label != "Worst harm severity"
    ]
