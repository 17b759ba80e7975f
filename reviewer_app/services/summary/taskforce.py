"""The taskforce copy: what it shows of the case, how it is marked, and what it redacts.

The taskforce copy keeps the clinical content and loses the person. Its case facts
(``taskforce_case_facts``) leave out the patient's name, NHS number, hospital number, date of
birth, postcode (district too) and GP practice, and coarsen what would single the patient
out when put together: month and year instead of the admission, discharge and death dates,
the length of stay and the days from discharge to death instead, the age at death in a
five-year band with one band for 90 and over. Free text goes through the identifier gate
(``summary/redaction.redact_text``).

De-identified is not anonymous: the copy still describes one person's care in detail, and
the case reference links it back to them in the study. Its marking (``TASKFORCE_MARKING``)
says so: it stays OFFICIAL-SENSITIVE.

``redaction_preview`` lists, before signing, every replacement the taskforce copy will make,
each with where it is (the question as the PDF labels it) and the words around it, as
written and as the taskforce copy will show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import GroupQuestion, Section
from reviewer_app.domain.text_identifiers import IdentifierKind
from reviewer_app.domain.values import MONTHS
from reviewer_app.services.summary.answers import AnswerSource
from reviewer_app.services.summary.input import SummaryInput
from reviewer_app.services.summary.redaction import RedactedText, Redactor

__all__ = [
    "OVER_90",
    "TASKFORCE_FOOTER",
    "TASKFORCE_MARKING",
    "TASKFORCE_NOTICE",
    "TASKFORCE_REMINDER",
    "ShownRedaction",
    "age_band",
    "month_year",
    "redaction_preview",
    "taskforce_case_facts",
]

TASKFORCE_MARKING = "OFFICIAL-SENSITIVE · Taskforce copy: de-identified, not anonymous"
"""The protective marking printed on every page of the taskforce copy."""

TASKFORCE_FOOTER = (
    "Taskforce copy: confidential to the taskforce; dates and age coarsened; identifying "
    "free text redacted."
)
"""The footer note of the taskforce copy (it ends as the identifiable copy's note does not)."""

TASKFORCE_NOTICE = (
    "Taskforce copy: the patient's name, NHS number, hospital number, date of birth, postcode "
    "and GP practice are left out; dates are shown as month and year and the age at death in "
    "a five-year band. Identifiers in free text are replaced by markers such as [name]. "
    "De-identified is not anonymous: this copy still describes one person's care and its case "
    "reference links it to them, so it is OFFICIAL-SENSITIVE and stays within the taskforce."
)
"""The notice at the top of the taskforce copy's first page."""

TASKFORCE_REMINDER = (
    "The taskforce copy is OFFICIAL-SENSITIVE: de-identified, not anonymous. It still "
    "describes one person's care and its case reference links it to them: it is written "
    "readable by you only; share it only within the taskforce, through approved routes."
)
"""What every front end says when it writes a taskforce copy to a file (written 0600, as
the full copy is)."""

OVER_90 = "90 or over"
WITHHELD = "Withheld in the taskforce copy"
DIED_IN_ADMISSION = "Died during the admission"
_CONTEXT = 40  # characters either side of a redaction in the preview


def age_band(age: int) -> str:
    """A five-year age band ("85 to 89"), one band for 90 and over."""
    if age < 0:
        raise ValueError("an age cannot be negative")
    if age >= 90:
        return OVER_90
    low = age // 5 * 5
    return f"{low} to {low + 4}"


def month_year(day: date) -> str:
    """A date as month and year only ("March 2017")."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def _days(first: date, last: date) -> str:
    count = (last - first).days
    if count < 0:
        return "Not shown: the case dates are out of order"
    return "Same day (0 days)" if count == 0 else f"{count} day{'s' if count != 1 else ''}"


def setting_facts(case: Case) -> list[tuple[str, str]]:
    """Where the patient died and was cared for: rows of the case header of both copies."""
    return [
        ("Place of death", case.place_of_death.label),
        ("Site", case.site or "Not recorded"),
        ("Specialty", (case.specialty or "Not recorded").capitalize()),
    ]


def taskforce_case_facts(case: Case) -> list[tuple[str, str]]:
    """The case header of the taskforce copy: (label, value) pairs in reading order (two
    to a row in the PDF's grid: admission beside discharge, the two day counts together)."""
    admission = month_year(case.admission_date)
    if case.admission_method is not None:
        admission += f" ({case.admission_method.value})"
    if case.discharge_date is None:
        discharge = DIED_IN_ADMISSION
        stay = f"{_days(case.admission_date, case.date_of_death)} (to death)"
        to_death = "Not applicable: died during the admission"
    else:
        discharge = month_year(case.discharge_date)
        stay = _days(case.admission_date, case.discharge_date)
        to_death = _days(case.discharge_date, case.date_of_death)
    return [
        ("Case reference", case.case_ref),
        ("Patient identifiers", WITHHELD),
        ("Age at death", age_band(case.age_at_death)),
        ("Sex", case.sex.value.capitalize()),
        ("Admission", admission),
        ("Discharge", discharge),
        ("Length of stay", stay),
        ("Discharge to death", to_death),
        ("Death", month_year(case.date_of_death)),
        *setting_facts(case),
        ("Learning disability (cohort data)", case.learning_disability.value.capitalize()),
    ]


# --- the redaction preview -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShownRedaction:
    """One replacement the taskforce copy makes, with the words around it.

    ``before`` is the passage as written, ``after`` as the taskforce copy prints it (every
    replacement inside the passage made). Neither prints in ``repr``: they hold patient data.
    """

    where: str
    kind: IdentifierKind
    before: str = field(repr=False)
    after: str = field(repr=False)
    marker: str


def redaction_preview(data: SummaryInput) -> tuple[ShownRedaction, ...]:
    """Every redaction the taskforce copy of ``data`` makes, in the order of the form.

    Reads the same display values the PDF prints (every asked question, every item of a
    repeating group, the amendment reason, what changed, the outcome reason), whichever copy
    ``data`` describes.
    """
    redactor = Redactor(data.case)
    shown: list[ShownRedaction] = []
    seen: set[tuple[str, str]] = set()
    for where, text in _printed_texts(data):
        if (where, text) in seen:
            continue
        seen.add((where, text))
        shown += _shown(where, redactor.redacted(text))
    return tuple(shown)


def _printed_texts(data: SummaryInput) -> list[tuple[str, str]]:
    src = AnswerSource(data.model_copy(update={"taskforce_copy": False}))
    texts: list[tuple[str, str]] = []
    if data.amendment_reason:
        texts.append(("Amendment reason", data.amendment_reason))
    for change in data.changes:
        old, new = data.supersedes or data.version - 1, data.version
        texts += [
            (f"What changed: {change.label} (version {old})", change.old),
            (f"What changed: {change.label} (version {new})", change.new),
        ]
    if data.outcome_reason:
        texts.append(("Outcome reason", data.outcome_reason))
    for sec in data.definition.sections:
        if src.section_asked(sec):
            texts += _section_texts(src, sec)
    return texts


def _section_texts(src: AnswerSource, sec: Section) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for question in sec.questions:
        if not src.asked(question):
            continue
        label = _where(sec, question.label)
        if not isinstance(question, GroupQuestion):
            texts.append((label, src.show(question)))
            continue
        for item in src.items(question):
            for item_question in question.item_questions:
                if item.asked(item_question):
                    where = f"{label} {item.number}: {item_question.label}"
                    texts.append((where, src.show_item(item_question, item)))
    return texts


def _where(sec: Section, label: str) -> str:
    return label if sec.title.casefold() in label.casefold() else f"{sec.title}: {label}"


def _shown(where: str, redacted: RedactedText) -> list[ShownRedaction]:
    original = redacted.original
    if redacted.whole:
        r = redacted.redactions[0]
        return [ShownRedaction(where, r.kind, _clip(original), redacted.text, r.marker)]
    out = []
    for r in redacted.redactions:
        start, end = _window(original, r.start, r.end, redacted)
        parts: list[str] = []
        position = start
        for other in redacted.redactions:
            if start <= other.start and other.end <= end:
                parts += [original[position : other.start], other.marker]
                position = other.end
        parts.append(original[position:end])
        lead = "…" if start > 0 else ""
        tail = "…" if end < len(original) else ""
        before = f"{lead}{original[start:end]}{tail}"
        after = f"{lead}{''.join(parts)}{tail}"
        out.append(ShownRedaction(where, r.kind, before, after, r.marker))
    return out


def _window(text: str, start: int, end: int, redacted: RedactedText) -> tuple[int, int]:
    """About ``_CONTEXT`` characters either side, at word breaks, never cutting a redaction."""
    low, high = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
    if low > 0:
        space = text.find(" ", low, start)
        low = space + 1 if space != -1 else low
    if high < len(text):
        space = text.rfind(" ", end, high)
        high = space if space != -1 else high
    for other in redacted.redactions:
        if other.start < low < other.end:
            low = other.start
        if other.start < high < other.end:
            high = other.end
    return low, high


def _clip(text: str, limit: int = 2 * _CONTEXT + 40) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
