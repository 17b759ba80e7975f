"""The workspace's integrity, checked in one place: at unlock, before every signature, before
any export or return, and in full by ``reviewer-app check``.

Three things are checked:

- the audit trail's hash chain (``AuditLog``): an entry edited, deleted, inserted or moved
  breaks it at that entry;
- the database file: SQLCipher's check of every page's HMAC and SQLite's structure check;
- every signature's sealed audit head ``(seq, hash)``, the one in the canonical content it
  signed: it must still be an entry of the chain, and the trail must not end before it;
- every signature's own audit entry, the one its signing wrote after the head it sealed
  ("signed" for the reviewer's, "co_signed" for the co-reviewer's): it must be in the trail
  and name the signature's content hash (and, for the reviewer's, its sealed head). The
  trail cut short after a signature (its last entries deleted) leaves a chain that holds on
  its own and every sealed head still in it; only the missing entry shows it. The entries
  are gathered in the same pass that checks the chain.

With ``contents=True`` (``check``), the canonical content is also rebuilt from what is stored
now at the reviewer's sealed head and must hash to what was signed (answers changed under a
signature are caught too); a co-signature, which signs that same content, must name the same
hash.

The quick check (unlock, sign-off, export, return) takes about 35 ms on the demo workspace
(850 audit entries, 2.6 MB); the full check with contents about 1 s.

What a broken workspace means for the reviewer. At unlock a broken workspace is refused
(``WorkspaceIntegrityError``), not opened read-only: the trail shows that the database was
changed outside the app, so what the screens would show cannot be trusted to be what the
reviewer entered and signed, and a reviewer shown it would act on it. The way forward is the
same for every case: restore the workspace from the latest backup and tell the study
coordinator; ``reviewer-app check --workspace DIR`` (which opens it without this refusal,
to read only) says what is broken. Messages name entry numbers and case references, never
patient data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from reviewer_app.errors import DamagedFileError, UserError
from reviewer_app.storage.audit import (
    GENESIS_HASH,
    UNREADABLE_FILE,
    AuditEntry,
    AuditHead,
    AuditLog,
    AuditVerification,
    database_problems,
)
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import (
    SignatureRecord,
    SignatureRole,
    SignatureStore,
)

log = logging.getLogger(__name__)

WHAT_TO_DO = (
    "Restore the workspace from your most recent backup, and tell the study coordinator "
    "(reviewer-app check --workspace DIR shows what is wrong). Nothing was changed."
)


@dataclass(frozen=True)
class SealedSignature:
    """One signature and the audit head its canonical content sealed."""

    case_ref: str
    version: int
    role: str
    head: AuditHead

    @property
    def label(self) -> str:
        who = "reviewer" if self.role == "reviewer" else "co-reviewer"
        return f"case {self.case_ref} version {self.version} ({who}'s signature)"


SIGNATURE_ACTIONS = {SignatureRole.REVIEWER: "signed", SignatureRole.CO_REVIEWER: "co_signed"}
"""The audit action of each role's signature (``signoff.py`` writes them, after the head the
signature seals): every signature row must have its own."""


@dataclass(frozen=True)
class SealedProblem:
    signature: SealedSignature
    problem: str
    standalone: bool = False
    """``problem`` names the signature itself (it is the whole text)."""

    @property
    def text(self) -> str:
        if self.standalone:
            return self.problem
        return f"the signed summary of {self.signature.label}: {self.problem}"


@dataclass(frozen=True)
class IntegrityReport:
    """The verdict on one workspace; ``ok`` only when everything checked holds."""

    chain: AuditVerification
    database: tuple[str, ...]
    signatures: tuple[SealedSignature, ...]
    sealed: tuple[SealedProblem, ...] = field(default=())
    contents_checked: bool = False

    @property
    def chain_ok(self) -> bool:
        return self.chain.ok

    @property
    def database_ok(self) -> bool:
        return not self.database

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.database_ok and not self.sealed

    @property
    def problems(self) -> tuple[str, ...]:
        """Every problem found, in plain words (no patient data)."""
        found: list[str] = []
        if not self.chain.ok:
            found.append(f"the audit trail is broken: {self.chain.problem}")
        found += [f"the database file: {p}" for p in self.database]
        found += [p.text for p in self.sealed]
        return tuple(found)

    def lines(self) -> list[str]:
        """The report ``reviewer-app check`` prints: one line per check, then the verdict."""
        chain = (
            f"ok ({self.chain.entries} entries, head {self.chain.head.seq})"
            if self.chain.ok
            else f"BROKEN: {self.chain.problem}"
        )
        database = "ok" if self.database_ok else "DAMAGED: " + "; ".join(self.database)
        what = "audit head and content" if self.contents_checked else "audit head"
        sealed = (
            f"ok ({len(self.signatures)} signature(s), each {what} as signed)"
            if not self.sealed
            else f"{len(self.sealed)} of {len(self.signatures)} NO LONGER MATCH"
        )
        lines = [
            f"Audit trail:        {chain}",
            f"Database file:      {database}",
            f"Signed summaries:   {sealed}",
        ]
        lines += [f"  - {p.text}" for p in self.sealed]
        if self.ok:
            lines.append("INTACT: the audit trail, the database and every signature agree.")
        else:
            lines.append(f"NOT INTACT: {len(self.problems)} problem(s). {WHAT_TO_DO}")
        return lines


class WorkspaceIntegrityError(UserError):
    """The workspace's audit trail, database file or sealed heads do not hold."""

    def __init__(self, message: str, report: IntegrityReport) -> None:
        super().__init__(message)
        self.report = report


