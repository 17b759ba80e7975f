"""Publication-mode suppression: figures worked by hand, and a brute-force reader.

The reader (``disclosure.py``) is independent of the module's flow-based audit: it writes every
line as an equation and searches for another table with the same published face.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.services.report.linked_suppression import suppress_linked
from reviewer_app.services.report.suppression import (
    PRIMARY,
    SECONDARY,
    augment,
    pinned_entries,
    share_marker,
    share_table,
    suppress,
)
from tests.unit.report.disclosure import System, pinned_in, render

small_counts = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20])
tables = st.integers(1, 3).flatmap(
    lambda rows: st.integers(1, 3).flatmap(
        lambda cols: st.lists(
            st.lists(small_counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)


def test_3x3_worked_by_hand() -> None:
    """The body and totals::

            c1  c2  c3 | total
        r1  12   3  20 |  35
        r2   8  15   9 |  32
        r3  30   6  11 |  47
        ---------------+-----
            50  24  40 | 114

    Primary: only r1c2 = 3 is 1..4 -> "<5". Line rule, rows first, then the totals row, then
    columns, then the totals column, repeated:

    * pass 1: row 1 has one hidden entry (r1c2); its smallest non-zero shown entry is 12
      (12 < 20 < 35) -> r1c1 "*". Rows 2, 3 and the totals row have none. Column 1 now has one
      (r1c1): smallest of 8, 30, 50 is 8 -> r2c1 "*". Column 2 has one (r1c2): smallest of 15,
      6, 24 is 6 -> r3c2 "*". Column 3 and the totals column have none.
    * pass 2: row 2 has one (r2c1): smallest of 15, 9, 32 is 9 -> r2c3 "*". Row 3 has one
      (r3c2): smallest of 30, 11, 47 is 11 -> r3c3 "*". Every column now has two.
    * pass 3: every line has 0 or 2 hidden entries: stable.

    Audit: the six hidden cells form one cycle r1c2 -> r1c1 -> r2c1 -> r2c3 -> r3c3 -> r3c2;
    adding 1 to r1c2, r2c1, r3c3 and taking 1 from r1c1, r2c3, r3c2 gives 4, 9, 12 and 11, 8, 5:
    still "<5" and "*" (5 or more), same totals. So no entry is pinned, and nothing is added.
    """
    result = suppress([[12, 3, 20], [8, 15, 9], [30, 6, 11]])
    assert result.cells == (
        ("*", "<5", "20", "35"),
        ("*", "15", "*", "32"),
        ("30", "*", "*", "47"),
        ("50", "24", "40", "114"),
    )
    assert [(s.position, s.kind) for s in result.suppressions] == [
        ((0, 1), "primary"),
        ((0, 0), "secondary"),
        ((1, 0), "secondary"),
        ((2, 1), "secondary"),
        ((1, 2), "secondary"),
        ((2, 2), "secondary"),
    ]
    assert "row 1 had one suppressed entry" in result.suppressions[1].reason
    assert pinned_entries(result) == []
    assert pinned_in(result.cells, result.counts) == []


def test_primary_only_is_recoverable_from_the_total_and_secondary_is_not() -> None:
    """Body [[2, 10], [7, 9]]: row 1's total 12 is published, so hiding only the 2 gives it
    away: 12 - 10 = 2. The line rule also hides 10 (row 1), then 7 (column 1), then 9."""
    counts = augment([[2, 10], [7, 9]])
    primary_only = render(counts, {(0, 0): PRIMARY})
    assert pinned_in(primary_only, counts) == [(0, 0, 0)]

    result = suppress([[2, 10], [7, 9]])
    assert result.cells == (("<5", "*", "12"), ("*", "*", "16"), ("9", "19", "28"))
    assert pinned_in(result.cells, result.counts) == []


def test_the_line_rule_alone_is_not_enough() -> None:
    """Body [[4, 4, 0], [10, 12, 7]]: row 1 holds two "<5" cells, so the line rule is met,
    but its published total 8 with "<5" meaning at most 4 pins both to 4. The audit hides row
    1's total (its only other route) and, to protect that, row 2's total."""
    counts = augment([[4, 4, 0], [10, 12, 7]])
    line_rule_only = render(
        counts, {(0, 0): PRIMARY, (0, 1): PRIMARY, (1, 0): SECONDARY, (1, 1): SECONDARY}
    )
    assert sorted(pinned_in(line_rule_only, counts)) == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]

    result = suppress([[4, 4, 0], [10, 12, 7]])
    assert result.cells == (
        ("<5", "<5", "0", "*"),
        ("*", "*", "7", "*"),
        ("14", "16", "7", "37"),
    )
    assert "cannot be worked out" in result.suppression((0, 3)).reason  # type: ignore[union-attr]
    assert pinned_in(result.cells, result.counts) == []


def test_a_line_whose_other_cells_are_zero_hides_its_total() -> None:
    """Body [[3, 0], [0, 9], [6, 8]] (row totals 3, 9, 14; column totals 9, 17; 26).

    Row 1 is otherwise zero, so its total equals its cell: both are 3, both "<5". Column 1 then
    has one hidden entry: smallest of 6, 9 -> r3c1 "*". The totals column has one (row 1's
    total): smallest of 9, 14, 26 -> row 2's total "*". Pass 2: row 2 has one (its total) and
    its only non-zero cell is 9 -> r2c2 "*" (a zero is never a candidate). Row 3 has one (r3c1):
    smallest of 8, 14 -> r3c2 "*". Stable; the audit adds nothing.
    """
    result = suppress([[3, 0], [0, 9], [6, 8]])
    assert pinned_in(result.cells, result.counts) == []
    assert result.cells == (
        ("<5", "0", "<5"),
        ("0", "*", "*"),
        ("*", "*", "14"),
        ("9", "17", "26"),
    )
    # zeros are always shown
    assert all(
        text == "0"
        for row, counts in zip(result.cells, result.counts, strict=True)
        for text, value in zip(row, counts, strict=True)
        if value == 0
    )


def test_totals_of_1_to_4_are_primary() -> None:
    result = suppress([[1, 2], [0, 0]])
    assert result.cells == (("<5", "<5", "<5"), ("0", "0", "0"), ("<5", "<5", "<5"))
    assert pinned_in(result.cells, result.counts) == []


def test_nothing_small_nothing_hidden() -> None:
    result = suppress([[5, 0], [12, 30]])
    assert result.suppressions == ()
    assert result.cells == (("5", "0", "5"), ("12", "30", "42"), ("17", "30", "47"))


def test_deterministic() -> None:
    body = [[7, 7, 2], [7, 7, 7], [2, 7, 7]]
    first = suppress(body)
    assert all(suppress(body) == first for _ in range(5))
    # equal counts: a cell before a total, then reading order
    assert first.cells[0] == ("*", "*", "<5", "16")


@settings(max_examples=250, derandomize=True, deadline=None)
@given(tables)
def test_no_suppressed_entry_can_be_worked_out(body: list[list[int]]) -> None:
    result = suppress(body)
    if result.withheld:
        _assert_withholding_was_needed(result.counts)
        return
    assert pinned_in(result.cells, result.counts) == []
    for row_text, row in zip(result.cells, result.counts, strict=True):
        for text, value in zip(row_text, row, strict=True):
            if 1 <= value <= 4:
                assert text == PRIMARY
            elif value == 0:
                assert text == "0"
            else:
                assert text in (SECONDARY, str(value))
    # no line with exactly one hidden entry
    hidden = result.suppressed_positions
    for i in range(result.rows + 1):
        assert sum((i, j) in hidden for j in range(result.columns + 1)) != 1
    for j in range(result.columns + 1):
        assert sum((i, j) in hidden for i in range(result.rows + 1)) != 1


@settings(max_examples=300, derandomize=True, deadline=None)
@given(tables, st.randoms(use_true_random=False))
def test_the_audit_agrees_with_the_brute_force_reader(
    body: list[list[int]], rnd: random.Random
) -> None:
    """On arbitrary suppression patterns (any 1..4 hidden as "<5", a random choice of the
    others hidden as "*"), the flow audit finds exactly the entries the reader can pin."""
    counts = augment(body)
    hidden: dict[tuple[int, int], str] = {}
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if 1 <= value <= 4:
                hidden[(i, j)] = PRIMARY
            elif value >= 5 and rnd.random() < 0.5:
                hidden[(i, j)] = SECONDARY
    cells = render(counts, hidden)
    from reviewer_app.services.report.suppression import SuppressedTable, Suppression

    pattern = SuppressedTable(
        counts,
        tuple(tuple(r) for r in cells),
        tuple(
            Suppression(p, counts[p[0]][p[1]], "primary" if m == PRIMARY else "secondary", "")
            for p, m in sorted(hidden.items())
        ),
    )
    assert sorted(pinned_entries(pattern)) == sorted((i, j) for _, i, j in pinned_in(cells, counts))


def test_exhaustive_small_tables() -> None:
    """Every 2 x 2 body with counts from {0, 1, 2, 4, 5, 6}: safe, or withheld only where hiding
    every non-zero entry would still give one away."""
    withheld = []
    for values in itertools.product([0, 1, 2, 4, 5, 6], repeat=4):
        body = [list(values[:2]), list(values[2:])]
        result = suppress(body)
        if result.withheld:
            _assert_withholding_was_needed(result.counts)
            withheld.append(body)
        else:
            assert pinned_in(result.cells, result.counts) == [], body
    assert [[1, 1], [1, 1]] in withheld
    assert len(withheld) < 20


def test_a_table_too_small_to_publish_is_withheld() -> None:
    """Body [[1, 1], [1, 1]]: every entry, totals included, is 1..4, so all are "<5". But four
    cells of at least 1 with a grand total of at most 4 must all be 1: the fully hidden table
    still gives every cell away, and there is no zero or larger count to hide instead. The
    table is withheld: every entry "*", and the report prints a sentence in its place."""
    counts = augment([[1, 1], [1, 1]])
    assert len(pinned_in(render(counts, {p: PRIMARY for p in _positions(counts)}), counts)) == 9
    result = suppress([[1, 1], [1, 1]])
    assert result.withheld
    assert {text for row in result.cells for text in row} == {SECONDARY}
    assert result.is_suppressed((0, 0))


def _positions(counts: tuple[tuple[int, ...], ...]) -> list[tuple[int, int]]:
    return [(i, j) for i, row in enumerate(counts) for j, _ in enumerate(row)]


def _assert_withholding_was_needed(counts: tuple[tuple[int, ...], ...]) -> None:
    """Hiding every non-zero entry (the most the rule can hide) still pins one."""
    everything = {
        p: PRIMARY if 1 <= counts[p[0]][p[1]] <= 4 else SECONDARY
        for p in _positions(counts)
        if counts[p[0]][p[1]] > 0
    }
    assert pinned_in(render(counts, everything), counts) != []


def test_share_tables_follow_the_counts() -> None:
    result = suppress([[12, 3, 20], [8, 15, 9], [30, 6, 11]])
    shares = share_table(result, "row")
    assert shares[0] == ("*", "<5", "57.1", "100.0")  # 20 / 35
    assert shares[3] == ("43.9", "21.1", "35.1", "100.0")
    by_column = share_table(result, "column", decimals=0)
    assert by_column[2] == ("60", "*", "*", "41")  # 30 / 50, 47 / 114
    # a share over a hidden denominator is hidden, even if its count is shown
    hidden_total = suppress([[4, 4, 0], [10, 12, 7]])
    assert share_marker(hidden_total, (1, 2), (1, 3)) == SECONDARY
    assert share_table(hidden_total, "row")[1][2] == SECONDARY
    # zero denominators show "-"
    assert share_table(suppress([[0, 0], [5, 6]]), "row")[0] == ("-", "-", "-")


def test_linked_tables_share_the_state_of_their_totals() -> None:
    """By setting and by phase, the same four themes (same row totals). Alone, the first
    table hides row 1's total and the second does not: published together, the second would
    give the first's total away. Linked, it is hidden in both."""
    by_setting = [[4, 4, 0], [10, 12, 7], [9, 6, 8], [20, 5, 7]]
    by_phase = [[3, 5], [14, 15], [12, 11], [16, 16]]
    alone = [suppress(by_setting), suppress(by_phase)]
    assert alone[0].is_suppressed((0, 3)) and not alone[1].is_suppressed((0, 2))

    linked = suppress_linked([by_setting, by_phase], "rows")
    for i in range(5):
        assert linked[0].is_suppressed((i, 3)) == linked[1].is_suppressed((i, 2))
    assert linked[1].is_suppressed((0, 2))
    for result in linked:
        assert pinned_in(result.cells, result.counts) == []
    # read jointly (the shared totals are one unknown each), nothing is pinned here either
    assert _joint_pins(linked, "rows") == []


