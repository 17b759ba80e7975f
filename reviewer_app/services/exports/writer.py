"""``coordinator export``: the analysts' files, pseudonymous, coded, Excel-safe.

Files (UTF-8 with a byte-order mark so Excel reads the accents; CRLF; every cell through the
spreadsheet-safe writer, so a text starting ``=``, ``+``, ``-`` or ``@`` gets a leading ``'``
and :func:`intake.csv_export.csv_unescape` gives it back; each written atomically, mode 0600):

* ``reviews.csv``: one row per review version in force (``ResolvedCase.reviews``), every
  question of the definition one column named by its id, coded as ``coding.py`` says;
* ``pairs.csv``: one row per double-reviewed case and compared item (care scores,
  avoidability, yes/no and single-choice questions): both reviewers' original values, the
  consensus (blank where none is recorded), the value the report uses, where it came from
  (``single``, ``joint``, ``agreed``, ``consensus``, ``rule``, ``combined``) and whether it is
  still unreconciled;
* ``consensus.csv``: every consensus record (reconciliation's ``consensus_rows``), free text
  through the gate;
* ``escalations.csv``: the de-identified escalation log (no free-text description);
* ``actions.csv``: the action plan;
* ``tables/<key>.csv`` and ``tables/<key>_share.csv``: every report table as printed (in
  publication mode ``<5`` and ``*``);
* ``codebook.csv``: variable, label, type, codes.

No names, NHS or hospital numbers, dates of birth or postcodes are written: the cohort gives
only the month of death and the place of death.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.questions import AnyQuestion
from reviewer_app.services.exports.coding import NOT_ANSWERED, code_answer, codebook_rows
from reviewer_app.services.intake.csv_export import write_csv
from reviewer_app.services.report.figures import ReportFigures
from reviewer_app.services.report.tables import TOTAL, Published
from reviewer_app.storage.study.actions import ACTION_FIELDS

BOM = "\ufeff"
FILE_MODE = 0o600
PAIR_ITEMS_KINDS = ("care_score", "avoidability", "yes_no", "single_choice")
CODEBOOK_HEADER = ("variable", "label", "type", "codes")
REVIEWS_LEAD = (
    "case_id",
    "reviewer",
    "profession",
    "review_mode",
    "stage",
    "version",
    "outcome",
    "month_of_death",
    "place_of_death",
    "avoidability.scale",
)
PAIRS_HEADER = (
    "case_id",
    "item",
    "first_value",
    "second_value",
    "consensus_value",
    "value_used",
    "value_source",
    "unreconciled",
)
CONSENSUS_HEADER = (
    "case_ref",
    "item",
    "version",
    "first_value",
    "second_value",
    "agreed_value",
    "method",
    "reason",
)
ESCALATIONS_HEADER = (
    "esc_id",
    "case_id",
    "reviewer",
    "triggers",
    "destinations",
    "organisations",
    "lead_organisation",
    "harm",
    "harm_severity",
    "avoidability_rcp",
    "status",
    "sent_month",
    "duty_of_candour_required",
    "duty_of_candour_provider",
    "duty_of_candour_notified",
)
_ACTION_TEXT = ("reference", *(f for f in ACTION_FIELDS if f != "due_date"))
ACTIONS_HEADER = (*_ACTION_TEXT, "due_month", "status", "status_label", "overdue")


@dataclass(frozen=True)
class ExportWritten:
    folder: Path
    files: tuple[str, ...]


def _write(folder: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_bytes(path, (BOM + write_csv(header, rows)).encode("utf-8"), mode=FILE_MODE)
    return name


def table_rows(pub: Published, shares: bool = False) -> tuple[list[str], list[list[str]]]:
    """A report table as CSV: header row, row labels first, totals where the report shows
    them (``*_share.csv``: the shares instead of the counts)."""
    t = pub.table
    cells = pub.shares if shares else pub.cells
    assert cells is not None
    show = t.totals
    header = [t.row_header, *t.column_labels, *([TOTAL] if show else [])]
    rows = []
    last = len(t.row_labels) + (1 if show else 0)
    for i in range(last):
        label = t.row_labels[i] if i < len(t.row_labels) else TOTAL
        width = len(t.column_labels) + (1 if show else 0)
        rows.append([label, *cells[i][:width]])
    return header, rows


def export_study(
    folder: Path,
    figures: ReportFigures,
    *,
    professions: Mapping[str, str],
    modes: Mapping[str, str],
    consensus: Sequence[Mapping[str, str]] = (),
) -> ExportWritten:
    """Write every export file into ``folder`` (created if needed, 0700)."""
    inp = figures.input
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    questions = [q for _, q in inp.definition.top_questions()]
    gate = figures.gate
    files = [
        (
            "reviews.csv",
            [*REVIEWS_LEAD, *[q.id for q in questions]],
            _review_rows(figures, questions, professions, modes),
        ),
        ("pairs.csv", PAIRS_HEADER, _pair_rows(figures, questions)),
        (
            "consensus.csv",
            list(consensus[0].keys()) if consensus else CONSENSUS_HEADER,
            _consensus_rows(gate, consensus),
        ),
        ("escalations.csv", ESCALATIONS_HEADER, _escalation_rows(gate, inp.escalation_log)),
        ("actions.csv", ACTIONS_HEADER, _action_rows(inp.actions)),
    ]
    written = [_write(folder, name, header, rows) for name, header, rows in files]
    for key, pub in sorted(figures.published.tables.items()):
        h, r = table_rows(pub)
        written.append(_write(folder, f"tables/{key}.csv", h, r))
        if pub.shares is not None:
            h, r = table_rows(pub, shares=True)
            written.append(_write(folder, f"tables/{key}_share.csv", h, r))
    codebook = codebook_rows(inp.definition)
    written.append(_write(folder, "codebook.csv", CODEBOOK_HEADER, codebook))
    return ExportWritten(folder, tuple(written))


def _case_gate(figures: ReportFigures, case_ref: str) -> Callable[[str], str]:
    return lambda text: figures.gate(case_ref, text)


def _scale_code(answers: Mapping[str, Any]) -> str:
    scale = answers.get("avoidability.grade", {})
    if (
        isinstance(scale, dict)
        and scale.get("state") == "answered"
        and isinstance(scale.get("value"), dict)
    ):
        return str(scale.get("value", {}).get("scale", NOT_ANSWERED))
    return NOT_ANSWERED


def _review_rows(
    figures: ReportFigures,
    questions: Sequence[AnyQuestion],
    professions: Mapping[str, str],
    modes: Mapping[str, str],
) -> list[list[str]]:
    """``reviews.csv``: one row per review version in force, first stage then second."""
    cohort = figures.input.cohort_by_ref()
    rows: list[list[str]] = []
    for case in figures.input.cases:
        record = cohort.get(case.case_ref)
        gate = _case_gate(figures, case.case_ref)
        contents = [(r, "first") for r in case.reviews] + [
            (r, "second_stage") for r in getattr(case, "second_stage_reviews", ())
        ]
        refs = list(case.reviewer_refs) + list(getattr(case, "second_stage_refs", ()))
        for (content, stage), reviewer in zip(contents, refs, strict=False):
            answers = content.get("answers", {})
            review = content.get("review", {})
            rows.append(
                [
                    case.case_ref,
                    reviewer,
                    professions.get(reviewer, ""),
                    modes.get(case.case_ref, ""),
                    stage,
                    str(review.get("version", "")),
                    str(review.get("outcome", case.outcome)),
                    "" if record is None else record.date_of_death.isoformat()[:7],
                    "" if record is None else record.place_of_death.value,
                    _scale_code(answers),
                    *[code_answer(q.type, answers.get(q.id), gate) for q in questions],
                ]
            )
    return rows


def _pair_rows(figures: ReportFigures, questions: Sequence[AnyQuestion]) -> list[list[str]]:
    """``pairs.csv``: each double-reviewed case's compared items, both sides and the use."""
    rows: list[list[str]] = []
    compared = [q for q in questions if q.type in PAIR_ITEMS_KINDS]
    for case in figures.input.cases:
        if not case.double_reviewed:
            continue
        gate = _case_gate(figures, case.case_ref)
        first, second = case.reviews[0].get("answers", {}), case.reviews[1].get("answers", {})
        for q in compared:
            source = case.sources.get(q.id)
            used = code_answer(q.type, case.answers.get(q.id), gate)
            rows.append(
                [
                    case.case_ref,
                    q.id,
                    code_answer(q.type, first.get(q.id), gate),
                    code_answer(q.type, second.get(q.id), gate),
                    used if q.id in case.consensus_items else "",
                    used,
                    "" if source is None else source.value,
                    "yes" if q.id in case.unreconciled else "no",
                ]
            )
    return rows


