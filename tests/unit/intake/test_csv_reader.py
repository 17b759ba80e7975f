"""Shared CSV decoding: encodings, line ends, headers, garbage, dates."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.intake.csv_export import csv_safe, csv_unescape, write_csv
from reviewer_app.services.intake.csv_reader import (
    MAX_FILE_BYTES,
    CsvTable,
    RowProblem,
    format_problems,
    parse_date,
    read_table,
)

REQUIRED = ("ref", "name")
OPTIONAL = ("note",)


def table(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> CsvTable:
    return read_table(data, "test.csv", required=REQUIRED, optional=OPTIONAL, max_bytes=max_bytes)


def refused(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> str:
    with pytest.raises(InvalidInputError) as caught:
        table(data, max_bytes)
    message = str(caught.value)
    assert "\n" not in message, "a whole-file problem is one line"
    assert message.startswith("test.csv")
    return message


# --- encodings and line ends -------------------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_utf8_with_or_without_bom_and_lf_or_crlf(bom: bytes, newline: bytes) -> None:
    data = bom + newline.join([b"ref,name", b"A1,Zo\xc3\xab", b"A2,Bob", b""])
    result = table(data)
    assert [(r.line, r.values) for r in result.rows] == [
        (2, {"ref": "A1", "name": "Zoë"}),
        (3, {"ref": "A2", "name": "Bob"}),
    ]
    assert result.problems == []


def test_every_cell_comes_out_nfc_and_trimmed() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Nguyễn")
    assert decomposed != "Zoë Nguyễn"
    result = table(f"ref,name\n A1 ,  {decomposed}  \n".encode())
    assert result.rows[0].values == {"ref": "A1", "name": "Zoë Nguyễn"}


def test_header_names_are_matched_trimmed_and_case_insensitively() -> None:
    result = table(b" Ref ,NAME\nA1,Bob\n")
    assert result.rows[0].values == {"ref": "A1", "name": "Bob"}


def test_column_order_is_free_and_optional_columns_may_be_absent() -> None:
    result = table(b"name,ref\nBob,A1\n")
    assert result.rows[0].values == {"ref": "A1", "name": "Bob"}
    with_note = table(b"note,name,ref\nhi,Bob,A1\n")
    assert with_note.rows[0].values == {"ref": "A1", "name": "Bob", "note": "hi"}


# --- header problems ---------------------------------------------------------------------


def test_missing_required_columns_are_named() -> None:
    assert "missing the required column name." in refused(b"ref,note\nA1,x\n")
    assert "missing the required columns ref, name." in refused(b"ref2,note\nA1,x\n")


def test_all_missing_columns_named_when_header_partly_right() -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_table(b"a,note\n1,2\n", "t.csv", required=("a", "b", "c"), optional=("note",))
    result_message = str(caught.value)
    assert "columns b, c" in result_message


def test_duplicate_column_is_refused() -> None:
    message = refused(b"ref,name,ref\nA1,Bob,A2\n")
    assert "ref more than once" in message


def test_unknown_columns_are_ignored_with_a_notice() -> None:
    result = table(b"ref,name,ward,comments\nA1,Bob,W1,x\n")
    assert result.rows[0].values == {"ref": "A1", "name": "Bob"}
    assert result.notices == ["test.csv: ignored columns not in the data contract: ward, comments."]


def test_a_header_cell_that_is_not_a_plain_name_is_not_echoed() -> None:
    result = table(b"ref,name,999 123 4567\nA1,Bob,x\n")
    assert "999" not in " ".join(result.notices)
    assert "(unreadable name)" in result.notices[0]


def test_unnamed_columns_are_ignored_with_a_notice() -> None:
    result = table(b"ref,name,,\nA1,Bob,,\n")
    assert result.rows[0].values == {"ref": "A1", "name": "Bob"}
    assert result.notices == ["test.csv: ignored 2 column(s) with no name."]


def test_no_header_row_is_refused_without_echoing_the_data() -> None:
    message = refused(b"A1,Roberts\nA2,Smith\n")
    assert "header row" in message
    assert "Roberts" not in message


def test_semicolon_separated_file_gets_a_specific_message() -> None:
    assert "semicolons" in refused(b"ref;name\nA1;Bob\n")
    assert "tabs" in refused(b"ref\tname\nA1\tBob\n")


# --- whole-file garbage ------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(data: bytes) -> None:
    assert "empty" in refused(data)


def test_header_only() -> None:
    assert "no data rows" in refused(b"ref,name\r\n")
    assert "no data rows" in refused(b"ref,name\n,\n\n")


def test_binary_nul_bytes() -> None:
    assert "binary" in refused(b"ref,name\nA1,\x00\x01\x02\n")


def test_utf16_is_named() -> None:
    assert "UTF-16" in refused("ref,name\nA1,Bob\n".encode("utf-16"))


def test_not_utf8_names_the_line() -> None:
    message = refused("ref,name\nA1,Bob\nA2,Zoë\n".encode("cp1252"))
    assert "not UTF-8" in message
    assert "line 3" in message


def test_control_characters_are_refused() -> None:
    message = refused(b"ref,name\nA1,B\x07ob\n")
    assert "control characters" in message
    assert "line 2" in message


def test_oversized_file_is_refused_before_decoding() -> None:
    data = b"ref,name\n" + b"A1,Bob\n" * 100
    assert "more than" in refused(data, max_bytes=100)
    assert table(data).rows  # the default limit takes it


def test_unclosed_quote_is_refused_with_its_line() -> None:
    message = refused(b'ref,name\nA1,Bob\nA2,"Bo\nA3,Al\n')
    assert "line 3" in message
    assert "quote" in message


def test_text_after_a_closing_quote_is_refused() -> None:
    assert "line 2" in refused(b'ref,name\nA1,"Bob"x\n')


# --- rows --------------------------------------------------------------------------------


def test_ragged_rows_are_row_problems_with_line_numbers() -> None:
    result = table(b"ref,name\nA1,Bob\nA2\nA3,Al,extra\nA4,Di\n")
    assert [r.values["ref"] for r in result.rows] == ["A1", "A4"]
    assert [(p.line, p.column) for p in result.problems] == [(3, None), (4, None)]
    assert "has 1 values but the header has 2 columns" in result.problems[0].reason


def test_trailing_empty_cells_beyond_the_header_are_not_ragged() -> None:
    result = table(b"ref,name\nA1,Bob,,\n")
    assert result.problems == []
    assert result.rows[0].values == {"ref": "A1", "name": "Bob"}


def test_blank_lines_are_skipped_but_counted() -> None:
    result = table(b"\nref,name\n\nA1,Bob\n,\n\nA2,Al\n\n")
    assert [r.line for r in result.rows] == [4, 7]


def test_quoted_cells_with_commas_and_line_breaks_keep_line_numbers() -> None:
    result = table(b'ref,name,note\nA1,"Smith, Bob","two\nlines"\nA2,Al,x\n')
    assert [r.line for r in result.rows] == [2, 4]
    assert result.rows[0].values["name"] == "Smith, Bob"
    assert result.rows[0].values["note"] == "two\nlines"


# --- problems ----------------------------------------------------------------------------


def test_problem_format_with_and_without_a_column() -> None:
    cell = RowProblem("c.csv", 7, "date_of_death", '"31/02/2017" is not a real date', "Fix it.")
    assert (
        str(cell) == 'c.csv line 7, column date_of_death: "31/02/2017" is not a real date. Fix it.'
    )
    row = RowProblem("c.csv", 3, None, "has 1 values", "Check.")
    assert str(row) == "c.csv line 3: has 1 values. Check."


def test_format_problems_lists_in_file_order() -> None:
    problems = [RowProblem("c.csv", n, "x", "bad", "Fix.") for n in (9, 2, 5)]
    assert [line.split(",")[0] for line in format_problems(problems).splitlines()] == [
        "c.csv line 2",
        "c.csv line 5",
        "c.csv line 9",
    ]


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2017-06-24", date(2017, 6, 24)),
        ("24/06/2017", date(2017, 6, 24)),
        ("4/6/2017", date(2017, 6, 4)),
        ("31/12/2017", date(2017, 12, 31)),
        ("29/02/2016", date(2016, 2, 29)),
        (" 2017-06-24 ", date(2017, 6, 24)),
    ],
)
def test_good_dates(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12/31/2017", "not a UK date"),
        ("31/02/2017", "not a real date"),
        ("29/02/2017", "not a real date"),
        ("2017-02-30", "not a real date"),
        ("00/01/2017", "not a real date"),
        ("2017-6-24", "not a date in the form"),
        ("24/06/17", "not a date in the form"),
        ("24-06-2017", "not a date in the form"),
        ("24.06.2017", "not a date in the form"),
        ("24/06/2017 00:00", "not a date in the form"),
        ("June 24 2017", "not a date in the form"),
        ("２０１７-06-24", "not a date in the form"),  # full-width digits
        ("", "not a date in the form"),
        ("0217-06-24", "year outside"),
    ],
)
def test_bad_dates(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        parse_date(raw)
    assert raw.strip() == "" or raw not in str(caught.value), "the reason never quotes the value"


# --- export safety -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["=1+1", "+44 116", "-2", "@SUM(A1)", "\t=1", " =cmd", "＝1", "\r=1"]
)
def test_csv_safe_neutralises_formula_starts(value: str) -> None:
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Smith", "O'Brien", "a=b", "", "1+1", "NSR-0001", "C82001"])
def test_csv_safe_leaves_ordinary_text_alone(value: str) -> None:
    assert csv_safe(value) == value


def test_write_csv_quotes_and_neutralises() -> None:
    text = write_csv(["a", "b"], [["=HYPERLINK(x)", "Smith, Bob"]])
    assert text == 'a,b\r\n\'=HYPERLINK(x),"Smith, Bob"\r\n'


@pytest.mark.parametrize("value", ["'=1", "'", "''", " 'x", "'Smith"])
def test_a_value_already_starting_with_a_quote_gets_another(value: str) -> None:
    assert csv_safe(value) == "'" + value
    assert csv_unescape(csv_safe(value)) == value


def test_formula_guard_escapes_never_collide() -> None:
    """``=1`` and ``'=1`` used to export alike, as ``'=1``: two case refs became one."""
    values = ["=1", "'=1", "''=1", "1", "'1"]
    assert len({csv_safe(v) for v in values}) == len(values)
    assert [csv_unescape(csv_safe(v)) for v in values] == values


_TRICKY_STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "'", "''", " ", " '", "＝", "＠", ""]
_CELLS = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(_TRICKY_STARTS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(_CELLS, min_size=2, max_size=2), min_size=1, max_size=6))
def test_exported_csv_reads_back_exactly(rows: list[list[str]]) -> None:
    text = write_csv(["a", "b"], rows)
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == ["a", "b"]
    assert [[csv_unescape(c) for c in r] for r in records[1:]] == rows
    for record in records[1:]:  # and nothing a spreadsheet would run survives
        for cell in record:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
