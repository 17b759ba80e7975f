"""The value in use for each question of a case (hand-made reviews, ``resolve_case``)."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.merge import ConsensusIn, ReviewIn, resolve_case
from reviewer_app.services.reconciliation.resolved import ValueSource

ANSWERED = "answered"


def a(value: Any) -> dict[str, Any]:
    return {"state": ANSWERED, "value": value}


UNANSWERED = {"state": "unanswered"}
NOT_ASKED = {"state": "not_asked"}


def review(ref: str, outcome: str = "full_review", version: int = 1, **values: Any) -> ReviewIn:
    answers = {
        k.replace("__", "."): (v if isinstance(v, dict) and "state" in v else a(v))
        for k, v in values.items()
    }
    content = {
        "definition": {"id": "nhs-mortality-review", "version": "1"},
        "review": {"outcome": outcome, "version": version},
        "answers": answers,
    }
    return ReviewIn(ref, version, outcome, content)


@pytest.fixture(scope="module")
def d() -> ReviewDefinition:
    return default_definition()


def pair(d: ReviewDefinition, first: ReviewIn, second: ReviewIn, **kw: Any):  # type: ignore[no-untyped-def]
    return resolve_case(
        "C1", d, [first, second], mode=ReviewMode.INDEPENDENT, pair=("R1", "R2"), **kw
    )


def test_one_review_of_an_incomplete_pair_is_single_and_not_compared(d: ReviewDefinition) -> None:
    only = review("R1", phase__overall__score=2)
    case = resolve_case("C1", d, [only], mode=ReviewMode.INDEPENDENT, pair=("R1", "R2"))
    assert case.pair_complete is False
    assert case.answers["phase.overall.score"] == a(2)
    assert set(case.sources.values()) == {ValueSource.SINGLE}
    assert case.discordances == () and case.unreconciled == frozenset()
    assert case.reviewer_refs == ("R1",) and not case.double_reviewed
    # every question of the definition is listed, unanswered ones as unanswered
    assert case.answers["avoidability.grade"] == UNANSWERED


def test_a_joint_review_is_joint(d: ReviewDefinition) -> None:
    case = resolve_case(
        "C1", d, [review("R1", phase__overall__score=4)], mode=ReviewMode.JOINT, pair=("R1", "R2")
    )
    assert case.pair_complete and set(case.sources.values()) == {ValueSource.JOINT}


def test_agreement_the_rule_and_its_flags(d: ReviewDefinition) -> None:
    first = review(
        "R1",
        phase__overall__score=3,
        phase__admission__score=4,
        phase__ongoing__score="not_applicable",
        avoidability__grade={"scale": "rcp", "grade": 5},
        theme__fluids__issue="cannot_tell",
        theme__medicines__issue="no",
        relatives__contact_date="2026-03-04",
    )
    second = review(
        "R2",
        phase__overall__score=3,
        phase__admission__score=3,
        phase__ongoing__score=4,
        avoidability__grade={"scale": "hogan", "grade": 3},  # RCP 4: more avoidable
        theme__fluids__issue="no",
        theme__medicines__issue="yes",
        relatives__contact_date="2026-03-01",
    )
    case = pair(d, first, second)
    assert case.pair_complete and case.double_reviewed
    assert case.answers["phase.overall.score"] == a(3)
    assert case.sources["phase.overall.score"] is ValueSource.AGREED
    assert case.answers["phase.admission.score"] == a(3)  # the worse score
    assert case.answers["phase.ongoing.score"] == a(4)  # a score beats not applicable
    assert case.answers["avoidability.grade"] == a({"scale": "hogan", "grade": 3})
    assert case.answers["theme.fluids.issue"] == a("no")  # no beats cannot tell
    assert case.answers["theme.medicines.issue"] == a("yes")
    assert case.answers["relatives.contact_date"] == a("2026-03-01")
    ruled = {
        "phase.admission.score",
        "phase.ongoing.score",
        "avoidability.grade",
        "theme.fluids.issue",
        "theme.medicines.issue",
        "relatives.contact_date",
    }
    assert {q for q, s in case.sources.items() if s is ValueSource.RULE} == ruled
    assert case.unreconciled == ruled  # none of these is a discordance: no open item
    assert case.open_discordances == frozenset() and case.discordances == ()
    # the originals are untouched
    assert case.reviews[0]["answers"]["phase.admission.score"] == a(4)


def test_a_value_beats_no_value_and_states_are_kept_apart(d: ReviewDefinition) -> None:
    first = review(
        "R1", theme__fluids__issue="not_applicable", theme__medicines__good_practice=NOT_ASKED
    )
    second = review("R2", theme__medicines__good_practice=UNANSWERED)
    case = pair(d, first, second)
    assert case.answers["theme.fluids.issue"] == a("not_applicable")
    assert case.answers["theme.medicines.good_practice"] == NOT_ASKED
    assert case.sources["theme.medicines.good_practice"] is ValueSource.RULE


def test_choices_items_and_texts_are_combined(d: ReviewDefinition) -> None:
    first = review(
        "R1",
        records__missing=["none"],
        theme__fluids__setting=["primary_care"],
        problems__any="yes",
        problems__items=[{"id": "x", "answers": {"problems.item.harm": "yes"}}],
        learning__poor_care="Late antibiotics.",
    )
    second = review(
        "R2",
        records__missing=["gp"],
        theme__fluids__setting=["acute_hospital"],
        problems__any="yes",
        problems__items=[{"id": "y", "answers": {"problems.item.harm": "no"}}],
        learning__poor_care="No fluid chart.",
    )
    case = pair(d, first, second)
    assert case.answers["records.missing"] == a(["gp"])  # "none" is exclusive
    assert case.answers["theme.fluids.setting"] == a(["acute_hospital", "primary_care"])
    items = case.answers["problems.items"]["value"]
    assert [(i["id"], i["reviewer_ref"]) for i in items] == [("x", "R1"), ("y", "R2")]
    assert case.sources["problems.items"] is ValueSource.COMBINED
    assert case.texts["learning.poor_care"] == (
        ("R1", "Late antibiotics."),
        ("R2", "No fluid chart."),
    )
    assert case.sources["learning.poor_care"] is ValueSource.COMBINED
    # the harm difference is a discordance, open and unreconciled until a consensus
    assert case.open_discordances == {"problems.items"}
    assert "problems.items" in case.unreconciled
    assert "records.missing" not in case.unreconciled


def test_a_current_consensus_is_used_and_a_stale_one_is_not(d: ReviewDefinition) -> None:
    first = review("R1", phase__overall__score=2, avoidability__grade={"scale": "rcp", "grade": 3})
    second = review("R2", phase__overall__score=4, avoidability__grade={"scale": "rcp", "grade": 5})
    consensus = {
        "phase.overall.score": ConsensusIn("R1", a(2), "R2", a(4), a(3)),
        # made on values the first review no longer holds (it was amended since)
        "avoidability.grade": ConsensusIn(
            "R1",
            a({"scale": "rcp", "grade": 2}),
            "R2",
            a({"scale": "rcp", "grade": 5}),
            a({"scale": "rcp", "grade": 4}),
        ),
    }
    case = pair(d, first, second, consensus=consensus)
    assert case.answers["phase.overall.score"] == a(3)
    assert case.sources["phase.overall.score"] is ValueSource.CONSENSUS
    assert case.consensus_items == {"phase.overall.score"}
    assert case.stale_consensus == {"avoidability.grade"}
    assert case.answers["avoidability.grade"] == a({"scale": "rcp", "grade": 3})  # the rule
    assert case.open_discordances == {"avoidability.grade"}
    assert case.unreconciled == {"avoidability.grade"}
    # the consensus of a reversed pair is not this pair's
    swapped = {"phase.overall.score": ConsensusIn("R2", a(4), "R1", a(2), a(3))}
    assert pair(d, first, second, consensus=swapped).answers["phase.overall.score"] == a(2)


def test_different_outcomes(d: ReviewDefinition) -> None:
    full = review("R1", phase__overall__score=3)
    missing = review("R2", outcome="records_missing")
    case = pair(d, full, missing)
    assert case.outcome == "full_review"
    assert case.answers["phase.overall.score"] == a(3)
    assert case.reviewer_refs == ("R1", "R2") and case.pair_complete
    assert case.open_discordances == {"outcome.type"} == case.unreconciled
    agreed = {
        "outcome.type": ConsensusIn(
            "R1", a("full_review"), "R2", a("records_missing"), a("records_missing")
        )
    }
    settled = pair(d, full, missing, consensus=agreed)
    assert settled.outcome == "records_missing" and settled.open_discordances == frozenset()
    assert settled.consensus_items == {"outcome.type"}


def test_a_hand_back_is_not_a_review_of_the_case(d: ReviewDefinition) -> None:
    back = review("R1", outcome="handed_back")
    done = review("R2", phase__overall__score=4)
    case = pair(d, back, done)
    assert case.outcome == "full_review" and case.reviewer_refs == ("R2",)
    assert case.sources["phase.overall.score"] is ValueSource.SINGLE
    alone = resolve_case("C1", d, [back], mode=ReviewMode.INDEPENDENT, pair=("R1", "R2"))
    assert alone.outcome == "handed_back"
    with pytest.raises(ValueError):
        resolve_case("C1", d, [], mode=None, pair=None)


def test_the_earlier_date_and_time_is_used(d: ReviewDefinition) -> None:
    from reviewer_app.domain.definition import load_definition_version

    v2 = load_definition_version("nhs-mortality-review", 2)
    assert v2.find("immediate.told_at") is not None  # a date-and-time question (v2)
    first = review("R1", immediate__told_at="2026-03-04T10:15")
    second = review("R2", immediate__told_at="2026-03-04T09:30")
    case = resolve_case("C1", v2, [first, second], mode=ReviewMode.INDEPENDENT, pair=("R1", "R2"))
    assert case.answers["immediate.told_at"] == a("2026-03-04T09:30")
    assert case.sources["immediate.told_at"] is ValueSource.RULE
