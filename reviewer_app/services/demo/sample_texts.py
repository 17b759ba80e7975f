"""Invented clinical wording for sample reviews (demo, tests, benchmarks).

Plausible, varied judgement text of the kind reviewers write, with no names, dates, postcodes
or long digit runs, so that the identifier check (rule 8) has nothing to flag. Phrases avoid
words that are also surnames or given names in ``synthetic.py`` (hall, wood, green, walker...).
"""

from __future__ import annotations

import random

POOR_PHASE = (
    "The early warning score rose over two consecutive sets of observations but the "
    "escalation protocol was not followed and no medical review was requested for eleven "
    "hours.",
    "There was no documented senior review within fourteen hours of emergency admission, and "
    "the working diagnosis was not revisited when the inflammatory markers failed to settle.",
    "Fluid balance charts were incomplete for three days while the creatinine doubled; the "
    "acute kidney injury was not recognised and nephrotoxic medicines were continued.",
    "Sepsis screening was completed late and the first dose of antibiotics was given more "
    "than four hours after red flags were documented.",
    "Key results were available on the system but there is no record that they were seen or "
    "acted on before the patient deteriorated overnight.",
    "The plan documented on the post-take ward round was not carried out: bloods and a chest "
    "radiograph requested as urgent were not done until the next day.",
    "Handover between teams omitted the ceiling of treatment and the outstanding imaging, so "
    "the night team had no plan when the patient became hypotensive.",
)
ADEQUATE_PHASE = (
    "Assessment and initial management were appropriate, with a clear plan documented; "
    "some observations were recorded late but this did not change the course of care.",
    "Care met the expected standard. Reviews were timely and the plan was adjusted as "
    "results came back, although the rationale was not always written down.",
    "Appropriate investigations and treatment. Communication between the ward and the "
    "community team could have been better but had no effect on the outcome.",
)
GOOD_PHASE = (
    "Prompt, thorough assessment with a clear management plan and timely senior input.",
    "Well documented care; deterioration was recognised early and escalated appropriately.",
    "Excellent coordination between primary and community services, with the patient's "
    "wishes recorded and respected.",
    "Good care: regular review, clear plans and well documented conversations with family.",
)
THEME_ISSUE = (
    "Issue: escalation was delayed and the response to abnormal observations was not timely.",
    "Issue: the management plan was not updated after new information became available.",
    "Issue: omitted doses of regular medicines were not explained in the chart.",
    "Issue: information did not follow the patient between the hospital and the practice.",
    "Issue: the treatment-escalation decision was not discussed with the family in time.",
    "Issue: fluid balance monitoring was incomplete during the period of acute illness.",
)
THEME_GOOD = (
    "Good practice: anticipatory medicines prescribed early and preferred place of care recorded.",
    "Good practice: timely, well documented consultant review with a clear plan.",
    "Good practice: thorough discharge letter with results to follow up clearly listed.",
    "Good practice: sensitive, well documented conversations with the family.",
)
PROBLEM = {
    "assessment": "Deterioration on the ward was not assessed promptly after a rising score.",
    "medication": "Anticoagulant doses were omitted for two days without a recorded reason.",
    "treatment_plan": "No documented plan for fluid management despite worsening renal function.",
    "infection": "Antibiotics were delayed beyond the expected time after sepsis was suspected.",
    "procedure": "Consent discussion for the procedure did not cover the main risks.",
    "monitoring": "Observations were not repeated at the frequency the escalation plan set.",
    "resuscitation": "The resuscitation status was unclear to the night team at the arrest.",
    "other": "A referral to the community team was made but not followed up.",
}
AVOIDABILITY = {
    "avoidable": "Several problems in care, taken together, more likely than not contributed "
    "to the death: delayed recognition of sepsis and an unacted plan on the ward round.",
    "possible": "There were problems in care, but given the patient's frailty and advanced "
    "disease it is less likely than not that they changed the outcome.",
    "unavoidable": "Advanced illness with a recognised dying phase; care was appropriate and "
    "the death was not avoidable.",
}
RELATIONSHIPS = ("Daughter", "Son", "Wife", "Husband", "Partner", "Niece", "Close friend")
RELATIVE_ACCOUNTS = (
    "The family felt that staff were kind but that they were not told how unwell their "
    "relative was until the final day.",
    "They were grateful for the care on the ward and felt well informed throughout.",
    "They described difficulty getting through to the practice and felt the deterioration "
    "at home was not taken seriously.",
    "They felt the end-of-life care was dignified and that their wishes were listened to.",
)
LEARNING_POOR = (
    "Escalation of a rising early warning score needs to be reliable at night and at weekends.",
    "Plans made on ward rounds must have an owner and a time, and be checked at handover.",
    "Results flagged as abnormal should generate a task, not rely on someone looking.",
)
LEARNING_GOOD = (
    "Early, honest conversations with the family about treatment escalation.",
    "Prompt anticipatory prescribing supported a comfortable death in the preferred place.",
    "Clear discharge summaries with named follow-up helped the community team.",
)
NOT_ESCALATING = (
    "The problems identified were already investigated by the trust and shared with the family.",
    "The reviewer and the medical examiner agreed no further investigation is needed.",
)
ESCALATION_DESCRIPTION = (
    "Rising early warning score over eleven hours without escalation to the medical team; "
    "sepsis recognised late and antibiotics delayed.",
    "Omitted anticoagulant doses over two days without a documented reason, followed by a "
    "pulmonary embolism.",
)
DOC_NOTIFIED_BY = "Head of patient safety, Synthetic Acute Trust"
DOC_NO_REASON = (
    "The trust had already met Duty of Candour through its complaint response to the family."
)
ORGANISATIONS = ("Synthetic Acute Trust", "Synthetic Community Trust", "Synthetic GP practice")
SECOND_REVIEW_REASON = (
    "The judgement on avoidability is finely balanced and a second opinion would help.",
    "Care crossed three organisations; a reviewer from primary care should look at the "
    "community phase.",
)
COORDINATOR_NOTE = (
    "Community records arrived late; reviewed in full before sign-off.",
    "Reviewed jointly at the records library.",
)


def pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return options[rng.randrange(len(options))]


def phase_comment(rng: random.Random, score: int, title: str) -> str:
    """A judgement comment fitting the score; a score of 1 or 2 gets a substantial one."""
    if score <= 2:
        count = 2 + rng.randrange(3)
        chosen = rng.sample(POOR_PHASE, count)
        return f"{title}: " + " ".join(chosen)
    if score == 3:
        return pick(rng, ADEQUATE_PHASE)
    return pick(rng, GOOD_PHASE)
