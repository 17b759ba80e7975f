"""The identifier gate every free text of the report and the exports passes through.

It is the taskforce copy's redaction (``summary.redaction.Redactor``: rule 8's identifier
check plus the patient's own numbers, postcode, date of birth and names as typed), applied
with the case's cohort record. A text of a case the cohort does not hold cannot be checked
and is never printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reviewer_app.domain.case import Case
from reviewer_app.services.summary.redaction import Redactor

WITHHELD = "[withheld: the case is not in the cohort, so its text cannot be checked]"
Gate = Callable[[str, str], str]


def identifier_gate(cohort: Sequence[Case]) -> Gate:
    """``gate(case_ref, text)``: the text with anything identifying redacted."""
    cases = {c.case_ref: c for c in cohort}
    redactors: dict[str, Redactor] = {}

    def gate(case_ref: str, text: str) -> str:
        case = cases.get(case_ref)
        if case is None:
            return WITHHELD
        redactor = redactors.get(case_ref)
        if redactor is None:
            redactor = redactors[case_ref] = Redactor(case)
        return redactor.redact(text)

    return gate
