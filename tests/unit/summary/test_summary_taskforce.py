"""The taskforce copy of the PDF summary holds no direct identifier of the patient, anywhere,
and coarsens what would single the patient out.

The case has every identifier set, and identifiers are also planted in the reviewer's free
text (name, NHS number in several spacings, hospital number, date of birth in several
formats, postcode). The file is scanned as raw bytes, as every decompressed stream, as its
document info and XMP metadata, and as text extracted by pypdf and by pdftotext. The same
scan of the identifiable copy finds them (proof the scan can see), except in the metadata,
which holds only the case reference and the study in both copies. Only the identifier is
redacted: the clinical sentence around it stays.

The case facts of the taskforce copy (``taskforce_case_facts``) are checked as a pure
function here; the PDF tests of the coarsened header and the marking need story.py and
pdf.py to use them (/tmp/readme/redaction-story.patch and redaction-pdf.patch).
"""

from __future__ import annotations

import contextlib
import io
import random
import re
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from reviewer_app.domain.case import AdmissionMethod
from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.text_identifiers import fold_accents, identifiers_in
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.summary.pdf import changes_between, render_summary
from reviewer_app.services.summary.redaction import REDACTED, Redactor
from reviewer_app.services.summary.taskforce import (
    OVER_90,
    TASKFORCE_FOOTER,
    TASKFORCE_MARKING,
    age_band,
    month_year,
    taskforce_case_facts,
)
from tests.support.summary_fixtures import (
    identified_case,
    normalise,
    pdftotext,
    pypdf_text,
    sample_input,
)

CASE = identified_case(
    family_name="Zielińska",
    given_names="Agnieszka Marianna",
    nhs_number="9434765919",
    hospital_number="RWE4236563",
    postcode="LE1 5WW",
)
NHS_FORMS = ("9434765919", "943 476 5919", "943-476-5919", "943.476.5919", "94347 65919")
DOB_FORMS = (
    "12/03/1940",
    "12-03-1940",
    "12.03.1940",
    "1940-03-12",
    "12 March 1940",
    "12th March 1940",
    "March 12, 1940",
    "12 Mar 1940",
    "12/3/40",
    "12031940",
)
NAME_FORMS = ("Zielińska", "ZIELIŃSKA", "Zielinska", "Agnieszka", "Marianna")
HOSPITAL_FORMS = ("RWE4236563", "RWE 4236563", "rwe4236563")
POSTCODE_FORMS = ("LE1 5WW", "LE15WW", "le1 5ww")
SAFE_SENTENCE = "Observations were not repeated for eleven hours overnight."
CONCERN = "Agnieszka said the nurses did not call a doctor despite her asking twice."
CONCERN_REDACTED = "[name] said the nurses did not call a doctor despite her asking twice."


def _planted_answers() -> dict[str, Any]:
    d = default_definition()
    answers = complete_answers(d, CASE, random.Random(21))
    plant = [
        f"Mrs Zielińska was seen late. {SAFE_SENTENCE}",
        f"NHS no {NHS_FORMS[1]} and {NHS_FORMS[2]}; hospital number RWE 4236563.",
        f"Born {DOB_FORMS[0]}, also written 1940-03-12 and 12th March 1940.",
        "Lives at LE1 5WW with her daughter Agnieszka.",
        f"Ref 943.476.5919 / 12031940 / LE15WW. {SAFE_SENTENCE}",
    ]
    answers["learning.poor_care"] = " ".join(plant)
    answers["learning.good_practice"] = f"{plant[0]}\n\n{plant[2]}"
    answers["phase.overall.comment"] = plant[1] + " " + SAFE_SENTENCE * 3
    answers["avoidability.comment"] = plant[3]
    answers["readiness.note"] = plant[4]
    answers["avoidability.comment"] = f"{plant[3]} {CONCERN} The hospice team were kind."
    answers["screening.existing_process"] = "yes"
    answers["screening.existing_process_types"] = ["complaint"]
    answers["screening.existing_process_reference"] = "Complaint from Ms A Zielińska"
    return answers


