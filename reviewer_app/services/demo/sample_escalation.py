"""The sample answers' immediate concern and escalation (``sample_answers``): what the
triggers fired, the decision, and one escalation item as a reviewer fills it in."""

from __future__ import annotations

from reviewer_app.domain.definition import GroupQuestion
from reviewer_app.domain.triggers import escalation_triggers
from reviewer_app.services.demo import sample_texts as txt
from reviewer_app.services.demo.sample_filler import (
    Answers,
    FillerBase,
    known_answers,
    options_of,
)


class EscalationFiller(FillerBase):
    def _immediate(self) -> None:
        if self.chance(0.03):
            self.put("immediate.concern", "yes")
            self.put(
                "immediate.who_told", "Patient-safety team duty manager, Synthetic Acute Trust"
            )
            self.put("immediate.date_told", self.day_after_death(7, 30))
            if self.has("immediate.told_at"):
                self.answers["immediate.told_at"] = self.told_at
        else:
            self.put("immediate.concern", "no")

    def _escalation(self) -> None:
        self.put("escalation.safeguarding_concern", "yes" if self.chance(0.04) else "no")
        self.put("escalation.conduct_concern", "yes" if self.chance(0.02) else "no")
        fired = {t.id for t in escalation_triggers(self.definition, self.answers)}
        if not fired:
            return
        group = self._group("escalation.items")
        if group is None or (self._may_not_escalate(fired) and self.chance(0.25)):
            self.put("escalation.decision", "not_escalating")
            self.put("escalation.not_escalating_reason", txt.pick(self.rng, txt.NOT_ESCALATING))
            return
        self.put("escalation.decision", "escalate")
        self.answers[group.id] = [
            {"id": "e1", "answers": known_answers(group, self._escalation_item(group, fired))}
        ]

    def _may_not_escalate(self, fired: set[str]) -> bool:
        """Not escalating is coherent only without an avoidable death or safeguarding concern
        (the definition makes those an error unless already under investigation)."""
        if self.has("escalation.item.triggers"):
            return True  # definition v1: the decision was free
        return not fired & {"avoidability", "safeguarding", "immediate_safety"}

    def _destinations(self, group: GroupQuestion, fired: set[str]) -> list[str]:
        """What the triggers require (v2: ``destinations`` of each trigger), then extras."""
        needed = [
            d
            for spec in self.definition.escalation_triggers
            if spec.id in fired
            for d in spec.destinations
        ]
        if not self.has("escalation.item.triggers"):
            ld = self.answers.get("screening.learning_disability") == "yes"
            if ld or self.answers.get("screening.autism") == "yes":
                needed.append("leder")
        chosen = ["provider_patient_safety", *needed]
        if self.chance(0.3):
            chosen.append("medical_director")
        options = [o.value for o in options_of(group, "escalation.item.destination")]
        return [o for o in options if o in chosen]

    def _escalation_item(self, group: GroupQuestion, fired: set[str]) -> Answers:
        trigger_options = [o.value for o in options_of(group, "escalation.item.triggers")]
        triggers = [t for t in trigger_options if t in fired] or trigger_options[-1:]
        harm = self._worst_harm()
        severe = self._worst_severity() in {
            "moderate",
            "prolonged_psychological",
            "severe",
            "death",
        }
        duty = self.rng.choices(["yes", "no", "unsure"], (60, 25, 15))[0]
        item: Answers = {
            # definition v1 asked these again; v2 takes them from the review (_known drops them)
            "escalation.item.triggers": triggers,
            "escalation.item.harm": harm,
            "escalation.item.avoidability": self.answers.get("avoidability.grade"),
            "escalation.item.scores": self._scores_text(),
            "escalation.item.date_sent": self.day_after_death(20, 40),
            "escalation.item.external_reference": f"PSE-{self.rng.randint(100000, 999999)}",
            "escalation.item.status": self.rng.choice(["sent", "acknowledged", "investigating"]),
            # what only the reviewer knows
            "escalation.item.destination": self._destinations(group, fired),
            "escalation.item.organisations": txt.ORGANISATIONS[0],
            "escalation.item.lead_organisation": txt.ORGANISATIONS[0],
            "escalation.item.phase": self._phase_option(group, "escalation.item.phase"),
            "escalation.item.care_date": self.day_in_stay(),
            "escalation.item.description": txt.pick(self.rng, txt.ESCALATION_DESCRIPTION),
            "escalation.item.family_aware": self.rng.choice(["yes", "no", "unknown"]),
            "escalation.item.duty_of_candour": duty,
        }
        if harm != "no":
            item["escalation.item.harm_severity"] = self.rng.choice(["moderate", "severe"])
        if duty in {"yes", "unsure"}:
            item["escalation.item.duty_of_candour_provider"] = txt.ORGANISATIONS[0]
        if duty == "yes" and self.chance(0.5):
            item["escalation.item.duty_of_candour_notified_date"] = self.day_after_death(10, 20)
            item["escalation.item.duty_of_candour_notified_by"] = txt.DOC_NOTIFIED_BY
        if duty == "no" and severe:
            item["escalation.item.duty_of_candour_no_reason"] = txt.DOC_NO_REASON
        if item["escalation.item.avoidability"] is None:
            del item["escalation.item.avoidability"]
        return item

    def _worst_severity(self) -> str | None:
        order = ["no_harm", "low", "moderate", "prolonged_psychological", "severe", "death"]
        found = [
            s
            for i in self.answers.get("problems.items", [])
            if i["answers"].get("problems.item.harm") in {"yes", "probably"}
            and (s := i["answers"].get("problems.item.severity")) in order
        ]
        return max(found, key=order.index) if found else None

    def _worst_harm(self) -> str:
        harms = {
            i["answers"].get("problems.item.harm") for i in self.answers.get("problems.items", [])
        }
        return "yes" if "yes" in harms else "probably" if "probably" in harms else "no"

    def _scores_text(self) -> str:
        parts = []
        for section in self.definition.phases:
            for q in section.questions:
                value = self.answers.get(q.id)
                if q.type == "care_score" and isinstance(value, int):
                    parts.append(f"{section.title} {value}")
        return "; ".join(parts) or "No phase scored"
