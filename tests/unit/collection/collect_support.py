"""A returned world for the collection tests: a study, packs imported by R01 and R02, reviews
signed (and one case handed back) and returned through the real path into the shared folder.

Built once per session (signing costs), copied per test. Helpers open, alter and re-sign
bundles as a reviewer (or an attacker) would.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.services.collection.collector import return_files
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.returns.format import ReturnBundle, build_bundle, open_bundle
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.signing.signoff import SignoffService
from reviewer_app.services.study import Study
from reviewer_app.storage.study.allocation import AllocationStore
from tests.support.review_fixtures import SCREENING
from tests.support.study_fixtures import WORKSPACE_PASSPHRASE, World, world

SIGNERS = ("R01", "R02")
EXPORT_PASSPHRASE = "identity export for tests"


@dataclass(frozen=True)
class Returned:
    """A copied world: study, workspaces, shared folder with the returns in it."""

    w: World

    @property
    def shared(self) -> Path:
        return self.w.packs_dir

    def study(self) -> Study:
        return self.w.study()

    def files(self) -> list[Path]:
        return return_files(self.shared)

    def session(self, ref: str) -> ReviewerSession:
        return self.w.session(ref)

    def root_missing(self) -> Path:
        return self.w.root / "no-such-folder"


def held_cases(session: ReviewerSession) -> list[str]:
    return sorted(c.case_ref for c in session.list_cases())


def sign_case(session: ReviewerSession, case_ref: str, seed: int = 1) -> int:
    reviews = ReviewService(session.workspace.db)
    signoff = SignoffService(session.workspace, synthetic=True)
    opened = reviews.open(case_ref, "reviewer")
    answers = complete_answers(opened.definition, opened.case, random.Random(seed))
    reviews.save(opened.review_id, answers, "reviewer")
    signoff.sign(
        opened.review_id, WORKSPACE_PASSPHRASE, signoff.check(opened.review_id).warning_codes
    )
    return opened.review_id


def hand_back(session: ReviewerSession, case_ref: str) -> int:
    reviews = ReviewService(session.workspace.db)
    signoff = SignoffService(session.workspace, synthetic=True)
    opened = reviews.open(case_ref, "reviewer")
    declared = {**SCREENING, "screening.conflict_of_interest": "yes"}  # v2: handed back needs it
    reviews.save(opened.review_id, declared, "reviewer")
    reviews.set_outcome(
        opened.review_id, ReviewStatus.HANDED_BACK, "I know this family.", "reviewer"
    )
    signoff.sign(
        opened.review_id, WORKSPACE_PASSPHRASE, signoff.check(opened.review_id).warning_codes
    )
    return opened.review_id


def amend_and_sign(session: ReviewerSession, review_id: int) -> int:
    reviews = ReviewService(session.workspace.db)
    signoff = SignoffService(session.workspace, synthetic=True)
    review = signoff.amend(review_id, "A date was wrong.", "reviewer")
    signoff.sign(review.id, WORKSPACE_PASSPHRASE, signoff.check(review.id).warning_codes)
    del reviews
    return review.id


@cache
def _template(root: str) -> Path:
    """R01 signs its first two cases; R02 signs its first case and hands back its second."""
    w = world(Path(root) / "collect-template", Path(root) / "collect-worlds")
    made = w.make_packs()
    fingerprint = w.fingerprint()
    for ref in SIGNERS:
        with w.session(ref) as session:
            session.import_pack(made[ref].read_bytes(), trust_fingerprint=fingerprint)
            first, second = held_cases(session)[:2]
            sign_case(session, first)
            if ref == "R01":
                sign_case(session, second, seed=2)
            else:
                hand_back(session, second)
            session.return_reviews(w.packs_dir)
    return w.root


def returned_world(tmp_path: Path, template_root: Path) -> Returned:
    target = tmp_path / "returned"
    shutil.copytree(_template(str(template_root)), target)
    return Returned(World(target))


# --- bundles by hand ------------------------------------------------------------------------


def identity(session: ReviewerSession) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    data = session.export_identity(EXPORT_PASSPHRASE)
    key, cert, _ = pkcs12.load_key_and_certificates(data, EXPORT_PASSPHRASE.encode())
    assert isinstance(key, rsa.RSAPrivateKey) and cert is not None
    return key, cert


def read_bundle(study: Study, path: Path) -> ReturnBundle:
    key, cert = study.collection_authority()
    return open_bundle(path.read_bytes(), key, cert, study.root_certificate()).bundle


def resign(
    study: Study,
    bundle: ReturnBundle,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
) -> bytes:
    return build_bundle(bundle, key, cert, study.root_certificate(), study.collection_certificate())


def reviewer_of(study: Study, case_ref: str) -> tuple[str, str]:
    return AllocationStore(study.db).get().pairs[case_ref]