ANSWERS = _planted_answers()


def _render(taskforce: bool) -> bytes:
    d = default_definition()
    old = dict(ANSWERS)
    old["learning.good_practice"] = "Earlier text naming Agnieszka Zielińska, born 12/03/1940."
    return render_summary(
        sample_input(
            case=CASE,
            answers=ANSWERS,
            taskforce_copy=taskforce,
            version=2,
            supersedes=1,
            amendment_reason="Corrected after a call with Agnieszka's son.",
            changes=changes_between(d, old, ANSWERS),
        )
    )


@pytest.fixture(scope="module")
def taskforce_pdf() -> bytes:
    return _render(taskforce=True)


@pytest.fixture(scope="module")
def identifiable_pdf() -> bytes:
    return _render(taskforce=False)


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream of the file, decompressed (content, fonts, ToUnicode maps, forms...)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for number in range(1, len(reader.xref_objStm) + 1000):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:
            continue
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
    assert len(found) >= 5
    return found


def _metadata(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    parts = [f"{k}={v}" for k, v in (reader.metadata or {}).items()]
    root = reader.trailer["/Root"]
    if "/Metadata" in root:  # XMP
        parts.append(root["/Metadata"].get_object().get_data().decode("utf-8", "replace"))
    return "\n".join(parts)


def _byte_forms(needle: str) -> list[bytes]:
    forms = {needle, needle.upper(), needle.lower()}
    out = []
    for form in forms:
        out += [form.encode("utf-8"), form.encode("utf-16-be")]
        with contextlib.suppress(UnicodeEncodeError):
            out.append(form.encode("latin-1"))
    return out


def _found_in_bytes(blob: bytes, needles: tuple[str, ...]) -> list[str]:
    return [n for n in needles if any(form in blob for form in _byte_forms(n))]


def _found_in_text(text: str, needles: tuple[str, ...]) -> list[str]:
    folded = normalise(text).casefold()
    digits = re.sub(r"\D", "", text)
    hits = [n for n in needles if normalise(n).casefold() in folded]
    for n in needles:  # digit identifiers with any separator, e.g. "943 476 5919"
        d = re.sub(r"\D", "", n)
        if len(d) >= 8 and d in digits:
            hits.append(n)
    return hits


ALL = NHS_FORMS + DOB_FORMS + NAME_FORMS + HOSPITAL_FORMS + POSTCODE_FORMS


def test_taskforce_copy_has_no_identifier_in_raw_bytes(taskforce_pdf: bytes) -> None:
    assert _found_in_bytes(taskforce_pdf, ALL) == []


def test_taskforce_copy_has_no_identifier_in_any_decompressed_stream(
    taskforce_pdf: bytes,
) -> None:
    for stream in _streams(taskforce_pdf):
        assert _found_in_bytes(stream, ALL) == []


def test_taskforce_copy_has_no_identifier_in_metadata(taskforce_pdf: bytes) -> None:
    meta = _metadata(taskforce_pdf)
    assert "NSR-0042" in meta
    assert _found_in_text(meta, ALL) == []


@pytest.mark.parametrize("reader", [pypdf_text, pdftotext])
def test_taskforce_copy_has_no_identifier_in_its_text(taskforce_pdf: bytes, reader: Any) -> None:
    text = reader(taskforce_pdf)
    assert _found_in_text(text, ALL) == []
    assert "NSR-0042" in text
    assert "Withheld in the taskforce copy" in text
    for marker in ("[name]", "[NHS number]", "[hospital number]", "[date of birth]"):
        assert marker in text, marker
    assert REDACTED not in text  # each identifier is replaced, never a whole answer
    assert normalise(SAFE_SENTENCE) in text  # only what identifies is redacted
    assert normalise(CONCERN_REDACTED) in normalise(text)  # the relatives' concern survives


def test_taskforce_copy_header_is_coarsened_and_honestly_marked(taskforce_pdf: bytes) -> None:
    """Needs story.py and pdf.py to use services/summary/taskforce.py (see the docstring)."""
    text = normalise(pypdf_text(taskforce_pdf))
    case = CASE
    for exact in (case.admission_date, case.date_of_death, case.date_of_birth):
        assert f"{exact.day} {month_year(exact)}" not in text
    assert f"Admission {month_year(case.admission_date)}" in text
    assert f"Age at death {age_band(case.age_at_death)}" in text
    assert "Length of stay 15 days (to death)" in text
    for gone in ("Postcode district", "LE1", "C82018", "years"):
        assert gone not in text, gone
    assert normalise(TASKFORCE_MARKING) in text
    assert normalise(TASKFORCE_FOOTER) in text


def test_the_same_scan_finds_identifiers_in_the_identifiable_copy(identifiable_pdf: bytes) -> None:
    text = pypdf_text(identifiable_pdf)
    for group in (
        NHS_FORMS[:3],
        DOB_FORMS[:1],
        NAME_FORMS[:2],
        HOSPITAL_FORMS[:1],
        POSTCODE_FORMS[:1],
    ):
        assert _found_in_text(text, group), group
    assert REDACTED not in text
    # Both copies keep identifiers out of the metadata.
    assert _found_in_text(_metadata(identifiable_pdf), ALL) == []


def test_redactor_keeps_clean_text_and_redacts_each_identifier_form() -> None:
    redactor = Redactor(CASE)
    assert redactor.redact(SAFE_SENTENCE) == SAFE_SENTENCE
    for needle in ALL:
        text = f"{SAFE_SENTENCE} Noted: {needle}. Plan agreed with the team."
        result = redactor.redact(text)
        assert _found_in_text(result, (needle,)) == [], needle
        assert result.startswith(SAFE_SENTENCE)
        assert result.endswith("Plan agreed with the team.")


@pytest.mark.parametrize("letter", ["ł", "Ł", "ø", "Ø", "æ", "Æ", "ß", "đ", "Đ", "ħ", "œ", "ı"])
def test_redaction_and_the_identifier_check_fold_the_same_letters(letter: str) -> None:
    """A name typed without a letter's mark is caught by both paths, or by neither."""
    case = identified_case(family_name=f"Ka{letter}owska")
    typed = f"Seen by Ka{fold_accents(letter)}owska's daughter on the ward."
    assert fold_accents(letter) != letter
    assert bool(identifiers_in(typed, case)) == Redactor(case).flagged(typed) is True


# --- the taskforce copy's case facts (pure) ----------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0 to 4"),
        (17, "15 to 19"),
        (18, "15 to 19"),
        (84, "80 to 84"),
        (85, "85 to 89"),
        (89, "85 to 89"),
        (90, OVER_90),
        (104, OVER_90),
    ],
)
def test_age_bands_of_five_years_with_90_and_over(age: int, band: str) -> None:
    assert age_band(age) == band


