"""Overview: every figure is a service's, and each opens the list behind it."""

from __future__ import annotations

from reviewer_app.domain.reconciliation import CaseStage
from reviewer_app.services.collection.status import study_status
from reviewer_app.services.reconciliation.stages import case_stages, stage_counts


def test_the_figures_are_the_services_figures(collected_window):
    window = collected_window
    window.show_section(0)
    overview = window.section("overview")
    overview.refresh()
    counts = stage_counts(case_stages(window.desk.study))
    for stage, figure in overview.state_figures.items():
        assert figure.value == counts[stage], stage
        assert figure.accessibleName() == f"{stage.label}: {counts[stage]}"
    status = study_status(window.desk.study)
    assert overview.quarantined.value == status.quarantined_files
    assert overview.immediate.value == status.concerns.immediate_cases
    assert overview.escalations.value == status.concerns.escalation_cases
    assert overview.overdue.value == sum(r.overdue for r in status.reviewers)
    assert sum(f.value for f in overview.state_figures.values()) == len(status.cases)


def test_a_figure_opens_the_cases_behind_it(collected_window):
    window = collected_window
    window.show_section(0)
    overview = window.section("overview")
    overview.refresh()
    stage, figure = max(overview.state_figures.items(), key=lambda kv: kv[1].value)
    assert figure.value > 0
    figure.click()
    returns = window.section("returns")
    assert window.current is returns
    shown = returns.cases.shown_keys()
    assert len(shown) == figure.value
    expected = {r.case_ref for r in case_stages(window.desk.study) if r.stage is stage}
    assert set(shown) == expected
    assert returns.cases.filter_note.text() == f"Stage: {stage.label}"
    returns.cases.show_all.click()
    assert len(returns.cases.shown_keys()) == returns.cases.model.rowCount()


def test_before_any_return_every_case_awaits_returns(open_window, enrolled_world):
    window = open_window(enrolled_world.study_dir)
    overview = window.section("overview")
    assert overview.state_figures[CaseStage.AWAITING_RETURNS].value == 12
    assert overview.runs.model.rowCount() == 0
    assert overview.quarantined.value == 0
