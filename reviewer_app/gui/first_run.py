"""The first-run assistant: workspace, identity, enrolment request, first assignment pack.

Each page shows and asks; the session decides (``ReviewerSession.create``, ``create_identity``,
``preview_pack``, ``import_pack``), the shared-drive service names and writes the request
(``services.shared_drive.folder``) and the passphrase service judges the passphrase
(``services.passphrases.assess_passphrase``: the hint and the refusal agree). Work that
touches the workspace goes through the runner given in, so tests can drive every page
synchronously.

The pack page is ``gui/pack_import.py``'s ``PackImportPanel``, also usable on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from reviewer_app.errors import UserError
from reviewer_app.gui.launch import window_title
from reviewer_app.gui.pack_import import PackImportPanel, PackSession
from reviewer_app.gui.page_messages import error_label, intro, show_failure, show_text
from reviewer_app.gui.passphrase_field import hidden_field
from reviewer_app.gui.reviewer_fields import ReviewerFields
from reviewer_app.gui.settings import AppSettings, ReviewerDetailsForm
from reviewer_app.gui.tasks import Runner
from reviewer_app.services.passphrases import MIN_PASSPHRASE_LENGTH, assess_passphrase
from reviewer_app.services.shared_drive.folder import request_file_name, write_into

log = logging.getLogger(__name__)


class FirstRunSession(PackSession, Protocol):
    """What the assistant needs of a new workspace (ReviewerSession fits)."""

    @property
    def folder(self) -> Path: ...
    def has_identity(self) -> bool: ...
    def create_identity(
        self, *, name: str, profession: str, registration: str, email: str | None
    ) -> bytes: ...


SessionFactory = Callable[[Path, str], FirstRunSession]


def passphrase_strength(text: str) -> tuple[int, str]:
    """The hint under the passphrase: 0 too short, 1 refused (too easy to guess), 2 good,
    3 strong, and what to say. The judgement is the service's, so a passphrase called good
    here is one the workspace accepts."""
    if len(text.strip()) < MIN_PASSPHRASE_LENGTH:
        return 0, f"Too short: use at least {MIN_PASSPHRASE_LENGTH} characters."
    strength = assess_passphrase(text)
    if not strength.acceptable:
        return 1, f"Too easy to guess. {strength.advice}".strip()
    if strength.score >= 4:
        return 3, "Strong. A sentence only you would think of is hard to guess."
    return 2, "Good. A few more words would make it stronger."


class _StepPage(QWizardPage):
    """A page whose Next runs one piece of work on the runner and moves on once it is done.

    With a synchronous runner the work is done inside ``validatePage`` (which then answers
    for itself); with a worker it finishes later, and the page moves the wizard on then.
    """

    def __init__(self, runner: Runner, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._runner = runner
        self._wizard = wizard
        self._validating = False
        self.error = error_label(self)

    def run_step(
        self, work: Callable[[], object], finish: Callable[[object], None], label: str
    ) -> None:
        show_text(self.error, "")

        def done(result: object) -> None:
            finish(result)
            if not self._validating:  # finished later, on a worker: move on now
                self._wizard.next()

        self._validating = True
        try:
            self._runner.run(
                lambda _p: work(),
                done,
                lambda err: show_failure(self.error, err, self),
                label=label,
                parent=self,
            )
        finally:
            self._validating = False


# --- page 1: the workspace -------------------------------------------------------------------


class WorkspacePage(_StepPage):
    def __init__(
        self, folder: Path, create: SessionFactory, runner: Runner, wizard: FirstRunWizard
    ):
        super().__init__(runner, wizard)
        self._create = create
        self.setTitle("Create your workspace")
        self.setSubTitle("Your cases and reviews are kept here, encrypted, on this computer.")
        layout = QVBoxLayout(self)
        layout.addLayout(self._passphrase_form(folder))
        self.strength = QLabel("", self)
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName("Passphrase strength")
        layout.addWidget(self.strength)
        self.mismatch = QLabel("", self)
        self.mismatch.setProperty("severity", "warning")
        self.mismatch.setAccessibleName("Passphrases differ")
        layout.addWidget(self.mismatch)
        warning = QLabel(
            "<b>Nobody can recover this passphrase.</b> If you forget it, your workspace "
            "cannot be opened by you, the study team or IT, and unsigned work in it is lost. "
            "Write it down and keep it somewhere safe, away from this computer.",
            self,
        )
        warning.setObjectName("warningBox")
        warning.setWordWrap(True)
        warning.setAccessibleName("Warning: the passphrase cannot be recovered")
        layout.addWidget(warning)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.passphrase.textChanged.connect(self._changed)
        self.repeat.textChanged.connect(self._changed)
        self._changed()

    def _passphrase_form(self, folder: Path) -> QFormLayout:
        form = QFormLayout()
        self.folder = QLineEdit(str(folder), self)
        self.folder.setAccessibleName("Workspace folder")
        self.folder.setReadOnly(True)
        self.passphrase = hidden_field("New passphrase", self)
        self.repeat = hidden_field("Type the passphrase again", self)
        rows = (
            ("Folder:", self.folder),
            ("&Passphrase:", self.passphrase),
            ("Type it &again:", self.repeat),
        )
        for text, field in rows:
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        return form

    def _changed(self) -> None:
        level, text = passphrase_strength(self.passphrase.text())
        self.strength.setText(f"Strength: {text}" if self.passphrase.text() else "")
        self.strength.setProperty("severity", "warning" if level <= 1 else "")
        self.strength.style().unpolish(self.strength)
        self.strength.style().polish(self.strength)
        differ = bool(self.repeat.text()) and self.repeat.text() != self.passphrase.text()
        self.mismatch.setText("The two passphrases differ." if differ else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        first = self.passphrase.text()
        return len(first.strip()) >= MIN_PASSPHRASE_LENGTH and first == self.repeat.text()

    def validatePage(self) -> bool:
        if self._wizard.session is not None:
            return True
        folder, passphrase = Path(self.folder.text()), self.passphrase.text()

        def created(session: object) -> None:
            self._wizard.session = session  # type: ignore[assignment]
            self.passphrase.clear()
            self.repeat.clear()

        self.run_step(
            lambda: self._create(folder, passphrase),
            created,
            "Creating your encrypted workspace…",
        )
        return self._wizard.session is not None


# --- page 2: the reviewer ---------------------------------------------------------------------


class IdentityPage(_StepPage):
    def __init__(self, settings: AppSettings, runner: Runner, wizard: FirstRunWizard):
        super().__init__(runner, wizard)
        self._settings = settings
        self.setTitle("About you")
        self.setSubTitle(
            "The study coordinator uses these details to check your registration and to "
            "issue your signing certificate."
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        details = settings.reviewer
        self.fields = ReviewerFields.add_to(self, form, details)
        self.name, self.profession = self.fields.name, self.fields.profession
        self.registration, self.email = self.fields.registration, self.fields.email
        self.name.setPlaceholderText("As it should appear on signed reviews")
        self.email.setPlaceholderText("Your NHS email address")
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        for edit in (self.name, self.registration, self.email):
            edit.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return all(e.text().strip() for e in (self.name, self.registration, self.email))

    def details(self) -> ReviewerDetailsForm:
        return self.fields.details()

    def validatePage(self) -> bool:
        session = self._wizard.session
        if session is None:
            return False
        if self._wizard.request is not None or session.has_identity():
            return True
        details = self.details()

        def made(request: object) -> None:
            assert isinstance(request, bytes)
            self._wizard.request = request
            self._settings.reviewer = details

        self.run_step(
            lambda: session.create_identity(
                name=details.name,
                profession=details.profession,
                registration=details.registration,
                email=details.email,
            ),
            made,
            "Making your signing key…",
        )
        return self._wizard.request is not None


# --- page 3: the enrolment request -------------------------------------------------------------


class EnrolmentPage(QWizardPage):
    def __init__(self, settings: AppSettings, wizard: FirstRunWizard):
        super().__init__()
        self._settings = settings
        self._wizard = wizard
        self.saved_to: Path | None = None
        self.setTitle("Send your enrolment request")
        self.setSubTitle(
            "Save the request to the study's shared folder (or anywhere you can email it from). "
            "It holds your details and your public key, nothing secret."
        )
        layout = QVBoxLayout(self)
        layout.addLayout(self._folder_row(settings.shared_folder or Path.home()))
        self.save_button = QPushButton("&Save the request", self)
        self.save_button.setObjectName("primary")
        self.save_button.setAccessibleName("Save the enrolment request")
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Where the request was saved")
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)
        self.error = error_label(self)
        layout.addWidget(self.error)
        layout.addWidget(
            intro(
                "This folder is remembered as your shared folder: the app looks there for "
                "assignment packs from the coordinator.",
                self,
            )
        )
        layout.addStretch(1)

    def _folder_row(self, start: Path) -> QHBoxLayout:
        row = QHBoxLayout()
        self.folder = QLineEdit(str(start), self)
        self.folder.setAccessibleName("Folder to save the request in")
        folder_label = QLabel("&Folder:", self)
        folder_label.setBuddy(self.folder)
        self.browse = QPushButton("&Browse…", self)
        self.browse.setAccessibleName("Choose the folder")
        self.browse.clicked.connect(self._browse)
        row.addWidget(folder_label)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        return row

    def initializePage(self) -> None:
        if self._wizard.request is None:
            self.result.setText(
                "Your identity already exists in this workspace; you can go on to the next step."
            )
            self.save_button.setEnabled(False)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the request in", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def save(self) -> None:
        request = self._wizard.request
        if request is None:
            return
        folder = Path(self.folder.text().strip()).expanduser()
        name = request_file_name(self._settings.reviewer.name)
        try:
            target = write_into(folder, name, request, what="request")
        except UserError as err:
            show_text(self.error, str(err))
            return
        show_text(self.error, "")
        self.saved_to = target
        self._settings.shared_folder = folder
        self.result.setText(
            f"Saved: {target}\nSend it to the study coordinator if it is not in the shared "
            "folder. They will read your key fingerprint back to you."
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._wizard.request is None or self.saved_to is not None


# --- page 4: the first pack --------------------------------------------------------------------


class PackPage(QWizardPage):
    def __init__(self, settings: AppSettings, runner: Runner, wizard: FirstRunWizard):
        super().__init__()
        self._wizard = wizard
        self.setTitle("Import your cases")
        self.setSubTitle(
            "The coordinator sends an assignment pack once your enrolment is approved. If you "
            "have it, import it now; otherwise choose Finish and import it later."
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.panel = PackImportPanel(lambda: wizard.session, settings, runner, self)
        layout.addWidget(self.panel)

    def initializePage(self) -> None:
        self.panel.refresh()


# --- the wizard --------------------------------------------------------------------------------


class FirstRunWizard(QWizard):
    """Walks a new reviewer from nothing to a workspace with an identity (and maybe cases)."""

    def __init__(
        self,
        folder: Path,
        create_session: SessionFactory,
        settings: AppSettings,
        runner: Runner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session: FirstRunSession | None = None
        self.request: bytes | None = None
        self.setWindowTitle(window_title("First start"))
        self.setAccessibleName("First start")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.workspace_page = WorkspacePage(folder, create_session, runner, self)
        self.identity_page = IdentityPage(settings, runner, self)
        self.enrolment_page = EnrolmentPage(settings, self)
        self.pack_page = PackPage(settings, runner, self)
        for page in (self.workspace_page, self.identity_page, self.enrolment_page, self.pack_page):
            self.addPage(page)
        self.resize(760, 560)
        self.currentIdChanged.connect(self._on_page)

    def _on_page(self, _page_id: int) -> None:
        # Once the workspace exists, going back to re-create it makes no sense.
        page = self.currentPage()
        back = self.button(QWizard.WizardButton.BackButton)
        if page is self.identity_page or (page is self.enrolment_page and self.request):
            back.setEnabled(False)
