"""The report's figures on hand-made studies, against counts worked by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from statsmodels.stats.proportion import proportion_confint

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.case import PlaceOfDeath
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.report import CareLevel, CohortStatus
from reviewer_app.services.report.figures import compute_figures
from reviewer_app.services.report.figures_cohort import financial_quarter, periods_of
from reviewer_app.services.report.source import ReportInput, ReportOptions, SummaryRule
from reviewer_app.services.report.tables import CountTable, SectionTables, make_table
from tests.unit.report.cases import cohort_case, resolved

P = PlaceOfDeath


def _study(definition: ReviewDefinition, **options: object) -> ReportInput:
    """Six deaths (worked by hand below):

    ====  ==================  ========  ===============  =====  =======  =====
    case  place               month     outcome          overall ongoing  RCP
    ====  ==================  ========  ===============  =====  =======  =====
    C1    acute hospital      2017-06   full review      2      n/a      2
    C2    acute hospital      2017-06   full review      4      3        5
    C3    home                2017-07   full review      5      (none)   hogan 1 = RCP 6
    C4    community hospital  2017-07   records missing
    C5    care home           2017-03   handed back
    C6    acute hospital      2017-06   (no review yet)
    ====  ==================  ========  ===============  =====  =======  =====
    """
    cohort = [
        cohort_case("C1", P.ACUTE_HOSPITAL, date(2017, 6, 3)),
        cohort_case("C2", P.ACUTE_HOSPITAL, date(2017, 6, 9)),
        cohort_case("C3", P.HOME, date(2017, 7, 1)),
        cohort_case("C4", P.COMMUNITY_HOSPITAL, date(2017, 7, 2), site="Site B"),
        cohort_case("C5", P.CARE_HOME, date(2017, 3, 30)),
        cohort_case("C6", P.ACUTE_HOSPITAL, date(2017, 6, 20)),
    ]
    cases = [
        resolved(
            "C1",
            {
                "phase.overall.score": 2,
                "phase.ongoing.score": "not_applicable",
                "avoidability.grade": {"scale": "rcp", "grade": 2},
                "theme.fluids.issue": "yes",
                "theme.fluids.setting": ["acute_hospital"],
                "theme.fluids.phase": ["ongoing", "end_of_life"],
                "theme.medicines.issue": "cannot_tell",
                "relatives.contact_attempted": "yes",
                "relatives.outcome": "spoke",
                "relatives.concerns_raised": "yes",
            },
        ),
        resolved(
            "C2",
            {
                "phase.overall.score": 4,
                "phase.ongoing.score": 3,
                "avoidability.grade": {"scale": "rcp", "grade": 5},
                "theme.fluids.issue": "no",
                "theme.fluids.good_practice": "yes",
                "theme.fluids.setting": ["acute_hospital", "primary_care"],
                "theme.medicines.issue": "not_applicable",
                "relatives.contact_attempted": "no",
            },
        ),
        resolved(
            "C3",
            {
                "phase.overall.score": 5,
                "avoidability.grade": {"scale": "hogan", "grade": 1},
                "theme.fluids.issue": "no",
            },
        ),
        resolved("C4", {}, outcome="records_missing"),
        resolved("C5", {}, outcome="handed_back"),
    ]
    return ReportInput(
        definition, cohort, cases, ReportOptions(made_on=date(2017, 8, 1), **options)
    )  # type: ignore[arg-type]


def test_cohort_counts_each_death_once_in_its_status(definition: ReviewDefinition) -> None:
    f = compute_figures(_study(definition))
    c = f.cohort
    assert c.identified == 6
    assert c.statuses == {
        CohortStatus.REVIEWED: 3,
        CohortStatus.RECORDS_MISSING: 1,
        CohortStatus.HANDED_BACK: 1,
        CohortStatus.OUTSIDE_METHOD: 0,
        CohortStatus.AWAITING: 1,
    }
    place = c.by_place
    assert place.cell("Hospital (acute)", "Reviewed") == 2
    assert place.cell("Hospital (acute)", "Not yet reviewed") == 1
    assert place.row_total("Community (home, care home, hospice, other)") == 2
    assert place.grand_total == 6
    assert (c.hospital, c.outside_hospital) == (3, 3)
    assert c.hospital_share == pytest.approx(0.5)
    assert c.by_organisation.row_labels == ("Site A", "Site B")
    assert c.by_month.row_labels == ("March 2017", "June 2017", "July 2017")
    dash = f.published["dashboard"]
    # months, then Q4 2016/17 (March), Q1 2017/18 (June), Q2 2017/18 (July), then year to date
    assert dash.table.row_labels == (
        "March 2017",
        "June 2017",
        "July 2017",
        "Q4 2016/17",
        "Q1 2017/18",
        "Q2 2017/18",
        "Year to date 2017/18",
    )
    assert dash.table.body[-1] == (5, 3)  # June: C1, C2, C6; July: C3, C4; reviewed C1-C3
    assert dash.table.body[1] == (3, 2)


def test_financial_quarters_start_in_april() -> None:
    assert financial_quarter("2017-04") == ("2017/18", "Q1 2017/18")
    assert financial_quarter("2018-03") == ("2017/18", "Q4 2017/18")
    assert [p.kind for p in periods_of(["2017-05"])] == ["month", "quarter", "year_to_date"]
    assert periods_of([]) == ()


def test_care_scores_keep_not_applicable_and_not_answered_apart(
    definition: ReviewDefinition,
) -> None:
    f = compute_figures(_study(definition))
    dist = f.care.distribution
    assert dist.cell("Overall care", "2 Poor") == 1
    assert dist.cell("Overall care", "4 Good") == 1
    assert dist.cell("Overall care", "5 Excellent") == 1
    assert dist.cell("Ongoing care", "Not applicable") == 1
    assert dist.cell("Ongoing care", "3 Adequate") == 1
    assert dist.cell("Ongoing care", "Not answered") == 1
    assert all(sum(row) == 3 for row in dist.body)  # every row: the 3 full reviews
    # C1 has a 2 -> unacceptable; C2 has a 3 -> lessons; C3: 5 only, no issue -> acceptable
    assert f.care.levels == {
        "C1": CareLevel.UNACCEPTABLE,
        "C2": CareLevel.LESSONS,
        "C3": CareLevel.ACCEPTABLE,
    }


def test_the_summary_rule_is_configurable(definition: ReviewDefinition) -> None:
    strict = compute_figures(_study(definition, summary_rule=SummaryRule(1, 2)))
    assert strict.care.levels["C1"] is CareLevel.LESSONS  # a 2 is now "lessons"
    assert strict.care.levels["C2"] is CareLevel.ACCEPTABLE  # a 3 no longer is
    assert "scored 1 or less" in strict.care.rule.statement()
    with pytest.raises(ValueError, match="unacceptable_at_most"):
        SummaryRule(3, 3)


def test_avoidability_counts_grades_in_one_orientation_with_a_wilson_interval(
    definition: ReviewDefinition,
) -> None:
    f = compute_figures(_study(definition))
    a = f.avoidability
    assert a.by_rcp == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1, 6: 1}  # Hogan 1 is RCP 6
    assert (a.mltn_count, a.graded) == (1, 3)
    low, high = proportion_confint(1, 3, alpha=0.05, method="wilson")
    p = a.more_likely_than_not
    assert p is not None
    assert p.lower == pytest.approx(low, abs=1e-9) and p.upper == pytest.approx(high, abs=1e-9)
    hogan = compute_figures(_study(definition, scale=AvoidabilityScale.HOGAN))
    labels = hogan.published["avoidability_grades"].table.row_labels
    assert labels[0].startswith("Hogan 1: Definitely not avoidable")
    assert hogan.published["avoidability_grades"].cells[0][0] == "1"


def test_theme_answers_are_never_pooled_with_no(definition: ReviewDefinition) -> None:
    f = compute_figures(_study(definition))
    issue = f.themes.issue
    fluids = "Fluid management"
    assert issue.cell(fluids, "Yes") == 1 and issue.cell(fluids, "No") == 2
    medicines = "Medicines management"
    assert issue.cell(medicines, "Cannot tell from the records") == 1
    assert issue.cell(medicines, "Not applicable") == 1
    assert issue.cell(medicines, "No") == 0
    assert issue.cell(medicines, "Not answered") == 1


def test_relatives_concerns_against_findings(definition: ReviewDefinition) -> None:
    f = compute_figures(_study(definition))
    r = f.relatives
    assert (r.attempted, r.reached) == (1, 1)
    against = r.concerns_against_findings
    assert against.cell("Poor care (score 1-2) or RCP 1-3", "Yes") == 1  # C1
    assert against.row_total("Neither") == 2


def test_json_holds_the_same_tables(definition: ReviewDefinition) -> None:
    f = compute_figures(_study(definition))
    data = f.to_json()
    assert data["format"] == "reviewer-app/report-figures"
    assert data["tables"]["care_scores"]["cells"][-1][-1] == str(3 * len(f.care.distribution.body))
    assert data["sections"]["avoidability"]["more_likely_than_not"]["numerator"] == 1
    assert data["publication"] is False


def test_settings_and_phases_count_issue_and_good_practice_apart(
    definition: ReviewDefinition,
) -> None:
    from reviewer_app.services.report.source import option_labels

    f = compute_figures(_study(definition))
    settings = option_labels(definition, "theme.fluids.setting")
    phases = option_labels(definition, "theme.fluids.phase")
    fluids = "Fluid management"
    t = f.themes
    # C1: issue, acute hospital, phases ongoing + end of life; C2: good practice, two settings
    assert t.by_setting.cell(fluids, settings["acute_hospital"]) == 1
    assert settings["primary_care"] not in t.by_setting.column_labels
    assert t.good_by_setting.cell(fluids, settings["acute_hospital"]) == 1
    assert t.good_by_setting.cell(fluids, settings["primary_care"]) == 1
    assert t.by_phase.cell(fluids, phases["ongoing"]) == 1
    assert t.by_phase.cell(fluids, phases["end_of_life"]) == 1
    assert t.good_by_phase.cell(fluids, "None recorded") == 1  # C2 named no phase
    assert not t.by_setting.totals  # a case may name several: no totals


def test_escalations_and_actions_from_the_records(definition: ReviewDefinition) -> None:
    """Three referrals (two for C1 by both reviewers, one for C2) and three actions."""
    from dataclasses import replace

    log = [
        {
            "case_ref": "C1",
            "triggers": ["avoidability", "harm"],
            "destinations": ["provider_patient_safety"],
            "organisations": "Acute trust",
            "lead_organisation": "Acute trust",
            "status": "sent",
            "status_label": "Sent",
            "overdue": True,
            "duty_of_candour": {"required": "yes", "provider": "Acute trust"},
        },
        {
            "case_ref": "C1",
            "triggers": ["harm"],
            "destinations": ["provider_patient_safety", "coroner"],
            "organisations": "Acute trust",
            "lead_organisation": None,
            "status": "acknowledged",
            "status_label": "Acknowledged",
            "duty_of_candour": {"required": "unsure", "provider": "Acute trust"},
        },
        {
            "case_ref": "C2",
            "triggers": ["safeguarding"],
            "destinations": ["safeguarding"],
            "organisations": "Care home for Zielińska",
            "lead_organisation": "Council",
            "status": "sent",
            "status_label": "Sent",
            "duty_of_candour": {"required": None, "provider": None},
        },
    ]
    actions = [
        {
            "reference": "A1",
            "theme": "fluids",
            "action": "Fluid charts",
            "status": 4,
            "due_date": "2017-07-01",
        },
        {
            "reference": "A2",
            "theme": "fluids",
            "action": "Audit",
            "status": 5,
            "due_date": "2017-06-01",
        },
        {
            "reference": "A3",
            "theme": "medicines",
            "action": "Reconcile",
            "status": 1,
            "due_date": "2017-12-01",
        },
    ]
    inp = replace(_study(definition), escalation_log=log, actions=actions)
    f = compute_figures(inp)
    e = f.escalations
    assert (e.referrals, e.cases_escalated, e.overdue_acknowledgements) == (3, 2, 1)
    assert e.by_status.cell("Sent", "Referrals") == 2
    assert e.by_status.cell("Acknowledged", "Referrals") == 1
    harm = next(r for r in e.by_trigger.row_labels if "harm" in r.lower())
    assert e.by_trigger.cell(harm, "Referrals") == 2
    doc = e.duty_of_candour
    assert doc.cell("Acute trust", "Required") == 1 and doc.cell("Acute trust", "Unsure") == 1
    assert doc.cell("Not recorded", "Not answered") == 1
    # free text through the gate: the patient's name never reaches a row label
    assert not any("Zieli" in r for r in e.by_organisation.row_labels)
    a = f.actions
    # made on 2017-08-01: A1 is open and past its due date, A2 complete, A3 open on time
    assert a.by_theme.cell("Fluid management", "Open, overdue") == 1
    assert a.by_theme.cell("Fluid management", "Complete (5)") == 1
    assert a.by_theme.cell("Medicines management", "Open, on time") == 1
    assert a.issues["Fluid management"] == 1


def test_a_sections_tables_are_its_count_tables_in_the_order_declared() -> None:
    @dataclass(frozen=True)
    class Section(SectionTables):
        second: CountTable
        count: int
        first: CountTable

    def table(key: str) -> CountTable:
        return make_table(key, key.title(), "Row", ["r"], ["c"], {("r", "c"): 1}, "cases", "all")

    second, first = table("second"), table("first")
    assert Section(second, 3, first).tables == (second, first)


def test_the_reports_action_table_is_in_the_order_a_person_numbers_them(
    definition: ReviewDefinition,
) -> None:
    """The order of every other list of the plan (``domain.natural_order``): 10.1 after
    2.1, numbered references before lettered ones, case ignored (AP-3 after ap-2)."""
    from reviewer_app.services.report.figures_actions import action_figures

    refs = ["AP-3", "10.1", "ap-2", "2.1", "1.2"]
    actions = [
        {"reference": r, "theme": "deterioration", "status": "1", "due_date": "2027-01-01"}
        for r in refs
    ]
    figures = action_figures(ReportInput(definition, (), (), actions=actions))
    assert [r.reference for r in figures.rows] == ["1.2", "2.1", "10.1", "ap-2", "AP-3"]
