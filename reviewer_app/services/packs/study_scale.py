"""The study's avoidability scale: one orientation for every reviewer, carried in packs.

The RCP SJR and PRISM/Hogan scales run in opposite directions, so a study fixes one: the
coordinator chooses it at ``coordinator init --scale`` (default RCP SJR) and every pack made
afterwards carries it; the reviewer's form offers only that scale (showing the other
orientation read-only) and every summary draws it.

The rule for changing it (``coordinator set-scale``): allowed only until the first pack has
been made. A pack sent is a reviewer who may have started grading on the scale it carried, and
the coordinator cannot see whether they have until a return comes back, so after the first
pack the scale is fixed for the life of the study. A study made before the setting existed
reads as RCP SJR, as its packs implied.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.errors import UserError
from reviewer_app.services.study import Study
from reviewer_app.storage.study import info

__all__ = ["ScaleChange", "ScaleFixedError", "set_study_scale", "study_scale"]


class ScaleFixedError(UserError):
    """The scale can no longer change: packs carrying it were sent."""


@dataclass(frozen=True)
class ScaleChange:
    before: AvoidabilityScale
    after: AvoidabilityScale

    @property
    def changed(self) -> bool:
        return self.before is not self.after

    def summary_line(self) -> str:
        if not self.changed:
            return f"The study's avoidability scale is already {self.after.label}: unchanged."
        return (
            f"The study's avoidability scale is now {self.after.label} "
            f"(it was {self.before.label}). Packs made from now on carry it."
        )


def study_scale(study: Study) -> AvoidabilityScale:
    """The scale the study's reviewers grade avoidability on."""
    return info.avoidability_scale(study.db)


def set_study_scale(study: Study, scale: AvoidabilityScale | str) -> ScaleChange:
    """Choose the study's scale; refused (nothing changed) once any pack has been made."""
    try:
        wanted = AvoidabilityScale(scale)
    except ValueError:
        choices = ", ".join(s.value for s in AvoidabilityScale)
        raise UserError(
            f"{scale!r} is not an avoidability scale: choose one of {choices}."
        ) from None
    current = study_scale(study)
    if wanted is current:
        return ScaleChange(current, current)
    made = info.packs_made(study.db)
    if made:
        raise ScaleFixedError(
            f"The study's avoidability scale is {current.label} and can no longer change: "
            f"{made} pack(s) carrying it have been made, and reviewers may have graded cases on "
            "it. Nothing was changed. To use another scale, start a new study."
        )
    info.set_avoidability_scale(study.db, wanted)
    return ScaleChange(current, wanted)
