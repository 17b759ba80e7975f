"""Text in the order a person numbers things."""

from __future__ import annotations

from reviewer_app.domain.natural_order import natural_key


def test_runs_of_digits_compare_by_value_and_letters_ignore_case() -> None:
    texts = ["10.1", "1.2", "AP-10", "2.1", "ap-7", "1.10", "9.1", "1.1", "B", "a"]
    assert sorted(texts, key=natural_key) == [
        "1.1",
        "1.2",
        "1.10",
        "2.1",
        "9.1",
        "10.1",
        "a",
        "ap-7",
        "AP-10",
        "B",
    ]


def test_digits_come_before_letters_and_leading_zeros_count_as_the_number() -> None:
    assert natural_key("007") == natural_key("7")
    assert sorted(["x", "3", ""], key=natural_key) == ["", "3", "x"]
    assert natural_key("PRAC-0002") < natural_key("PRAC-0010")
