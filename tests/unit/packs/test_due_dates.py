"""Due dates: each case in a pack says when its review is due back (format 2.1).

The date is the day the case was first sent to the reviewer plus the study's return window,
the same window the coordinator's status counts overdue by; older packs without due dates
still open and import, showing none; a later pack moves or clears a case's due date.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlcipher3.dbapi2 import IntegrityError

from reviewer_app import cli
from reviewer_app.domain.review_timing import RETURN_WINDOW_DAYS, due_date_for
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.allocation import study_allocation
from reviewer_app.services.collection.status import DEFAULT_OVERDUE_DAYS, study_status
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.packs.format import (
    PACK_FORMAT_MINOR,
    NewerPackError,
    PackContent,
    build_pack,
)
from reviewer_app.services.packs.opening import open_pack
from reviewer_app.services.trust import cms
from reviewer_app.storage.study.allocation import AllocationStore
from reviewer_app.storage.workspace.assignments import AssignmentStore
from tests.support.crypto_fixtures import alice, pack_content, study_a
from tests.support.study_fixtures import WORKSPACE_PASSPHRASE, World, snapshot
from tests.support.study_fixtures import pack_content_for as _content

T0 = dt.datetime(2027, 1, 4, 9, 15, tzinfo=dt.UTC)
DUE0 = dt.date(2027, 2, 1)  # T0's day + 28


def _dated(content: PackContent, due: dt.date | None) -> PackContent:
    """The same content with every case due on ``due`` (None: none), format minor following."""
    doc = content.model_dump(mode="json", exclude={"format_minor"})
    for case in doc["cases"]:
        case.pop("due_date", None)
        if due is not None:
            case["due_date"] = due.isoformat()
    return PackContent.model_validate(doc)


# --- the rule and the format ---------------------------------------------------------------


def test_the_due_date_is_the_first_sending_day_plus_the_one_return_window() -> None:
    assert RETURN_WINDOW_DAYS == DEFAULT_OVERDUE_DAYS == 28  # the coordinator's overdue rule
    assert due_date_for(T0) == DUE0
    late = dt.datetime(2027, 1, 4, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert due_date_for(late) == dt.date(2027, 2, 2), "the UTC day counts (05:59 next day)"
    assert due_date_for(T0, 14) == dt.date(2027, 1, 18)


def test_a_pack_without_due_dates_is_byte_for_byte_what_it_was() -> None:
    plain = pack_content()
    assert plain.format_minor == 0
    text = plain.to_json_bytes().decode()
    assert "due_date" not in text and "format_minor" not in text
    dated = _dated(plain, DUE0)
    assert dated.format_minor == PACK_FORMAT_MINOR == 1
    doc = json.loads(dated.to_json_bytes())
    assert doc["format_minor"] == 1 and doc["format_version"] == plain.format_version
    assert {c["due_date"] for c in doc["cases"]} == {"2027-02-01"}
    assert PackContent.model_validate_json(dated.to_json_bytes()) == dated
    assert dated.digest() != plain.digest(), "a moved due date is a change worth a pack"


@pytest.mark.parametrize(
    "bad",
    [
        {"format_minor": 0},  # a due date in a 2.0 pack
        {"due_date": "2027-02-30"},
        {"due_date": "1 Feb 2027"},
        {"due_date": 20270201},
    ],
)
def test_a_bad_due_date_or_minor_is_refused(bad: dict[str, Any]) -> None:
    doc = _dated(pack_content(), DUE0).model_dump(mode="json")
    if "format_minor" in bad:
        doc.update(bad)
    else:
        doc["cases"][0].update(bad)
    with pytest.raises(ValidationError):
        PackContent.model_validate(doc)


def test_a_newer_minor_format_is_refused_as_newer_after_its_origin_is_checked() -> None:
    study, reviewer = study_a(), alice()
    doc = _dated(pack_content(), DUE0).model_dump(mode="json")
    doc["format_minor"] = PACK_FORMAT_MINOR + 1
    payload = json.dumps(doc).encode()
    pack = cms.envelope(cms.sign_attached(payload, study.key, study.root), reviewer.cert)
    with pytest.raises(NewerPackError) as caught:
        open_pack(pack, reviewer.key, reviewer.cert, study.root)
    message = str(caught.value)
    newer = f"format version {doc['format_version']}.{PACK_FORMAT_MINOR + 1}"
    assert newer in message and "reads up to version 2.1" in message
    assert "Nothing has been changed" in message
    opened = open_pack(
        build_pack(_dated(pack_content(), DUE0), study.key, study.root, reviewer.cert),
        reviewer.key,
        reviewer.cert,
        study.root,
    )
    assert {c.due_date for c in opened.content.cases} == {DUE0}


# --- made, imported, moved ---------------------------------------------------------------


def _import(w: World, ref: str, path: Path, *, first: bool = False) -> dict[str, dt.date]:
    with w.session(ref) as session:
        session.import_pack(path.read_bytes(), trust_fingerprint=w.fingerprint() if first else None)
        return AssignmentStore(session.workspace.db).due_dates()


def _reallocate_one(w: World) -> tuple[str, str, str, str]:
    """Move one case's second reviewer to a reviewer outside its pair: (case, kept, old, new)."""
    with w.study() as study:
        pairs = AllocationStore(study.db).get().pairs
        for case_ref, (first, second) in sorted(pairs.items()):
            for new in ("R01", "R02", "R03", "R04"):
                if new in (first, second):
                    continue
                try:
                    study_allocation.set_override(study, case_ref, (first, new))
                except InvalidInputError:
                    continue  # a conflict of interest: try another
                study_allocation.allocate(study)
                return case_ref, first, second, new
    raise AssertionError("no case could be reallocated")


