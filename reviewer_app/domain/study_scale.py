"""The review definition as the study uses it: on the study's avoidability scale.

A study fixes one avoidability scale (``coordinator init --scale``), carried in its packs and
stored in the workspace (``StudySettingsStore``). The definition names the scales a grade may
be given on and a default; on a study's scale, every avoidability question's default is the
study's scale. The accepted scales stay as the definition says, so under definition v1 a
grade entered on the other scale (before studies fixed theirs) still validates and is shown as
entered; from v2 the ``grade_on_default_scale`` check makes a grade off the default scale an
error, so every place that validates a v2 review must validate it against the definition on
the study's scale. The form offers only the default scale (showing the other orientation
read-only), and every summary draws the default scale's orientation.

Pure (a definition in, a definition out): the review service applies it to the definition
the form shows, sign-off to the definition each summary is drawn from.
"""

from __future__ import annotations

from typing import Any

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.definition import AvoidabilityQuestion, GroupQuestion, ReviewDefinition

__all__ = ["on_study_scale", "study_scale_of"]


def _questions(definition: ReviewDefinition) -> list[AvoidabilityQuestion]:
    found: list[AvoidabilityQuestion] = []
    for section in definition.sections:
        for question in section.questions:
            if isinstance(question, AvoidabilityQuestion):
                found.append(question)
            elif isinstance(question, GroupQuestion):
                found += [q for q in question.item_questions if isinstance(q, AvoidabilityQuestion)]
    return found


def _set_default(question: dict[str, Any], scale: AvoidabilityScale) -> None:
    if question.get("type") == "avoidability" and scale.value in question.get("scales", ()):
        question["default_scale"] = scale.value


def on_study_scale(
    definition: ReviewDefinition, scale: AvoidabilityScale | None
) -> ReviewDefinition:
    """``definition`` with every avoidability question defaulting to ``scale`` (see above).

    ``None`` (no study scale known) returns the definition as it is, as does a definition
    already on that scale; a question whose scales do not include ``scale`` is left as it is.
    """
    if scale is None or all(
        q.default_scale is scale or scale not in q.scales for q in _questions(definition)
    ):
        return definition
    data = definition.model_dump(mode="json")
    for section in data["sections"]:
        for question in section["questions"]:
            _set_default(question, scale)
            for item in question.get("item_questions", ()):
                _set_default(item, scale)
    return ReviewDefinition.model_validate(data)


def study_scale_of(definition: ReviewDefinition) -> AvoidabilityScale | None:
    """The scale ``definition``'s avoidability questions default to (a definition put on a
    study's scale by ``on_study_scale``), so a definition loaded again for an older version
    can be put on the same scale; None without avoidability questions."""
    questions = _questions(definition)
    return questions[0].default_scale if questions else None
