"""Reading a canonical content's answer states: the answered values, and nothing else."""

from __future__ import annotations

from types import MappingProxyType

from reviewer_app.services.reconciliation.states import raw_answers


def test_only_answered_values_are_read_and_no_is_a_value() -> None:
    answers = {
        "a": {"state": "answered", "value": "no"},
        "b": {"state": "answered", "value": None},
        "c": {"state": "unanswered"},
        "d": {"state": "not_asked"},
        "e": {"state": "answered", "value": ["x", "y"]},
        "f": {"state": "answered", "value": "unknown"},
    }
    assert raw_answers(answers) == {"a": "no", "b": None, "e": ["x", "y"], "f": "unknown"}


def test_malformed_entries_are_passed_over_or_read_as_none_and_never_stop_the_read() -> None:
    answers = {
        "bare": "yes",  # not a state at all
        "list": ["answered"],
        "no_state": {"value": "yes"},
        "no_value": {"state": "answered"},  # never signed so: read as None
        "other_mapping": MappingProxyType({"state": "answered", "value": 3}),
    }
    assert raw_answers(answers) == {"no_value": None, "other_mapping": 3}
    assert raw_answers({}) == {}