def test_packs_carry_due_dates_that_stay_put_and_move_with_a_reallocation(w: World) -> None:
    with w.study() as study:
        report = pack_maker.make_packs(study, w.packs_dir, now=lambda: T0)
    made = {m.reviewer_ref: m.path for m in report.made}
    case_ref, kept, old, new = _reallocate_one(w)
    due = _import(w, new, made[new], first=True)
    assert due and set(due.values()) == {DUE0} and case_ref not in due
    later = T0 + dt.timedelta(days=10, hours=3)
    with w.study() as study:
        again = pack_maker.make_packs(study, w.packs_dir, now=lambda: later)
    remade = {m.reviewer_ref: m.path for m in again.made}
    assert kept in again.unchanged, "same cases, same due dates: no new pack"
    assert set(remade) == {old, new}
    moved = _import(w, new, remade[new])
    assert moved[case_ref] == dt.date(2027, 2, 11), "first sent to them 10 days later"
    assert {d for ref, d in moved.items() if ref != case_ref} == {DUE0}
    with w.session(new) as session:
        held = AssignmentStore(session.workspace.db).assignment(case_ref)
        assert held is not None and held.due_date == dt.date(2027, 2, 11)
    with w.study() as study:  # the coordinator counts it overdue on the same days
        # Due 11 Feb (first sent to them 14 Jan at 12:15): on time all of the due day, even
        # after the hour it was sent; overdue from the first minute of the next (UK) day.
        for moment, overdue in (
            (dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC), False),
            (dt.datetime(2027, 2, 11, 23, 59, tzinfo=dt.UTC), False),
            (dt.datetime(2027, 2, 12, 0, 0, tzinfo=dt.UTC), True),
            (dt.datetime(2027, 2, 12, 12, tzinfo=dt.UTC), True),
        ):
            status = study_status(study, now=moment)
            row = next(
                r
                for c in status.cases
                if c.case_ref == case_ref
                for r in c.reviewers
                if r.reviewer_ref == new
            )
            assert row.overdue is overdue


def test_an_old_pack_imports_without_due_dates_and_later_packs_set_move_and_clear_them(
    w: World,
) -> None:
    plain, key, root, cert = _content(w, "R01", sequence=1)

    def later(number: int) -> PackContent:
        return plain.model_copy(update={"sequence": number, "pack_id": f"pack-{number}"})

    moved = dt.date(2027, 3, 1)
    steps: list[tuple[PackContent, dt.date | None]] = [
        (plain, None),  # a pack made before packs carried due dates
        (_dated(later(2), DUE0), DUE0),
        (_dated(later(3), moved), moved),  # the coordinator moved it
        (later(4), None),  # a pack that does not say: none, never the old one kept
    ]
    with w.session("R01") as session:
        store = AssignmentStore(session.workspace.db)
        for number, (content, expected) in enumerate(steps):
            pack = build_pack(content, key, root, cert)
            session.import_pack(pack, trust_fingerprint=w.fingerprint() if number == 0 else None)
            refs = [c.case.case_ref for c in content.cases]
            assert [a.due_date for a in map(store.assignment, refs) if a] == [expected] * 3
            assert store.due_dates() == ({} if expected is None else dict.fromkeys(refs, expected))


def test_the_workspace_refuses_a_due_date_that_is_not_an_iso_date(w: World) -> None:
    with w.study() as study:
        made = {m.reviewer_ref: m.path for m in pack_maker.make_packs(study, w.packs_dir).made}
    _import(w, "R01", made["R01"], first=True)
    with w.session("R01") as session:
        db = session.workspace.db
        before = snapshot(db)
        for bad in ("2027-02-30", "01/02/2027", "2027-2-1", "soon"):
            with pytest.raises(IntegrityError), db.transaction():
                db.execute("UPDATE case_assignments SET due_date = ?", (bad,))
        assert snapshot(db) == before


def test_cases_json_includes_the_due_date(w: World, monkeypatch, capsys) -> None:
    with w.study() as study:
        report = pack_maker.make_packs(study, w.packs_dir, now=lambda: T0)
    made = {m.reviewer_ref: m.path for m in report.made}
    due = _import(w, "R02", made["R02"], first=True)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, WORKSPACE_PASSPHRASE)
    capsys.readouterr()
    assert cli.main(["cases", "--json", "--workspace", str(w.workspace_dir("R02"))]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and {c["case_ref"]: c["due_date"] for c in listed} == {
        ref: "2027-02-01" for ref in due
    }


def test_the_coordinator_counts_by_the_uk_day_in_summer(w: World) -> None:
    """At 23:30 UTC on a summer due day it is already the next day in the UK: overdue, as
    the reviewer's list says at that moment; at 22:59 UTC (23:59 BST) still on time."""
    sent = dt.datetime(2027, 6, 1, 12, 0, tzinfo=dt.UTC)  # due 29 June
    with w.study() as study:
        pack_maker.make_packs(study, w.packs_dir, now=lambda: sent)
        on_time = study_status(study, now=dt.datetime(2027, 6, 29, 22, 59, tzinfo=dt.UTC))
        late = study_status(study, now=dt.datetime(2027, 6, 29, 23, 30, tzinfo=dt.UTC))

    def owed(status: Any) -> list[bool]:
        return [r.overdue for c in status.cases for r in c.reviewers if r.returned_at is None]

    assert owed(on_time) and not any(owed(on_time))
    assert all(owed(late)), "00:30 on 30 June in the UK: past the due day"
