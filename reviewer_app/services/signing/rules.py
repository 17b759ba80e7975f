"""What may be done to a case's sign-off now, and how each refusal is said: one owner.

The sign-off service (``signoff``) enforces these rules; the desktop's Case menu reads the
same state (``CaseSigning``) to enable its actions and shows the same words when it refuses,
so a rule or a message changes in one place. Light on purpose (no pyHanko, no reportlab): the
GUI reads it on its own thread while the app starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.answers import group_items
from reviewer_app.domain.definition import GroupQuestion, ReviewDefinition, SectionKind, Severity
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.text_substance import is_meaningful
from reviewer_app.domain.triggers import fired
from reviewer_app.domain.values import YES, Answers
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import UserError
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.identity_store import StoredIdentity
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureStore

SIGNABLE_STATUSES = frozenset(
    {
        ReviewStatus.NOT_STARTED,
        ReviewStatus.IN_PROGRESS,
        ReviewStatus.READY_TO_SIGN,
        ReviewStatus.AMENDMENT_IN_PROGRESS,
        ReviewStatus.RECORDS_MISSING,
        ReviewStatus.HANDED_BACK,
        ReviewStatus.OUTSIDE_METHOD,
    }
)
"""The statuses a review version may be signed from (outcomes are signed as they stand)."""

NO_IDENTITY = (
    "This workspace has no reviewer identity, so nobody can sign here. Create your identity "
    "and import the pack your coordinator sends you first."
)
NOT_ENROLLED = (
    "Your identity is not enrolled yet: the study authority's certificate arrives with your "
    "first assignment pack. Import it, then sign."
)


class SignoffRefusedError(UserError):
    """Signing was refused; the message says why and what to do."""


class ValidationBlocksSigningError(SignoffRefusedError):
    """Validation reports errors: every one of them is named, so none is found one by one."""

    def __init__(self, errors: Sequence[Issue]) -> None:
        self.issues = tuple(errors)
        listed = "; ".join(i.message for i in errors)
        super().__init__(
            f"This review cannot be signed yet: {len(errors)} problem(s) must be fixed first: "
            f"{listed}."
        )


class UnacknowledgedWarningsError(SignoffRefusedError):
    def __init__(self, warnings: Sequence[Issue]) -> None:
        self.issues = tuple(warnings)
        codes = sorted({i.code for i in warnings})
        listed = "; ".join(f"{i.code}: {i.message}" for i in warnings)
        super().__init__(
            "Every warning must be read and acknowledged before signing. Not acknowledged: "
            f"{listed}. (Acknowledge with the codes {', '.join(codes)}.)"
        )


class NotEnrolledError(SignoffRefusedError):
    """No identity, or no certificate from the study authority yet."""


def not_enrolled_reason(stored: StoredIdentity | None) -> str | None:
    """Why this workspace cannot sign at all (no identity, or not certified yet); None if it can."""
    if stored is None:
        return NO_IDENTITY
    if stored.cert_pem is None:
        return NOT_ENROLLED
    return None


def amendment_reason_rule(min_length: int) -> str:
    """The rule an amendment's reason must meet, as the refusal says it."""
    return f"Give the reason for the amendment in at least {min_length} characters."


AMENDMENT_REASON_SUBSTANCE = (
    "The reason for the amendment must say what is corrected and why: punctuation or one "
    "repeated character is not a reason."
)
NOT_JOINT_NO_COSIGNATURE = (
    "Case {case_ref} is not a joint review, so its summary accepts no second signature."
)
NO_DESIGNATED_CO_REVIEWER = (
    "Case {case_ref} has no co-reviewer named in its assignment pack, so nobody may co-sign "
    "it here. Ask the coordinator to send the joint review's pack again."
)


def amendment_reason_problem(reason: str) -> str | None:
    """Why ``reason`` cannot be an amendment's reason (None: it can)."""
    return None if is_meaningful(reason) else AMENDMENT_REASON_SUBSTANCE


