"""Vocabularies of the taskforce report: the cohort's groupings and the three-level summary."""

from __future__ import annotations

from reviewer_app.domain.case import PlaceOfDeath
from reviewer_app.domain.labelled import LabelledEnum


class PlaceGroup(LabelledEnum):
    """Place of death as the planned review counts it (about 72% hospital, 28% the rest)."""

    HOSPITAL = "hospital", "Hospital (acute)"
    COMMUNITY_HOSPITAL = "community_hospital", "Community hospital"
    COMMUNITY = "community", "Community (home, care home, hospice, other)"


PLACE_GROUPS: dict[PlaceOfDeath, PlaceGroup] = {
    PlaceOfDeath.ACUTE_HOSPITAL: PlaceGroup.HOSPITAL,
    PlaceOfDeath.COMMUNITY_HOSPITAL: PlaceGroup.COMMUNITY_HOSPITAL,
    PlaceOfDeath.HOME: PlaceGroup.COMMUNITY,
    PlaceOfDeath.CARE_HOME: PlaceGroup.COMMUNITY,
    PlaceOfDeath.HOSPICE: PlaceGroup.COMMUNITY,
    PlaceOfDeath.OTHER: PlaceGroup.COMMUNITY,
}

EXPECTED_HOSPITAL_SHARE = 0.72
"""The planned review: about 72% died in hospital, 28% in a community hospital or the
community (review-method.md, "The job in one paragraph")."""


class CohortStatus(LabelledEnum):
    """Where a death of the cohort stands for the report (one per case)."""

    REVIEWED = "full_review", "Reviewed"
    RECORDS_MISSING = "records_missing", "Excluded: records missing"
    HANDED_BACK = "handed_back", "Handed back (conflict of interest)"
    OUTSIDE_METHOD = "outside_method", "Outside this method"
    AWAITING = "awaiting", "Not yet reviewed"


class CareLevel(LabelledEnum):
    """The three-level summary of the 2014 review, and the cases it cannot place."""

    UNACCEPTABLE = "unacceptable", "Unacceptable in some aspect"
    LESSONS = "lessons", "Acceptable, with lessons to learn"
    ACCEPTABLE = "acceptable", "Acceptable"
    NOT_CLASSIFIED = "not_classified", "Not classified (no care score answered)"


class AnswerCode(LabelledEnum):
    """States that are not a category: never pooled with "no" (method rule 10)."""

    NOT_ANSWERED = "not_answered", "Not answered"
    NOT_ASKED = "not_asked", "Not asked"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    UNKNOWN = "unknown", "Unknown"
    CANNOT_TELL = "cannot_tell", "Cannot tell from the records"
