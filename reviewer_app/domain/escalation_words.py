"""The escalation's facts as they are read: the worst harm and its severity said once, in words.

``EscalationFacts.rows()`` (escalation_facts.py) keeps harm ("Yes") and severity apart; shown
as such, "Worst harm among the problems in care: Yes" answers a question nobody asked. The
form and the printed summary both show these rows instead: the worst harm stated with its
severity ("Severe harm (a problem in care led to it)"), never a bare "Yes".
"""

from __future__ import annotations

from reviewer_app.domain.escalation_facts import EscalationFacts
from reviewer_app.domain.values import NOT_ANSWERED_LABEL

__all__ = ["WORST_HARM_LABEL", "fact_rows_in_words", "worst_harm_in_words"]

WORST_HARM_LABEL = "Worst harm among the problems in care"
SEVERITY_LABEL = "Worst harm severity"
_LED_TO = {"Yes": "a problem in care led to it", "Probably": "a problem in care probably led to it"}


def worst_harm_in_words(harm: str, severity: str) -> str:
    """The worst harm and its severity as one statement in words ("Severe harm (a problem in
    care led to it)"), never a bare "Yes" under a label that asks for a harm."""
    led_to = _LED_TO.get(harm)
    if led_to is None:
        return "No problem in care led to harm" if harm == "No" else harm
    if severity == NOT_ANSWERED_LABEL:
        return f"Harm, severity not answered ({led_to})"
    return f"{severity} ({led_to})"


def fact_rows_in_words(facts: EscalationFacts) -> list[tuple[str, str]]:
    """``facts.rows()`` with the worst harm and its severity stated once, in words."""
    rows = []
    for label, text in facts.rows():
        if label == SEVERITY_LABEL:
            continue
        if label == WORST_HARM_LABEL:
            rows.append((label, worst_harm_in_words(facts.worst_harm, facts.worst_severity)))
        else:
            rows.append((label, text))
    return rows
