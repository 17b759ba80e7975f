"""Answer values: shapes, avoidability scales, and display that never blurs rule 10."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer_app.domain.answers import (
    Avoidability,
    AvoidabilityScale,
    InvalidAnswerError,
    answer_problems,
    display_answer,
    display_value,
    is_answered,
    more_likely_than_not_avoidable,
    normalise_value,
    parse_avoidability,
    to_rcp_grade,
    validate_value,
)
from reviewer_app.domain.definition import (
    ReviewDefinition,
    default_definition,
    load_definition_version,
)
from reviewer_app.errors import UserError

# --- avoidability on both scales ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rcp", "avoidable"),
    [
        ({"scale": "rcp", "grade": 1}, 1, True),
        ({"scale": "rcp", "grade": 3}, 3, True),
        ({"scale": "rcp", "grade": 4}, 4, False),
        ({"scale": "rcp", "grade": 6}, 6, False),
        ({"scale": "hogan", "grade": 6}, 1, True),
        ({"scale": "hogan", "grade": 4}, 3, True),
        ({"scale": "hogan", "grade": 3}, 4, False),
        ({"scale": "hogan", "grade": 1}, 6, False),
    ],
)
def test_more_likely_than_not_on_both_scales(value: Any, rcp: int, avoidable: bool) -> None:
    assert to_rcp_grade(value) == rcp
    assert more_likely_than_not_avoidable(value) is avoidable


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        "rcp 3",
        {"grade": 3},
        {"scale": "rcp"},
        {"scale": "rcp", "grade": 0},
        {"scale": "rcp", "grade": 7},
        {"scale": "rcp", "grade": "3"},
        {"scale": "rcp", "grade": True},
        {"scale": "rcp", "grade": 3.0},
        {"scale": "prism", "grade": 3},
        {"scale": "rcp", "grade": 3, "note": "x"},
    ],
)
def test_malformed_avoidability_is_not_avoidable_and_not_parsed(value: Any) -> None:
    assert parse_avoidability(value) is None
    assert to_rcp_grade(value) is None
    assert more_likely_than_not_avoidable(value) is False


@given(st.sampled_from(list(AvoidabilityScale)), st.integers(1, 6))
def test_scale_conversion_round_trips(scale: AvoidabilityScale, grade: int) -> None:
    judgement = Avoidability(scale=scale, grade=grade)
    other = AvoidabilityScale.HOGAN if scale is AvoidabilityScale.RCP else AvoidabilityScale.RCP
    converted = judgement.on_scale(other)
    assert converted.grade == 7 - grade
    assert converted.rcp_grade == judgement.rcp_grade
    assert converted.on_scale(scale) == judgement
    assert converted.label.split(" (")[0] == judgement.label.split(" (")[0]


def test_avoidability_label_shows_meaning_and_scale(d: ReviewDefinition) -> None:
    q = d.question("avoidability.grade")
    rcp3 = display_value(q, {"scale": "rcp", "grade": 3})
    hogan4 = display_value(q, {"scale": "hogan", "grade": 4})
    assert rcp3.startswith("Probably avoidable")
    assert hogan4.startswith("Probably avoidable")
    assert "RCP SJR grade 3" in rcp3
    assert "PRISM / Hogan grade 4" in hogan4


# --- shapes ---------------------------------------------------------------------------------


GOOD: list[tuple[str, Any]] = [
    ("screening.learning_disability", "unknown"),
    ("screening.learning_disability", "no"),
    ("theme.fluids.issue", "cannot_tell"),
    ("theme.fluids.issue", "not_applicable"),
    ("outcome.type", "records_missing"),
    ("records.reviewed", ["acute", "gp"]),
    ("records.missing", ["none"]),
    ("phase.ongoing.score", 1),
    ("phase.ongoing.score", "not_applicable"),
    ("phase.overall.score", 5),
    ("avoidability.grade", {"scale": "hogan", "grade": 2}),
    ("screening.leder_date", "2024-02-29"),
    ("outcome.reason", "Notes lost in transfer."),
    ("problems.items", []),
    (
        "problems.items",
        [
            {
                "id": "p1",
                "answers": {"problems.item.harm": "probably", "problems.item.type": "other"},
            }
        ],
    ),
]

BAD: list[tuple[str, Any, str]] = [
    ("screening.learning_disability", None, "remove the answer"),
    ("screening.learning_disability", "cannot_tell", "must be one of: yes, no, unknown"),
    ("screening.conflict_of_interest", "unknown", "must be one of: yes, no"),
    ("screening.learning_disability", False, "must be one of"),
    ("outcome.type", "deferred", "must be one of"),
    ("records.reviewed", [], "remove the answer"),
    ("records.reviewed", "acute", "list of options"),
    ("records.reviewed", ["acute", "acute"], "twice"),
    ("records.missing", ["none", "gp"], "combines"),
    ("phase.ongoing.score", 0, "1 to 5"),
    ("phase.ongoing.score", 6, "1 to 5"),
    ("phase.ongoing.score", True, "1 to 5"),
    ("phase.ongoing.score", 3.0, "1 to 5"),
    ("phase.ongoing.score", "3", "1 to 5"),
    ("phase.overall.score", "not_applicable", "1 to 5."),
    ("avoidability.grade", 3, "scale"),
    ("screening.leder_date", "01/02/2024", "YYYY-MM-DD"),
    ("screening.leder_date", "2023-02-29", "YYYY-MM-DD"),
    ("outcome.reason", "   ", "blank"),
    ("outcome.reason", 42, "must be text"),
    ("problems.items", {"id": "p1"}, "list of items"),
    ("problems.items", [{"id": "p1"}], '"id", "answers"'),
    ("problems.items", [{"id": "", "answers": {}}], "own non-empty id"),
    (
        "problems.items",
        [{"id": "p1", "answers": {}}, {"id": "p1", "answers": {}}],
        "own non-empty id",
    ),
    ("problems.items", [{"id": "p1", "answers": {"phase.overall.score": 3}}], "not in this group"),
    ("problems.items", [{"id": "p1", "answers": {"problems.item.harm": "maybe"}}], "item 1"),
]


@pytest.mark.parametrize(("qid", "value"), GOOD)
def test_values_of_the_right_shape_are_accepted(d: ReviewDefinition, qid: str, value: Any) -> None:
    validate_value(d.question(qid), value)
    assert answer_problems(d.question(qid), value) == []


@pytest.mark.parametrize(("qid", "value", "fragment"), BAD)
def test_values_of_the_wrong_shape_are_refused(
    d: ReviewDefinition, qid: str, value: Any, fragment: str
) -> None:
    with pytest.raises(InvalidAnswerError) as caught:
        validate_value(d.question(qid), value)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, UserError)


def test_refusal_message_does_not_echo_free_text(d: ReviewDefinition) -> None:
    q = d.question("outcome.reason")
    long_text = "x" * 5000
    with pytest.raises(InvalidAnswerError) as caught:
        validate_value(q, long_text)
    assert long_text not in str(caught.value)
    assert "outcome.reason" in str(caught.value)


def test_problems_inside_a_group_point_at_the_item(d: ReviewDefinition) -> None:
    value = [
        {"id": "a", "answers": {"problems.item.harm": "yes"}},
        {"id": "b", "answers": {"problems.item.harm": "maybe"}},
    ]
    problems = answer_problems(d.question("problems.items"), value)
    assert [(p.question_id, p.item_id) for p in problems] == [("problems.item.harm", "b")]


def test_text_is_normalised_to_nfc_where_it_enters() -> None:
    decomposed = "Cafe\u0301"
    assert normalise_value(decomposed) == "Caf\u00e9"
    assert normalise_value({"a": [decomposed]}) == {"a": ["Caf\u00e9"]}
    assert normalise_value(3) == 3


# --- rule 10: unanswered, not applicable, unknown, cannot tell and no stay distinct ---------


def test_display_keeps_every_special_value_distinct(d: ReviewDefinition) -> None:
    ld = d.question("screening.learning_disability")
    issue = d.question("theme.fluids.issue")
    score = d.question("phase.ongoing.score")
    shown = {
        "unanswered": display_answer(ld, {}),
        "no": display_value(ld, "no"),
        "unknown": display_value(ld, "unknown"),
        "not_applicable": display_value(issue, "not_applicable"),
        "cannot_tell": display_value(issue, "cannot_tell"),
        "score_na": display_value(score, "not_applicable"),
    }
    assert shown == {
        "unanswered": "Not answered",
        "no": "No",
        "unknown": "Unknown",
        "not_applicable": "Not applicable",
        "cannot_tell": "Cannot tell from the records",
        "score_na": "Not applicable",
    }


def test_display_never_blank_and_never_no_for_unanswered(d: ReviewDefinition) -> None:
    for _, question in d.top_questions():
        assert display_answer(question, {}) == "Not answered"
        assert display_value(question, None) == "Not answered"


def test_display_uses_labels(d: ReviewDefinition) -> None:
    assert display_value(d.question("phase.overall.score"), 2) == "2 – Poor"
    assert display_value(d.question("outcome.type"), "handed_back") == (
        "Handed back: conflict of interest"
    )
    assert display_value(d.question("records.reviewed"), ["gp", "acute"]) == (
        "Acute trust notes; GP record"
    )
    assert display_value(d.question("screening.leder_date"), "2024-03-05") == "5 March 2024"
    assert display_value(d.question("problems.items"), []) == "No problems recorded"
    one = [{"id": "x", "answers": {}}]
    assert display_value(d.question("problems.items"), one) == "1 × problem"
    assert display_value(d.question("phase.overall.score"), 9) == "Invalid answer (not shown)"


def test_answered_means_the_key_is_present() -> None:
    assert not is_answered({}, "screening.autism")
    assert is_answered({"screening.autism": "no"}, "screening.autism")
    assert is_answered({"screening.autism": "unknown"}, "screening.autism")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values)
def test_shape_checks_and_display_never_crash(value: Any) -> None:
    d = default_definition()
    for qid in (
        "screening.learning_disability",
        "records.reviewed",
        "phase.ongoing.score",
        "avoidability.grade",
        "screening.leder_date",
        "outcome.reason",
        "problems.items",
        "outcome.type",
    ):
        q = d.question(qid)
        problems = answer_problems(q, value)
        text = display_value(q, value)
        assert text.strip()
        if problems:
            assert text in ("Invalid answer (not shown)", "Not answered")


def test_a_date_and_time_answer_has_one_shape_and_reads_in_uk_time() -> None:
    v2 = load_definition_version("nhs-mortality-review", 2)
    question = v2.question("immediate.told_at")
    for bad in ["2026-03-02", "2026-03-02 14:30", "2026-03-02T14:30:00", "2026-02-30T10:00", 5]:
        assert answer_problems(question, bad), bad
    assert answer_problems(question, "2026-03-02T14:30") == []
    assert display_value(question, "2026-03-02T14:30") == "2 March 2026, 14:30 (UK time)"
    assert display_value(question, None) == "Not answered"
