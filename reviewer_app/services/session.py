"""A reviewer's unlocked workspace and the use-cases on it, for the GUI and the CLI alike."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.closing import ClosesOnExit
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams
from reviewer_app.storage.workspace.cases import CaseStore, CaseSummary
from reviewer_app.storage.workspace.identity_store import IdentityStore, StoredIdentity

if TYPE_CHECKING:
    from reviewer_app.services.packs.importer import ImportReport, PackPreview
    from reviewer_app.services.returns.report import ReturnReport

# pack_import and reviewer_identity load cryptography, asn1crypto and pyHanko: they are
# imported inside the methods that use them, so opening the app stays quick.


class ReviewerSession(ClosesOnExit):
    """Everything a front end does with an unlocked workspace goes through here."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.cases = CaseStore(workspace.db)

    @classmethod
    def unlock(cls, folder: Path, passphrase: str) -> ReviewerSession:
        return cls(Workspace.unlock(folder, passphrase))

    @classmethod
    def create(
        cls, folder: Path, passphrase: str, *, kdf: KdfParams = PRODUCTION_KDF
    ) -> ReviewerSession:
        """A new, empty workspace in ``folder`` (a local folder)."""
        return cls(Workspace.create(folder, passphrase, kdf=kdf))

    @property
    def folder(self) -> Path:
        return self.workspace.folder

    def list_cases(self) -> list[CaseSummary]:
        """The case list; progress is answered questions against the definition's required
        ones (an estimate: only a validated review shows as complete)."""
        return self.cases.list_summaries(_required_questions())

    def case_row(self, case_ref: str) -> CaseSummary | None:
        """One case's row of the case list, read afresh (status, progress and flags now)."""
        return self.cases.summary(case_ref, _required_questions())

    # -- identity

    def has_identity(self) -> bool:
        return IdentityStore(self.workspace.db).exists()

    def identity(self) -> StoredIdentity | None:
        return IdentityStore(self.workspace.db).get()

    def create_identity(
        self,
        *,
        name: str,
        profession: str,
        registration: str,
        email: str | None,
        request_out: Path | None = None,
    ) -> bytes:
        """Make the reviewer's key pair here; returns (and optionally writes) the request."""
        from reviewer_app.services.trust import workspace_identity as reviewer_identity

        return reviewer_identity.create_reviewer_identity(
            self.workspace,
            name=name,
            profession=profession,
            registration=registration,
            email=email,
            request_out=request_out,
        )

    def key_fingerprint(self) -> str:
        from reviewer_app.services.trust import workspace_identity as reviewer_identity

        return reviewer_identity.identity_key_fingerprint(self.workspace)

    def check_exportable(self) -> None:
        from reviewer_app.services.trust import workspace_identity as reviewer_identity

        reviewer_identity.check_exportable(self.workspace)

    def export_identity(self, passphrase: str, out: Path | None = None) -> bytes:
        from reviewer_app.services.trust import workspace_identity as reviewer_identity

        return reviewer_identity.export_identity(self.workspace, passphrase, out)

    # -- packs

    def preview_pack(self, data: bytes) -> PackPreview:
        from reviewer_app.services.packs import importer as pack_import

        return pack_import.preview_pack(self.workspace, data)

    def import_pack(
        self,
        data: bytes,
        trust_fingerprint: str | None = None,
        progress: Progress = no_progress,
    ) -> ImportReport:
        from reviewer_app.services.packs import importer as pack_import

        return pack_import.import_pack(
            self.workspace, data, trust_fingerprint=trust_fingerprint, progress=progress
        )

    # -- returns

    def return_reviews(self, folder: Path, progress: Progress = no_progress) -> ReturnReport:
        """Every signed review version not yet returned, to the shared ``folder``."""
        from reviewer_app.services.returns.writer import return_signed_reviews

        return return_signed_reviews(self.workspace, folder, progress=progress)

    def close(self) -> None:
        self.workspace.close()


def _required_questions() -> int:
    from reviewer_app.domain.definition import default_definition

    definition = default_definition()
    return sum(1 for s in definition.sections for q in s.questions if q.required)