def test_a_negative_age_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        age_band(-1)


def _facts(**changes: Any) -> dict[str, str]:
    facts = taskforce_case_facts(identified_case(**changes))
    assert len({label for label, _ in facts}) == len(facts)  # each label once
    return dict(facts)


def test_case_facts_after_a_discharge() -> None:
    facts = _facts(
        date_of_birth=date(1927, 6, 30),
        admission_date=date(2017, 2, 27),
        admission_method=AdmissionMethod.EMERGENCY,
        discharge_date=date(2017, 3, 3),
        date_of_death=date(2017, 3, 31),
    )
    assert facts["Age at death"] == "85 to 89"  # 89 on 31 March 2017, 90 in June
    assert facts["Admission"] == "February 2017 (emergency)"
    assert facts["Discharge"] == "March 2017"
    assert facts["Death"] == "March 2017"
    assert facts["Length of stay"] == "4 days"  # 27 Feb to 3 Mar 2017 (not a leap year)
    assert facts["Discharge to death"] == "28 days"
    assert facts["Patient identifiers"] == "Withheld in the taskforce copy"


def test_case_facts_for_a_death_in_the_admission_and_short_stays() -> None:
    facts = _facts(
        admission_date=date(2016, 2, 28), discharge_date=None, date_of_death=date(2016, 3, 1)
    )
    assert facts["Discharge"] == "Died during the admission"
    assert facts["Length of stay"] == "2 days (to death)"  # 2016 is a leap year
    assert facts["Discharge to death"] == "Not applicable: died during the admission"
    same = _facts(
        admission_date=date(2017, 5, 1),
        discharge_date=date(2017, 5, 1),
        date_of_death=date(2017, 5, 2),
    )
    assert same["Length of stay"] == "Same day (0 days)"
    assert same["Discharge to death"] == "1 day"


