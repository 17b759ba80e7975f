"""The rows of ``pairs.csv``: one per double-reviewed case (both reviews in) and question.

Each row: both reviewers and their values, whether they differ, the discordance rule the
difference falls under (if any), the consensus value (if one is current), the value used by
the report and where it came from. Values are coded as in ``reviews.csv``: the answered value
(JSON for anything but a string), or the state's name (``unanswered``, ``not_asked``) so that
no state is ever confused with "no". Free-text questions are left out (they go through the
identifier gate with the learning comments, not here). ``report`` writes the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from reviewer_app.domain.questions import TextQuestion
from reviewer_app.services.reconciliation.case_model import ResolvedCase, ValueSource
from reviewer_app.services.reconciliation.discordance import OUTCOME_ITEM
from reviewer_app.services.reconciliation.resolved import resolved_cases
from reviewer_app.services.reconciliation.states import state_of
from reviewer_app.services.reconciliation.study_reviews import definition_of
from reviewer_app.services.study import Study

PAIR_COLUMNS: Final = (
    "case_ref",
    "item",
    "first_reviewer",
    "first_value",
    "second_reviewer",
    "second_value",
    "differs",
    "discordance",
    "consensus_value",
    "value_used",
    "source",
)


def coded(state: Mapping[str, Any] | None) -> str:
    """A canonical answer state as one cell (see the module docstring)."""
    if state is None:
        return ""
    if state.get("state") != "answered":
        return str(state.get("state"))
    value = state.get("value")
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def case_pair_rows(case: ResolvedCase) -> list[dict[str, str]]:
    """The rows of one case (none unless both reviews of an independent pair are in)."""
    if len(case.reviews) < 2 or not case.pair_complete:
        return []
    definition = definition_of(case.reviews[0])
    first, second = (r.get("answers", {}) for r in case.reviews[:2])
    kinds = {d.item: d.kind.value for d in case.discordances}
    refs = case.reviewer_refs
    rows: list[dict[str, str]] = []
    if OUTCOME_ITEM in kinds:
        outcomes = [str(r.get("review", {}).get("outcome")) for r in case.reviews[:2]]
        rows.append(
            {
                "case_ref": case.case_ref,
                "item": OUTCOME_ITEM,
                "first_reviewer": refs[0],
                "first_value": outcomes[0],
                "second_reviewer": refs[1],
                "second_value": outcomes[1],
                "differs": "yes",
                "discordance": kinds[OUTCOME_ITEM],
                "consensus_value": case.outcome if OUTCOME_ITEM in case.consensus_items else "",
                "value_used": case.outcome,
                "source": "consensus" if OUTCOME_ITEM in case.consensus_items else "rule",
            }
        )
    for qid, used in case.answers.items():
        found = definition.find(qid)
        if found is not None and isinstance(found.question, TextQuestion):
            continue
        a, b = state_of(first, qid), state_of(second, qid)
        source = case.sources.get(qid)
        rows.append(
            {
                "case_ref": case.case_ref,
                "item": qid,
                "first_reviewer": refs[0],
                "first_value": coded(a),
                "second_reviewer": refs[1],
                "second_value": coded(b),
                "differs": "yes" if a != b else "no",
                "discordance": kinds.get(qid, ""),
                "consensus_value": coded(used) if source is ValueSource.CONSENSUS else "",
                "value_used": coded(used),
                "source": source.value if source else "",
            }
        )
    return rows


def pair_rows(study: Study) -> list[dict[str, str]]:
    """Every row of ``pairs.csv`` (``PAIR_COLUMNS``), by case then form order."""
    return [row for case in resolved_cases(study) for row in case_pair_rows(case)]
