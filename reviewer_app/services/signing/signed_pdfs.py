"""The two signed summaries of a review version: rendered, signed and self-checked.

No storage here: a ``SignJob`` carries everything both summaries show, so the work can run in
this process or, for a batch, in worker processes that each load the signing key once (it
arrives through a pipe, never a file). ``signoff`` prepares the jobs and stores the results.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.services.signing.canonical import AcknowledgedWarning, CanonicalContent
from reviewer_app.services.signing.pades_sign import SignaturePlace, SigningIdentity, sign_pdf
from reviewer_app.services.signing.pades_verify import verify_pdf
from reviewer_app.services.signing.rules import SignoffRefusedError
from reviewer_app.services.summary.input import SummaryInput
from reviewer_app.services.summary.pdf import RenderedSummary, render_summary_layout
from reviewer_app.services.summary.signature_block import field_name_for
from reviewer_app.services.trust.authority import load_certificate
from reviewer_app.storage.workspace.reviews import Review

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_R = TypeVar("_R")

REVIEWER_FIELD = field_name_for("reviewer", 0)
CO_REVIEWER_FIELD = field_name_for("co-reviewer", 1)


@dataclass(frozen=True)
class SignJob:
    """One review version to sign: the two summaries' inputs and what the signature records.

    Picklable, so that batch signing can render and sign in worker processes.
    """

    review_id: int
    version: int
    signed_at: dt.datetime
    content: CanonicalContent
    reason: str
    inputs: dict[DocumentKind, SummaryInput]
    acknowledged: tuple[AcknowledgedWarning, ...] = ()


def produce_signed_pdfs(
    job: SignJob,
    identity: SigningIdentity,
    renderer: Callable[[SummaryInput], RenderedSummary] = render_summary_layout,
) -> dict[DocumentKind, bytes]:
    """Render both summaries and sign each in the reviewer's box (no storage involved)."""
    found = {}
    for kind, data in job.inputs.items():
        rendered = renderer(data)
        places = {
            b.field_name: SignaturePlace(b.field_name, b.page_index, b.box)
            for b in rendered.signature_boxes
        }
        signed = sign_pdf(
            rendered.pdf,
            identity,
            field_name=REVIEWER_FIELD,
            reason=job.reason,
            certify=True,
            place=places.get(REVIEWER_FIELD),
            reserve=[p for name, p in places.items() if name != REVIEWER_FIELD],
        )
        self_check(signed, expected_signatures=1)
        found[kind] = signed
    return found


def self_check(pdf: bytes, expected_signatures: int) -> None:
    """Never store a file that our own verifier would not pass."""
    result = verify_pdf(pdf)
    if not result.ok or len(result.signatures) != expected_signatures:
        log.error("freshly signed PDF failed verification: %s", "; ".join(result.failures))
        raise SignoffRefusedError(
            "The signed summary did not pass its own verification, so nothing was saved. "
            "Please report this to the study coordinator."
        )


_WORKER_IDENTITY: SigningIdentity | None = None


def _identity_pems(identity: SigningIdentity) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    key = identity.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert = identity.cert.public_bytes(serialization.Encoding.PEM)
    chain = tuple(c.public_bytes(serialization.Encoding.PEM) for c in identity.chain)
    return key, cert, chain


def _worker_init(pems: tuple[bytes, bytes, tuple[bytes, ...]]) -> None:
    """Load the signing key once per worker process (it arrives through a pipe, not a file)."""
    global _WORKER_IDENTITY  # noqa: PLW0603 - one identity per worker process
    key_pem, cert_pem, chain_pems = pems
    key = serialization.load_pem_private_key(key_pem, None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("not an RSA key")
    _WORKER_IDENTITY = SigningIdentity(
        key, load_certificate(cert_pem), tuple(load_certificate(p) for p in chain_pems)
    )


def _worker_produce(job: SignJob) -> dict[DocumentKind, bytes]:
    if _WORKER_IDENTITY is None:
        raise RuntimeError("worker not initialised")
    return produce_signed_pdfs(job, _WORKER_IDENTITY)


@contextlib.contextmanager
def produced(
    jobs: Iterable[SignJob],
    identity: SigningIdentity,
    workers: int | None = None,
    *,
    count: int,
) -> Iterator[Iterator[tuple[SignJob, dict[DocumentKind, bytes]]]]:
    """Each of ``count`` jobs with its two signed PDFs, in order: in ``workers`` processes
    (default: one per CPU, at most 4) when there is more than one job, else here.

    Jobs are taken from ``jobs`` as the workers need them (at most a few per worker ahead),
    so preparing the next jobs and storing the finished ones in this process overlap with the
    workers' rendering and signing, instead of all jobs being prepared before any starts.
    """
    processes = workers if workers is not None else min(4, os.cpu_count() or 1)
    if processes <= 1 or count <= 1:
        yield ((job, produce_signed_pdfs(job, identity)) for job in jobs)
        return
    pool = ProcessPoolExecutor(
        max_workers=processes, initializer=_worker_init, initargs=(_identity_pems(identity),)
    )
    try:
        yield in_order(pool, _worker_produce, jobs, ahead=_AHEAD_PER_WORKER * processes)
    finally:
        pool.shutdown(cancel_futures=True)


_AHEAD_PER_WORKER = 3
"""Jobs handed to the pool before the first result is awaited, per worker: enough that no
worker waits for this process, few enough that a refused job wastes little work."""


def in_order(
    pool: Executor, work: Callable[[_T], _R], items: Iterable[_T], ahead: int
) -> Iterator[tuple[_T, _R]]:
    """Each item with ``work(item)`` done in ``pool``, in the items' order, taking items only
    as needed: at most ``ahead`` are in the pool before the oldest result is handed out. An
    item whose work failed raises its error when its turn comes."""
    pending: collections.deque[tuple[_T, Future[_R]]] = collections.deque()
    for item in items:
        pending.append((item, pool.submit(work, item)))
        if len(pending) >= ahead:
            first, future = pending.popleft()
            yield first, future.result()
    while pending:
        first, future = pending.popleft()
        yield first, future.result()


def signature_reason(review: Review, content: CanonicalContent, what: str) -> str:
    """The signature's /Reason: case, version and content hash (no patient data)."""
    return (
        f"{what}: case {review.case_ref} version {review.version}; review content "
        f"SHA-256 {content.sha256}"
    )
