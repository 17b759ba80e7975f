"""Section 8, learning: "characteristics of poor care" and "good practice" comments grouped by
theme, de-identified through the identifier gate.

Per theme, the judgement comments of the cases where the theme had an issue (poor care) or
good practice identified; the case-level learning comments ("learning.poor_care",
"learning.good_practice") are grouped under "Across themes". Every text passes the gate
(``gate(case_ref, text)``) before it is counted, grouped or printed; identical texts are
counted once with the number of cases giving them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reviewer_app.services.reconciliation.resolved import ResolvedCase
from reviewer_app.services.report.source import ReportInput, answer, text_answer

ACROSS = "Across themes"
Gate = Callable[[str, str], str]


@dataclass(frozen=True)
class Comments:
    theme: str
    poor_care: tuple[tuple[str, int], ...]  # (text, cases), most frequent first
    good_practice: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "poor_care": [{"text": t, "cases": n} for t, n in self.poor_care],
            "good_practice": [{"text": t, "cases": n} for t, n in self.good_practice],
        }


@dataclass(frozen=True)
class LearningFigures:
    groups: tuple[Comments, ...]

    def to_json(self) -> dict[str, Any]:
        return {"groups": [g.to_json() for g in self.groups]}


def _ordered(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def learning_figures(inp: ReportInput, gate: Gate) -> LearningFigures:
    reviewed = inp.full_reviews()
    groups: list[Comments] = []

    def text(case: ResolvedCase, question_id: str) -> str | None:
        value = text_answer(case, question_id)
        if value is None:
            return None
        return " ".join(gate(case.case_ref, value.strip()).split())

    for theme in inp.definition.themes:
        poor: Counter[str] = Counter()
        good: Counter[str] = Counter()
        for case in reviewed:
            comment = text(case, f"{theme.id}.comment")
            if comment is None:
                continue
            if answer(case, f"{theme.id}.issue") == "yes":
                poor[comment] += 1
            if answer(case, f"{theme.id}.good_practice") == "yes":
                good[comment] += 1
        groups.append(Comments(theme.title, _ordered(poor), _ordered(good)))
    poor_all: Counter[str] = Counter()
    good_all: Counter[str] = Counter()
    for case in reviewed:
        if (t := text(case, "learning.poor_care")) is not None:
            poor_all[t] += 1
        if (t := text(case, "learning.good_practice")) is not None:
            good_all[t] += 1
    groups.append(Comments(ACROSS, _ordered(poor_all), _ordered(good_all)))
    return LearningFigures(tuple(groups))