def _sealed_signatures(db: Database) -> list[tuple[SealedSignature, SignatureRecord]]:
    store = SignatureStore(db)
    reviews = ReviewStore(db)
    found = []
    for case_ref, review_ids in sorted(store.signed_review_ids().items()):
        for review_id in review_ids:
            version = reviews.get(review_id).version
            for record in store.signatures(review_id):
                head = AuditHead(record.audit_seq, record.audit_hash)
                found.append((SealedSignature(case_ref, version, record.role.value, head), record))
    return found


ContentHash = Callable[[int, AuditHead], str]
"""The SHA-256 of a review version's canonical content at a head, rebuilt from storage."""


def check_workspace(db: Database, *, contents: bool = False) -> IntegrityReport:
    """Check the chain, the database file and every sealed head (and, with ``contents``,
    every signed canonical content) of the workspace on ``db``. Reads only."""
    database = database_problems(db)
    try:
        sealed = _sealed_signatures(db)
        chain, lost, signing = AuditLog(db).verify_signed(
            [s.head for s, _ in sealed], SIGNATURE_ACTIONS.values()
        )
    except DamagedFileError:  # pages the trail or the signatures live on cannot be read
        log.warning("workspace integrity check: the database file cannot be read in full")
        return IntegrityReport(
            chain=AuditVerification(
                ok=False,
                entries=0,
                head=AuditHead(0, GENESIS_HASH),
                problem="it cannot be read (the database file is damaged)",
            ),
            database=database or (UNREADABLE_FILE,),
            signatures=(),
        )
    lost_set = set(lost)  # heads sealed after a break in the chain are lost with it
    problems: list[SealedProblem] = []
    content_hash = _content_hasher(db) if contents else None
    for signature, record in sealed:
        entry_problem = _entry_problem(signature, record, signing, chain)
        if signature.head in lost_set:
            problems.append(SealedProblem(signature, _lost_head(signature, chain)))
        elif entry_problem is not None:
            problems.append(SealedProblem(signature, entry_problem, standalone=True))
        elif content_hash is not None and not _content_holds(record, sealed, content_hash):
            problems.append(
                SealedProblem(
                    signature, "what is stored no longer hashes to the content that was signed"
                )
            )
    report = IntegrityReport(
        chain=chain,
        database=database,
        signatures=tuple(s for s, _ in sealed),
        sealed=tuple(problems),
        contents_checked=contents,
    )
    if not report.ok:
        log.warning("workspace integrity check failed: %d problem(s)", len(report.problems))
    return report


