"""Every figure of the taskforce report, computed once from a :class:`ReportInput`.

:func:`compute_figures` is the one entry point: the PDF (``document.py``), the JSON
(:meth:`ReportFigures.to_json`), the analysts' ``tables/*.csv`` and the coordinator's window
all read the :class:`ReportFigures` it returns, and the printed strings of every table come
from :func:`publication.publish` (numbers, or the suppression markers in publication mode).

JSON shape (``format: "reviewer-app/report-figures"``, version 1)::

    {"format", "format_version", "study", "made_on", "publication", "suppression_rule",
     "sections": {"cohort": {...}, "care": {...}, "avoidability": {...}, "themes": {...},
                  "escalations": {...}, "relatives": {...}, "agreement": {...},
                  "learning": {...}, "actions": {...}},
     "tables": {<key>: {"title", "unit", "denominator", "rows", "columns", "cells",
                        "shares", "share_basis", "totals_shown", ...}}}

``cells`` are the printed strings of the table with its ``Total`` row and column last. In
publication mode the sections follow the publication rule too (``publication.small_counts``:
every count from 1 to 4 is ``"<5"`` and a share or statistic beside it is hidden; the
discordant case list and each reviewer's own rates are left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviewer_app.services.report.figures_actions import ActionFigures, action_figures
from reviewer_app.services.report.figures_agreement import AgreementFigures, agreement_figures
from reviewer_app.services.report.figures_avoidability import (
    AvoidabilityFigures,
    avoidability_figures,
)
from reviewer_app.services.report.figures_care import CareFigures, care_figures
from reviewer_app.services.report.figures_cohort import CohortFigures, cohort_figures
from reviewer_app.services.report.figures_escalations import (
    EscalationFigures,
    escalation_figures,
)
from reviewer_app.services.report.figures_learning import LearningFigures, learning_figures
from reviewer_app.services.report.figures_relatives import RelativesFigures, relatives_figures
from reviewer_app.services.report.figures_themes import ThemeFigures, theme_figures
from reviewer_app.services.report.gate import Gate, identifier_gate
from reviewer_app.services.report.publication import Publication, publish
from reviewer_app.services.report.source import ReportInput

FORMAT = "reviewer-app/report-figures"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ReportFigures:
    input: ReportInput
    cohort: CohortFigures
    care: CareFigures
    avoidability: AvoidabilityFigures
    themes: ThemeFigures
    escalations: EscalationFigures
    relatives: RelativesFigures
    agreement: AgreementFigures
    learning: LearningFigures
    actions: ActionFigures
    published: Publication
    gate: Gate  # the identifier gate the figures used (exports reuse it: one pass per text)

    def to_json(self) -> dict[str, Any]:
        options = self.input.options
        sections: dict[str, Any] = {
            "cohort": self.cohort.to_json(),
            "care": self.care.to_json(),
            "avoidability": self.avoidability.to_json(),
            "themes": self.themes.to_json(),
            "escalations": self.escalations.to_json(),
            "relatives": self.relatives.to_json(),
            "agreement": self.agreement.to_json(),
            "learning": self.learning.to_json(),
            "actions": self.actions.to_json(),
        }
        if options.publication:
            sections = self.published.redact_sections(sections)
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "study": options.study_name,
            "made_on": options.made_on.isoformat(),
            "publication": options.publication,
            "suppression_rule": self.published.rule_statement(),
            "sections": sections,
            "tables": {k: p.to_json() for k, p in self.published.tables.items()},
        }


def compute_figures(inp: ReportInput, gate: Gate | None = None) -> ReportFigures:
    """All the figures; free text through ``gate`` (default: the cohort's identifier gate)."""
    gate = gate or identifier_gate(inp.cohort)
    cohort = cohort_figures(inp)
    care = care_figures(inp)
    avoid = avoidability_figures(inp)
    themes = theme_figures(inp)
    escalations = escalation_figures(inp, gate)
    relatives = relatives_figures(inp)
    agreement = agreement_figures(inp)
    learning = learning_figures(inp, gate)
    actions = action_figures(inp)
    published = publish(
        cohort,
        care,
        avoid,
        themes,
        escalations,
        relatives,
        actions,
        publication=inp.options.publication,
    )
    return ReportFigures(
        inp,
        cohort,
        care,
        avoid,
        themes,
        escalations,
        relatives,
        agreement,
        learning,
        actions,
        published,
        gate,
    )
