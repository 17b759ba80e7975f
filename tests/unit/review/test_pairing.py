"""The case header's pairing facts: the review mode, the co-reviewer and the co-signature,
read from the assignment and the latest version's signatures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.review.pairing import CasePairing, case_pairing
from reviewer_app.storage.workspace.assignments import Assignment, AssignmentStore
from tests.support.signoff_fixtures import COSIGNER_PASSPHRASE, Bench, bob_pkcs12, make_bench


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    try:
        yield made
    finally:
        made.workspace.close()


def test_a_case_no_pack_assigned_has_no_pairing(bench: Bench) -> None:
    assert case_pairing(bench.workspace.db, "SIG-0001") is None


def test_an_independent_case_says_there_is_a_second_reviewer_and_names_nobody(
    bench: Bench,
) -> None:
    AssignmentStore(bench.workspace.db).set_assignments(
        [
            Assignment(
                case_ref="SIG-0002",
                review_mode=ReviewMode.INDEPENDENT,
                co_reviewer_ref="R02",
                co_reviewer_name="Bob Example",
                pack_sequence=1,
            )
        ]
    )
    assert case_pairing(bench.workspace.db, "SIG-0002") == CasePairing(
        ReviewMode.INDEPENDENT, None, second_reviewer=True
    )


def test_a_joint_case_names_the_co_reviewer_then_the_co_signature(bench: Bench) -> None:
    bench.joint("SIG-0001")
    before = case_pairing(bench.workspace.db, "SIG-0001")
    assert before == CasePairing(ReviewMode.JOINT, "Bob Example")
    review_id = bench.sign("SIG-0001")
    assert case_pairing(bench.workspace.db, "SIG-0001") == before  # signed, not co-signed
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    after = case_pairing(bench.workspace.db, "SIG-0001")
    assert after is not None and after.cosigned_by is not None
    assert after.cosigned_by == bench.signoff.signatures(review_id)[1].signer_name
    assert after.cosigned_at == bench.signoff.signatures(review_id)[1].signed_at
