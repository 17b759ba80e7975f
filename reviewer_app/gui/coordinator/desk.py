"""What the coordinator's window is given: the open study and the few reads it needs.

Built by the composition root (app.py). Every section calls the study's services with
``desk.study`` (the GUI thread's connection); long work runs on a worker thread with its own
connection, from ``desk.worker_study()``, closed there. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewer_app.domain.case import Case
    from reviewer_app.domain.panel import Reviewer
    from reviewer_app.services.study import Study


@dataclass
class StudyDesk:
    """The open study as the window sees it (see the module docstring)."""

    study: Study
    label: str  # the study folder, as shown
    worker_study: Callable[[], Study]  # a new connection for the calling thread
    cohort_cases: Callable[[], Sequence[Case]]
    panel_reviewers: Callable[[], Sequence[Reviewer]]
    enrolled: Callable[[], Mapping[str, Any]]  # reviewer ref -> active enrolment
    verify_passphrase: Callable[[str], object]  # raises WrongPassphraseError
    synthetic: bool = False
    public_passphrase: str | None = None  # the practice study's (public on purpose)

    def close(self) -> None:
        self.study.close()
