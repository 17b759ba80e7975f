"""What one ``collect`` did: per reviewer, new / unchanged / superseded / older versions,
conflicts and quarantined files; printed as lines or given as JSON (the same facts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer_app.domain.vocabulary import CollectedAs, QuarantineReason

UNKNOWN_REVIEWER = "(unknown)"


@dataclass(frozen=True)
class QuarantinedFile:
    file_name: str
    reason: QuarantineReason
    message: str
    reviewer_ref: str | None
    kept_as: str


@dataclass(frozen=True)
class Conflict:
    case_ref: str
    reviewer_ref: str
    version: int
    file_name: str


@dataclass
class ReviewerCounts:
    new: int = 0
    superseded: int = 0
    unchanged: int = 0
    older: int = 0
    conflicts: int = 0
    quarantined: int = 0

    def add(self, outcome: CollectedAs) -> None:
        name = "conflicts" if outcome is CollectedAs.CONFLICT else outcome.value
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class CollectionReport:
    folder: Path
    files_seen: int = 0
    files_collected: int = 0  # new files that passed
    files_already: int = 0  # read before (same SHA-256): not verified again
    files_moved: int = 0
    by_reviewer: dict[str, ReviewerCounts] = field(default_factory=dict)
    quarantined: list[QuarantinedFile] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    not_moved: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # could not be read now: try again

    def counts(self, reviewer_ref: str | None) -> ReviewerCounts:
        return self.by_reviewer.setdefault(reviewer_ref or UNKNOWN_REVIEWER, ReviewerCounts())

    def totals(self) -> dict[str, int]:
        total = ReviewerCounts()
        for counts in self.by_reviewer.values():
            for name, value in vars(counts).items():
                setattr(total, name, getattr(total, name) + value)
        return {
            **vars(total),
            "files_seen": self.files_seen,
            "files_collected": self.files_collected,
            "files_already_collected": self.files_already,
            "files_moved": self.files_moved,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "totals": self.totals(),
            "by_reviewer": {ref: vars(c) for ref, c in sorted(self.by_reviewer.items())},
            "quarantined": [
                {
                    "file": q.file_name,
                    "reason": q.reason.value,
                    "message": q.message,
                    "reviewer_ref": q.reviewer_ref,
                    "kept_as": q.kept_as,
                }
                for q in self.quarantined
            ],
            "conflicts": [vars(c) for c in self.conflicts],
            "not_moved": self.not_moved,
            "unreadable": self.unreadable,
        }

    def summary_lines(self) -> list[str]:
        t = self.totals()
        lines = [
            f"Collected from {self.folder}: {self.files_seen} return file(s), "
            f"{self.files_collected} new, {self.files_already} already collected.",
            f"Review versions: {t['new']} new, {t['superseded']} superseding an earlier "
            f"version, {t['unchanged']} unchanged, {t['older']} older than the version in "
            f"force (ignored), {t['conflicts']} conflict(s); {t['quarantined']} file(s) "
            "quarantined.",
        ]
        for ref, c in sorted(self.by_reviewer.items()):
            lines.append(
                f"  {ref}: {c.new} new, {c.superseded} superseding, {c.unchanged} unchanged, "
                f"{c.older} older, {c.conflicts} conflicts, {c.quarantined} quarantined"
            )
        lines.extend(
            f"Quarantined {q.file_name} ({q.reason.value}): {q.message}. Kept as {q.kept_as}."
            for q in self.quarantined
        )
        lines.extend(
            f"CONFLICT: {c.reviewer_ref} returned case {c.case_ref} version {c.version} again "
            f"with different content ({c.file_name}); the first one received is kept."
            for c in self.conflicts
        )
        if self.files_moved:
            lines.append(f"{self.files_moved} processed file(s) moved into collected/.")
        lines.extend(f"Could not move {name} into collected/." for name in self.not_moved)
        lines.extend(
            f"Could not read {name} now (the drive?): run collect again."
            for name in self.unreadable
        )
        return lines
