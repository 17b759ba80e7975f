"""The domain's fixed words, as enums, so that no module compares loose strings.

Each is a ``StrEnum``: its values are what the files, the database and the CLI already carry,
so an enum member compares equal to, and serialises as, the string it replaces.

The case's status is not here: it is ``ReviewStatus`` in ``domain/status.py``, which also
owns its labels and the set of outcomes (one owner per concept).
"""

from __future__ import annotations

from enum import StrEnum


class ReviewMode(StrEnum):
    """Whether a case is reviewed by one reviewer alone or by two together (in a pack)."""

    INDEPENDENT = "independent"
    JOINT = "joint"


class CaseFlag(StrEnum):
    """What the case list flags about a case, beside its status.

    Exactly the flags the workspace's case store produces; listed in the order the case list
    shows them.
    """

    URGENT = "urgent"  # an immediate safety concern was recorded
    IDENTIFIERS_CORRECTED = "identifiers corrected"  # a pack corrected a started case
    WITHDRAWN = "withdrawn"  # reallocated away, kept read-only
    AMENDED = "amended"  # the signed review has a later version

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DocumentKind(StrEnum):
    """Which signed PDF summary: the full one, or the taskforce's redacted one."""

    FULL = "full"
    TASKFORCE = "taskforce"
