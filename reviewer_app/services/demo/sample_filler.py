"""The sample-answer filler's base (``sample_answers``): the case, the random source, the
answers so far and the small steps every part of a review uses."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import GroupQuestion, ReviewDefinition
from reviewer_app.domain.review_timing import uk_wall_clock

Answers = dict[str, Any]
_PROFILES = ("good", "adequate", "poor")


class FillerBase:
    def __init__(
        self,
        definition: ReviewDefinition,
        case: Case,
        rng: random.Random,
        told_at: datetime | None = None,
    ) -> None:
        self.definition = definition
        # When an immediate concern was telephoned through (UK time): after the review began.
        self.told_at = f"{told_at or uk_wall_clock(datetime.now(UTC)):%Y-%m-%dT%H:%M}"
        self.case = case
        self.rng = rng
        self.answers: Answers = {}
        self.profile = rng.choices(_PROFILES, weights=(4, 3, 3))[0]
        self.scored_phases: list[str] = []
        self.worst_score = 5

    # --- helpers ------------------------------------------------------------------------------

    def has(self, question_id: str) -> bool:
        return self.definition.find(question_id) is not None

    def put(self, question_id: str, value: Any) -> None:
        if self.has(question_id):
            self.answers[question_id] = value

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_after_death(self, low: int, high: int) -> str:
        return (self.case.date_of_death + timedelta(days=self.rng.randint(low, high))).isoformat()

    def day_in_stay(self) -> str:
        start, end = self.case.admission_date, self.case.date_of_death
        return (start + timedelta(days=self.rng.randint(0, (end - start).days))).isoformat()

    def _group(self, question_id: str) -> GroupQuestion | None:
        ref = self.definition.find(question_id)
        question = ref.question if ref is not None else None
        return question if isinstance(question, GroupQuestion) else None

    def _phase_option(self, group: GroupQuestion, question_id: str) -> str:
        """A phase that was scored: a problem is never placed in a phase marked n/a."""
        values = [o.value for o in options_of(group, question_id)]
        preferred = [v for v in values if v in self.scored_phases and v != "overall"]
        scored = [v for v in values if v in self.scored_phases]
        return str(self.rng.choice(preferred or scored or values))

    def _first_setting(self, group: GroupQuestion, question_id: str) -> str:
        values = [o.value for o in options_of(group, question_id)]
        return "acute_hospital" if "acute_hospital" in values and self.chance(0.7) else values[0]


def options_of(group: GroupQuestion, question_id: str) -> list[Any]:
    for q in group.item_questions:
        if q.id == question_id:
            return list(getattr(q, "options", ()))
    return []


def known_answers(group: GroupQuestion, item: Answers) -> Answers:
    """Only answers to questions this group has (a definition may have dropped one)."""
    ids = {q.id for q in group.item_questions}
    return {k: v for k, v in item.items() if k in ids}
