"""The action plan CSV: all-or-nothing intake with every error named by line and column,
idempotent re-import, and an export that imports back unchanged."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date
from pathlib import Path

import pytest

from reviewer_app.domain.records import ActionStatus
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.records.action_csv import (
    COLUMNS,
    ActionsRejectedError,
    actions_csv,
    export_actions,
    import_actions,
)
from reviewer_app.services.records.action_plan import list_actions, update_action
from reviewer_app.services.study import Study
from tests.support.study_fixtures import snapshot
from tests.unit.records.conftest import TODAY, fixed_clock

HEADER = ",".join(COLUMNS)
ROWS = (
    [
        "1.1",
        "deterioration",
        "Early warning scores",
        "Deteriorating Patient Board",
        '"Roll out e-obs, with escalation"',
        "Deputy Medical Director",
        "Acute Trust",
        "2026-03-31",
        "4",
        "2026-02-01",
        "Live on 18 wards",
    ],
    [
        "3.1",
        "Senior review and ward rounds",
        "Seven-day services",
        "Quality Committee",
        "Consultant review within 14 hours",
        "Medical Director",
        "Acute Trust",
        "31/01/2026",
        "2",
        "",
        "",
    ],
    [
        "12.1",
        "theme.policies_records",
        "",
        "",
        "Guidelines in date",
        "Head of Governance",
        "Acute Trust",
        "2026-06-30",
        "On track",
        "2026-03-01",
        "",
    ],
)
GOOD = "\r\n".join([HEADER, *(",".join(r) for r in ROWS)])


def _import(study: Study, text: str, name: str = "plan.csv"):  # type: ignore[no-untyped-def]
    return import_actions(study, text.encode("utf-8"), name, clock=fixed_clock())


def test_a_good_plan_is_imported(study: Study) -> None:
    report = _import(study, GOOD)
    assert report.added == ("1.1", "3.1", "12.1")
    actions = {a.reference: a for a in list_actions(study)}
    first = actions["1.1"]
    assert first.action == "Roll out e-obs, with escalation"
    assert (first.status, first.status_date, first.latest_note) == (
        ActionStatus.ON_TRACK,
        date(2026, 2, 1),
        "Live on 18 wards",
    )
    assert actions["3.1"].theme == "senior_review"
    assert actions["3.1"].due_date == date(2026, 1, 31)
    assert actions["3.1"].status_date == TODAY  # no progress date: the day of import
    assert actions["12.1"].status is ActionStatus.ON_TRACK  # status by its label


def test_importing_the_same_file_again_changes_nothing(study: Study) -> None:
    _import(study, GOOD)
    before = snapshot(study.db)
    report = _import(study, GOOD)
    assert report.added == () and report.edited == {} and report.progressed == ()
    assert report.unchanged == 3
    assert snapshot(study.db) == before


def test_a_changed_row_updates_only_what_changed_and_appends_progress(study: Study) -> None:
    _import(study, GOOD)
    changed = GOOD.replace(
        "Medical Director,Acute Trust,31/01/2026,2,,",
        "Medical Director,Acute Trust,30/04/2026,3,2026-03-18,Rota gaps filled",
    )
    report = _import(study, changed)
    assert report.edited == {"3.1": ("due_date",)}
    assert report.progressed == ("3.1",)
    action = {a.reference: a for a in list_actions(study)}["3.1"]
    assert [u.status for u in action.history] == [
        ActionStatus.SIGNIFICANT_DELAY,
        ActionStatus.SOME_DELAY,
    ]
    assert action.edits[0].old_value == "2026-01-31"


def test_every_error_is_named_with_line_and_column_and_nothing_is_imported(
    study: Study,
) -> None:
    bad = "\r\n".join(
        [
            HEADER,
            "1.1,deterioration,,,Do it,Chief Nurse,Trust,2026-02-30,4,,",  # line 2: no such day
            "1.2,catering,,,Do it,Chief Nurse,Trust,2026-03-31,7,,",  # line 3: theme, status
            "1.1,fluids,,,,Chief Nurse,Trust,2026-03-31,4,2030-01-01,",  # 4: dup, action, future
            "bad ref,fluids,,,Do it,chief@nhs.net,,03/31/2026,4,,",  # 5: ref, lead, org, date
            "1.5,fluids,,,Do it,Chief Nurse,Trust",  # line 6: ragged
        ]
    )
    before = snapshot(study.db)
    with pytest.raises(ActionsRejectedError) as err:
        _import(study, bad)
    found = {(p.line, p.column) for p in err.value.problems}
    assert found == {
        (2, "due_date"),
        (3, "theme"),
        (3, "status"),
        (4, "reference"),
        (4, "action"),
        (4, "progress_date"),
        (5, "reference"),
        (5, "lead"),
        (5, "organisation"),
        (5, "due_date"),
        (6, None),
    }
    message = str(err.value)
    assert "Nothing was imported" in message
    assert "plan.csv line 3, column status" in message
    assert '"1.1" is also on line 2' in message
    assert "chief@nhs.net" not in message  # free text is never echoed
    assert snapshot(study.db) == before


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "is empty"),
        ("reference,theme\r\n1,fluids\r\n", "missing the required columns"),
        (HEADER + "\r\n", "no data rows"),
        (HEADER.replace(",", ";") + "\r\n1;2\r\n", "separated by semicolons"),
    ],
)
def test_an_unusable_file_is_refused_whole(study: Study, text: str, why: str) -> None:
    before = snapshot(study.db)
    with pytest.raises(InvalidInputError, match=why):
        _import(study, text)
    assert snapshot(study.db) == before


def test_a_progress_date_before_the_recorded_one_is_refused(study: Study) -> None:
    _import(study, GOOD)
    earlier = GOOD.replace(",4,2026-02-01,Live on 18 wards", ",5,2026-01-01,Done")
    with pytest.raises(ActionsRejectedError) as err:
        _import(study, earlier)
    assert [(p.line, p.column) for p in err.value.problems] == [(2, "progress_date")]


def test_the_export_has_the_contract_columns_and_imports_back_unchanged(
    study: Study, tmp_path: Path
) -> None:
    _import(study, GOOD)
    update_action(study, "1.1", note='=HYPERLINK("http://x") typed by someone', clock=fixed_clock())
    out = tmp_path / "actions.csv"
    assert export_actions(study, out) == 3
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1][10].startswith("'=HYPERLINK")  # formula neutralised in the file
    before = snapshot(study.db)
    report = import_actions(study, data, "actions.csv", clock=fixed_clock())
    assert report.unchanged == 3 and not report.added and not report.progressed
    assert snapshot(study.db) == before
    assert actions_csv(list_actions(study)).encode("utf-8") == data
