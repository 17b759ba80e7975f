"""Comparing and reconciling refuse a case without two reviews for one reason, in one wording:
the blind pair (the other review still out) and the case with one review only (joint, single,
or one of the pair handed back)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.errors import UserError
from reviewer_app.services.reconciliation.compare import NotComparableError, compare_case
from reviewer_app.services.reconciliation.consensus import (
    ConsensusRefusedError,
    record_consensus,
)
from tests.unit.reconciliation.hand_study import HandStudy, rcp

BLIND = "the other review of the pair is not in yet (reviews stay blind until both are)."
ONE_ONLY = "it has one review only (joint, single or handed back)."


@pytest.fixture
def hand(tmp_path: Path) -> Iterator[HandStudy]:
    h = HandStudy(tmp_path / "study")
    c = h.case_refs
    h.pair({c[0]: ("R01", "R02"), c[1]: ("R01", "R02"), c[2]: ("R03", "R04")})
    h.put(c[0], "R01", {"phase.overall.score": 1, "avoidability.grade": rcp(2)})
    h.put(c[1], "R01", outcome="handed_back")
    h.put(c[1], "R02", {"phase.overall.score": 4, "avoidability.grade": rcp(6)})
    h.put(c[2], "R03", {"phase.overall.score": 2, "avoidability.grade": rcp(3)})
    h.put(c[2], "R04", {"phase.overall.score": 4, "avoidability.grade": rcp(5)})
    yield h
    h.close()


def _refusals(h: HandStudy, case_ref: str) -> tuple[str, str]:
    with pytest.raises(NotComparableError) as compared:
        compare_case(h.study, case_ref)
    with pytest.raises(ConsensusRefusedError) as reconciled:
        record_consensus(
            h.study,
            case_ref,
            "phase.overall.score",
            value="3",
            method="panel",
            reason="r",
            recorded_by="c",
        )
    return str(compared.value), str(reconciled.value)


@pytest.mark.parametrize(("index", "why"), [(0, BLIND), (1, ONE_ONLY)])
def test_compare_and_consensus_give_the_same_reason(hand: HandStudy, index: int, why: str) -> None:
    ref = hand.case_refs[index]
    compared, reconciled = _refusals(hand, ref)
    assert compared == f"Case {ref} cannot be compared: {why}"
    assert reconciled == f"No consensus can be recorded on case {ref}: {why}"


def test_a_complete_pair_is_compared_and_reconciled(hand: HandStudy) -> None:
    ref = hand.case_refs[2]
    assert compare_case(hand.study, ref).items
    done = record_consensus(
        hand.study,
        ref,
        "phase.overall.score",
        value="3",
        method="panel",
        reason="agreed at the panel",
        recorded_by="c",
    )
    assert done.record.case_ref == ref


def test_a_case_nobody_returned_is_not_found_rather_than_unpaired(hand: HandStudy) -> None:
    ref = hand.case_refs[3]
    for call in (
        lambda: compare_case(hand.study, ref),
        lambda: record_consensus(
            hand.study,
            ref,
            "phase.overall.score",
            value="3",
            method="panel",
            reason="r",
            recorded_by="c",
        ),
    ):
        with pytest.raises(UserError) as err:
            call()
        assert not isinstance(err.value, NotComparableError | ConsensusRefusedError)
        assert "No review of case" in str(err.value)