def _lost_head(signature: SealedSignature, chain: AuditVerification) -> str:
    seq = signature.head.seq
    if chain.ok and chain.head.seq < seq:
        return (
            f"the audit head it sealed (entry {seq}) no longer matches the trail: the trail "
            f"ends at entry {chain.head.seq}, so it was cut short"
        )
    return f"the audit head it sealed (entry {seq}) no longer matches the trail"


def _entry_problem(
    signature: SealedSignature,
    record: SignatureRecord,
    signing: tuple[AuditEntry, ...],
    chain: AuditVerification,
) -> str | None:
    """What is wrong with the audit entry the signing of ``record`` wrote; None when it is
    there and names the signature's content (and, the reviewer's, its sealed head). An entry
    lost past a break in the chain is the break's to report."""
    action = SIGNATURE_ACTIONS[record.role]
    candidates = [
        e
        for e in signing
        if e.review_id == record.review_id and e.action == action and e.seq > record.audit_seq
    ]
    if any(_names_signature(e, record) for e in candidates):
        return None
    what = "signature" if record.role is SignatureRole.REVIEWER else "co-signature"
    entry = (
        f"the audit entry recording the {what} of case {signature.case_ref} "
        f"version {signature.version}"
    )
    if candidates:
        return f"{entry} does not match the signature (it names other content or another head)"
    if not chain.ok and chain.first_bad_seq is not None and chain.first_bad_seq > record.audit_seq:
        return None  # the entry would come after the break, which is reported already
    return f"{entry} is missing: the trail was cut short"


def _names_signature(entry: AuditEntry, record: SignatureRecord) -> bool:
    new = entry.new_value
    if not isinstance(new, dict) or new.get("content_sha256") != record.content_sha256:
        return False
    if new.get("role", record.role.value) != record.role.value:
        return False
    if record.role is SignatureRole.REVIEWER:
        return new.get("audit_head") == [record.audit_seq, record.audit_hash]
    return True


def _content_holds(
    record: SignatureRecord,
    sealed: list[tuple[SealedSignature, SignatureRecord]],
    content_hash: ContentHash,
) -> bool:
    """The reviewer's signature: the content rebuilt at the head it sealed hashes as signed.
    A co-signature signs that same content (its row keeps the head at co-signing, which the
    trail check covers): it must name the reviewer's content hash."""
    if record.role is SignatureRole.REVIEWER:
        head = AuditHead(record.audit_seq, record.audit_hash)
        return content_hash(record.review_id, head) == record.content_sha256
    firsts = [
        r.content_sha256
        for _, r in sealed
        if r.review_id == record.review_id and r.role is SignatureRole.REVIEWER
    ]
    return firsts == [record.content_sha256]


def _content_hasher(db: Database) -> ContentHash:
    # Loaded only for the full check: the canonical content is sign-off's to build.
    from reviewer_app.domain.definition import load_definition_version
    from reviewer_app.services.signing.signing_inputs import SigningInputs
    from reviewer_app.storage.clock import utc_now

    inputs = SigningInputs(
        db, clock=utc_now, definition_loader=load_definition_version, synthetic=False
    )
    reviews = ReviewStore(db)

    def content_hash(review_id: int, head: AuditHead) -> str:
        try:
            return inputs.content(reviews.get(review_id), head).sha256
        except UserError:  # the review or its case is gone: it cannot hash as signed
            return ""

    return content_hash


def require_intact(db: Database, doing: str) -> IntegrityReport:
    """Check the workspace before ``doing`` ("signing", "export", ...): raises
    :class:`WorkspaceIntegrityError`, naming what is wrong and what to do, unless intact."""
    report = check_workspace(db)
    if not report.ok:
        raise WorkspaceIntegrityError(refusal(report, doing), report)
    return report


def refusal(report: IntegrityReport, doing: str) -> str:
    what = "; ".join(report.problems)
    return (
        f"The workspace has been changed outside the app, so {doing} is refused: {what}. "
        f"{WHAT_TO_DO}"
    )


__all__ = [
    "SIGNATURE_ACTIONS",
    "WHAT_TO_DO",
    "IntegrityReport",
    "SealedProblem",
    "SealedSignature",
    "WorkspaceIntegrityError",
    "check_workspace",
    "refusal",
    "require_intact",
]
