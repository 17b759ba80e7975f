"""The reviewers CSV intake: each rule on both sides, and robustness."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_app.domain.panel import Profession, Sector
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.demo.synthetic import PANEL_COLUMNS
from reviewer_app.services.intake.panel_csv import (
    PanelImport,
    format_problems,
    read_panel,
    split_conflicts,
)
from tests.support.sample_data import SAMPLE_DATA

COLUMNS = list(PANEL_COLUMNS)
GOOD = {
    "reviewer_ref": "R01",
    "name": "Dr Iris Patel",
    "profession": "doctor",
    "sector": "secondary",
    "organisation": "University Hospitals",
    "registration": "GMC 7180108",
    "email": "reviewer01@example.nhs.uk",
    "conflicts": "gastroenterology",
}


def to_csv(rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def one(**changes: str) -> PanelImport:
    return read_panel(to_csv([GOOD | changes]), "reviewers.csv")


def only_problem(**changes: str) -> tuple[str | None, str]:
    result = one(**changes)
    assert result.reviewers == []
    assert len(result.errors) == 1, result.errors
    return result.errors[0].column, result.errors[0].reason


def test_shared_synthetic_panel_imports_cleanly() -> None:
    path = SAMPLE_DATA / "reviewers.csv"
    result = read_panel(path.read_bytes(), "reviewers.csv")
    assert result.errors == []
    assert [r.reviewer_ref for r in result.reviewers] == [f"R0{i}" for i in range(1, 9)]
    assert {r.profession for r in result.reviewers} == {Profession.DOCTOR, Profession.NURSE}
    assert result.reviewers[2].conflicts == ("C82029",)
    assert result.reviewers[1].conflicts == ()


def test_a_good_row() -> None:
    reviewer = one().reviewers[0]
    assert reviewer.reviewer_ref == "R01"
    assert reviewer.profession is Profession.DOCTOR
    assert reviewer.sector is Sector.SECONDARY
    assert reviewer.registration == "GMC 7180108"
    assert reviewer.conflicts == ("gastroenterology",)


def test_optional_columns_may_be_absent_or_blank() -> None:
    result = read_panel(to_csv([GOOD], columns=COLUMNS[:4]), "r.csv")
    reviewer = result.reviewers[0]
    assert (reviewer.organisation, reviewer.email, reviewer.conflicts) == (None, None, ())
    blank = one(organisation="", registration="", email="", conflicts="").reviewers[0]
    assert (blank.organisation, blank.registration, blank.email) == (None, None, None)


def test_missing_required_column_is_refused_by_name() -> None:
    with pytest.raises(InvalidInputError, match="missing the required column profession"):
        read_panel(to_csv([GOOD], columns=[c for c in COLUMNS if c != "profession"]), "r.csv")


@pytest.mark.parametrize("column", ["reviewer_ref", "name", "profession", "sector"])
def test_required_values(column: str) -> None:
    assert only_problem(**{column: ""}) == (column, "is empty")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("doctor", Profession.DOCTOR), ("Nurse", Profession.NURSE), ("OTHER", Profession.OTHER)],
)
def test_profession_values(raw: str, expected: Profession) -> None:
    assert one(profession=raw).reviewers[0].profession is expected


@pytest.mark.parametrize("raw", ["consultant", "GP", "dr"])
def test_profession_bad_value(raw: str) -> None:
    assert only_problem(profession=raw) == (
        "profession",
        f'"{raw}" is not one of the allowed values',
    )


@pytest.mark.parametrize("sector", list(Sector))
def test_sector_values(sector: Sector) -> None:
    assert one(sector=sector.value.title()).reviewers[0].sector is sector


def test_sector_bad_value() -> None:
    result = one(sector="tertiary")
    assert format_problems(result.errors) == (
        'reviewers.csv line 2, column sector: "tertiary" is not one of the allowed values. '
        "Use primary, secondary or community, and import the file again."
    )


def test_reviewer_ref_unique_regardless_of_case() -> None:
    rows = [GOOD, GOOD | {"reviewer_ref": "R02"}, GOOD | {"reviewer_ref": "r01"}]
    result = read_panel(to_csv(rows), "r.csv")
    assert result.reviewers == []
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (4, "reviewer_ref", '"r01" is also on line 2')
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ()),
        ("C82001", ("C82001",)),
        (" C82001 ; cardiology ", ("C82001", "cardiology")),
        ("C82001;;cardiology;", ("C82001", "cardiology")),
        ("cardiology;Cardiology", ("cardiology",)),
        (" ; ", ()),
    ],
)
def test_conflicts_split_trimmed_empty_allowed(raw: str, expected: tuple[str, ...]) -> None:
    assert split_conflicts(raw) == expected
    assert one(conflicts=raw).reviewers[0].conflicts == expected


def test_conflicts_come_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Gériatrie")
    assert one(conflicts=nfd).reviewers[0].conflicts == ("Gériatrie",)


@pytest.mark.parametrize("email", ["a@example.nhs.uk", "first.last@nhs.net"])
def test_email_good(email: str) -> None:
    assert one(email=email).reviewers[0].email == email


@pytest.mark.parametrize("email", ["not an email", "a@b", "@example.com", "a@@b.com"])
def test_email_bad(email: str) -> None:
    assert only_problem(email=email) == ("email", "is not an email address")


def test_names_come_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Dr Joan Nguyễn")
    assert one(name=nfd).reviewers[0].name == "Dr Joan Nguyễn"


def test_every_error_at_once_with_lines() -> None:
    rows = [GOOD | {"reviewer_ref": f"R{i:02d}"} for i in range(1, 7)]
    rows[0]["profession"] = "surgeon"
    rows[3]["sector"] = ""
    rows[5]["email"] = "x"
    result = read_panel(to_csv(rows), "r.csv")
    assert result.reviewers == []
    assert [(p.line, p.column) for p in result.errors] == [
        (2, "profession"),
        (5, "sector"),
        (7, "email"),
    ]
    with pytest.raises(InvalidInputError):
        result.raise_if_errors()


ROBUST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_all_or_nothing(data: bytes) -> None:
    try:
        result = read_panel(data, "r.csv")
    except InvalidInputError as err:
        assert str(err).strip()
        return
    if result.errors:
        assert result.reviewers == []
    else:
        assert result.reviewers
        refs = [r.reviewer_ref.casefold() for r in result.reviewers]
        assert len(refs) == len(set(refs))


@ROBUST
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data: bytes) -> None:
    check_all_or_nothing(data)


@ROBUST
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),
            st.sampled_from(COLUMNS),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_cell_edits_never_crash_or_import_partly(edits: list[tuple[int, str, str]]) -> None:
    rows = [GOOD | {"reviewer_ref": f"R{i}"} for i in range(4)]
    for index, column, text in edits:
        rows[index][column] = text
    check_all_or_nothing(to_csv(rows))
