"""The report's publication mode, PDF and charts on a synthetic study."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.services.report.charts import to_svg
from reviewer_app.services.report.document import render_report
from reviewer_app.services.report.figures import ReportFigures, compute_figures
from reviewer_app.services.report.source import ReportInput, ReportOptions
from reviewer_app.services.report.views import CHART_TITLES, report_charts
from tests.unit.report.cases import synthetic_study
from tests.unit.report.disclosure import System


@pytest.fixture(scope="module")
def study(definition: ReviewDefinition) -> ReportInput:
    cohort, cases = synthetic_study(definition, 40, 30)
    return ReportInput(definition, cohort, cases, ReportOptions(made_on=date(2017, 9, 1)))


def _with(inp: ReportInput, publication: bool) -> ReportFigures:
    from dataclasses import replace

    return compute_figures(replace(inp, options=replace(inp.options, publication=publication)))


def test_publication_hides_every_count_of_1_to_4(study: ReportInput) -> None:
    taskforce = _with(study, False)
    public = _with(study, True)
    seen_small = 0
    for key, pub in public.published.tables.items():
        if key == "actions_by_theme":
            continue  # counts of actions, not of people
        plain = taskforce.published[key]
        for row_text, row_plain in zip(pub.cells, plain.cells, strict=True):
            for text, original in zip(row_text, row_plain, strict=True):
                if original.isdigit() and 1 <= int(original) <= 4:
                    seen_small += 1
                    assert text in ("<5", "*"), key
                elif text not in ("<5", "*"):
                    assert text == original, key
    assert seen_small > 10  # the synthetic study has small cells to hide


LINKED_GROUPS = [
    (
        ["cohort_by_place", "cohort_by_organisation", "cohort_by_specialty", "cohort_by_month"],
        "columns",
    ),
    (["avoidability_structure", "mltn_against_escalation"], "rows"),
    (["problems_by_harm", "problems_by_severity"], "columns"),
    (["relatives_contact", "relatives_concerns_findings"], "columns"),
]


@pytest.mark.parametrize(("keys", "shared"), LINKED_GROUPS)
def test_linked_report_tables_read_together_pin_nothing(
    study: ReportInput, keys: list[str], shared: str
) -> None:
    """Each group of the report's tables that share totals, solved at once by the
    brute-force reader (each shared total one unknown): no hidden count can be worked out."""
    public = _with(study, True)
    system = System()
    tables = [public.published[key] for key in keys]
    cap = max(p.table.counts[-1][-1] for p in tables) + 1
    for index, pub in enumerate(tables):
        rows, columns = len(pub.table.counts) - 1, len(pub.table.counts[0]) - 1
        cells = [list(r) for r in pub.cells]
        if keys[0] == "cohort_by_place":
            # the reviewed deaths are every other table's denominator: the reader knows them
            assert cells[rows][0] == str(len(public.input.full_reviews()))
        if shared == "columns":
            names = {(rows, j): ("column total", j) for j in range(columns + 1)}
        else:
            names = {(i, columns): ("row total", i) for i in range(rows + 1)}
        system.add_table(cells, pub.table.counts, cap, names, prefix=index)
    assert any(p.suppressed for p in tables)
    assert system.pinned() == []


def test_the_pdf_is_vector_only_and_marked(study: ReportInput) -> None:
    for publication, marking in ((False, "FOR THE TASKFORCE ONLY"), (True, "FOR PUBLICATION")):
        data = render_report(_with(study, publication))
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) >= 10
        first = reader.pages[0].extract_text()
        assert "Executive summary" in first and marking in first
        text = "".join(page.extract_text() for page in reader.pages)
        for n, title in enumerate(
            [
                "Cohort",
                "Care scores",
                "Avoidability of death",
                "Themes",
                "Escalations",
                "Relatives' experience",
                "Agreement",
                "Learning",
                "Actions",
            ],
            1,
        ):
            assert f"{n}. {title}" in text
        for page in reader.pages:
            resources = page.get("/Resources") or {}
            xobjects = resources.get("/XObject") or {}
            for ref in xobjects.values():
                assert ref.get_object().get("/Subtype") != "/Image"
        # no patient identifier of the cohort is printed
        for case in study.cohort[:10]:
            assert case.nhs_number not in text
            assert case.family_name not in text


def test_charts_render_as_svg_for_the_window(study: ReportInput) -> None:
    """The window shows the very drawings the PDF places (``views.report_charts``)."""
    f = _with(study, True)
    drawings = report_charts(f)
    assert set(drawings) == set(CHART_TITLES)
    for drawing in drawings.values():
        svg = to_svg(drawing)
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert "<image" not in svg
    # the same figures draw the same charts
    assert to_svg(report_charts(f)["care_scores"]) == to_svg(drawings["care_scores"])


def _ints(value: object, key: str = "") -> list[tuple[str, int]]:
    if key in ("summary_rule", "status", "format_version"):
        return []
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [(key, value)]
    if isinstance(value, list):
        return [x for v in value for x in _ints(v, key)]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _ints(v, k)]
    return []


def test_publication_json_and_sentences_show_no_small_count(study: ReportInput) -> None:
    log = [
        {
            "case_ref": study.cases[0].case_ref,
            "triggers": ["harm"],
            "status": "sent",
            "status_label": "Sent",
            "duty_of_candour": {"required": "yes", "provider": "Trust"},
        },
        {
            "case_ref": study.cases[1].case_ref,
            "triggers": ["harm"],
            "status": "sent",
            "status_label": "Sent",
            "duty_of_candour": {"required": "no", "provider": "Trust"},
        },
    ]
    from dataclasses import replace

    inp = replace(study, escalation_log=log)
    public = _with(inp, True)
    data = public.to_json()
    small = [(k, v) for k, v in _ints(data["sections"]) if 1 <= v <= 4]
    assert small == []
    assert data["sections"]["escalations"]["referrals"] == "<5"
    assert data["tables"]["escalations_by_status"]["denominator"].startswith(
        "Denominator: the <5 referrals"
    )
    taskforce = _with(inp, False).to_json()
    assert taskforce["sections"]["escalations"]["referrals"] == 2
    assert taskforce["tables"]["escalations_by_status"]["denominator"].startswith(
        "Denominator: the 2 referrals"
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report(public))).pages)
    assert "the 2 referrals" not in text and "<5 referral(s)" in text


def test_a_derived_entry_is_shown_when_it_can_be_added_up(study: ReportInput) -> None:
    """The place split: deaths outside hospital are the grand total less the hospital
    deaths, both shown, so they are shown even where the places behind them are hidden."""
    public = _with(study, True)
    place = public.published["cohort_by_place"]
    split = public.published["place_split"]
    grand, hospital = place.cells[-1][-1], place.cells[0][-1]
    assert grand == str(public.cohort.identified)
    if hospital.isdigit():
        assert split.cells[1][0] == str(int(grand) - int(hospital))


def test_the_share_is_not_published_beside_a_hidden_count_of_ungraded_cases(
    study: ReportInput,
) -> None:
    """Two full reviews without a grade: "not graded" is 2, shown "<5"; the share's
    denominator (the graded cases) would give it back, so the publication copy prints no
    share, interval or graded count, while the taskforce copy does."""
    from dataclasses import replace

    from reviewer_app.services.report.headline import mltn_sentence, mltn_shown

    cases = list(study.cases)
    full = [i for i, c in enumerate(cases) if c.outcome == "full_review"][:2]
    for i in full:
        answers = dict(cases[i].answers)
        answers["avoidability.grade"] = {"state": "unanswered"}
        cases[i] = replace(cases[i], answers=answers)
    inp = replace(study, cases=cases)
    public, taskforce = _with(inp, True), _with(inp, False)
    assert public.avoidability.not_graded == 2
    assert public.published["avoidability_structure"].cells[2][-1] == "<5"
    assert not mltn_shown(public) and mltn_shown(taskforce)
    graded = str(public.avoidability.graded)
    assert f"of {graded} graded" not in mltn_sentence(public)
    assert f"of {graded} graded" in mltn_sentence(taskforce)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report(public))).pages)
    assert f"{graded} graded" not in text and "% of graded" not in text


def test_a_single_excluded_death_cannot_be_worked_out_from_the_reviewed_total(
    definition: ReviewDefinition,
) -> None:
    """Twelve deaths: eleven reviewed, one excluded for missing records. The eleven reviewed
    are printed throughout (every table's denominator), so the cohort tables hide the deaths
    identified instead: 12 - 11 would give the one exclusion away."""
    from reviewer_app.domain.report import CohortStatus

    cohort, cases = synthetic_study(definition, 12, 12)
    cases = [c for c in cases if c.outcome == "full_review"][:11]
    from tests.unit.report.cases import resolved

    missing = next(c for c in cohort if c.case_ref not in {x.case_ref for x in cases})
    cases.append(resolved(missing.case_ref, {}, outcome="records_missing"))
    inp = ReportInput(definition, cohort, cases, ReportOptions(made_on=date(2017, 9, 1)))
    public = _with(inp, True)
    assert public.cohort.statuses[CohortStatus.RECORDS_MISSING] == 1
    by_month = public.published["cohort_by_month"]
    assert by_month.cells[-1][0] == "11"  # reviewed: known
    assert by_month.cells[-1][1] == "<5"  # records missing
    assert by_month.cells[-1][-1] == "*"  # the deaths identified: hidden with it
    data = public.to_json()["sections"]["cohort"]
    assert data["identified"] == "*" and data["statuses"]["records_missing"] == "<5"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report(public))).pages)
    assert "12" not in text.split("Executive summary")[1].split("Review status")[0]
