"""The action plan: actions with a theme of the definition, dated progress on the 0-5 scale
appended (never overwritten), field changes audited, overdue against a fixed clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reviewer_app.domain.records import ActionStatus
from reviewer_app.errors import NotFoundError, UserError
from reviewer_app.services.records.action_plan import (
    add_action,
    list_actions,
    overdue_actions,
    update_action,
)
from reviewer_app.services.study import Study
from tests.support.study_fixtures import snapshot
from tests.unit.records.conftest import TODAY, fixed_clock

A = ActionStatus


def _add(study: Study, reference: str = "1.1", **kw: object) -> None:
    values: dict[str, object] = {
        "theme": "deterioration",
        "action": "Electronic observations on every adult ward.",
        "lead": "Deputy Medical Director",
        "organisation": "Northfield Acute Hospitals NHS Trust",
        "due_date": date(2026, 3, 31),
        "work_stream": "Early warning scores",
        "committee": "Deteriorating Patient Board",
    }
    values.update(kw)
    add_action(study, reference=reference, clock=fixed_clock(), **values)  # type: ignore[arg-type]


def test_an_action_is_added_with_its_first_status(study: Study) -> None:
    _add(study, status=A.ON_TRACK, note="Business case approved.")
    (action,) = list_actions(study)
    assert action.reference == "1.1" and action.theme == "deterioration"
    assert action.theme_label == "Recognition of and response to deterioration"
    assert action.status is A.ON_TRACK and action.status_date == TODAY
    assert action.latest_note == "Business case approved."
    assert len(action.history) == 1 and action.edits == ()


def test_actions_are_listed_as_a_person_numbers_them(study: Study) -> None:
    """10.1 after 9.1 (not after 1.2), AP-7 before AP-10, case ignored: the order the CSV,
    the appendix, the report and the coordinator's table all take from ``list_actions``."""
    for ref in ("10.1", "AP-10", "2.1", "ap-7", "1.2", "9.1", "1.10", "1.1"):
        _add(study, reference=ref)
    refs = [a.reference for a in list_actions(study)]
    assert refs == ["1.1", "1.2", "1.10", "2.1", "9.1", "10.1", "ap-7", "AP-10"]


def test_a_theme_is_accepted_by_id_or_title_and_anything_else_is_refused(study: Study) -> None:
    _add(study, "1", theme="theme.fluids")
    _add(study, "2", theme="MEDICINES MANAGEMENT")
    assert [a.theme for a in list_actions(study)] == ["fluids", "medicines"]
    before = snapshot(study.db)
    with pytest.raises(UserError, match="not one of the review definition's themes"):
        _add(study, "3", theme="catering")
    assert snapshot(study.db) == before


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"reference": "has space"}, "reference must be"),
        ({"action": "  "}, "action is empty"),
        ({"lead": "jane.doe@nhs.net"}, "must be a role"),
        ({"lead": "Call 0116 258 5000"}, "must be a role"),
        ({"organisation": "x" * 201}, "longer than 200"),
        ({"progress_date": TODAY + timedelta(days=1)}, "in the future"),
        ({"work_stream": "two\nlines"}, "more than one line"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    study: Study, kw: dict[str, object], why: str
) -> None:
    reference = str(kw.pop("reference", "9.9"))
    before = snapshot(study.db)
    with pytest.raises(UserError, match=why) as err:
        _add(study, reference, **kw)
    assert "Nothing was changed" in str(err.value)
    assert snapshot(study.db) == before


def test_a_reference_is_used_once(study: Study) -> None:
    _add(study)
    with pytest.raises(UserError, match=r"already an action 1\.1"):
        _add(study)


def test_progress_is_appended_and_field_changes_are_audited(study: Study) -> None:
    _add(study, status=A.NOT_COMMENCED, progress_date=date(2026, 1, 5), note="Planned.")
    clock = fixed_clock()
    update_action(study, "1.1", status=A.ON_TRACK, progress_date=date(2026, 2, 1), clock=clock)
    update_action(study, "1.1", note="Live on 18 of 24 wards.", clock=clock)  # status carried
    update_action(study, "1.1", due_date=date(2026, 6, 30), lead="Medical Director", clock=clock)
    (action,) = list_actions(study)
    assert [(u.status, u.date, u.note) for u in action.history] == [
        (A.NOT_COMMENCED, date(2026, 1, 5), "Planned."),
        (A.ON_TRACK, date(2026, 2, 1), ""),
        (A.ON_TRACK, TODAY, "Live on 18 of 24 wards."),
    ]
    assert action.due_date == date(2026, 6, 30) and action.lead == "Medical Director"
    assert [(e.field, e.old_value, e.new_value) for e in action.edits] == [
        ("lead", "Deputy Medical Director", "Medical Director"),
        ("due_date", "2026-03-31", "2026-06-30"),
    ]
    for sql in ("UPDATE action_progress SET status = '5'", "DELETE FROM action_edits"):
        with pytest.raises(Exception, match="never"), study.db.transaction():
            study.db.execute(sql)


def test_an_update_with_nothing_to_record_is_refused(study: Study) -> None:
    _add(study)
    before = snapshot(study.db)
    with pytest.raises(UserError, match="Nothing to change"):
        update_action(study, "1.1", clock=fixed_clock())
    with pytest.raises(UserError, match="needs a new status"):
        update_action(study, "1.1", progress_date=TODAY, clock=fixed_clock())
    with pytest.raises(NotFoundError, match=r"no action 7\.7"):
        update_action(study, "7.7", status=A.COMPLETE, clock=fixed_clock())
    assert snapshot(study.db) == before


def test_overdue_is_an_open_action_past_its_due_date(study: Study) -> None:
    _add(study, "1", due_date=TODAY - timedelta(days=1), status=A.ON_TRACK)
    _add(study, "2", due_date=TODAY - timedelta(days=1), status=A.COMPLETE)
    _add(study, "3", due_date=TODAY - timedelta(days=1), status=A.OBJECTIVE_REVISED)
    _add(study, "4", due_date=TODAY, status=A.SIGNIFICANT_DELAY)
    _add(study, "5", due_date=TODAY - timedelta(days=30), status=A.NOT_COMMENCED)
    assert [a.reference for a in overdue_actions(list_actions(study), TODAY)] == ["1", "5"]
    later = [a.reference for a in overdue_actions(list_actions(study), TODAY + timedelta(days=1))]
    assert later == ["1", "4", "5"]


def test_the_latest_progress_by_date_is_the_status(study: Study) -> None:
    _add(study, status=A.ON_TRACK, progress_date=date(2026, 3, 1))
    update_action(
        study,
        "1.1",
        status=A.SOME_DELAY,
        progress_date=date(2026, 2, 1),  # a late-recorded earlier report
        note="February report.",
        clock=fixed_clock(),
    )
    (action,) = list_actions(study)
    assert action.status is A.ON_TRACK
    assert [u.date for u in action.history] == [date(2026, 2, 1), date(2026, 3, 1)]