def test_linked_tables_read_together_pin_nothing() -> None:
    """The pair that defeated the old per-table audit (each table safe alone, the shared
    totals in the same state, yet read together the brute-force reader pinned row 1's
    total): the joint audit now protects it."""
    first = [[12, 4, 0], [0, 20, 0]]
    second = [[6, 5, 5], [6, 3, 11]]
    linked = suppress_linked([first, second], "rows")
    for result in linked:
        assert pinned_in(result.cells, result.counts) == []
    assert _joint_pins(linked, "rows") == []
    for i in range(3):
        assert linked[0].is_suppressed((i, 3)) == linked[1].is_suppressed((i, 3))


def test_linked_tables_must_share_the_margin() -> None:
    with pytest.raises(ValueError, match="do not share"):
        suppress_linked([[[1, 2]], [[4]]], "rows")


@settings(max_examples=120, derandomize=True, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda rows: st.tuples(
            st.lists(st.lists(small_counts, min_size=2, max_size=2), min_size=rows, max_size=rows),
            st.lists(st.lists(small_counts, min_size=2, max_size=2), min_size=rows, max_size=rows),
        )
    )
)
def test_linked_tables_are_consistent_and_each_is_safe(
    pair: tuple[list[list[int]], list[list[int]]],
) -> None:
    """What suppress_linked guarantees: the same state for every shared total, and each table
    safe alone. (The joint reading is not guaranteed: see the module docstring.) The second
    table is scaled to the first's row totals by putting the difference in a last column."""
    first, second = pair
    second = [[*row, max(0, sum(a) - sum(row))] for a, row in zip(first, second, strict=True)]
    first = [[*row, max(0, sum(b) - sum(row))] for row, b in zip(first, second, strict=True)]
    linked = suppress_linked([first, second], "rows")
    last = [r.columns for r in linked]
    for i in range(linked[0].rows + 1):
        assert linked[0].is_suppressed((i, last[0])) == linked[1].is_suppressed((i, last[1]))
    if any(result.withheld for result in linked):
        assert all(result.withheld for result in linked)
        return
    for result in linked:
        assert pinned_in(result.cells, result.counts) == []
    # read together (each shared total one unknown), nothing can be worked out either
    assert _joint_pins(linked, "rows") == []


