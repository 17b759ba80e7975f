"""The first-run assistant: workspace, identity, enrolment request, first assignment pack.

Each page shows and asks; the session decides (``ReviewerSession.create``, ``create_identity``,
``preview_pack``, ``import_pack``). Work that touches the workspace goes through the runner
given in, so tests can drive every page synchronously.

The pack page is also usable on its own (``PackImportPanel``) for later packs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.errors import UserError
from reviewer_app.gui.launch import window_title
from reviewer_app.gui.reviewer_fields import ReviewerFields
from reviewer_app.gui.settings import AppSettings, ReviewerDetailsForm
from reviewer_app.gui.tasks import Runner

log = logging.getLogger(__name__)

MIN_PASSPHRASE = 10  # mirrors services.workspace.MIN_PASSPHRASE_LENGTH (which has the last word)
PACK_PATTERN = "*.p7m"


class FirstRunSession(Protocol):
    """What the assistant needs of a new workspace (ReviewerSession fits)."""

    @property
    def folder(self) -> Path: ...
    def has_identity(self) -> bool: ...
    def create_identity(
        self, *, name: str, profession: str, registration: str, email: str | None
    ) -> bytes: ...
    def preview_pack(self, data: bytes) -> Any: ...
    def import_pack(
        self, data: bytes, trust_fingerprint: str | None = None, progress: Any = ...
    ) -> Any: ...


SessionFactory = Callable[[Path, str], FirstRunSession]


def passphrase_strength(text: str) -> tuple[int, str]:
    """A rough hint (0 too short, 1 fair, 2 good, 3 strong) and what to say about it."""
    stripped = text.strip()
    if len(stripped) < MIN_PASSPHRASE:
        return 0, f"Too short: use at least {MIN_PASSPHRASE} characters."
    words = len(stripped.split())
    kinds = sum(
        bool(re.search(pattern, stripped))
        for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z\d\s]")
    )
    score = len(stripped) + 4 * max(0, words - 1) + 3 * max(0, kinds - 1)
    if score >= 30:
        return 3, "Strong. A sentence only you would think of is hard to guess."
    if score >= 18:
        return 2, "Good. A few more words would make it stronger."
    return 1, "Fair: add a few more words; a short sentence is easy to remember."


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setWordWrap(True)
    label.setProperty("severity", "error")
    label.setAccessibleName("Problem")
    label.hide()
    return label


def _show(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def _intro(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


# --- page 1: the workspace -------------------------------------------------------------------


class WorkspacePage(QWizardPage):
    def __init__(
        self, folder: Path, create: SessionFactory, runner: Runner, wizard: FirstRunWizard
    ):
        super().__init__()
        self._create = create
        self._runner = runner
        self._validating = False
        self._wizard = wizard
        self.setTitle("Create your workspace")
        self.setSubTitle("Your cases and reviews are kept here, encrypted, on this computer.")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.folder = QLineEdit(str(folder), self)
        self.folder.setAccessibleName("Workspace folder")
        self.folder.setReadOnly(True)
        folder_label = QLabel("Folder:", self)
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, self.folder)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("New passphrase")
        label = QLabel("&Passphrase:", self)
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Type the passphrase again")
        again = QLabel("Type it &again:", self)
        again.setBuddy(self.repeat)
        form.addRow(again, self.repeat)
        layout.addLayout(form)
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
        self.error = _error_label(self)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.passphrase.textChanged.connect(self._changed)
        self.repeat.textChanged.connect(self._changed)
        self._changed()

    def _changed(self) -> None:
        level, text = passphrase_strength(self.passphrase.text())
        self.strength.setText(f"Strength: {text}" if self.passphrase.text() else "")
        self.strength.setProperty("severity", "warning" if level == 0 else "")
        self.strength.style().unpolish(self.strength)
        self.strength.style().polish(self.strength)
        differ = bool(self.repeat.text()) and self.repeat.text() != self.passphrase.text()
        self.mismatch.setText("The two passphrases differ." if differ else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        first = self.passphrase.text()
        return len(first.strip()) >= MIN_PASSPHRASE and first == self.repeat.text()

    def validatePage(self) -> bool:
        if self._wizard.session is not None:
            return True
        folder, passphrase = Path(self.folder.text()), self.passphrase.text()
        _show(self.error, "")

        def done(session: object) -> None:
            self._wizard.session = session  # type: ignore[assignment]
            self.passphrase.clear()
            self.repeat.clear()
            if not self._validating:  # finished later, on a worker: move on now
                self._wizard.next()

        def failed(err: BaseException) -> None:
            if isinstance(err, UserError):
                _show(self.error, str(err))
            else:
                from reviewer_app.gui.crash_dialog import report_exception

                report_exception(err, self)

        self._validating = True
        try:
            self._runner.run(
                lambda _p: self._create(folder, passphrase),
                done,
                failed,
                label="Creating your encrypted workspace…",
                parent=self,
            )
        finally:
            self._validating = False
        return self._wizard.session is not None


# --- page 2: the reviewer ---------------------------------------------------------------------


class IdentityPage(QWizardPage):
    def __init__(self, settings: AppSettings, runner: Runner, wizard: FirstRunWizard):
        super().__init__()
        self._settings = settings
        self._runner = runner
        self._wizard = wizard
        self._validating = False
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
        self.error = _error_label(self)
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
        _show(self.error, "")

        def done(request: object) -> None:
            assert isinstance(request, bytes)
            self._wizard.request = request
            self._settings.reviewer = details
            if not self._validating:
                self._wizard.next()

        def failed(err: BaseException) -> None:
            if isinstance(err, UserError):
                _show(self.error, str(err))
            else:
                from reviewer_app.gui.crash_dialog import report_exception

                report_exception(err, self)

        self._validating = True
        try:
            self._runner.run(
                lambda _p: session.create_identity(
                    name=details.name,
                    profession=details.profession,
                    registration=details.registration,
                    email=details.email,
                ),
                done,
                failed,
                label="Making your signing key…",
                parent=self,
            )
        finally:
            self._validating = False
        return self._wizard.request is not None


# --- page 3: the enrolment request -------------------------------------------------------------


def request_file_name(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "reviewer"
    return f"enrolment-request-{slug}.json"


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
        row = QHBoxLayout()
        start = settings.shared_folder or Path.home()
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
        layout.addLayout(row)
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
        self.error = _error_label(self)
        layout.addWidget(self.error)
        layout.addWidget(
            _intro(
                "This folder is remembered as your shared folder: the app looks there for "
                "assignment packs from the coordinator.",
                self,
            )
        )
        layout.addStretch(1)

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
        name = self._settings.reviewer.name
        target = folder / request_file_name(name)
        try:
            if not folder.is_dir():
                raise UserError(f"There is no folder {folder}. Choose a folder that exists.")
            atomic_write_bytes(target, request)
        except UserError as err:
            _show(self.error, str(err))
            return
        except OSError:
            _show(
                self.error,
                f"The request could not be saved in {folder}. Check that the folder is "
                "reachable and that you may write there, or choose another folder.",
            )
            return
        _show(self.error, "")
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


def waiting_packs(folder: Path | None) -> list[Path]:
    """Packs in the shared folder, newest first."""
    if folder is None or not folder.is_dir():
        return []
    try:
        found = [p for p in folder.glob(PACK_PATTERN) if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def grouped_fingerprint(text: str) -> str:
    """A fingerprint in groups of four so it can be read out over the phone."""
    compact = re.sub(r"[^0-9A-Fa-f]", "", text)
    if len(compact) < 8:
        return text
    groups = [compact[i : i + 4].upper() for i in range(0, len(compact), 4)]
    lines = [" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8)]
    return "\n".join(lines)


class PackImportPanel(QWidget):
    """Choose a pack (file dialog, drag and drop, or the shared folder), check it, import it."""

    imported = Signal(object)

    def __init__(  # noqa: PLR0915 - one statement per widget
        self,
        session_getter: Callable[[], FirstRunSession | None],
        settings: AppSettings,
        runner: Runner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session_getter
        self._settings = settings
        self._runner = runner
        self.data: bytes | None = None
        self.preview: Any = None
        self.report: Any = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)

        self.waiting = QListWidget(self)
        self.waiting.setAccessibleName("Packs waiting in the shared folder")
        self.waiting.setMaximumHeight(110)
        waiting_label = QLabel("Packs &waiting in the shared folder:", self)
        waiting_label.setBuddy(self.waiting)
        layout.addWidget(waiting_label)
        layout.addWidget(self.waiting)
        buttons = QHBoxLayout()
        self.refresh_button = QPushButton("&Look again", self)
        self.refresh_button.setAccessibleName("Look again for packs in the shared folder")
        self.choose_button = QPushButton("&Choose a pack file…", self)
        self.choose_button.setAccessibleName("Choose a pack file")
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(_intro("You can also drag a pack file onto this window.", self))

        self.summary = QGroupBox("The pack", self)
        summary_layout = QVBoxLayout(self.summary)
        self.summary_text = QLabel("", self.summary)
        self.summary_text.setWordWrap(True)
        self.summary_text.setAccessibleName("About the pack")
        summary_layout.addWidget(self.summary_text)
        self.fingerprint = QLabel("", self.summary)
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName("Study fingerprint")
        summary_layout.addWidget(self.fingerprint)
        self.trust = QCheckBox(
            "The study coordinator read me this same fingerprint, and it matches", self.summary
        )
        self.trust.setAccessibleName("Confirm the study fingerprint matches")
        summary_layout.addWidget(self.trust)
        self.import_button = QPushButton("&Import the pack", self.summary)
        self.import_button.setObjectName("primary")
        self.import_button.setAccessibleName("Import the pack")
        summary_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.summary.hide()
        layout.addWidget(self.summary)
        self.error = _error_label(self)
        layout.addWidget(self.error)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Import result")
        layout.addWidget(self.result)
        layout.addStretch(1)

        self.refresh_button.clicked.connect(self.refresh)
        self.choose_button.clicked.connect(self._choose)
        self.waiting.itemActivated.connect(self._from_item)
        self.waiting.currentItemChanged.connect(lambda item, _old: self._from_item(item))
        self.trust.toggled.connect(self._update_import_button)
        self.import_button.clicked.connect(self.start_import)
        self.refresh()

    def refresh(self) -> None:
        self.waiting.clear()
        packs = waiting_packs(self._settings.shared_folder)
        for path in packs:
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.waiting.addItem(item)
        if not packs:
            item = QListWidgetItem("No packs yet. They arrive once the coordinator approves you.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.waiting.addItem(item)

    def _from_item(self, item: QListWidgetItem | None) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.load_file(Path(str(item.data(Qt.ItemDataRole.UserRole))))

    def _choose(self) -> None:
        start = str(self._settings.shared_folder or Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose an assignment pack", start, "Assignment packs (*.p7m);;All files (*)"
        )
        if name:
            self.load_file(Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.load_file(files[0])

    def load_file(self, path: Path) -> None:
        """Read a pack and show what it is, without importing it."""
        _show(self.error, "")
        self.result.setText("")
        try:
            data = path.read_bytes()
        except OSError:
            _show(self.error, f"The file {path.name} could not be read. Is the folder reachable?")
            return
        session = self._session()
        if session is None:
            return

        def shown(preview: Any) -> None:
            self.data, self.preview = data, preview
            self._show_preview(preview)

        def failed(err: BaseException) -> None:
            self.data = self.preview = None
            self.summary.hide()
            self._fail(err)

        self._runner.run(
            lambda _p: session.preview_pack(data),
            shown,
            failed,
            label="Checking the pack…",
            parent=self,
        )

    def _show_preview(self, preview: Any) -> None:
        lines = [
            f"Study: {preview.study_name}",
            f"Cases: {preview.case_count}",
        ]
        if getattr(preview, "already_imported", False):
            lines.append("This pack was imported before; importing it again changes nothing.")
        trusted = bool(preview.trusted)
        if trusted:
            lines.append("Signed by the study you already trust.")
            self.fingerprint.setText("")
        else:
            lines.append(
                "This is the first pack from this study. Check its fingerprint against the one "
                "the coordinator reads out to you:"
            )
            self.fingerprint.setText(grouped_fingerprint(preview.root_fingerprint))
        self.summary_text.setText("\n".join(lines))
        self.fingerprint.setVisible(not trusted)
        self.trust.setVisible(not trusted)
        self.trust.setChecked(False)
        self.summary.show()
        self._update_import_button()
        (self.import_button if trusted else self.trust).setFocus()

    def _update_import_button(self) -> None:
        ready = self.preview is not None and (bool(self.preview.trusted) or self.trust.isChecked())
        self.import_button.setEnabled(ready)

    def start_import(self) -> None:
        session, data, preview = self._session(), self.data, self.preview
        if session is None or data is None or preview is None:
            return
        trust = None if preview.trusted else preview.root_fingerprint
        if trust is not None and not self.trust.isChecked():
            return
        self.import_button.setEnabled(False)

        def done(report: Any) -> None:
            self.report = report
            lines = report.summary_lines() if hasattr(report, "summary_lines") else []
            self.result.setText(lines[0] if lines else "Imported.")
            self.summary.hide()
            self.imported.emit(report)

        def failed(err: BaseException) -> None:
            self._update_import_button()
            self._fail(err)

        self._runner.run(
            lambda progress: session.import_pack(data, trust_fingerprint=trust, progress=progress),
            done,
            failed,
            label="Importing the pack…",
            parent=self,
        )

    def _fail(self, err: BaseException) -> None:
        if isinstance(err, UserError):
            _show(self.error, str(err))
        else:
            from reviewer_app.gui.crash_dialog import report_exception

            report_exception(err, self)


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