def finding_in(
    definition: ReviewDefinition, answers: Answers, *, urgent: bool = False
) -> str | None:
    """The finding a signed full review holds that no amendment may turn into another outcome:
    an escalation trigger that fired, an escalation (decided or recorded), or an immediate
    safety concern. None when there is none. The words name rules, never answers."""
    view = AnswerView(definition, answers)
    if fired(definition.escalation_triggers, view):
        return "an escalation trigger fired"
    for section in definition.sections_of_kind(SectionKind.ESCALATION):
        for question in section.questions:
            value = view.value(question.id)
            if isinstance(question, GroupQuestion) and group_items(value):
                return "an escalation was recorded"
            if question.type == "single_choice" and value == "escalate":
                return "the decision was to escalate"
    for section in definition.sections_of_kind(SectionKind.IMMEDIATE_SAFETY):
        for question in section.questions:
            if question.type == "yes_no" and view.value(question.id) == YES:
                return "an immediate safety concern was recorded"
    return "the case was flagged urgent" if urgent else None


def outcome_change_refusal(
    case_ref: str, version: int, definition: ReviewDefinition, answers: Answers, *, urgent: bool
) -> str | None:
    """Why signed full review ``version`` may not be amended into another outcome (or None)."""
    finding = finding_in(definition, answers, urgent=urgent)
    if finding is None:
        return None
    return (
        f"Case {case_ref} version {version} is a signed full review in which {finding}, so "
        "an amendment cannot turn it into another outcome (records missing, handed back or "
        "outside this method): a finding is not withdrawn by changing the outcome. Correct "
        "the review itself, or ask the study coordinator."
    )


FINDING_WITHDRAWN = "A1.finding_withdrawn"
"""The warning code of an amendment that no longer holds a finding an earlier signed version
recorded (it must be acknowledged, and is sealed with the signature)."""


def finding_parts(definition: ReviewDefinition, answers: Answers) -> tuple[str, ...]:
    """Every finding the answers hold, one phrase each: each escalation trigger that fired
    (by its label), an escalation decided or recorded, an immediate safety concern. Words from
    the definition only, never answers."""
    view = AnswerView(definition, answers)
    parts = [
        f'the escalation trigger "{t.label}"' for t in fired(definition.escalation_triggers, view)
    ]
    escalated = False
    for section in definition.sections_of_kind(SectionKind.ESCALATION):
        for question in section.questions:
            value = view.value(question.id)
            if isinstance(question, GroupQuestion) and group_items(value):
                escalated = True
            if question.type == "single_choice" and value == "escalate":
                escalated = True
    if escalated:
        parts.append("the escalation (decided or recorded)")
    for section in definition.sections_of_kind(SectionKind.IMMEDIATE_SAFETY):
        for question in section.questions:
            if question.type == "yes_no" and view.value(question.id) == YES:
                parts.append("the immediate safety concern")
                break
    return tuple(dict.fromkeys(parts))


def earlier_signed_versions(db: Database, review: Review) -> list[Review]:
    """Every version of the case before ``review`` that carries a signature, oldest first."""
    reviews = ReviewStore(db)
    return [
        r
        for r in reviews.versions(review.case_ref)
        if r.version < review.version and reviews.is_signed(r.id)
    ]


def case_outcome_change_refusal(
    db: Database, review: Review, definition_for: Callable[[Review], ReviewDefinition]
) -> str | None:
    """Why ``review`` (an amendment) may not become another outcome: EVERY earlier signed full
    review of the case is checked, so a finding removed in one amendment is not a route out
    of it in the next. None when no earlier signed full review holds a finding."""
    if review.amends_review_id is None:
        return None
    reviews = ReviewStore(db)
    for previous in earlier_signed_versions(db, review):
        if previous.status.is_outcome:
            continue
        refusal = outcome_change_refusal(
            previous.case_ref,
            previous.version,
            definition_for(previous),
            reviews.answers(previous.id),
            urgent=previous.urgent,
        )
        if refusal is not None:
            return refusal
    return None


