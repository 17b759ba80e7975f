"""What a return wrote, in words for the CLI and the GUI (case refs and counts only)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reviewer_app.services.returns.format import Outcome
from reviewer_app.services.returns.items import HeldBack

OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.REVIEWED: "full review",
    Outcome.RECORDS_MISSING: "records missing",
    Outcome.HANDED_BACK: "handed back",
    Outcome.OUTSIDE_METHOD: "outside this method",
}

__all__ = ["OUTCOME_WORDS", "HeldBack", "ReturnReport", "WrittenBundle"]


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    sequence: int
    bundle_id: str
    returned_at: dt.datetime
    items: tuple[tuple[str, int, Outcome], ...]  # (case ref, version, outcome)


@dataclass(frozen=True)
class ReturnReport:
    folder: Path
    bundles: tuple[WrittenBundle, ...]
    held_back: tuple[HeldBack, ...] = ()

    @property
    def item_count(self) -> int:
        return sum(len(b.items) for b in self.bundles)

    def by_outcome(self) -> dict[Outcome, int]:
        counts = Counter(outcome for b in self.bundles for _, _, outcome in b.items)
        return {o: counts[o] for o in Outcome if counts[o]}

    def outcome_text(self) -> str:
        return ", ".join(f"{n} {OUTCOME_WORDS[o]}" for o, n in self.by_outcome().items())

    def summary_lines(self) -> list[str]:
        lines: list[str] = []
        if not self.bundles:
            lines.append("Nothing to return: every signed review has been returned already.")
        else:
            count = self.item_count
            lines.append(
                f"Returned {count} signed review version{'s' if count != 1 else ''} "
                f"({self.outcome_text()}) to {self.folder}:"
            )
            for bundle in self.bundles:
                lines.append(f"  {bundle.path.name}: {len(bundle.items)}")
        for held in self.held_back:
            lines.append(
                f"Not returned: {held.case_ref} version {held.version} {held.reason.advice}."
            )
        return lines
