"""A reviewer's unlocked workspace and the use-cases on it, for the GUI and the CLI alike."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.cases import CaseStore, CaseSummary


class ReviewerSession:
    """Everything a front end does with an unlocked workspace goes through here."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.cases = CaseStore(workspace.db)

    @classmethod
    def unlock(cls, folder: Path, passphrase: str) -> ReviewerSession:
        return cls(Workspace.unlock(folder, passphrase))

    @property
    def folder(self) -> Path:
        return self.workspace.folder

    def list_cases(self) -> list[CaseSummary]:
        return self.cases.list_summaries()

    def close(self) -> None:
        self.workspace.close()

    def __enter__(self) -> ReviewerSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
