"""The study's settings in a workspace, as the latest pack that carried them brought them."""

from __future__ import annotations

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository


class StudySettingsStore(Repository):
    def avoidability_scale(self) -> AvoidabilityScale | None:
        """The study's scale; None when no pack has carried one (older packs)."""
        row = self._db.query_one("SELECT avoidability_scale FROM study_settings WHERE id = 1")
        return None if row is None else AvoidabilityScale(str(row[0]))

    def set_avoidability_scale(self, scale: AvoidabilityScale, pack_sequence: int) -> bool:
        """Store the scale pack ``pack_sequence`` carried, unless a later pack's is stored.

        Must run inside the caller's transaction (the pack import). True when it changed.
        """
        row = self._db.query_one(
            "SELECT avoidability_scale, pack_sequence FROM study_settings WHERE id = 1"
        )
        if row is not None and (int(row[1]) > pack_sequence or str(row[0]) == scale.value):
            return False
        self._db.execute(
            "INSERT INTO study_settings (id, avoidability_scale, pack_sequence, stored_at) "
            "VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "avoidability_scale = excluded.avoidability_scale, "
            "pack_sequence = excluded.pack_sequence, stored_at = excluded.stored_at",
            (scale.value, pack_sequence, iso_utc(self._clock())),
        )
        return True
