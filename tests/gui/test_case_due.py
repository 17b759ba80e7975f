"""The Due column's overdue rule for amendments: owed until a version of the case is returned.

An amendment in progress owes nothing only when an earlier signed version was returned (the
workspace recorded it in a return bundle written to the shared folder); an amendment of a
version signed but never returned is still owed, as the coordinator's chase list counts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reviewer_app.domain.case import PlaceOfDeath
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag, ReviewMode
from reviewer_app.gui.case_due import due_text, is_overdue
from reviewer_app.gui.case_table_model import COLUMN_INDEX, REF_ROLE, CaseTableModel
from reviewer_app.services.returns.writer import return_signed_reviews
from reviewer_app.services.session import ReviewerSession
from reviewer_app.storage.workspace.assignments import Assignment, AssignmentStore
from reviewer_app.storage.workspace.cases import CaseSummary
from tests.support.returns_fixtures import returning_bench
from tests.support.signoff_fixtures import Bench

DUE = date(2027, 1, 12)
ON_THE_DAY, DAY_AFTER = DUE, date(2027, 1, 13)


def row(
    status: ReviewStatus,
    *,
    version: int | None = 2,
    returned_version: int | None = None,
    flags: tuple[CaseFlag, ...] = (),
) -> CaseSummary:
    return CaseSummary(
        case_ref="NSR-0001",
        display_name="EXAMPLE, Ann",
        nhs_number="9990001112",
        age_at_death=80,
        date_of_death=date(2026, 11, 3),
        place_of_death=PlaceOfDeath.HOME,
        status=status,
        review_id=1,
        review_version=version,
        answered=3,
        progress=0.5,
        flags=flags,
        returned_version=returned_version,
        due_date=DUE,
    )


AMENDING = ReviewStatus.AMENDMENT_IN_PROGRESS


def test_an_amendment_of_a_returned_version_is_never_overdue() -> None:
    for back in (1, 2):  # version 1 returned, or 2 (amending version 3)
        amending = row(AMENDING, version=back + 1, returned_version=back)
        for today in (ON_THE_DAY, DAY_AFTER, date(2099, 1, 1)):
            assert not is_overdue(amending, today), (back, today)
            assert due_text(amending, today) == "12 Jan 2027"


def test_an_amendment_with_nothing_returned_is_overdue_after_its_due_date() -> None:
    amending = row(AMENDING, version=2, returned_version=None)
    assert not is_overdue(amending, ON_THE_DAY), "due today: not overdue yet"
    assert due_text(amending, ON_THE_DAY) == "12 Jan 2027"
    assert is_overdue(amending, DAY_AFTER)
    assert due_text(amending, DAY_AFTER) == "12 Jan 2027 (overdue)"
    withdrawn = row(AMENDING, returned_version=None, flags=(CaseFlag.WITHDRAWN,))
    assert not is_overdue(withdrawn, DAY_AFTER), "a withdrawn case owes nothing"


def test_a_row_without_return_details_is_read_as_nothing_returned() -> None:
    """A row type that carries no ``returned_version`` (the Protocol makes it optional) says
    nothing was returned: an amendment on it is owed; other statuses as before."""

    @dataclass(frozen=True)
    class Bare:
        case_ref: str
        status: ReviewStatus
        flags: tuple[CaseFlag, ...] = ()
        due_date: date | None = DUE

    assert is_overdue(Bare("NSR-0001", AMENDING), DAY_AFTER)
    assert not is_overdue(Bare("NSR-0001", AMENDING), ON_THE_DAY)
    assert not is_overdue(Bare("NSR-0001", ReviewStatus.SIGNED), DAY_AFTER)
    assert not is_overdue(Bare("NSR-0001", AMENDING, due_date=None), date(2099, 1, 1))


def test_signed_and_closed_cases_owe_nothing_whether_returned_or_not() -> None:
    """The README's rule for the Due column, kept: a signed case is not marked overdue, even
    before its return is written (the coordinator still counts it owed until then)."""
    for done in (ReviewStatus.SIGNED, ReviewStatus.RECORDS_MISSING, ReviewStatus.HANDED_BACK):
        for back in (None, 1):
            assert not is_overdue(row(done, version=1, returned_version=back), DAY_AFTER)
    for owed in (ReviewStatus.READY_TO_SIGN, ReviewStatus.AWAITING_COSIGNATURE):
        assert is_overdue(row(owed, version=1, returned_version=None), DAY_AFTER)


# --- from a real workspace, through the session that builds the case list ----------------------


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = returning_bench(tmp_path / "ws", case_count=4)
    yield made
    made.workspace.close()


def test_the_case_list_knows_which_amendments_were_returned_before(
    bench: Bench, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    AssignmentStore(bench.workspace.db).set_assignments(
        [
            Assignment(
                case_ref=ref,
                review_mode=ReviewMode.INDEPENDENT,
                co_reviewer_ref=None,
                co_reviewer_name=None,
                pack_sequence=1,
                due_date=DUE,
            )
            for ref in ("SIG-0001", "SIG-0002", "SIG-0003", "SIG-0004")
        ]
    )
    sent = bench.sign("SIG-0001")
    bench.sign("SIG-0003")
    return_signed_reviews(bench.workspace, shared)  # SIG-0001 and SIG-0003 version 1 go back
    unsent = bench.sign("SIG-0002")  # signed after the return: never returned
    bench.signoff.amend(sent, "The date of the review was wrong", "R01")
    bench.signoff.amend(unsent, "The date of the review was wrong", "R01")

    rows = {r.case_ref: r for r in ReviewerSession(bench.workspace).list_cases()}
    got = {
        ref: (r.status, r.review_version, r.returned_version)
        for ref, r in rows.items()
        if ref != "SIG-0004"
    }
    assert got == {
        "SIG-0001": (AMENDING, 2, 1),
        "SIG-0002": (AMENDING, 2, None),
        "SIG-0003": (ReviewStatus.SIGNED, 1, 1),
    }
    assert rows["SIG-0004"].status is ReviewStatus.NOT_STARTED

    today = [ON_THE_DAY]
    model = CaseTableModel(list(rows.values()), today=lambda: today[0])
    due = COLUMN_INDEX["Due"]

    def shown() -> dict[str, str]:
        return {
            model.index(r, 0).data(REF_ROLE): model.index(r, due).data()
            for r in range(model.rowCount())
        }

    assert set(shown().values()) == {"12 Jan 2027"}, "nothing is overdue on the due date"
    today[0] = DAY_AFTER
    assert shown() == {
        "SIG-0001": "12 Jan 2027",  # amending a returned version: nothing owed
        "SIG-0002": "12 Jan 2027 (overdue)",  # amending a version never returned: owed
        "SIG-0003": "12 Jan 2027",  # signed and returned
        "SIG-0004": "12 Jan 2027 (overdue)",  # not started
    }
    late = model.visible_row_of("SIG-0002")
    assert late is not None
    assert model.index(late, due).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_the_list_counts_by_the_uk_day_as_the_coordinator_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 23:30 UTC on a summer due day it is already the next day in the UK: overdue, as
    ``coordinator status`` says at that moment (both ask ``review_timing.uk_today``)."""
    import datetime as dt

    from reviewer_app.gui import case_due

    moment = dt.datetime(2027, 7, 12, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(case_due, "_now", lambda: moment)
    assert case_due.today_in_the_uk() == date(2027, 7, 13)
    late = row(ReviewStatus.IN_PROGRESS)._replace(due_date=date(2027, 7, 12))
    model = CaseTableModel([late])
    due_cell = model.index(0, COLUMN_INDEX["Due"])
    assert str(model.data(due_cell, Qt.ItemDataRole.DisplayRole)).endswith("(overdue)")
