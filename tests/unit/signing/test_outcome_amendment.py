"""Amending a signed outcome (records missing, handed back, outside this method).

A signed outcome keeps its status (it is not "signed"), so storage recognises it as signed
by its signature rows. It is amended like a signed review: a reason, a new version carrying
the answers, the signed version and its PDF left exactly as they were.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import ReadOnlyError, UserError
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.signing.pades_verify import verify_pdf
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.crypto_fixtures import study_a
from tests.support.review_fixtures import SCREENING
from tests.support.signoff_fixtures import PASSPHRASE, Bench, make_bench

REASON = "The acute trust notes could not be found."


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


# What each outcome's definition needs beside the screening (issue 10): the missing records
# named, a declared conflict, a death of a kind the method routes out.
OUTCOME_NEEDS: dict[ReviewStatus, dict[str, object]] = {
    ReviewStatus.RECORDS_MISSING: {"records.reviewed": ["gp"], "records.missing": ["acute"]},
    ReviewStatus.HANDED_BACK: {"screening.conflict_of_interest": "yes"},
    ReviewStatus.OUTSIDE_METHOD: {"screening.death_category": "maternal"},
}


def _outcome(bench: Bench, case_ref: str, status: ReviewStatus) -> int:
    opened = bench.reviews.open(case_ref, "R01")
    bench.reviews.save(opened.review_id, {**SCREENING, **OUTCOME_NEEDS[status]}, "R01")  # type: ignore[arg-type]
    bench.reviews.set_outcome(opened.review_id, status, REASON, "R01")
    return opened.review_id


def _sign(bench: Bench, review_id: int) -> None:
    bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))


@pytest.mark.parametrize(
    "status",
    [ReviewStatus.RECORDS_MISSING, ReviewStatus.HANDED_BACK, ReviewStatus.OUTSIDE_METHOD],
)
def test_a_signed_outcome_can_be_amended_with_a_reason(bench: Bench, status: ReviewStatus) -> None:
    store = ReviewStore(bench.workspace.db)
    v1_id = _outcome(bench, "SIG-0001", status)
    _sign(bench, v1_id)
    v1 = store.get(v1_id)
    assert v1.status is status and store.is_signed(v1_id)
    v1_pdf = bench.signoff.document("SIG-0001").pdf
    with pytest.raises(UserError):
        bench.signoff.amend(v1_id, "   ", "R01")
    v2 = bench.signoff.amend(v1_id, "The notes were found after all", "R01")
    assert (v2.version, v2.status) == (2, ReviewStatus.AMENDMENT_IN_PROGRESS)
    assert v2.amends_review_id == v1_id
    assert v2.amendment_reason == "The notes were found after all"
    assert store.answers(v2.id) == store.answers(v1_id)  # carried over, to be corrected
    assert store.get(v1_id) == v1  # the signed version is untouched
    assert bench.signoff.document("SIG-0001", version=1).pdf == v1_pdf
    entry = AuditLog(bench.workspace.db).entries(v2.id)[-1]
    assert entry.action == "amendment_started"
    assert status.value in (entry.old_json or "")
    with pytest.raises(ReadOnlyError, match="later version"):
        store.start_amendment(v1_id, "R01", "A second amendment of the same version")


def test_an_amended_outcome_becomes_a_full_review_and_is_signed_again(bench: Bench) -> None:
    v1_id = _outcome(bench, "SIG-0001", ReviewStatus.RECORDS_MISSING)
    _sign(bench, v1_id)
    v2 = bench.signoff.amend(v1_id, "The notes were found after all", "R01")
    opened = bench.reviews.reload(v2.id)
    answers = complete_answers(opened.definition, opened.case, random.Random(4))
    bench.reviews.save(v2.id, answers, "R01")
    assert ReviewStore(bench.workspace.db).get(v2.id).status is ReviewStatus.AMENDMENT_IN_PROGRESS
    check = bench.signoff.check(v2.id)
    assert not check.errors, [e.code for e in check.errors]
    result = bench.signoff.sign(v2.id, PASSPHRASE, check.warning_codes)
    assert result.review.status is ReviewStatus.SIGNED
    assert bench.signoff.document("SIG-0001").version == 2
    assert verify_pdf(result.full.pdf, study_a().root).ok
    old = bench.signoff.document("SIG-0001", version=1)
    assert verify_pdf(old.pdf, study_a().root).ok


def test_an_unsigned_outcome_is_reopened_not_amended(bench: Bench) -> None:
    review_id = _outcome(bench, "SIG-0001", ReviewStatus.RECORDS_MISSING)
    store = ReviewStore(bench.workspace.db)
    assert not store.is_signed(review_id)
    with pytest.raises(ReadOnlyError, match="Only a signed review"):
        store.start_amendment(review_id, "R01", "The notes were found after all")
    assert [r.version for r in store.versions("SIG-0001")] == [1]


def test_unsigned_reviews_are_not_amendable(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0002")
    store = ReviewStore(bench.workspace.db)
    assert not store.is_signed(review_id)
    with pytest.raises(ReadOnlyError):
        store.start_amendment(review_id, "R01", "Nothing to amend yet")