def _consensus_rows(
    gate: Callable[[str, str], str], consensus: Sequence[Mapping[str, str]]
) -> list[list[str]]:
    return [
        [gate(r.get("case_ref", ""), v) if k == "reason" else v for k, v in r.items()]
        for r in consensus
    ]


def _escalation_rows(
    gate: Callable[[str, str], str], log: Sequence[Mapping[str, Any]]
) -> list[list[str]]:
    rows = []
    for e in log:
        ref = str(e.get("case_ref", ""))
        doc = e.get("duty_of_candour") or {}
        rows.append(
            [
                str(e.get("esc_id", "")),
                ref,
                str(e.get("reviewer_ref", "")),
                "|".join(e.get("triggers") or ()),
                "|".join(e.get("destinations") or ()),
                _text(gate, ref, e.get("organisations")),
                _text(gate, ref, e.get("lead_organisation")),
                _or(e.get("harm")),
                _or(e.get("harm_severity")),
                _or(e.get("avoidability_rcp")),
                _or(e.get("status")),
                str(e.get("sent_date") or "")[:7] or NOT_ANSWERED,
                _or(doc.get("required")),
                _text(gate, ref, doc.get("provider")),
                _or(doc.get("notified")),
            ]
        )
    return rows


def _action_rows(actions: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [
        [
            *[str(a.get(name, "")) for name in _ACTION_TEXT],
            str(a.get("due_date", ""))[:7],
            str(a.get("status", "")),
            str(a.get("status_label", "")),
            "yes" if a.get("overdue") else "no",
        ]
        for a in actions
    ]


def _or(value: Any) -> str:
    if value is None or value == "":
        return NOT_ANSWERED
    return value if isinstance(value, str) else json.dumps(value)


def _text(gate: Callable[[str, str], str], case_ref: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return NOT_ANSWERED
    return gate(case_ref, value.strip())
