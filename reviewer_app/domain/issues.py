"""What validation finds: issues with a severity, a stable rule code and a location.

The codes ("R2.comment_required") are stable so that the GUI, exports and tests can refer to
a rule without matching message text. Messages are plain language written from the definition
(labels and rule messages), never from answers or case details, so they can be logged and
shown anywhere without leaking patient data.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.domain.definition import Severity

__all__ = ["Issue", "Severity", "ValidationReport"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding. ``missing`` marks "still to answer" as opposed to a contradiction."""

    code: str
    severity: Severity
    message: str
    question_id: str | None = None
    group_id: str | None = None
    item_id: str | None = None
    missing: bool = False

    @property
    def location(self) -> str:
        """``question`` or ``group[item].question``; empty for case-level issues."""
        if self.group_id is not None and self.item_id is not None:
            return f"{self.group_id}[{self.item_id}].{self.question_id}"
        return self.question_id or ""

    @property
    def blocks_sign_off(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class ValidationReport:
    issues: tuple[Issue, ...] = ()

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def can_sign(self) -> bool:
        """No ERROR issue: warnings are shown but do not block sign-off."""
        return not self.errors

    @property
    def codes(self) -> set[str]:
        return {i.code for i in self.issues}

    def with_code(self, code: str) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.code == code)
