"""Rule 8's detector on both sides: the hospital number, names typed without (or with) their
accents, NHS numbers with dots, slashes or dashes; and ordinary clinical text left alone."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.text_identifiers import IdentifierKind, fold_accents, identifiers_in
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
