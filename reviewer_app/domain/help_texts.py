"""The reviewer's help topics: what each care score means, what each problem type takes in,
and how the avoidability grades read.

Written for this product, in our own words, from the review method the product supports
and the review definition's scales and options (schema/review-definition.v2.json). The
RCP Structured Judgement Review reviewer guide remains the reference; these texts are a
reminder at the point of judgement, not a replacement for it. No patient data here.

``topic_for(definition, question_id)`` names the topic for the question the reviewer is on,
so F1 can open the help at the right place; it finds questions by type and section kind,
never by fixed id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from reviewer_app.domain.definition import ReviewDefinition, SectionKind


@dataclass(frozen=True, slots=True)
class HelpEntry:
    term: str
    text: str


@dataclass(frozen=True, slots=True)
class HelpTopic:
    topic_id: str
    title: str
    intro: str
    entries: tuple[HelpEntry, ...]
    closing: str = ""


CARE_SCORES_TOPIC: Final = "care_scores"
PROBLEM_TYPES_TOPIC: Final = "problem_types"
AVOIDABILITY_TOPIC: Final = "avoidability"

CARE_SCORE_DESCRIPTORS: Final[dict[int, HelpEntry]] = {
    1: HelpEntry(
        "1 Very poor",
        "Care fell well short of what this patient needed: clear errors or omissions, more "
        "than one lapse, or a single lapse that mattered a great deal. You would be "
        "seriously concerned if the same care were given to anyone close to you. Very poor "
        "care in any phase is an escalation trigger.",
    ),
    2: HelpEntry(
        "2 Poor",
        "Care had important shortfalls that a competent team should have avoided: in "
        "assessment, treatment, monitoring, communication or planning. The shortfall need "
        "not have caused harm to count. A score of 1 or 2 needs a substantial written "
        "judgement, and asks for a second review.",
    ),
    3: HelpEntry(
        "3 Adequate",
        "The main elements of care were what is expected, with minor lapses or missed "
        "opportunities that did not change the course of care. Say what could have been "
        "better.",
    ),
    4: HelpEntry(
        "4 Good",
        "Care was what you would want for this patient: timely, well reasoned, well "
        "communicated and documented, with at most trivial lapses.",
    ),
    5: HelpEntry(
        "5 Excellent",
        "Care was exemplary: thorough, timely, compassionate and clearly recorded, in ways "
        "others could learn from. Say what made it so; it feeds the report's good practice.",
    ),
}

PROBLEM_TYPE_NOTES: Final[dict[str, HelpEntry]] = {
    "assessment": HelpEntry(
        "Assessment, investigation or diagnosis",
        "Includes an incomplete history or examination, severity of illness not recognised, "
        "tests not done, delayed or not acted on, and a missed, wrong or late diagnosis.",
    ),
    "medication": HelpEntry(
        "Medication, IV fluids, electrolytes or oxygen",
        "Includes the wrong medicine, dose, route or timing; omitted or delayed doses; "
        "errors in reconciling medicines across settings; a known allergy overlooked; fluids "
        "or electrolytes poorly managed (acute kidney injury among them); oxygen not "
        "prescribed, not given or not monitored.",
    ),
    "treatment_plan": HelpEntry(
        "Treatment and management plan",
        "Includes no clear plan, a plan not followed, reviewed or handed over, delayed "
        "treatment or senior review, and treatment-escalation or resuscitation decisions "
        "not made, not discussed or not known across settings.",
    ),
    "infection": HelpEntry(
        "Infection management",
        "Includes sepsis not screened for or not treated in time, antibiotics delayed, "
        "unsuitable or not reviewed, infection-control lapses, and infections acquired in "
        "care.",
    ),
    "procedure": HelpEntry(
        "Operation or invasive procedure",
        "Includes the decision to operate or intervene, consent, the conduct of the "
        "procedure itself and complications not recognised or managed; lines, drains and "
        "endoscopy count as procedures.",
    ),
    "monitoring": HelpEntry(
        "Clinical monitoring",
        "Includes observations not done as often as needed, early warning scores not "
        "calculated or not acted on, fluid balance not recorded, and deterioration not "
        "escalated.",
    ),
    "resuscitation": HelpEntry(
        "Resuscitation after cardiac or respiratory arrest",
        "The response to the arrest itself: delay, equipment, the team, and the decision to "
        "start or stop. A decision about resuscitation made before the arrest belongs under "
        "the treatment and management plan.",
    ),
    "other": HelpEntry(
        "Other",
        "A problem that fits none of the types above, for example falls, pressure damage, "
        "discharge arrangements or record keeping. Say in the comment what it was.",
    ),
}

AVOIDABILITY_GRADES: Final[tuple[HelpEntry, ...]] = (
    HelpEntry("RCP 1 (Hogan 6)", "Definitely avoidable."),
    HelpEntry("RCP 2 (Hogan 5)", "Strong evidence of avoidability."),
    HelpEntry("RCP 3 (Hogan 4)", "Probably avoidable: more than a 50:50 chance."),
    HelpEntry("RCP 4 (Hogan 3)", "Possibly avoidable, but less than a 50:50 chance."),
    HelpEntry("RCP 5 (Hogan 2)", "Slight evidence of avoidability."),
    HelpEntry("RCP 6 (Hogan 1)", "Definitely not avoidable."),
)

TOPICS: Final[tuple[HelpTopic, ...]] = (
    HelpTopic(
        CARE_SCORES_TOPIC,
        "Care scores (1 to 5)",
        "Score each phase of care that applies, and the overall care, on the five levels "
        "below; mark a phase not applicable when it did not happen. The score rests on "
        "your written judgement: say what was good or poor and why.",
        tuple(CARE_SCORE_DESCRIPTORS[level] for level in sorted(CARE_SCORE_DESCRIPTORS)),
        "Judge the care against what was reasonable at the time, with what was known then, "
        "not with hindsight of the outcome.",
    ),
    HelpTopic(
        PROBLEM_TYPES_TOPIC,
        "Problems in care: the types",
        "Record one entry per problem, under the type that fits it best. For each, say "
        "whether it led to harm (no, probably, yes); a problem with harm needs its phase, "
        "setting and severity.",
        tuple(PROBLEM_TYPE_NOTES.values()),
        "When a problem fits two types, choose the one closest to its cause and name the "
        "other in the comment.",
    ),
    HelpTopic(
        AVOIDABILITY_TOPIC,
        "Avoidability of death",
        "A six-point judgement. The two published scales run in opposite directions; the "
        "form stores the scale with your grade and always shows labels.",
        AVOIDABILITY_GRADES,
        "RCP 1 to 3 (Hogan 4 to 6) means the death was more likely than not due to problems "
        "in care: an escalation trigger, and a second review is expected.",
    ),
)
TOPIC_BY_ID: Final[dict[str, HelpTopic]] = {t.topic_id: t for t in TOPICS}


def topic_for(definition: ReviewDefinition, question_id: str | None) -> str | None:
    """The help topic for a question (None: no topic of its own, the help opens at the top)."""
    if question_id is None:
        return None
    found = definition.find(question_id)
    if found is None:
        return None
    question = found.question
    if question.type == "care_score":
        return CARE_SCORES_TOPIC
    if found.section.kind == SectionKind.AVOIDABILITY:
        return AVOIDABILITY_TOPIC
    if found.section.kind == SectionKind.PROBLEMS:
        return PROBLEM_TYPES_TOPIC
    return None
