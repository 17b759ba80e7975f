"""A case: one death to review, with the identifiers needed to pull the notes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.labelled import LabelledEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class AdmissionMethod(StrEnum):
    EMERGENCY = "emergency"
    ELECTIVE = "elective"
    OTHER = "other"


class PlaceOfDeath(LabelledEnum):
    ACUTE_HOSPITAL = "acute_hospital", "Acute hospital"
    COMMUNITY_HOSPITAL = "community_hospital", "Community hospital"
    HOME = "home", "Home"
    CARE_HOME = "care_home", "Care home"
    HOSPICE = "hospice", "Hospice"
    OTHER = "other", "Other"


class Tristate(StrEnum):
    """yes / no / unknown, never collapsed: an unknown is not a no."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Case(BaseModel):
    """The cohort facts about one death. Clinical dates are calendar dates, no time zone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_ref: str
    nhs_number: str  # 10 digits, Modulus 11 valid, no spaces
    hospital_number: str | None = None
    family_name: str
    given_names: str
    date_of_birth: date
    sex: Sex
    postcode: str | None = None
    admission_date: date
    admission_method: AdmissionMethod | None = None
    discharge_date: date | None = None
    date_of_death: date
    place_of_death: PlaceOfDeath
    site: str | None = None
    specialty: str | None = None
    gp_practice_code: str | None = None
    learning_disability: Tristate = Tristate.UNKNOWN

    @property
    def display_name(self) -> str:
        """Name as clinicians list it: FAMILY, Given."""
        return f"{self.family_name.upper()}, {self.given_names}"

    @property
    def age_at_death(self) -> int:
        born, died = self.date_of_birth, self.date_of_death
        return died.year - born.year - ((died.month, died.day) < (born.month, born.day))
