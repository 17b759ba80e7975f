"""Making the taskforce report from an open study: read, compute, write (PDF and JSON).

What is read: the cohort (``storage.study.cohort``), every case as reconciliation resolved it
(``reconciliation.resolved``) and its agreement statement
(``reconciliation.agreement_statement``), both from one reading of the reviews
(``reconciliation.study_reviews``), the escalation log and the action plan (``records``).
Files are written atomically with mode 0600 (they hold patient-level counts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.services.reconciliation.agreement_statement import statement_from
from reviewer_app.services.reconciliation.resolved import ResolvedCase, resolve_from
from reviewer_app.services.reconciliation.study_reviews import (
    StudyReviews,
    definition_of,
    read_reviews,
)
from reviewer_app.services.records.action_plan import list_actions
from reviewer_app.services.records.escalation_log import escalation_entries
from reviewer_app.services.report.figures import ReportFigures, compute_figures
from reviewer_app.services.report.source import ReportInput, ReportOptions
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.info import avoidability_scale

FILE_MODE = 0o600


def study_scale(study: Study) -> AvoidabilityScale:
    """The avoidability scale the study's reviewers grade on (RCP SJR if never chosen): the
    orientation the report prints the grades in unless told otherwise."""
    return avoidability_scale(study.db)


def study_figures(study: Study, options: ReportOptions) -> ReportFigures:
    """Every figure of the report for an open study: what the CLI prints and the
    coordinator's window shows (the same call, so they never differ). The reviews are read
    once, for the resolved cases and the agreement statement alike."""
    reviews = read_reviews(study)
    definition = _definition(reviews)
    statement = statement_from(reviews, definition).to_json()
    inp = _report_input(study, options, definition, resolve_from(reviews))
    return compute_figures(replace(inp, agreement=statement))


def _definition(reviews: StudyReviews) -> ReviewDefinition:
    """The definition the study's reviews were made with (as the agreement statement takes
    it), or the shipped one before any review is in."""
    first = next((r for got in reviews.primary.values() for r in got), None)
    return default_definition() if first is None else definition_of(first.content)


def _report_input(
    study: Study, options: ReportOptions, definition: ReviewDefinition, cases: list[ResolvedCase]
) -> ReportInput:
    today = options.made_on
    return ReportInput(
        definition=definition,
        cohort=CohortStore(study.db).cases(),
        cases=cases,
        options=options,
        escalation_log=[e.to_json(today) for e in escalation_entries(study)],
        actions=[a.to_json(today) for a in list_actions(study, definition)],
    )


@dataclass(frozen=True)
class ReportWritten:
    pdf: Path
    json: Path | None
    figures: ReportFigures


def write_report(
    figures: ReportFigures, pdf_path: Path, json_path: Path | None = None
) -> ReportWritten:
    from reviewer_app.services.report.document import render_report

    data = render_report(figures)
    atomic_write_bytes(pdf_path, data, mode=FILE_MODE)
    if json_path is not None:
        text = json.dumps(figures.to_json(), indent=2, ensure_ascii=False) + "\n"
        atomic_write_bytes(json_path, text.encode("utf-8"), mode=FILE_MODE)
    return ReportWritten(pdf_path, json_path, figures)
