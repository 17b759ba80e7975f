"""The review panel: the reviewers a coordinator allocates cases to, and their conflicts."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import nfc


class Profession(StrEnum):
    DOCTOR = "doctor"
    NURSE = "nurse"
    OTHER = "other"


class Sector(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    COMMUNITY = "community"


def conflict_key(text: str) -> str:
    """The form in which a conflict and a case attribute are compared.

    Conflicts are typed by hand in one system and case attributes exported by another, so
    case, accents (NFC vs NFD) and stray spaces must not decide whether a reviewer is kept
    away from a case they work in.
    """
    return nfc(text).strip().casefold()


class Reviewer(BaseModel):
    """One member of the review panel, as the reviewers CSV describes them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reviewer_ref: str
    name: str
    profession: Profession
    sector: Sector
    organisation: str | None = None
    registration: str | None = None
    email: str | None = None
    # GP practice codes, sites or specialties the reviewer works in: never their cases.
    conflicts: tuple[str, ...] = ()

    @property
    def conflict_keys(self) -> frozenset[str]:
        return frozenset(conflict_key(c) for c in self.conflicts if c.strip())


def case_conflict_keys(case: Case) -> frozenset[str]:
    """The attributes of a case that a reviewer's conflicts are matched against."""
    attributes = (case.gp_practice_code, case.site, case.specialty)
    return frozenset(conflict_key(a) for a in attributes if a and a.strip())


def is_conflicted(reviewer: Reviewer, case: Case) -> bool:
    """True when the reviewer works in the case's GP practice, site or specialty."""
    return not reviewer.conflict_keys.isdisjoint(case_conflict_keys(case))
