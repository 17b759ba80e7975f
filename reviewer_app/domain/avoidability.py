"""The two avoidability scales and conversion between them.

The RCP SJR form and PRISM/Hogan both grade avoidability of death on six points but in
opposite directions (RCP 1 = definitely avoidable, Hogan 6 = definitely avoidable). Mixing
them silently would invert the taskforce's headline number, so a stored grade always carries
its scale, and every comparison goes through ``to_rcp``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reviewer_app.domain.labelled import LabelledEnum
from reviewer_app.domain.values import JsonValue


class AvoidabilityScale(LabelledEnum):
    RCP = "rcp", "RCP SJR"
    HOGAN = "hogan", "PRISM / Hogan"


# Meaning by RCP grade; a Hogan grade g means the same as RCP grade 7 - g.
RCP_GRADE_LABELS: dict[int, str] = {
    1: "Definitely avoidable",
    2: "Strong evidence of avoidability",
    3: "Probably avoidable (more than 50:50)",
    4: "Possibly avoidable but not very likely (less than 50:50)",
    5: "Slight evidence of avoidability",
    6: "Definitely not avoidable",
}

MORE_LIKELY_THAN_NOT_RCP = 3


class Avoidability(BaseModel):
    """A stored avoidability answer: ``{"scale": "rcp" | "hogan", "grade": 1..6}``."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    scale: AvoidabilityScale
    grade: int = Field(ge=1, le=6)

    @property
    def rcp_grade(self) -> int:
        return self.grade if self.scale is AvoidabilityScale.RCP else 7 - self.grade

    @property
    def more_likely_than_not_avoidable(self) -> bool:
        """RCP <= 3, which is the same judgement as Hogan >= 4."""
        return self.rcp_grade <= MORE_LIKELY_THAN_NOT_RCP

    @property
    def label(self) -> str:
        return f"{RCP_GRADE_LABELS[self.rcp_grade]} ({self.scale.label} grade {self.grade})"

    def on_scale(self, scale: AvoidabilityScale) -> Avoidability:
        """The same judgement expressed on another scale."""
        grade = self.rcp_grade if scale is AvoidabilityScale.RCP else 7 - self.rcp_grade
        return Avoidability(scale=scale, grade=grade)

    def to_value(self) -> dict[str, JsonValue]:
        return {"scale": self.scale.value, "grade": self.grade}


def parse_avoidability(value: JsonValue | None) -> Avoidability | None:
    """The avoidability in a stored value, or None when the value is not one."""
    if not isinstance(value, dict) or set(value) != {"scale", "grade"}:
        return None
    scale = value.get("scale")
    if scale not in {s.value for s in AvoidabilityScale}:
        return None
    try:
        return Avoidability(scale=AvoidabilityScale(scale), grade=value.get("grade"))  # type: ignore[arg-type]
    except ValidationError:
        return None


def to_rcp_grade(value: JsonValue | None) -> int | None:
    """The RCP SJR grade of a stored avoidability value, or None when it is not one."""
    parsed = parse_avoidability(value)
    return None if parsed is None else parsed.rcp_grade


def more_likely_than_not_avoidable(value: JsonValue | None) -> bool:
    """True for RCP <= 3 / Hogan >= 4; False for other grades and for no valid answer."""
    parsed = parse_avoidability(value)
    return parsed is not None and parsed.more_likely_than_not_avoidable
