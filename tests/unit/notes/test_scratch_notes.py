"""Private scratch notes: kept per case, replaced, cleared, refused when bad; no audit entry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reviewer_app.errors import InvalidInputError, NotFoundError
from reviewer_app.services.notes.scratch import MAX_NOTE_CHARS, NoteTooLongError, ScratchNotes
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.scratch_notes import ScratchNoteStore
from tests.support.review_fixtures import make_case

CLOCK = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(workspace_db: Database) -> Database:
    """The migrated workspace with two cases."""
    CaseStore(workspace_db).upsert_many(
        [make_case(), make_case(case_ref="C-0002", nhs_number="9876543210")]
    )
    return workspace_db


def _audit_count(db: Database) -> int:
    row = db.query_one("SELECT count(*) FROM audit")
    return int(row[0]) if row else 0


def test_a_note_is_kept_per_case_replaced_and_cleared(db: Database) -> None:
    notes = ScratchNotes(db, clock=lambda: CLOCK)
    ref = make_case().case_ref
    assert notes.read(ref).text == "" and notes.read(ref).updated_at is None
    audit_before = _audit_count(db)
    saved = notes.save(ref, "p. 14: check the fluid chart\r\nask about the GP letter")
    assert saved.text == "p. 14: check the fluid chart\nask about the GP letter"
    assert saved.updated_at == CLOCK
    assert notes.read(ref) == saved
    assert notes.read("C-0002").text == ""  # one note per case
    notes.save("C-0002", "second case")
    notes.save(ref, "replaced")
    assert notes.read(ref).text == "replaced" and notes.read("C-0002").text == "second case"
    assert notes.save(ref, "  \n\t ").updated_at is None  # blank is no note
    assert notes.read(ref).text == ""
    assert ScratchNoteStore(db).count() == 1
    assert _audit_count(db) == audit_before  # a private note is no part of the audit trail


def test_a_note_too_long_or_for_no_case_is_refused_and_changes_nothing(db: Database) -> None:
    notes = ScratchNotes(db)
    ref = make_case().case_ref
    notes.save(ref, "kept")
    secret = "QUIXOTE " * (MAX_NOTE_CHARS // 8 + 1)
    with pytest.raises(NoteTooLongError) as refused:
        notes.save(ref, secret)
    message = str(refused.value)
    assert isinstance(refused.value, InvalidInputError)
    assert f"{len(secret):,}" in message and f"{MAX_NOTE_CHARS:,}" in message
    assert "QUIXOTE" not in message  # the note is never quoted
    assert notes.read(ref).text == "kept"
    assert len(notes.save(ref, "x" * MAX_NOTE_CHARS).text) == MAX_NOTE_CHARS  # the limit fits
    with pytest.raises(NotFoundError, match="no case C-9999"):
        notes.save("C-9999", "anything")
    assert ScratchNoteStore(db).get("C-9999") is None


def test_the_schema_refuses_what_the_service_would(db: Database) -> None:
    ref = make_case().case_ref
    for bad in ("", "x" * (MAX_NOTE_CHARS + 1)):
        with pytest.raises(Exception, match="CHECK"), db.transaction():
            db.execute(
                "INSERT INTO scratch_notes (case_ref, text, updated_at) VALUES (?, ?, ?)",
                (ref, bad, "2026-03-01T12:00:00Z"),
            )
    assert ScratchNoteStore(db).count() == 0


def test_a_removed_unopened_case_takes_its_note_with_it(db: Database) -> None:
    from reviewer_app.storage.workspace.assignments import AssignmentStore

    notes = ScratchNotes(db)
    notes.save("C-0002", "about to be reallocated")
    AssignmentStore(db).remove_cases(["C-0002"])
    assert ScratchNoteStore(db).count() == 0
