"""Batch signing (issue 15): checked before anything is signed; rendering and signing
streamed through the worker pool in order, taking jobs only as the workers need them."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reviewer_app.services.signing.rules import ValidationBlocksSigningError
from reviewer_app.services.signing.signed_pdfs import in_order
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.signoff_fixtures import PASSPHRASE, Bench, make_bench


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


def test_a_batch_holding_one_unsignable_version_signs_none_of_them(bench: Bench) -> None:
    ready = [bench.complete_review(f"SIG-000{i}", seed=i) for i in (1, 2)]
    unfinished = bench.reviews.open("SIG-0003", "R01").review_id  # nothing answered
    items = [(rid, bench.acknowledged(rid)) for rid in (*ready, unfinished)]
    session = bench.signoff.open_session(PASSPHRASE)
    with pytest.raises(ValidationBlocksSigningError):
        bench.signoff.sign_batch(session, items, workers=2)
    store = SignatureStore(bench.workspace.db)
    for review_id in (*ready, unfinished):
        assert store.signatures(review_id) == []
        assert store.documents(review_id) == []


def _square(n: int) -> int:
    if n == 13:
        raise ValueError("unlucky")
    return n * n


def test_in_order_hands_out_results_in_order_taking_items_only_as_needed() -> None:
    taken: list[int] = []

    def items(count: int) -> Iterator[int]:
        for n in range(count):
            taken.append(n)
            yield n

    with ThreadPoolExecutor(max_workers=3) as pool:
        seen = []
        for item, result in in_order(pool, _square, items(10), ahead=4):
            assert len(taken) <= item + 4  # never more than `ahead` items before a result
            seen.append((item, result))
    assert seen == [(n, n * n) for n in range(10)]
    assert taken == list(range(10))


def test_in_order_raises_a_failed_item_at_its_turn_and_keeps_what_came_before() -> None:
    done = []
    with ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ValueError, match="unlucky"):
        for item, result in in_order(pool, _square, range(10, 16), ahead=2):
            done.append((item, result))
    assert done == [(10, 100), (11, 121), (12, 144)]
