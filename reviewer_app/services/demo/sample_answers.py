"""Complete, valid, varied answer sets for synthetic cases (demo, tests, benchmarks).

``complete_answers(definition, case, rng)`` fills a whole review the way reviewers do: some
cases with good care, some with poor scores and substantial comments, problems that led to
harm with an escalation decision and Duty of Candour, learning disability with a LeDeR
reference, relatives contacted or not. The result passes ``validate`` with no errors
(warnings may remain, as they do in real reviews).

Themes and phases are filled by section kind, never from a fixed list; the questions of the
default definition get plausible values by id, and whatever a definition requires beyond
them is filled generically until validation reports nothing missing.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import (
    AnyQuestion,
    AvoidabilityQuestion,
    GroupQuestion,
    ReviewDefinition,
    Section,
    SectionKind,
)
from reviewer_app.domain.validation import validate
from reviewer_app.services.demo import sample_texts as txt
from reviewer_app.services.demo.sample_escalation import EscalationFiller
from reviewer_app.services.demo.sample_filler import Answers, known_answers, options_of

__all__ = ["complete_answers", "records_missing_answers", "told_at"]

_OPTIONAL_PHASES = {"procedure": 0.2, "perioperative": 0.15, "before_admission": 0.7}
_MAX_REPAIRS = 6
_DOC_REASON_SEVERITIES = {"moderate", "prolonged_psychological", "severe", "death"}
# The theme a problem of each type belongs to (first offered wins): a problem is tagged only
# with themes whose "issue identified" is yes, never with one the review says had no issue.
_TYPE_THEMES = {
    "assessment": ("deterioration", "clinical_reasoning"),
    "medication": ("medicines",),
    "treatment_plan": ("fluids", "clinical_reasoning"),
    "infection": ("deterioration", "clinical_reasoning"),
    "procedure": ("communication", "avoidable_harm"),
    "monitoring": ("deterioration",),
    "resuscitation": ("resuscitation_decisions",),
    "other": ("interfaces",),
}


def complete_answers(
    definition: ReviewDefinition,
    case: Case,
    rng: random.Random,
    *,
    told_at: datetime | None = None,
) -> Answers:
    """A full review of ``case`` that validation accepts (see the module docstring).

    ``told_at`` (UK local time, default: now) is when an immediate safety concern, if the
    sample has one, was telephoned through: it must not be before the review began.
    """
    filler = _Filler(definition, case, rng, told_at)
    filler.fill()
    return filler.answers


def first_escalating_answers(
    definition: ReviewDefinition, case: Case, draws: Iterable[random.Random]
) -> Answers:
    """The first of ``draws`` whose complete review escalates (else the first drawn): a
    fixed run of draws gives the same review every time."""
    first: Answers | None = None
    for rng in draws:
        answers = dict(complete_answers(definition, case, rng))
        first = answers if first is None else first
        if answers.get("escalation.decision") == "escalate":
            return answers
    assert first is not None
    return first


def records_missing_answers(definition: ReviewDefinition, answers: Answers) -> Answers:
    """The screening of ``answers`` and the records section naming what was missing (the
    acute notes), as the outcome "records missing" needs: nothing else is answered."""
    kept = {qid: value for qid, value in answers.items() if qid.startswith("screening.")}
    if definition.find("records.missing") is not None:
        kept["records.reviewed"] = ["gp"]
        kept["records.missing"] = ["acute"]
    return kept


def told_at(definition: ReviewDefinition, case: Case) -> datetime:
    """When a sample immediate concern was telephoned through, as the form asks for it.

    A date and a time (definition v2): now, since a review cannot have told anyone before it
    began; a date only (v1): nine days after the death, as the demo always had it.
    """
    for section in definition.sections_of_kind(SectionKind.IMMEDIATE_SAFETY):
        if any(q.type == "datetime" for q in section.questions):
            return datetime.now(UTC)
    return datetime.combine(case.date_of_death + timedelta(days=9), time(12, 0))


class _Filler(EscalationFiller):
    """The whole review, section by section in form order (escalation: ``sample_escalation``)."""

    # --- the review, in form order --------------------------------------------------------------

    def fill(self) -> None:
        self._screening()
        self.put("outcome.type", "full_review")
        self._records()
        for section in self.definition.phases:
            self._phase(section)
        for section in self.definition.themes:
            self._theme(section)
        self._problems()
        self._avoidability()
        self._relatives()
        self._second_review()
        self._immediate()
        self._escalation()
        self._learning()
        self._repair()

    def _screening(self) -> None:
        ld = "yes" if self.case.learning_disability.value == "yes" or self.chance(0.12) else "no"
        self.put("screening.death_category", "adult")
        self.put("screening.learning_disability", ld)
        self.put("screening.autism", self.rng.choices(["no", "yes", "unknown"], (85, 5, 10))[0])
        if ld == "yes" or self.answers.get("screening.autism") == "yes":
            self.put("screening.leder_date", self.day_after_death(2, 12))
            self.put("screening.leder_reference", f"LDR-{self.rng.randint(10000, 99999)}")
        mental = self.rng.choices(["no", "yes", "unknown"], (85, 10, 5))[0]
        self.put("screening.severe_mental_illness", mental)
        family = 0.4 if self.profile == "poor" else 0.1
        self.put("screening.concerns_family", "yes" if self.chance(family) else "no")
        self.put("screening.concerns_staff", "yes" if self.chance(0.08) else "no")
        existing = self.chance(0.15)
        self.put("screening.existing_process", "yes" if existing else "no")
        if existing:
            kinds = ["complaint", "incident_investigation", "inquest", "safeguarding"]
            self.put("screening.existing_process_types", [self.rng.choice(kinds)])
            self.put("screening.existing_process_reference", f"REF-{self.rng.randint(1000, 9999)}")
        self.put("screening.conflict_of_interest", "no")

    def _records(self) -> None:
        reviewed = ["acute", "gp"]
        if self.case.discharge_date is not None or self.chance(0.4):
            reviewed.append("community")
        if self.chance(0.15):
            reviewed.append("social_care")
        self.put("records.reviewed", reviewed)
        missing = [m for m in ("community", "social_care") if m not in reviewed]
        self.put("records.missing", [missing[0]] if missing and self.chance(0.2) else ["none"])
        self.put("records.quality", self._score())

    def _score(self) -> int:
        low, high = {"good": (4, 5), "adequate": (3, 4), "poor": (1, 3)}[self.profile]
        if self.profile == "adequate" and self.chance(0.15):
            low = 2
        return self.rng.randint(low, high)

    def _phase(self, section: Section) -> None:
        score_q = next((q for q in section.questions if q.type == "care_score"), None)
        key = section.key or section.id
        applicable = True
        if key in {"discharge", "after_discharge"}:
            applicable = self.case.discharge_date is not None
        elif key in _OPTIONAL_PHASES:
            applicable = self.chance(_OPTIONAL_PHASES[key])
        if score_q is None:
            return
        is_overall = key == "overall"
        allow_na = getattr(score_q, "allow_not_applicable", False)
        if not applicable and allow_na and not is_overall:
            self.answers[score_q.id] = "not_applicable"
            return
        if is_overall and self.scored_phases:
            score = max(1, min(5, round(self._mean_score())))
        else:
            score = self._score()
        self.answers[score_q.id] = score
        self.worst_score = min(self.worst_score, score)
        if section.key:
            self.scored_phases.append(section.key)
        for q in section.questions:
            if q.type == "text":
                self.answers[q.id] = _long_enough(
                    q, txt.phase_comment(self.rng, score, section.title)
                )

    def _mean_score(self) -> float:
        scores = [
            v
            for s in self.definition.phases
            for q in s.questions
            if q.type == "care_score" and isinstance(v := self.answers.get(q.id), int)
        ]
        mean = sum(scores) / len(scores)
        return min(mean, self.worst_score + 2)  # a phase scored 1 keeps overall below good

    def _theme(self, section: Section) -> None:
        p_issue = {"good": 0.05, "adequate": 0.25, "poor": 0.55}[self.profile]
        p_good = {"good": 0.5, "adequate": 0.3, "poor": 0.12}[self.profile]
        yes_any = False
        for q in section.questions:
            if q.type != "yes_no":
                continue
            good = q.id.endswith("good_practice")
            if section.key == "discharge" and self.case.discharge_date is None:
                value = "not_applicable"  # died in the index admission: no discharge
            elif self.chance(p_good if good else p_issue):
                value = "yes"
            else:
                value = self.rng.choices(["no", "not_applicable", "cannot_tell"], (85, 10, 5))[0]
            value = value if value in q.allowed else q.allowed[0]
            yes_any = yes_any or value == "yes"
            self.answers[q.id] = value
        if yes_any:
            self._theme_details(section)

    def _theme_details(self, section: Section) -> None:
        """Where and when, and the comment, of a theme with an issue or good practice."""
        for q in section.questions:
            if q.type == "multiple_choice":
                self.answers[q.id] = self._someoptions_of(q)
            elif q.type == "text":
                issue = self.answers.get(f"{section.id}.issue") == "yes"
                bank = txt.THEME_ISSUE if issue else txt.THEME_GOOD
                self.answers[q.id] = _long_enough(q, txt.pick(self.rng, bank))

    def _someoptions_of(self, question: Any) -> list[str]:
        values = [o.value for o in question.options if o.value not in question.exclusive]
        preferred = [v for v in values if v in self.scored_phases]
        pool = preferred or values
        count = min(len(pool), 1 + (1 if self.chance(0.35) else 0))
        chosen = set(self.rng.sample(pool, count))
        return [v for v in values if v in chosen]  # form order

    def _problems(self) -> None:
        group = self._group("problems.items")
        counts = {"good": (0, 1), "adequate": (0, 2), "poor": (1, 4)}[self.profile]
        count = self.rng.randint(*counts)
        if self.profile == "good" and not self.chance(0.2):
            count = 0
        if not count and self._theme_issue():
            count = 1  # a theme issue is a problem in care: "no problems" would contradict it
        self.put("problems.any", "yes" if count else "no")
        if group is None or not count:
            return
        items = []
        for n in range(count):
            item: Answers = {}
            ptype = self.rng.choice([o.value for o in options_of(group, "problems.item.type")])
            harm = self.rng.choices(["no", "probably", "yes"], _harm_weights(self.profile))[0]
            item["problems.item.type"] = ptype
            item["problems.item.phase"] = self._phase_option(group, "problems.item.phase")
            item["problems.item.setting"] = self._first_setting(group, "problems.item.setting")
            themes = self._problem_themes(group, ptype)
            if themes:
                item["problems.item.themes"] = themes
            item["problems.item.harm"] = harm
            if harm != "no":
                item["problems.item.severity"] = self._severity(group)
            item["problems.item.comment"] = txt.PROBLEM.get(ptype, txt.PROBLEM["other"])
            items.append({"id": f"p{n + 1}", "answers": known_answers(group, item)})
        self.answers[group.id] = items

    def _problem_themes(self, group: GroupQuestion, ptype: str) -> list[str]:
        """The problem's theme (by its type), which then records the issue, plus sometimes a
        theme the review already records an issue under (form order)."""
        offered = [o.value for o in options_of(group, "problems.item.themes")]
        sections = {s.key: s for s in self.definition.themes if s.key in offered}
        if not sections:
            return []
        if self.case.discharge_date is None:
            sections.pop("discharge", None)
            if not sections:
                return []
        natural = [t for t in _TYPE_THEMES.get(ptype, ()) if t in sections]
        chosen = {natural[0] if natural else self.rng.choice(list(sections))}
        with_issue = [t for t, s in sections.items() if self._theme_says_issue(s)]
        if with_issue and self.chance(0.3):
            chosen.add(self.rng.choice(with_issue))
        tags = [t for t in offered if t in chosen]  # form order, never a set's order
        for tag in tags:
            self._record_theme_issue(sections[tag])
        return tags

    def _theme_says_issue(self, section: Section) -> bool:
        return self.answers.get(f"{section.id}.issue") == "yes"

    def _record_theme_issue(self, section: Section) -> None:
        """The theme records the issue a problem is tagged with (details filled afresh)."""
        issue = next((q for q in section.questions if q.id == f"{section.id}.issue"), None)
        if issue is None or self._theme_says_issue(section):
            return
        self.answers[issue.id] = "yes"
        self._theme_details(section)

    def _severity(self, group: GroupQuestion) -> str:
        offered = {o.value for o in options_of(group, "problems.item.severity")}
        weights = {"low": 30, "moderate": 40, "prolonged_psychological": 4, "severe": 20}
        weights["death"] = 10
        choices = [v for v in weights if v in offered]
        return self.rng.choices(choices, [weights[v] for v in choices])[0]

    def _avoidability(self) -> None:
        harmed = any(
            item["answers"].get("problems.item.harm") in {"yes", "probably"}
            for item in self.answers.get("problems.items", [])
        )
        low, high = {"good": (5, 6), "adequate": (4, 6), "poor": (2, 5)}[self.profile]
        rcp = self.rng.randint(low, high)
        if rcp <= 3 and not harmed:
            rcp = 4  # "more likely than not" without a harmful problem would only warn
        if rcp <= 3:
            # A death more likely than not due to problems in care: one of them led to it.
            self._worst_problem_led_to_death()
        if self._problem_caused_death():
            rcp = min(rcp, 3)  # a death caused by a problem in care was avoidable
        scale = self._grade_scale()
        self.put(
            "avoidability.grade", {"scale": scale, "grade": rcp if scale == "rcp" else 7 - rcp}
        )
        key = "avoidable" if rcp <= 3 else "possible" if rcp <= 5 else "unavoidable"
        self.put("avoidability.comment", txt.AVOIDABILITY[key])

    def _grade_scale(self) -> str:
        """The question's default scale (the study's) when the definition requires it
        (v2); under v1, either scale, as reviewers once did."""
        ref = self.definition.find("avoidability.grade")
        question = ref.question if ref is not None else None
        if not isinstance(question, AvoidabilityQuestion):
            return "rcp"
        on_default = any(
            r.kind == "check" and r.check == "grade_on_default_scale" for r in self.definition.rules
        )
        if on_default:
            return question.default_scale.value
        return "hogan" if self.chance(0.2) else "rcp"

    def _worst_problem_led_to_death(self) -> None:
        order = ["no_harm", "low", "moderate", "prolonged_psychological", "severe", "death"]
        harmed = [
            i["answers"]
            for i in self.answers.get("problems.items", [])
            if i["answers"].get("problems.item.harm") in {"yes", "probably"}
            and i["answers"].get("problems.item.severity") in order
        ]
        if not harmed or self._worst_severity() == "death":
            return
        worst = max(harmed, key=lambda a: order.index(a["problems.item.severity"]))
        worst["problems.item.severity"] = "death"

    def _theme_issue(self) -> bool:
        return any(
            self.answers.get(q.id) == "yes"
            for section in self.definition.themes
            for q in section.questions
            if q.type == "yes_no" and q.id.endswith(".issue")
        )

    def _problem_caused_death(self) -> bool:
        return any(
            item["answers"].get("problems.item.harm") == "yes"
            and item["answers"].get("problems.item.severity") == "death"
            for item in self.answers.get("problems.items", [])
        )

    def _relatives(self) -> None:
        if not self.chance(0.75):
            self.put("relatives.contact_attempted", "no")
            return
        self.put("relatives.contact_attempted", "yes")
        self.put("relatives.contact_date", self.day_after_death(10, 45))
        self.put("relatives.contact_method", self.rng.choice(["telephone", "letter", "email"]))
        outcome = self.rng.choices(
            ["spoke", "declined", "no_answer", "no_contact_details"], (60, 10, 20, 10)
        )[0]
        self.put("relatives.outcome", outcome)
        if outcome != "spoke":
            return
        self.put("relatives.relationship", txt.pick(self.rng, txt.RELATIONSHIPS))
        self.put("relatives.summary", txt.pick(self.rng, txt.RELATIVE_ACCOUNTS))
        concerns = 0.5 if self.profile == "poor" else 0.15
        self.put("relatives.concerns_raised", "yes" if self.chance(concerns) else "no")
        self.put(
            "relatives.wish_to_hear_findings",
            self.rng.choices(["yes", "no", "unknown"], (70, 20, 10))[0],
        )

    def _second_review(self) -> None:
        family = self.answers.get("screening.concerns_family") == "yes"
        if family or self.chance(0.1 if self.profile != "poor" else 0.3):
            self.put("second_review.requested", "yes")
            self.put("second_review.reason", txt.pick(self.rng, txt.SECOND_REVIEW_REASON))
        elif self.chance(0.5):
            self.put("second_review.requested", "no")

    def _learning(self) -> None:
        if self.profile != "good" or self.chance(0.3):
            self.put("learning.poor_care", txt.pick(self.rng, txt.LEARNING_POOR))
        self.put("learning.good_practice", txt.pick(self.rng, txt.LEARNING_GOOD))
        if self.chance(0.2):
            self.put("readiness.note", txt.pick(self.rng, txt.COORDINATOR_NOTE))

    # --- whatever a definition requires beyond the default -----------------------------------

    def _repair(self) -> None:
        """Fill every still-missing required answer generically until none is missing."""
        for _ in range(_MAX_REPAIRS):
            missing = [
                i for i in validate(self.definition, self.answers, self.case).errors if i.missing
            ]
            if not missing:
                return
            for issue in missing:
                if issue.question_id is None:
                    continue
                ref = self.definition.find(issue.question_id)
                if ref is None:
                    continue
                if ref.group is not None and issue.item_id is not None:
                    self._repair_item(ref.group, issue.item_id, ref.question)
                elif ref.group is None and issue.question_id not in self.answers:
                    self.answers[issue.question_id] = self._generic(ref.question)

    def _repair_item(self, group: GroupQuestion, item_id: str, question: AnyQuestion) -> None:
        for item in self.answers.get(group.id, []):
            if item["id"] == item_id and question.id not in item["answers"]:
                item["answers"][question.id] = self._generic(question)

    def _generic(self, question: AnyQuestion) -> Any:
        kind = question.type
        if isinstance(question, GroupQuestion):
            answers = {q.id: self._generic(q) for q in question.item_questions if q.required}
            return [{"id": "g1", "answers": answers}]
        if kind in {"single_choice", "multiple_choice"}:
            first = question.options[0].value  # type: ignore[union-attr]
            return first if kind == "single_choice" else [first]
        if kind == "yes_no":
            allowed = question.allowed  # type: ignore[union-attr]
            return "no" if "no" in allowed else allowed[0]
        if kind == "care_score":
            return 3
        if kind == "avoidability":
            return {"scale": question.default_scale.value, "grade": 5}  # type: ignore[union-attr]
        if kind == "date":
            return self.case.date_of_death.isoformat()
        return _long_enough(question, "Recorded by the reviewer; see the case notes for detail.")


def _long_enough(question: Any, text: str) -> str:
    minimum = getattr(question, "min_length", 0) or 0
    while len(text) < minimum:
        text += " The reasoning is set out in the judgement comments of each phase."
    maximum = getattr(question, "max_length", None)
    return text[:maximum].rstrip() if maximum else text


def _harm_weights(profile: str) -> tuple[int, int, int]:
    return {"good": (80, 15, 5), "adequate": (60, 25, 15), "poor": (30, 35, 35)}[profile]
