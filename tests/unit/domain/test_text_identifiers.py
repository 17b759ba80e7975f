"""The identifier finder on both sides: rule 8's kinds (the hospital number, names typed
without or with their accents, NHS numbers with dots, slashes or dashes) and what the
taskforce copy redacts besides (other people's names after a title or relationship, dates
that may be dates of birth, numbers shaped like the hospital number), each with its span;
and ordinary clinical text, common words that are also names included, left alone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.text_identifiers import (
    RULE_8_KINDS,
    IdentifierKind,
    find_identifiers,
    fold_accents,
    identifiers_in,
    normalised_text,
)
from reviewer_app.domain.validation import validate
from tests.support.review_fixtures import complete_answers, make_case

CASE = make_case(
    family_name="Zielińska",
    given_names="Łucja Anaïs",
    hospital_number="RWE1234567",
    nhs_number="9434765919",
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Wristband read RWE1234567.", IdentifierKind.HOSPITAL_NUMBER),
        ("hospital no. rwe1234567 on the drug chart", IdentifierKind.HOSPITAL_NUMBER),
        ("Label RWE 123 4567 was on the notes.", IdentifierKind.HOSPITAL_NUMBER),
        ("Label RWE-1234567.", IdentifierKind.HOSPITAL_NUMBER),
        ("NHS 943.476.5919 on the referral.", IdentifierKind.NHS_NUMBER),
        ("NHS 943/476/5919 on the referral.", IdentifierKind.NHS_NUMBER),
        ("NHS 943-476-5919 on the referral.", IdentifierKind.NHS_NUMBER),
        ("NHS 943 - 476 - 5919 on the referral.", IdentifierKind.NHS_NUMBER),
        ("NHS 943\u2013476\u20135919 on the referral.", IdentifierKind.NHS_NUMBER),
        ("Any NHS number counts: 401.023.2137.", IdentifierKind.NHS_NUMBER),
        ("Mrs Zielinska was seen late.", IdentifierKind.NAME),
        ("MRS ZIELINSKA WAS SEEN LATE.", IdentifierKind.NAME),
        ("Mrs Zielińska was seen late.", IdentifierKind.NAME),
        ("Mrs Zielin\u0301ska was seen late.", IdentifierKind.NAME),  # decomposed accent
        ("Lucja was comfortable.", IdentifierKind.NAME),
        ("Anais was comfortable.", IdentifierKind.NAME),
    ],
)
def test_identifiers_are_found(text: str, kind: IdentifierKind) -> None:
    assert kind in identifiers_in(text, CASE)


def test_a_header_typed_without_accents_still_finds_the_accented_name() -> None:
    case = make_case(family_name="Zielinska", given_names="Lucja")
    assert identifiers_in("Pani Zielińska and Łucja", case) == [IdentifierKind.NAME]


@pytest.mark.parametrize(
    "text",
    [
        "BP 120/80, pulse 96, temp 37.5, sats 94% on 2 l/min.",
        "Hb 10.2 on 12/03/2024 at 10.15; repeated 13.03.2024.",
        "GCS 15/15, NEWS2 score 5, reviewed by FY1 at 14:30.",
        "Dose 1.5 mg/kg twice daily; eGFR 45 ml/min/1.73m2.",
        "Seen in bay 12/3, ward 5-6, bed 4.",
        "Phone 07700 900123 was unanswered.",
        "Reference 123.456.7890 is not a valid NHS number.",
        "Dr Zielinski, the consultant, was called.",  # another person's name
        "Lucius and Ana were the nurses.",
        "RWE1234568 belongs to someone else.",
        "Trust code RWE and ward 1234567 mentioned separately: RWE ward, 1234567 steps.",
    ],
)
def test_ordinary_clinical_text_is_not_flagged(text: str) -> None:
    assert identifiers_in(text, CASE) == []


def test_a_short_hospital_number_is_not_looked_for() -> None:
    case = make_case(hospital_number="H12")
    assert identifiers_in("H12 was the bay.", case) == []
    assert identifiers_in("Score 12 overnight.", case) == []


def test_no_hospital_number_no_check() -> None:
    case = make_case(hospital_number=None)
    assert identifiers_in("RWE1234567", case) == []


def test_fold_accents() -> None:
    assert fold_accents("Zielińska Łucja Anaïs Øberg Straße Mæve") == (
        "Zielinska Lucja Anais Oberg Strasse Maeve"
    )
    assert fold_accents("O\u2019Súilleabháin") == "O'Suilleabhain"


def test_rule8_flags_the_hospital_number_and_names_the_kind_only() -> None:
    definition: ReviewDefinition = default_definition()
    answers: dict[str, Any] = complete_answers(definition)
    answers["learning.poor_care"] = "Zielinska (RWE 1234567) waited 9 hours."
    report = validate(definition, answers, CASE)
    flagged = report.with_code("R8.identifier_in_text")
    assert [i.question_id for i in flagged] == ["learning.poor_care"]
    message = flagged[0].message
    assert "hospital number" in message and "name" in message
    for fragment in ("RWE", "1234567", "Zielinsk"):
        assert fragment.lower() not in message.lower()


# --- find_identifiers: each identifier with its span, on both sides --------------------------

K = IdentifierKind


def _found(text: str, case: Case) -> list[tuple[IdentifierKind, str]]:
    normal = normalised_text(text)
    return [(m.kind, normal[m.start : m.end]) for m in find_identifiers(text, case)]


def _names(text: str, case: Case) -> list[str]:
    return [s for kind, s in _found(text, case) if kind in {K.NAME, K.PERSON}]


WARD = make_case(family_name="Ward", given_names="May Rose")


@pytest.mark.parametrize(
    "text",
    [
        "The ward round at 10:00 may have missed that the score rose.",
        "NEWS2 rose to 7; she may need the ward's outreach team.",
        "Admitted 3 May 2017, reviewed May 2017 and again on May 4th.",
        "Seen 3rd of May; the 5 May result rose.",
        "Sister on the ward and a staff nurse were present.",
        "Her sister ward clerk; her daughter may visit; the nurse rose early.",
        "Sister ward round; mrs ward (lower-case title) is not a title.",
        "Moved to Ward 22 and then Ward 5B; bay 3.",
    ],
)
def test_names_that_are_common_words_stay_when_not_capitalised_names(text: str) -> None:
    assert _found(text, WARD) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Mrs Ward was seen late.", ["Ward"]),
        ("Seen by the team; May was frightened.", ["May"]),
        ("Rose's daughter asked twice.", ["Rose"]),
        ("MRS WARD WAS SEEN LATE.", ["WARD"]),  # capitals are capitalised
        # The hard case, decided: a capitalised name at a sentence start is the name.
        ("Ward round was late.", ["Ward"]),
        ("Mrs Ward 2 was seen late.", ["Ward"]),  # a title: the name, number or not
        ("Ward 1/2/19 review", ["Ward"]),  # a date is no ward number
        ("Mrs ward was seen late.", ["ward"]),  # after a personal title, any case
        ("MRS ward was seen late.", ["ward"]),
    ],
)
def test_capitalised_names_go_even_when_they_are_common_words(text: str, names: list[str]) -> None:
    assert _names(text, WARD) == names


@pytest.mark.parametrize(
    ("family", "given", "text", "names"),
    [
        ("O'Brien", "Siobhan", "Mr O'Brien's wife", ["O'Brien"]),
        (
            "O'Brien",
            "Siobhan",
            "OBrien and O Brien and O\u2019Brien",
            ["OBrien", "O Brien", "O'Brien"],
        ),
        (
            "Smith-Jones",
            "Ann",
            "Mrs Smith-Jones, Mrs Smith and Mr Jones",
            ["Smith-Jones", "Smith", "Jones"],
        ),
        ("Smith", "Ann", "Her son Peter Smith-Jones rang", ["Peter Smith-Jones", "Smith-Jones"]),
        ("Smith", "Ann", "Smith's daughter", ["Smith"]),
        (
            "Zielińska",
            "Łucja",
            "ZIELINSKA and Zielin\u0301ska; Lucja",
            ["ZIELINSKA", "Zielińska", "Lucja"],
        ),
        ("Zielinska", "Lucja", "Pani Zielińska and Łucja", ["Zielińska", "Łucja"]),
        (
            "van der Berg",
            "Pieter",
            "Mr van der Berg; Van der Berg",
            ["van der Berg", "Van der Berg"],
        ),
        ("Nguyễn", "Thị", "Nguyen was seen", ["Nguyen"]),
        ("Møller", "Åsa", "Moller and Asa", ["Moller", "Asa"]),
    ],
)
def test_header_names_in_their_written_forms(
    family: str, given: str, text: str, names: list[str]
) -> None:
    case = make_case(family_name=family, given_names=given)
    found = _names(text, case)
    for name in names:
        assert any(name in f for f in found), (name, found)
    assert all(f not in {"s", "'s", "Mr", "Mrs", "Her", "son"} for f in found)


def test_the_possessive_stays_outside_the_name() -> None:
    text = "Smith's daughter and O'Brien's son"
    case = make_case(family_name="Smith", given_names="Ann")
    (match,) = find_identifiers(text, case)
    assert text[match.end :].startswith("'s daughter")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("despite Mrs Okafor asking twice", ["Okafor"]),
        ("Dr J. R. Smith reviewed", ["J. R. Smith"]),
        ("Dr. Patel and Prof Lee", ["Patel", "Lee"]),
        ("Sister O'Neill and Nurse Smith-Jones", ["O'Neill", "Smith-Jones"]),
        ("Nurse Practitioner Bell agreed", ["Bell"]),
        ("Ms A Kowalczyk", ["A Kowalczyk"]),
        ("Dr van der Berg", ["van der Berg"]),
        ("her daughter Jane asked", ["Jane"]),
        ("Her daughter Mrs Okafor said", ["Okafor"]),
        ("husband, Bill, was told", ["Bill"]),
        ("daughter-in-law Priya rang", ["Priya"]),
        ("Dr Smith's note", ["Smith"]),
        ("MR SMITH WAS TOLD", ["SMITH"]),
    ],
)
def test_other_people_after_a_title_or_relationship(text: str, names: list[str]) -> None:
    assert _names(text, CASE) == names


@pytest.mark.parametrize(
    "text",
    [
        "Discussed with the Doctor. The plan was agreed.",
        "Nurse Practitioner review was prompt.",
        "Sister Ward 5 was short-staffed.",
        "Sister on call was informed.",
        "Her son Monday visited.",  # a weekday after a relationship is not a name
        "Her daughter was told; her son In Australia.",
        "Dr on call; Mr and Mrs were unavailable.",
        "the nurse said the doctor had been called",
        "Dr FY1 reviewed.",
    ],
)
def test_roles_and_sentence_words_after_titles_are_not_names(text: str) -> None:
    assert _names(text, CASE) == []


@pytest.mark.parametrize(
    "text",
    [
        "Born 20-May-1919.",
        "DOB 20/May/1919 on the chart",
        "Noted 20.May.1919 and",
        "born 20 May 19",
        "20/05/1919",
        "1919-05-20",
        "May 20, 1919",
        "20051919",
        "19190520",
        "20th of May 1919",
    ],
)
def test_the_patients_date_of_birth_in_any_format(text: str) -> None:
    case = make_case(date_of_birth=date(1919, 5, 20))
    kinds = [k for k, _ in _found(text, case)]
    assert K.DATE_OF_BIRTH in kinds
    assert identifiers_in(text, case) == [K.DATE_OF_BIRTH]


def test_a_date_long_before_the_admission_may_be_a_date_of_birth() -> None:
    case = make_case(admission_date=date(2024, 1, 5), date_of_death=date(2024, 1, 20))
    text = "Husband born 3/4/1936; MI 12/06/1998; seen 12/06/2023 and 4 Jan 2014; 5/1/14."
    found = _found(text, case)
    assert found == [
        (K.POSSIBLE_DATE_OF_BIRTH, "3/4/1936"),
        (K.POSSIBLE_DATE_OF_BIRTH, "12/06/1998"),
        (K.POSSIBLE_DATE_OF_BIRTH, "4 Jan 2014"),
    ]
    # 4 Jan 2014 is 10 years and a day before the admission; 5/1/14 is exactly 10 years.
    assert identifiers_in(text, case) == []  # rule 8 warns about the patient's own only


def test_a_date_after_a_birth_word_goes_even_when_partial_or_wrong() -> None:
    found = _found("DOB: 12 March; born in 1941; date of birth 13/03/1940.", CASE)
    assert [(k, s) for k, s in found] == [
        (K.POSSIBLE_DATE_OF_BIRTH, "12 March"),
        (K.POSSIBLE_DATE_OF_BIRTH, "1941"),
        (K.POSSIBLE_DATE_OF_BIRTH, "13/03/1940"),
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NHS 943 476 5919.", [(K.NHS_NUMBER, "943 476 5919")]),
        (
            "NHS 943-476-5919; 401 023 2137",
            [(K.NHS_NUMBER, "943-476-5919"), (K.NHS_NUMBER, "401 023 2137")],
        ),
        ("Wristband RWE 123 4567.", [(K.HOSPITAL_NUMBER, "RWE 123 4567")]),
        ("Her husband is RWE7654321.", [(K.OTHER_HOSPITAL_NUMBER, "RWE7654321")]),
        (
            "Lives at LE1 5WW; daughter at SW1A 1AA.",
            [(K.POSTCODE, "LE1 5WW"), (K.POSTCODE, "SW1A 1AA")],
        ),
        ("Lives at le1-5ww.", [(K.POSTCODE, "le1-5ww")]),
        ("Moved from LE1 to LE2 5AB.", [(K.POSTCODE_DISTRICT, "LE1"), (K.POSTCODE, "LE2 5AB")]),
    ],
)
def test_numbers_and_postcodes_with_their_spans(
    text: str, found: list[tuple[IdentifierKind, str]]
) -> None:
    assert _found(text, CASE) == found


@pytest.mark.parametrize(
    "text",
    [
        "Given x2 1hr apart.",  # a lower-case postcode shape that is not the patient's
        "Phone 07700 900123; BP 120/80; ward 5-6.",
        "RWE123456 has too few digits; RWX1234567 other letters.",
        "LE10, le1 and LE12 are other districts (or not in capitals).",
    ],
)
def test_clinical_text_with_number_shapes_is_left(text: str) -> None:
    assert _found(text, CASE) == []


def test_overlapping_matches_merge_into_the_stronger_kind() -> None:
    # "born 12/03/1940": the birth-word date and the patient's date of birth are one span.
    case = make_case(date_of_birth=date(1940, 3, 12))
    assert _found("born 12/03/1940", case) == [(K.DATE_OF_BIRTH, "12/03/1940")]
    # "Mrs Featherstonehaugh": a titled person who is the patient is the patient's name.
    assert _found("Mrs Featherstonehaugh", make_case()) == [(K.NAME, "Featherstonehaugh")]


def test_rule8_kinds_are_the_patients_own_and_any_nhs_number() -> None:
    text = "Dr Patel; daughter Jane; RWE7654321; born 1941; 401 023 2137"
    kinds = {k for k, _ in _found(text, CASE)}
    assert {K.PERSON, K.OTHER_HOSPITAL_NUMBER, K.POSSIBLE_DATE_OF_BIRTH} <= kinds
    assert identifiers_in(text, CASE) == [K.NHS_NUMBER]
    assert set(RULE_8_KINDS) == {
        K.NHS_NUMBER,
        K.HOSPITAL_NUMBER,
        K.POSTCODE,
        K.DATE_OF_BIRTH,
        K.NAME,
    }


_CLINICAL_TEXT = (
    "the ward round may have been late score rose grace hope will mark bill patient was "
    "seen by a nurse and doctor on the 3 of march news2 of 5 fluids given bay bed sister "
    "daughter son asked twice"
)
_CLINICAL_WORDS = st.sampled_from(_CLINICAL_TEXT.split())


@settings(max_examples=60, deadline=None)
@given(st.lists(_CLINICAL_WORDS, min_size=1, max_size=30))
def test_lower_case_clinical_words_never_look_like_names(words: list[str]) -> None:
    case = make_case(family_name="Ward", given_names="May Rose Grace Hope Will")
    text = " ".join(words)
    assert _names(text, case) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Z"]), max_size=80))
def test_matches_are_in_order_inside_the_text_and_never_overlap(text: str) -> None:
    matches = find_identifiers(text, CASE)
    normal = normalised_text(text)
    position = 0
    for m in matches:
        assert position <= m.start < m.end <= len(normal)
        position = m.end


def test_the_exact_episode_dates_go_in_full_or_as_day_and_month() -> None:
    case = make_case(
        admission_date=date(2024, 1, 5),
        discharge_date=date(2024, 1, 12),
        date_of_death=date(2024, 1, 20),
    )
    text = (
        "Admitted 05/01/2024, home on 12 January, died on 20th of January 2024; "
        "bloods 7/1/2024, seen 6 January and reviewed January 21st."
    )
    assert _found(text, case) == [
        (K.ADMISSION_DATE, "05/01/2024"),
        (K.DISCHARGE_DATE, "12 January"),
        (K.DATE_OF_DEATH, "20th of January 2024"),
    ]
    assert identifiers_in(text, case) == []  # not rule 8's: the header has them too


def test_a_discharge_date_is_looked_for_only_when_there_is_one() -> None:
    case = make_case(
        admission_date=date(2024, 1, 5), discharge_date=None, date_of_death=date(2024, 1, 20)
    )
    assert _found("On 12 January she was comfortable.", case) == []
