"""Where a case stands (``standing.standing_of``, read without merging the values) is exactly
what resolving it says (``merge.resolve_case``) in every kind of case, and the stages read
from standings are the stages read from the resolved cases."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.merge import ConsensusIn, ReviewIn, resolve_case
from reviewer_app.services.reconciliation.standing import plan_of, standing_of

FIELDS = (
    "case_ref",
    "outcome",
    "pair_complete",
    "discordances",
    "open_discordances",
    "consensus_items",
    "stale_consensus",
)
PAIR = ("R1", "R2")


def a(value: Any) -> dict[str, Any]:
    return {"state": "answered", "value": value}


def review(ref: str, outcome: str = "full_review", **values: Any) -> ReviewIn:
    answers = {k.replace("__", "."): a(v) for k, v in values.items()}
    content = {
        "definition": {"id": "nhs-mortality-review", "version": "1"},
        "review": {"outcome": outcome, "version": 1},
        "answers": answers,
    }
    return ReviewIn(ref, 1, outcome, content)


RCP = {"scale": "rcp", "grade": 3}
POOR = review("R1", phase__overall__score=2, avoidability__grade=RCP)
GOOD = review("R2", phase__overall__score=4, avoidability__grade={"scale": "rcp", "grade": 5})
SAME = review("R2", phase__overall__score=2, avoidability__grade=RCP)
MISSING = review("R2", outcome="records_missing")
BACK = review("R2", outcome="handed_back")
SCORE = "phase.overall.score"
CASES: dict[str, tuple[list[ReviewIn], ReviewMode | None, dict[str, ConsensusIn]]] = {
    "one of an independent pair": ([POOR], ReviewMode.INDEPENDENT, {}),
    "a joint review": ([POOR], ReviewMode.JOINT, {}),
    "not allocated": ([POOR, GOOD], None, {}),
    "a pair that agrees": ([POOR, SAME], ReviewMode.INDEPENDENT, {}),
    "a pair that differs": ([POOR, GOOD], ReviewMode.INDEPENDENT, {}),
    "a current consensus": (
        [POOR, GOOD],
        ReviewMode.INDEPENDENT,
        {SCORE: ConsensusIn("R1", a(2), "R2", a(4), a(3))},
    ),
    "a stale consensus": (
        [POOR, GOOD],
        ReviewMode.INDEPENDENT,
        {SCORE: ConsensusIn("R1", a(1), "R2", a(4), a(3))},
    ),
    "another pair's consensus": (
        [POOR, GOOD],
        ReviewMode.INDEPENDENT,
        {SCORE: ConsensusIn("R2", a(4), "R1", a(2), a(3))},
    ),
    "a consensus on what now agrees": (
        [POOR, SAME],
        ReviewMode.INDEPENDENT,
        {SCORE: ConsensusIn("R1", a(2), "R2", a(4), a(3))},
    ),
    "a consensus on a question no review holds": (
        [POOR, GOOD],
        ReviewMode.INDEPENDENT,
        {"no.such.question": ConsensusIn("R1", a(1), "R2", a(2), a(1))},
    ),
    "different outcomes": ([POOR, MISSING], ReviewMode.INDEPENDENT, {}),
    "different outcomes, agreed": (
        [POOR, MISSING],
        ReviewMode.INDEPENDENT,
        {
            "outcome.type": ConsensusIn(
                "R1", a("full_review"), "R2", a("records_missing"), a("records_missing")
            )
        },
    ),
    "different outcomes, a stale agreement": (
        [POOR, MISSING],
        ReviewMode.INDEPENDENT,
        {"outcome.type": ConsensusIn("R1", a("outside_method"), "R2", a("x"), a("x"))},
    ),
    "one handed back": ([POOR, BACK], ReviewMode.INDEPENDENT, {}),
    "only a hand-back": ([BACK], ReviewMode.INDEPENDENT, {}),
}


@pytest.fixture(scope="module")
def d() -> ReviewDefinition:
    return default_definition()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_case_stands_as_resolving_it_says(d: ReviewDefinition, kind: str) -> None:
    reviews, mode, consensus = CASES[kind]
    resolved = resolve_case("C1", d, reviews, mode=mode, pair=PAIR, consensus=consensus)
    standing = standing_of("C1", d, plan_of(reviews, mode), consensus)
    assert {f: getattr(standing, f) for f in FIELDS} == {f: getattr(resolved, f) for f in FIELDS}


def test_the_cases_cover_what_a_stage_is_read_from(d: ReviewDefinition) -> None:
    standings = [
        standing_of("C1", d, plan_of(reviews, mode), consensus)
        for reviews, mode, consensus in CASES.values()
    ]
    assert any(not s.pair_complete for s in standings)
    assert any(s.open_discordances for s in standings)
    assert any(s.consensus_items for s in standings)
    assert any(s.stale_consensus for s in standings)
    assert {s.outcome for s in standings} >= {"full_review", "records_missing", "handed_back"}


def test_a_case_without_reviews_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one review"):
        plan_of([], ReviewMode.INDEPENDENT)


def test_a_definition_is_read_as_itself_not_as_another_of_its_id_and_version(tmp_path) -> None:
    import json
    from pathlib import Path

    from reviewer_app.domain.definition import load_definition, load_definition_version

    bundled = load_definition_version("nhs-mortality-review", 2)
    folder = Path(__file__).resolve().parents[3] / "schema"
    raw = json.loads((folder / "review-definition.v2.json").read_text(encoding="utf-8"))
    raw["sections"][0]["questions"].append(
        {"id": "screening.extra_note", "type": "text", "label": "Extra", "help": "h"}
    )
    (tmp_path / "review-definition.v2.json").write_text(json.dumps(raw), encoding="utf-8")
    variant = load_definition(tmp_path / "review-definition.v2.json")
    assert (variant.id, variant.version) == (bundled.id, bundled.version)

    def note(ref: str, text: str) -> ReviewIn:
        answers = {"screening.extra_note": a(text)}
        return ReviewIn(ref, 1, "full_review", {"answers": answers})

    pair = [note("R1", "first"), note("R2", "second")]
    resolve_case("C1", bundled, pair, mode=ReviewMode.INDEPENDENT, pair=PAIR)  # read first
    case = resolve_case("C1", variant, pair, mode=ReviewMode.INDEPENDENT, pair=PAIR)
    assert case.texts["screening.extra_note"] == (("R1", "first"), ("R2", "second"))


OUTCOME = "outcome.type"
EXPECTED = {  # kind: (outcome, pair complete, open, consensus applied, consensus stale)
    "one of an independent pair": ("full_review", False, set(), set(), set()),
    "a joint review": ("full_review", True, set(), set(), set()),
    "a current consensus": ("full_review", True, "without score", {SCORE}, set()),
    "a stale consensus": ("full_review", True, "with score", set(), {SCORE}),
    "another pair's consensus": ("full_review", True, "with score", set(), {SCORE}),
    "a consensus on what now agrees": ("full_review", True, set(), set(), set()),
    "a consensus on a question no review holds": ("full_review", True, "with score", set(), set()),
    "different outcomes": ("full_review", True, {OUTCOME}, set(), set()),
    "different outcomes, agreed": ("records_missing", True, set(), {OUTCOME}, set()),
    "different outcomes, a stale agreement": ("full_review", True, {OUTCOME}, set(), {OUTCOME}),
    "one handed back": ("full_review", True, set(), set(), set()),
    "only a hand-back": ("handed_back", False, set(), set(), set()),  # one of two in
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_case_stands_where_the_method_says(d: ReviewDefinition, kind: str) -> None:
    """Each kind's standing, said outright (the test above only says resolving agrees)."""
    reviews, mode, consensus = CASES[kind]
    got = standing_of("C1", d, plan_of(reviews, mode), consensus)
    outcome, complete, open_items, applied, stale = EXPECTED[kind]
    assert (got.outcome, got.pair_complete) == (outcome, complete)
    assert got.consensus_items == applied and got.stale_consensus == stale
    if isinstance(open_items, set):
        assert got.open_discordances == open_items
    else:  # the pair's other discordances stay open; the score is settled or not
        assert got.open_discordances and (SCORE in got.open_discordances) == (
            open_items == "with score"
        )
