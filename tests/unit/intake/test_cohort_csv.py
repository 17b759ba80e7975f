"""The cohort CSV intake: every rule of data-contracts.md, on both sides, and robustness."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_app.domain.case import AdmissionMethod, PlaceOfDeath, Sex, Tristate
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.demo.synthetic import COHORT_COLUMNS
from reviewer_app.services.intake.cohort_csv import (
    CohortImport,
    WarningKind,
    csv_safe,
    format_problems,
    read_cohort,
)
from tests.support.sample_data import SAMPLE_DATA

COLUMNS = list(COHORT_COLUMNS)
GOOD = {
    "case_ref": "NSR-0001",
    "nhs_number": "999 631 7064",
    "hospital_number": "RWE8260626",
    "family_name": "Roberts",
    "given_names": "Margaret",
    "date_of_birth": "1952-10-30",
    "sex": "female",
    "postcode": "LE5 4YE",
    "admission_date": "2017-05-27",
    "admission_method": "emergency",
    "discharge_date": "",
    "date_of_death": "2017-06-24",
    "place_of_death": "acute_hospital",
    "site": "Leicester Royal Infirmary",
    "specialty": "acute medicine",
    "gp_practice_code": "C82001",
    "learning_disability": "no",
}
# Columns a message may never quote: they identify a person.
PRIVATE = (
    "nhs_number",
    "hospital_number",
    "family_name",
    "given_names",
    "date_of_birth",
    "postcode",
)


def nhs_numbers(count: int) -> list[str]:
    """Valid test-range NHS numbers (999...), spaced 3-3-4 as trusts send them."""
    found: list[str] = []
    n = 0
    while len(found) < count:
        base = f"999{n:06d}"
        n += 1
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(base)) % 11
        if check == 10:
            continue
        digits = base + str(0 if check == 11 else check)
        found.append(f"{digits[:3]} {digits[3:6]} {digits[6:]}")
    return found


def make_rows(count: int) -> list[dict[str, str]]:
    return [
        GOOD | {"case_ref": f"NSR-{i + 1:05d}", "nhs_number": number}
        for i, number in enumerate(nhs_numbers(count))
    ]


def to_csv(
    rows: list[dict[str, str]],
    columns: list[str] = COLUMNS,
    newline: str = "\n",
    bom: bool = False,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()


def one(**changes: str) -> CohortImport:
    return read_cohort(to_csv([GOOD | changes]), "cohort.csv")


def problems(**changes: str) -> list[tuple[str | None, str]]:
    result = one(**changes)
    assert result.cases == [] or not result.errors
    return [(p.column, p.reason) for p in result.errors]


def accepted(**changes: str) -> object:
    result = one(**changes)
    assert result.errors == [], format_problems(result.errors)
    assert len(result.cases) == 1
    return result.cases[0]


def assert_only_problem(column: str, reason_part: str, **changes: str) -> None:
    found = problems(**changes)
    assert len(found) == 1, found
    assert found[0][0] == column
    assert reason_part in found[0][1]


# --- the synthetic sample files (tests/fixtures/data) ---------------------------------


def shared_cohort() -> bytes:
    return (SAMPLE_DATA / "cohort.csv").read_bytes()


def test_shared_synthetic_cohort_imports_cleanly() -> None:
    result = read_cohort(shared_cohort(), "cohort.csv")
    assert result.errors == []
    assert result.notices == []
    assert len(result.cases) == 40
    assert len({c.case_ref for c in result.cases}) == 40
    assert all(re.fullmatch(r"[0-9]{10}", c.nhs_number) for c in result.cases)


@pytest.mark.parametrize(("bom", "newline"), [(True, "\r\n"), (True, "\n"), (False, "\r\n")])
def test_shared_cohort_with_bom_and_crlf_imports_the_same(bom: bool, newline: str) -> None:
    original = shared_cohort()
    variant = (b"\xef\xbb\xbf" if bom else b"") + original.replace(b"\n", newline.encode())
    assert read_cohort(variant, "c.csv").cases == read_cohort(original, "c.csv").cases


def test_importing_the_same_file_twice_gives_the_same_result() -> None:
    data = shared_cohort()
    assert read_cohort(data, "c.csv") == read_cohort(data, "c.csv")


# --- a good row, field by field ----------------------------------------------------------


def test_a_good_row_becomes_a_case() -> None:
    case = accepted()
    assert case.case_ref == "NSR-0001"
    assert case.nhs_number == "9996317064"
    assert case.hospital_number == "RWE8260626"
    assert case.date_of_birth == date(1952, 10, 30)
    assert case.sex is Sex.FEMALE
    assert case.postcode == "LE5 4YE"
    assert case.admission_method is AdmissionMethod.EMERGENCY
    assert case.discharge_date is None
    assert case.place_of_death is PlaceOfDeath.ACUTE_HOSPITAL
    assert case.learning_disability is Tristate.NO
    assert case.gp_practice_code == "C82001"


def test_column_order_is_free() -> None:
    reordered = list(reversed(COLUMNS))
    result = read_cohort(to_csv([GOOD], columns=reordered), "c.csv")
    assert result.cases == one().cases


def test_only_required_columns_are_needed() -> None:
    required = [c for c in COLUMNS if c not in {"hospital_number", "postcode", "site"}]
    required = [c for c in required if c not in {"admission_method", "discharge_date"}]
    required = [c for c in required if c not in {"specialty", "gp_practice_code"}]
    required.remove("learning_disability")
    result = read_cohort(to_csv([GOOD], columns=required), "c.csv")
    assert result.errors == []
    case = result.cases[0]
    assert case.postcode is None
    assert case.learning_disability is Tristate.UNKNOWN


def test_missing_required_column_is_refused_by_name() -> None:
    columns = [c for c in COLUMNS if c not in {"sex", "date_of_death"}]
    with pytest.raises(InvalidInputError, match="missing the required columns sex, date_of_death"):
        read_cohort(to_csv([GOOD], columns=columns), "c.csv")


def test_unknown_columns_are_ignored_with_a_notice() -> None:
    result = read_cohort(to_csv([GOOD | {"ward": "W1"}], columns=[*COLUMNS, "ward"]), "c.csv")
    assert len(result.cases) == 1
    assert result.notices == ["c.csv: ignored column not in the data contract: ward."]


# case_ref


def test_case_ref_required() -> None:
    assert_only_problem("case_ref", "is empty", case_ref="")


def test_case_ref_unique_in_file() -> None:
    rows = make_rows(3)
    rows[2]["case_ref"] = rows[0]["case_ref"]
    result = read_cohort(to_csv(rows), "c.csv")
    assert result.cases == []
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (4, "case_ref", '"NSR-00001" is also on line 2')
    ]


def test_distinct_case_refs_are_fine() -> None:
    assert len(read_cohort(to_csv(make_rows(3)), "c.csv").cases) == 3


# nhs_number


@pytest.mark.parametrize("raw", ["999 631 7064", "9996317064", "999-631-7064 ".replace("-", " ")])
def test_nhs_number_spaces_allowed_stored_as_ten_digits(raw: str) -> None:
    assert accepted(nhs_number=raw).nhs_number == "9996317064"


@pytest.mark.parametrize("raw", ["999 631 7065", "999 631 706", "999 631 70644", "999-631-7064"])
def test_nhs_number_invalid_is_an_error_without_echo(raw: str) -> None:
    found = problems(nhs_number=raw)
    assert found == [
        ("nhs_number", "is not a valid NHS number (10 digits with a correct check digit)")
    ]
    assert raw not in format_problems(one(nhs_number=raw).errors)


def test_nhs_number_required() -> None:
    assert_only_problem("nhs_number", "is empty", nhs_number="")


def test_nhs_number_unique_in_file_whatever_the_spacing() -> None:
    rows = make_rows(2)
    rows[1]["nhs_number"] = rows[0]["nhs_number"].replace(" ", "")
    result = read_cohort(to_csv(rows), "c.csv")
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (3, "nhs_number", "the same value is also on line 2")
    ]
    assert rows[1]["nhs_number"] not in format_problems(result.errors)


def _existing(rows: list[dict[str, str]]) -> dict[str, str]:
    """What the study holds after importing ``rows``: NHS number (digits) -> case_ref."""
    return {r["nhs_number"].replace(" ", ""): r["case_ref"] for r in rows}


def test_a_second_file_may_not_add_an_existing_death_under_a_new_case_ref() -> None:
    first = make_rows(3)
    second = make_rows(5)[3:]  # two new deaths...
    second.append(first[1] | {"case_ref": "NSR-09999"})  # ...and one already in the study
    result = read_cohort(to_csv(second), "second.csv", _existing(first))
    assert result.cases == []
    assert [(p.line, p.column) for p in result.errors] == [(4, "nhs_number")]
    message = format_problems(result.errors)
    assert '"NSR-00002"' in message and "one death is one case" in message
    assert first[1]["nhs_number"] not in message
    assert first[1]["nhs_number"].replace(" ", "") not in message


def test_the_same_case_ref_with_corrected_details_is_an_update() -> None:
    first = make_rows(3)
    again = [first[0] | {"site": "Glenfield Hospital"}, *first[1:]]
    result = read_cohort(to_csv(again), "corrected.csv", _existing(first))
    assert result.errors == [] and len(result.cases) == 3


def test_a_number_moves_to_a_new_case_when_its_old_case_is_corrected_in_the_same_file() -> None:
    """The earlier row had the wrong NHS number: the coordinator corrects it explicitly."""
    first = make_rows(2)
    spare = nhs_numbers(3)[2]
    corrected = [
        first[0] | {"nhs_number": spare},  # NSR-00001 had someone else's number
        first[0] | {"case_ref": "NSR-00003"},  # who is really a new case
    ]
    result = read_cohort(to_csv(corrected), "corrected.csv", _existing(first))
    assert result.errors == [], format_problems(result.errors)
    assert [c.case_ref for c in result.cases] == ["NSR-00001", "NSR-00003"]
    swapped = [
        first[0] | {"nhs_number": first[1]["nhs_number"]},
        first[1] | {"nhs_number": first[0]["nhs_number"]},
    ]
    assert read_cohort(to_csv(swapped), "swap.csv", _existing(first)).errors == []


# names


@pytest.mark.parametrize(
    "name",
    [
        *("Ó Súilleabháin", "Nguyễn", "O'Brien", "O’Brien", "Smith-Jones", "Mary Ann", "Müller"),
        *("मिस्त्री", "Żółć", "'t Hooft", "ʻŌlelo"),
    ],
)
def test_names_any_unicode_letters_apostrophes_hyphens_spaces(name: str) -> None:
    case = accepted(family_name=name, given_names=name)
    assert case.family_name == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize("name", ["Sm1th", "=cmd|' /C calc'!A0", "Smith, Bob", "Smith.", "'", "-"])
def test_names_with_other_characters_are_errors_without_echo(name: str) -> None:
    result = one(family_name=name)
    assert [(p.column, p.reason) for p in result.errors] == [
        ("family_name", "may contain only letters, apostrophes, hyphens and spaces")
    ]
    assert name not in format_problems(result.errors)


def test_names_required() -> None:
    assert [c for c, _ in problems(family_name="", given_names="")] == [
        "family_name",
        "given_names",
    ]


def test_decomposed_names_come_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Ó Súilleabháin")
    assert nfd != "Ó Súilleabháin"
    case = accepted(family_name=nfd, given_names=unicodedata.normalize("NFD", "Zoë"))
    assert case.family_name == "Ó Súilleabháin"
    assert case.given_names == "Zoë"


# sex


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("female", Sex.FEMALE),
        ("Female", Sex.FEMALE),
        ("F", Sex.FEMALE),
        ("f", Sex.FEMALE),
        ("male", Sex.MALE),
        ("M", Sex.MALE),
        ("other", Sex.OTHER),
        ("unknown", Sex.UNKNOWN),
        ("U", Sex.UNKNOWN),
    ],
)
def test_sex_values(raw: str, expected: Sex) -> None:
    assert accepted(sex=raw).sex is expected


@pytest.mark.parametrize("raw", ["x", "fem", "O", "woman"])
def test_sex_bad_value_is_echoed_with_the_allowed_ones(raw: str) -> None:
    result = one(sex=raw)
    assert format_problems(result.errors) == (
        f'cohort.csv line 2, column sex: "{raw}" is not one of the allowed values. '
        "Use one of female, male, other, unknown (or F, M, U), and import the file again."
    )


def test_sex_required() -> None:
    assert_only_problem("sex", "is empty", sex="")


# postcode


@pytest.mark.parametrize(
    ("raw", "expected"), [("le5 4ye", "LE5 4YE"), ("LE54YE", "LE5 4YE"), ("", None)]
)
def test_postcode_optional_and_normalised(raw: str, expected: str | None) -> None:
    assert accepted(postcode=raw).postcode == expected


@pytest.mark.parametrize("raw", ["LE5", "12345", "LE5 4YEE", "=LE5 4YE"])
def test_postcode_invalid_is_an_error_without_echo(raw: str) -> None:
    result = one(postcode=raw)
    assert [(p.column, p.reason) for p in result.errors] == [("postcode", "is not a UK postcode")]
    assert raw not in format_problems(result.errors)


# admission_method, place_of_death, learning_disability


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("emergency", AdmissionMethod.EMERGENCY), ("Elective", AdmissionMethod.ELECTIVE), ("", None)],
)
def test_admission_method_values(raw: str, expected: AdmissionMethod | None) -> None:
    assert accepted(admission_method=raw).admission_method == expected


def test_admission_method_bad_value() -> None:
    assert_only_problem("admission_method", '"urgent" is not one of', admission_method="urgent")


@pytest.mark.parametrize("place", list(PlaceOfDeath))
def test_place_of_death_values(place: PlaceOfDeath) -> None:
    assert accepted(place_of_death=place.value).place_of_death is place


def test_place_of_death_tolerates_case_and_spaces() -> None:
    assert accepted(place_of_death="Care Home").place_of_death is PlaceOfDeath.CARE_HOME


@pytest.mark.parametrize("raw", ["hospital", "ward 7"])
def test_place_of_death_bad_value(raw: str) -> None:
    assert_only_problem("place_of_death", f'"{raw}" is not one of', place_of_death=raw)


def test_place_of_death_required() -> None:
    assert_only_problem("place_of_death", "is empty", place_of_death="")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", Tristate.YES),
        ("No", Tristate.NO),
        ("", Tristate.UNKNOWN),
        ("unknown", Tristate.UNKNOWN),
    ],
)
def test_learning_disability_values(raw: str, expected: Tristate) -> None:
    assert accepted(learning_disability=raw).learning_disability is expected


def test_learning_disability_bad_value() -> None:
    assert_only_problem("learning_disability", '"maybe"', learning_disability="maybe")


# free text


def test_formula_like_text_is_stored_as_text_and_neutralised_on_export() -> None:
    case = accepted(site='=HYPERLINK("http://x")', specialty="+cardiology", hospital_number="-1")
    assert case.site == '=HYPERLINK("http://x")'
    assert case.specialty == "+cardiology"
    assert csv_safe(case.site).startswith("'=")
    assert csv_safe(case.specialty) == "'+cardiology"


def test_over_long_text_is_an_error() -> None:
    assert_only_problem("site", "longer than 100", site="x" * 101)
    assert accepted(site="x" * 100).site == "x" * 100


def test_text_over_several_lines_is_an_error() -> None:
    assert_only_problem("specialty", "more than one line", specialty="acute\nmedicine")


# dates


def test_iso_and_uk_dates_may_be_mixed() -> None:
    case = accepted(
        date_of_birth="30/10/1952", admission_date="2017-05-27", date_of_death="1/7/2017"
    )
    assert case.date_of_birth == date(1952, 10, 30)
    assert case.date_of_death == date(2017, 7, 1)


def test_the_contract_example_message() -> None:
    rows = make_rows(6)
    rows[5]["date_of_death"] = "31/02/2017"
    result = read_cohort(to_csv(rows), "cohort.csv")
    assert format_problems(result.errors) == (
        'cohort.csv line 7, column date_of_death: "31/02/2017" is not a real date. '
        "Fix the date and import the file again."
    )


def test_us_date_is_an_error() -> None:
    assert_only_problem(
        "date_of_death", '"12/31/2017" is not a UK date', date_of_death="12/31/2017"
    )


def test_bad_date_of_birth_is_not_echoed() -> None:
    result = one(date_of_birth="31/02/1952")
    assert [(p.column, p.reason) for p in result.errors] == [
        ("date_of_birth", "the value is not a real date")
    ]
    assert "1952" not in format_problems(result.errors)


@pytest.mark.parametrize("column", ["date_of_birth", "admission_date", "date_of_death"])
def test_required_dates(column: str) -> None:
    assert (column, "is empty") in problems(**{column: ""})


def test_same_day_admission_discharge_and_death_is_consistent() -> None:
    case = accepted(
        admission_date="2017-06-01", discharge_date="2017-06-01", date_of_death="01/06/2017"
    )
    assert case.discharge_date == date(2017, 6, 1)


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"admission_date": "1950-01-01"}, "admission_date", "is before date_of_birth"),
        ({"discharge_date": "2017-05-01"}, "discharge_date", "is before admission_date"),
        ({"discharge_date": "2017-06-25"}, "date_of_death", "is before discharge_date"),
        ({"date_of_death": "2017-05-26"}, "date_of_death", "is before admission_date"),
    ],
)
def test_dates_out_of_order(changes: dict[str, str], column: str, reason: str) -> None:
    assert_only_problem(column, reason, **changes)


# warnings


@pytest.mark.parametrize(("death", "flagged"), [("2017-07-01", False), ("2017-07-02", True)])
def test_death_more_than_30_days_after_discharge_is_flagged(death: str, flagged: bool) -> None:
    result = one(discharge_date="2017-06-01", date_of_death=death)
    assert len(result.cases) == 1, "a flagged case is still imported"
    assert (result.flagged(WarningKind.OUTSIDE_COHORT) == {"NSR-0001"}) is flagged
    if flagged:
        assert str(result.warnings[0]) == (
            "cohort.csv line 2 (case NSR-0001): died 31 days after discharge, more than 30: "
            "flagged as outside the cohort."
        )


def test_death_on_the_day_of_discharge_is_in_the_cohort() -> None:
    assert one(discharge_date="2017-06-24").warnings == []


@pytest.mark.parametrize(
    ("birth", "child"), [("1999-06-25", True), ("1999-06-24", False), ("1950-01-01", False)]
)
def test_under_18_at_death_is_outside_this_method(birth: str, child: bool) -> None:
    result = one(date_of_birth=birth, admission_date="2017-06-20")
    assert len(result.cases) == 1
    assert (result.flagged(WarningKind.OUTSIDE_METHOD) == {"NSR-0001"}) is child
    if child:
        assert "child death review" in str(result.warnings[0])


# all at once, nothing partial


def test_three_bad_rows_give_three_problems_with_their_lines() -> None:
    rows = make_rows(10)
    rows[1]["sex"] = "x"  # line 3
    rows[4]["nhs_number"] = "123"  # line 6
    rows[8]["date_of_death"] = "12/31/2017"  # line 10
    result = read_cohort(to_csv(rows, newline="\r\n", bom=True), "cohort.csv")
    assert result.cases == []
    assert [(p.line, p.column) for p in result.errors] == [
        (3, "sex"),
        (6, "nhs_number"),
        (10, "date_of_death"),
    ]
    assert len(format_problems(result.errors).splitlines()) == 3


def test_every_problem_in_one_row_is_reported() -> None:
    found = problems(sex="x", postcode="nope", date_of_death="31/02/2017", family_name="1")
    assert sorted(c for c, _ in found if c) == ["date_of_death", "family_name", "postcode", "sex"]


def test_a_ragged_row_blocks_the_import_with_the_others() -> None:
    data = to_csv(make_rows(3)) + b"NSR-9,too,few\n"
    result = read_cohort(data, "c.csv")
    assert result.cases == []
    assert [(p.line, p.column) for p in result.errors] == [(5, None)]


def test_raise_if_errors_gives_one_user_error_with_every_line() -> None:
    rows = make_rows(3)
    rows[0]["sex"] = "x"
    rows[2]["sex"] = "y"
    with pytest.raises(InvalidInputError) as caught:
        read_cohort(to_csv(rows), "c.csv").raise_if_errors()
    assert len(str(caught.value).splitlines()) == 2
    one().raise_if_errors()  # a clean import raises nothing


# scale


def test_ten_thousand_rows_read_completely() -> None:
    """Scale, for correctness only; speed: tests/benchmarks/test_bench_intake.py."""
    data = to_csv(make_rows(10_000))
    result = read_cohort(data, "c.csv")
    assert len(result.cases) == 10_000
    assert result.errors == []


# robustness: never an exception other than InvalidInputError, never a partial import

ROBUST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BASE_ROWS = make_rows(6)
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))
BASE = to_csv(BASE_ROWS)


def check_all_or_nothing(data: bytes) -> CohortImport | None:
    try:
        result = read_cohort(data, "c.csv")
    except InvalidInputError as err:
        assert str(err).strip()
        return None
    if result.errors:
        assert result.cases == []
    else:
        refs = [c.case_ref for c in result.cases]
        assert len(refs) == len(set(refs))
        assert refs, "a clean import without cases would be a silent loss"
    for problem in result.errors:
        assert problem.line >= 2
    return result


@ROBUST
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    check_all_or_nothing(data)


@ROBUST
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=BASE.index(b"\n"), max_value=len(BASE) - 1)
            | st.integers(min_value=0, max_value=len(BASE) - 1),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from([b",", b"\n", b'"', b"\r\n", b"/", b"-", b"0", b"9", b" "])
            | st.text(PRINTABLE, min_size=1, max_size=4).map(str.encode),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_valid_files_never_crash_or_import_partly(
    mutations: list[tuple[int, str, bytes]],
) -> None:
    data = bytearray(BASE)
    for position, operation, payload in mutations:
        at = min(position, len(data))
        if operation == "insert":
            data[at:at] = payload
        elif operation == "delete":
            del data[at : at + len(payload)]
        else:
            data[at : at + len(payload)] = payload
    result = check_all_or_nothing(bytes(data))
    if result is not None and not result.errors:
        assert len(result.cases) <= len(BASE_ROWS) + 6


@ROBUST
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(BASE_ROWS) - 1),
            st.sampled_from(COLUMNS),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_cell_edits_report_per_cell_and_never_quote_private_columns(
    edits: list[tuple[int, str, str]],
) -> None:
    rows = [dict(r) for r in BASE_ROWS]
    for index, column, text in edits:
        rows[index][column] = text
    result = check_all_or_nothing(to_csv(rows))
    if result is None:
        return
    if not result.errors:
        assert len(result.cases) == len(rows)
    shown = format_problems(result.errors) + " ".join(str(w) for w in result.warnings)
    # The same text typed into a column that may be quoted (a date, an enum) may show.
    public = " ".join(v for row in rows for c, v in row.items() if c not in PRIVATE)
    for row in rows:
        for column in PRIVATE:
            value = unicodedata.normalize("NFC", row[column]).strip()
            if len(value) >= 5 and value not in unicodedata.normalize("NFC", public):
                assert value not in shown, f"{column} quoted in a message"