@settings(max_examples=120, derandomize=True, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda cols: st.lists(
            st.lists(st.lists(small_counts, min_size=cols, max_size=cols), min_size=1, max_size=2),
            min_size=3,
            max_size=3,
        )
    )
)
def test_three_tables_sharing_column_totals_read_together_pin_nothing(
    bodies: list[list[list[int]]],
) -> None:
    """Three tables with the same columns (e.g. deaths by place, by organisation and by month,
    each in the same review-status columns). Each is given a last row making its column
    totals equal to the largest of the three, so they share them exactly."""
    cols = len(bodies[0][0])
    target = [max(sum(row[j] for row in body) for body in bodies) for j in range(cols)]
    tables = [
        [*body, [target[j] - sum(row[j] for row in body) for j in range(cols)]] for body in bodies
    ]
    linked = suppress_linked(tables, "columns")
    if any(result.withheld for result in linked):
        assert all(result.withheld for result in linked)
        return
    for result in linked:
        assert pinned_in(result.cells, result.counts) == []
        for row_text, row in zip(result.cells, result.counts, strict=True):
            for text, value in zip(row_text, row, strict=True):
                assert text == ("<5" if 1 <= value <= 4 else "0" if value == 0 else text)
    for j in range(cols + 1):
        states = {r.is_suppressed((r.rows, j)) for r in linked}
        assert len(states) == 1
    assert _joint_pins(linked, "columns") == []


def test_a_cell_tied_to_its_shared_total_is_protected_through_the_other_table() -> None:
    """Body [[0, 0, 1]] and [[0, 1, 0]] share row total 1 (primary): each table's only hidden
    cell equals that total, so it can only move with it, and both tables allow the move."""
    linked = suppress_linked([[[0, 0, 1]], [[0, 1, 0]]], "rows")
    assert not any(r.withheld for r in linked)
    assert linked[0].cells[0] == ("0", "0", "<5", "<5")
    assert _joint_pins(linked, "rows") == []


def _joint_pins(results: list, shared: str) -> list:  # type: ignore[type-arg]
    system = System()
    cap = results[0].counts[-1][-1] + 1
    for index, result in enumerate(results):
        if shared == "rows":
            names = {(i, result.columns): ("row total", i) for i in range(result.rows + 1)}
        else:
            names = {(result.rows, j): ("column total", j) for j in range(result.columns + 1)}
        system.add_table(result.cells, result.counts, cap, names, prefix=index)
    return system.pinned()
