"""What an intake changed, for the coordinator's report.

Change reports name fields, never values: they are printed on the coordinator's screen and may
be pasted into emails, and the values are patient data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class UpsertChanges(BaseModel):
    """What an intake changed: refs added, refs updated with the NAMES of changed fields."""

    model_config = ConfigDict(frozen=True)

    added: tuple[str, ...] = ()
    updated: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(k for k in new if old.get(k) != new[k])
