"""Answers for the practice study: two independent reviews that mostly, not always, agree.

The first reviewer of a case answers with ``complete_answers`` seeded by the case. The second
reviewer's answers are the first's, changed as a second reader would: each care score the
same about half the time, one point apart about a third of the time, two apart now and then;
the avoidability grade "more likely than not" (RCP 1-3) disputed (moved to 4) two times in
five, and a "possibly avoidable" (RCP 4) judged more likely than not now and then. A change
that would make the review invalid is drawn again, and after a few tries the second reviewer
agrees entirely. Everything is drawn from the seed and the case reference alone.
"""

from __future__ import annotations

import copy
import random
from typing import Any, Final

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.validation import validate
from reviewer_app.services.demo import sample_texts as txt
from reviewer_app.services.demo.sample_answers import (
    complete_answers,
    first_escalating_answers,
    records_missing_answers,
    told_at,
)

__all__ = [
    "AMENDMENT_REASON",
    "amended_answers",
    "escalating_answers",
    "first_answers",
    "records_missing_answers",
    "second_answers",
    "told_at",
]

Answers = dict[str, Any]

SCORE_SHIFT_WEIGHTS: Final = (55, 35, 10)  # same, one point apart, two points apart
DISPUTE_AVOIDABLE: Final = 0.4
JUDGE_AVOIDABLE: Final = 0.05
SOFTEN_AVOIDABLE: Final = 0.6
REGRADE_UNAVOIDABLE: Final = 0.3
_TRIES: Final = 8
_SUBSTANTIAL: Final = 100  # the rule for scores of 1 or 2 (R2.substantial_comment)
AMENDMENT_REASON: Final = (
    "Community records arrived after the first return: overall judgement reconsidered."
)


def _rng(seed: int, purpose: str, case_ref: str) -> random.Random:
    return random.Random(f"practice:{seed}:{purpose}:{case_ref}")  # noqa: S311 - synthetic


def first_answers(definition: ReviewDefinition, case: Case, seed: int) -> Answers:
    """The first reviewer's complete, valid review of ``case``; "more likely than not
    avoidable" kept rare (a sample review judges so more often than real studies do)."""
    rng = _rng(seed, "first", case.case_ref)
    answers = dict(complete_answers(definition, case, rng))
    rcp = _rcp(answers)
    if rcp is not None and rcp <= 3 and rng.random() < SOFTEN_AVOIDABLE:
        softened = copy.deepcopy(answers)
        _set_rcp(softened, 4)
        if not validate(definition, softened, case).errors:
            return softened
    return answers


def escalating_answers(definition: ReviewDefinition, case: Case, seed: int) -> Answers:
    """A complete review that escalates (the first of a fixed run of draws that does)."""
    draws = (_rng(seed, f"urgent{attempt}", case.case_ref) for attempt in range(200))
    return first_escalating_answers(definition, case, draws)


def second_answers(definition: ReviewDefinition, case: Case, first: Answers, seed: int) -> Answers:
    """The second reviewer's review: ``first`` as another reader would judge it."""
    rng = _rng(seed, "second", case.case_ref)
    for _ in range(_TRIES):
        answers = _reread(definition, first, rng)
        if not validate(definition, answers, case).errors:
            return answers
    return copy.deepcopy(first)


def amended_answers(definition: ReviewDefinition) -> Answers:
    """What an amendment changes: the overall comment and the good practice learned."""
    changed = {
        "phase.overall.comment": (
            "Amended after the community records arrived: the district nursing notes show "
            "good continuity of care in the last weeks of life."
        ),
        "learning.good_practice": (
            "District nurses and the GP shared one anticipatory care plan, so the patient's "
            "wishes were known out of hours."
        ),
    }
    return {k: v for k, v in changed.items() if definition.find(k) is not None}


def _reread(definition: ReviewDefinition, first: Answers, rng: random.Random) -> Answers:
    answers = copy.deepcopy(first)
    for section in definition.sections:
        for question in section.questions:
            value = answers.get(question.id)
            if question.type != "care_score" or not isinstance(value, int):
                continue
            shift = rng.choices((0, 1, 2), SCORE_SHIFT_WEIGHTS)[0] * rng.choice((-1, 1))
            score = max(1, min(5, value + shift))
            if score != value:
                answers[question.id] = score
                _comment_for(answers, section, score, rng)
    _regrade(answers, rng)
    return answers


def _comment_for(answers: Answers, section: Any, score: int, rng: random.Random) -> None:
    """A phase's judgement comment fitting its new score (long enough for a 1 or 2)."""
    for question in section.questions:
        if question.type != "text" or question.id not in answers:
            continue
        text = txt.phase_comment(rng, score, section.title)
        minimum = max(getattr(question, "min_length", 0) or 0, _SUBSTANTIAL if score <= 2 else 0)
        while len(text) < minimum:
            text += " The reasoning is set out in the judgement comments of each phase."
        maximum = getattr(question, "max_length", None)
        answers[question.id] = text[:maximum].rstrip() if maximum else text


def _rcp(answers: Answers) -> int | None:
    """The avoidability grade on the RCP scale (Hogan 1-6 is RCP 6-1), if graded."""
    grade = answers.get("avoidability.grade")
    if not isinstance(grade, dict) or not isinstance(grade.get("grade"), int):
        return None
    value: int = grade["grade"]
    return 7 - value if grade.get("scale") == "hogan" else value


def _set_rcp(answers: Answers, rcp: int) -> None:
    scale = answers["avoidability.grade"]["scale"]
    new = {"scale": scale, "grade": 7 - rcp if scale == "hogan" else rcp}
    answers["avoidability.grade"] = new
    for item in answers.get("escalation.items") or []:
        if "escalation.item.avoidability" in item.get("answers", {}):
            item["answers"]["escalation.item.avoidability"] = new


def _regrade(answers: Answers, rng: random.Random) -> None:
    rcp = _rcp(answers)
    if rcp is None:
        return
    if rcp <= 3 and rng.random() < DISPUTE_AVOIDABLE:
        rcp = 4
    elif rcp == 4 and rng.random() < JUDGE_AVOIDABLE:
        rcp = 3
    elif rcp >= 5 and rng.random() < REGRADE_UNAVOIDABLE:
        rcp = 5 if rcp == 6 else 6
    _set_rcp(answers, rcp)