def withdrawn_finding_warning(
    db: Database,
    review: Review,
    definition: ReviewDefinition,
    answers: Answers,
    definition_for: Callable[[Review], ReviewDefinition],
) -> Issue | None:
    """A warning (to acknowledge) when an amendment no longer holds a finding that an earlier
    signed version of the case recorded, naming each finding withdrawn; None otherwise."""
    if review.amends_review_id is None:
        return None
    now = set(finding_parts(definition, answers))
    reviews = ReviewStore(db)
    withdrawn: dict[str, list[int]] = {}
    for previous in earlier_signed_versions(db, review):
        for part in finding_parts(definition_for(previous), reviews.answers(previous.id)):
            if part not in now:
                withdrawn.setdefault(part, []).append(previous.version)
    if not withdrawn:
        return None
    listed = "; ".join(
        f"{part} (signed version {', '.join(str(v) for v in versions)})"
        for part, versions in withdrawn.items()
    )
    return Issue(
        FINDING_WITHDRAWN,
        Severity.WARNING,
        "This amendment withdraws a finding an earlier signed version recorded: "
        f"{listed}. Sign only if the finding was wrong, and say why in the amendment's reason.",
    )


@dataclass(frozen=True)
class CaseSigning:
    """A case's sign-off state: its latest review version and what has been signed."""

    case_ref: str
    review_id: int | None = None
    version: int | None = None
    status: ReviewStatus | None = None
    signature_count: int = 0
    """Signatures on the LATEST version (0 until it is signed; 2 once co-signed)."""
    signed_versions: tuple[int, ...] = ()
    joint: bool = False
    co_reviewer_name: str | None = None

    @property
    def can_sign(self) -> bool:
        return (
            self.review_id is not None
            and self.signature_count == 0
            and self.status in SIGNABLE_STATUSES
        )

    @property
    def can_cosign(self) -> bool:
        return self.joint and self.signature_count == 1

    @property
    def awaiting_cosignature(self) -> bool:
        """A joint review signed by the reviewer whose co-reviewer has not signed yet."""
        return self.can_cosign

    @property
    def can_amend(self) -> bool:
        return self.status is ReviewStatus.SIGNED and self.signature_count > 0

    @property
    def has_summary(self) -> bool:
        """A signed summary exists (of the latest signed version, maybe not the latest)."""
        return bool(self.signed_versions)

    @property
    def latest_signed_version(self) -> int | None:
        return self.signed_versions[-1] if self.signed_versions else None

    def why_not_sign(self) -> str:
        if self.review_id is None:
            return (
                f"Case {self.case_ref} has no review yet. Open it and answer the questions first."
            )
        if self.signature_count:
            return (
                f"Case {self.case_ref}, version {self.version} is already signed. To correct "
                "it, use Case ▸ Amend…."
            )
        label = self.status.label.lower() if self.status else "in this state"
        return f"A review that is {label} cannot be signed."

    def why_not_cosign(self) -> str:
        if not self.joint:
            return NOT_JOINT_NO_COSIGNATURE.format(case_ref=self.case_ref)
        if self.signature_count == 0:
            return f"Case {self.case_ref} must be signed by the reviewer before it is co-signed."
        return f"Case {self.case_ref}, version {self.version} is already co-signed."

    def why_not_amend(self) -> str:
        if self.signature_count == 0:
            return f"Only a signed review can be amended; case {self.case_ref} is not signed."
        return f"Case {self.case_ref}'s signed outcome cannot be amended here."

    def why_no_summary(self) -> str:
        return (
            f"Case {self.case_ref} has not been signed, so there is no signed summary yet. "
            "Sign the review first."
        )


def case_signing(db: Database, case_ref: str) -> CaseSigning:
    """Read on the caller's connection (quick: a few indexed queries)."""
    versions = ReviewStore(db).versions(case_ref)
    if not versions:
        return CaseSigning(case_ref)
    signatures = SignatureStore(db)
    counts = {r.version: len(signatures.signatures(r.id)) for r in versions}
    latest = versions[-1]
    assignment = AssignmentStore(db).assignment(case_ref)
    joint = assignment is not None and assignment.review_mode == ReviewMode.JOINT
    return CaseSigning(
        case_ref=case_ref,
        review_id=latest.id,
        version=latest.version,
        status=latest.status,
        signature_count=counts[latest.version],
        signed_versions=tuple(v for v, n in counts.items() if n > 0),
        joint=joint,
        co_reviewer_name=(assignment.co_reviewer_name or None) if joint and assignment else None,
    )
