"""The workspace's refusing triggers, written one way: the schema steps build them here.

Every rule the database enforces by itself (signed reviews frozen, the audit trail and the
signatures append-only, withdrawn cases read-only) is a BEFORE trigger that aborts with the
read-only marker, which ``storage.database`` turns into a ``ReadOnlyError``. Released schema
steps must execute byte-identical SQL, so the text these produce never changes.
"""

from __future__ import annotations

from reviewer_app.storage.database import READ_ONLY_MARKER


def refusing_trigger(name: str, event: str, table: str, refusal: str, when: str = "") -> str:
    """A trigger that refuses ``event`` on ``table`` (only ``when`` that holds, if given)."""
    condition = f"WHEN {when}\n" if when else ""
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {table}\n{condition}BEGIN\n"
        f"    SELECT RAISE(ABORT, '{READ_ONLY_MARKER} {refusal}');\nEND;"
    )


def append_only(table: str, refusal: str, delete_refusal: str = "") -> str:
    """The two triggers that refuse changing or deleting any row of ``table``."""
    return (
        f"{refusing_trigger(f'{table}_no_update', 'UPDATE', table, refusal)}\n\n"
        f"{refusing_trigger(f'{table}_no_delete', 'DELETE', table, delete_refusal or refusal)}"
    )


def never_changed_records(table: str, what: str) -> str:
    """``append_only`` saying that ``what`` are never changed, and never deleted."""
    return f"\n{append_only(table, f'{what} are never changed', f'{what} are never deleted')}\n"