def test_case_dates_out_of_order_show_no_figure() -> None:
    facts = _facts(
        admission_date=date(2017, 5, 10),
        discharge_date=date(2017, 5, 1),
        date_of_death=date(2017, 5, 20),
    )
    assert facts["Length of stay"] == "Not shown: the case dates are out of order"


def test_case_facts_hold_no_identifier_and_no_exact_date() -> None:
    case = identified_case(discharge_date=date(2024, 1, 10))
    text = " ".join(f"{label} {value}" for label, value in taskforce_case_facts(case))
    for gone in (
        case.family_name,
        case.given_names.split()[0],
        case.nhs_number,
        "RWE",
        "LE1",
        "5WW",
        "C82018",
        "1940",
        "Postcode",
        "GP practice",
    ):
        assert gone not in text, gone
    for day in (case.admission_date, case.discharge_date, case.date_of_death):
        assert day is not None
        assert f"{day.day} {month_year(day)}" not in text
        assert month_year(day) in text
    assert "Leicester Royal Infirmary" in text and "Acute medicine" in text


# --- B9: date answers print as month and year in the taskforce copy ------------------------


def test_taskforce_copy_prints_date_answers_as_month_and_year() -> None:
    answers = {
        **ANSWERS,
        "relatives.contact_attempted": "yes",
        "relatives.contact_date": "2024-02-08",
    }

    def text(taskforce: bool) -> str:
        data = sample_input(case=CASE, answers=answers, taskforce_copy=taskforce)
        return normalise(pdftotext(render_summary(data)))

    taskforce, full = text(taskforce=True), text(taskforce=False)
    assert "8 February 2024" in full  # the identifiable copy keeps the exact date
    assert "8 February 2024" not in taskforce
    assert "February 2024" in taskforce


def test_every_date_and_date_time_answer_is_coarsened_in_the_taskforce_copy_only() -> None:
    from reviewer_app.domain.definition import GroupQuestion
    from reviewer_app.services.summary.answers import AnswerSource, Item

    d = default_definition()
    answers = dict(ANSWERS)
    answers["relatives.contact_date"] = "2024-02-08"
    answers["screening.leder_date"] = "2024-01-22"
    answers["immediate.told_at"] = "2024-01-19T14:05"
    item = {
        "escalation.item.care_date": "2024-01-17",
        "escalation.item.duty_of_candour_notified_date": "2024-01-25",
    }
    questions = {q.id: q for s in d.sections for q in s.questions}
    group = questions["escalation.items"]
    assert isinstance(group, GroupQuestion)
    item_questions = {q.id: q for q in group.item_questions}
    top_ids = ("relatives.contact_date", "screening.leder_date", "immediate.told_at")

    def shown(taskforce: bool) -> list[str]:
        src = AnswerSource(sample_input(case=CASE, answers=answers, taskforce_copy=taskforce))
        top = [src.show(questions[i]) for i in top_ids]
        items = [src.show_item(item_questions[i], Item(1, item, None)) for i in item]
        return [*top, *items, src.safe("19 January 2024, 14:05 (UK time)")]

    assert shown(taskforce=True) == [
        "February 2024",
        "January 2024",
        "January 2024",
        "January 2024",
        "January 2024",
        "January 2024",
    ]
    assert shown(taskforce=False) == [
        "8 February 2024",
        "22 January 2024",
        "19 January 2024, 14:05 (UK time)",
        "17 January 2024",
        "25 January 2024",
        "19 January 2024, 14:05 (UK time)",
    ]
