"""The analysts' exports: read back, coded, pseudonymous, Excel-safe."""

from __future__ import annotations

import csv
import io
import stat
from dataclasses import replace
from datetime import date
from pathlib import Path

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.services.exports.writer import export_study
from reviewer_app.services.intake.csv_export import csv_unescape
from reviewer_app.services.report.figures import compute_figures
from reviewer_app.services.report.source import ReportInput, ReportOptions
from tests.unit.report.cases import entry, synthetic_study


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_files_read_back(tmp_path: Path, definition: ReviewDefinition) -> None:
    cohort, cases = synthetic_study(definition, 12, 8)
    first = cases[0]
    answers = dict(first.answers)
    answers["learning.good_practice"] = entry('=HYPERLINK("http://x")')
    answers["theme.fluids.issue"] = entry("cannot_tell")
    answers["theme.medicines.issue"] = {"state": "unanswered"}
    answers["learning.poor_care"] = entry(f"Seen by {cohort[0].family_name} at home.")
    cases[0] = replace(first, answers=answers, reviews=({"answers": answers}, *first.reviews[1:]))
    inp = ReportInput(
        definition, cohort, cases, ReportOptions(made_on=date(2017, 9, 1), publication=True)
    )
    out = tmp_path / "export"
    written = export_study(out, compute_figures(inp), professions={"R01": "doctor"}, modes={})
    names = set(written.files)
    for name in (
        "reviews.csv",
        "pairs.csv",
        "consensus.csv",
        "escalations.csv",
        "actions.csv",
        "codebook.csv",
        "tables/care_scores.csv",
        "tables/care_scores_share.csv",
    ):
        assert name in names
    for name in names:
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
    rows = _read(out / "reviews.csv")
    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert row["theme.fluids.issue"] == "cannot_tell"
    assert row["theme.medicines.issue"] == "not_answered"  # never "no"
    assert row["learning.good_practice"].startswith("'=")  # neutralised
    assert csv_unescape(row["learning.good_practice"]) == '=HYPERLINK("http://x")'
    assert cohort[0].family_name not in row["learning.poor_care"]
    assert len(row["month_of_death"]) == 7
    everything = "".join((out / n).read_text(encoding="utf-8-sig") for n in names)
    for case in cohort:
        assert case.nhs_number not in everything
        assert case.date_of_birth.isoformat() not in everything
        assert (case.postcode or "@@") not in everything
    codebook = _read(out / "codebook.csv")
    codes = {r[0]: r[3] for r in codebook[1:]}
    for code in (
        "not_answered = not answered",
        "not_asked = not asked",
        "not_applicable = not applicable",
        "unknown = unknown",
        "cannot_tell = cannot",
    ):
        assert code in codes["theme.fluids.issue"]
    table = _read(out / "tables/cohort_by_place.csv")
    assert table[0][-1] == "Total" and table[-1][0] == "Total"


def test_pairs_show_both_originals_and_the_value_used(
    tmp_path: Path, definition: ReviewDefinition
) -> None:
    from reviewer_app.services.reconciliation.resolved import ValueSource

    cohort, cases = synthetic_study(definition, 3, 2)
    first = cases[0]
    second_answers = dict(first.reviews[1]["answers"])
    second_answers["phase.overall.score"] = entry(1)
    used = dict(first.answers)
    used["phase.overall.score"] = entry(1)
    cases[0] = replace(
        first,
        answers=used,
        reviews=(first.reviews[0], {"answers": second_answers}),
        sources={"phase.overall.score": ValueSource.RULE},
        unreconciled=frozenset({"phase.overall.score"}),
    )
    inp = ReportInput(definition, cohort, cases, ReportOptions(made_on=date(2017, 9, 1)))
    out = tmp_path / "export"
    export_study(out, compute_figures(inp), professions={}, modes={})
    rows = _read(out / "pairs.csv")
    header = rows[0]
    assert header == [
        "case_id",
        "item",
        "first_value",
        "second_value",
        "consensus_value",
        "value_used",
        "value_source",
        "unreconciled",
    ]
    found = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    overall = next(
        r for r in found if r["case_id"] == cases[0].case_ref and r["item"] == "phase.overall.score"
    )
    original = first.reviews[0]["answers"]["phase.overall.score"]["value"]
    assert overall["first_value"] == str(original)
    assert overall["second_value"] == "1" and overall["value_used"] == "1"
    assert overall["value_source"] == "rule" and overall["unreconciled"] == "yes"
    assert overall["consensus_value"] == ""
    assert {r["case_id"] for r in found} == {c.case_ref for c in cases}
