"""The first-run assistant, driven page by page with qtbot (a fake session, then the real one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from reviewer_app.errors import UserError
from reviewer_app.gui.first_run import FirstRunWizard, passphrase_strength
from reviewer_app.gui.pack_import import grouped_fingerprint
from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.services.passphrases import WeakPassphraseError, check_new_passphrase
from reviewer_app.services.shared_drive.folder import request_file_name, waiting_packs

PASS = "a long sentence I remember"
FINGERPRINT = "ab12cd34" * 8


@dataclass
class Preview:
    study_name: str = "North Study"
    root_fingerprint: str = FINGERPRINT
    trusted: bool = False
    case_count: int = 12
    already_imported: bool = False


@dataclass
class Report:
    count: int

    def summary_lines(self) -> list[str]:
        return [f"Imported pack 1 from North Study ({self.count} cases)."]


@dataclass
class FakeSession:
    folder: Path
    identity: bool = False
    calls: list[tuple[str, object]] = field(default_factory=list)

    def has_identity(self) -> bool:
        return self.identity

    def create_identity(self, *, name, profession, registration, email) -> bytes:
        self.calls.append(("identity", (name, profession, registration, email)))
        self.identity = True
        return b'{"format": "reviewer-app/enrolment-request"}'

    def preview_pack(self, data: bytes) -> Preview:
        self.calls.append(("preview", data))
        if data == b"junk":
            raise UserError("This file is not an assignment pack.")
        return Preview()

    def import_pack(self, data, trust_fingerprint=None, progress=None) -> Report:
        self.calls.append(("import", trust_fingerprint))
        if progress:
            progress(1, 1, "done")
        return Report(12)


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "config" / "settings.ini")


def make_wizard(qtbot, tmp_path, settings, factory=None):
    created: list[FakeSession] = []

    def create(folder: Path, passphrase: str) -> FakeSession:
        assert passphrase == PASS
        created.append(FakeSession(folder))
        return created[-1]

    wizard = FirstRunWizard(tmp_path / "ws", factory or create, settings, SyncTaskRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard, created


def click_next(qtbot, wizard: QWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_strength_hint_and_helpers() -> None:
    assert passphrase_strength("short")[0] == 0
    assert passphrase_strength("abcdefghijk")[0] == 1
    assert passphrase_strength("Four Words, Well Chosen 42")[0] == 3
    assert grouped_fingerprint("ab12cd34ef56") == "AB12 CD34 EF56"
    assert request_file_name("Dr Ann O'Neill") == "enrolment-request-dr-ann-o-neill.json"


def test_the_hint_never_calls_good_what_the_workspace_refuses() -> None:
    level, text = passphrase_strength("Password123!")
    assert level == 1 and not text.startswith(("Good", "Strong"))
    with pytest.raises(WeakPassphraseError):
        check_new_passphrase("Password123!")
    assert passphrase_strength(PASS)[0] >= 2
    check_new_passphrase(PASS)  # what the hint calls good is accepted


def test_assistant_goes_from_nothing_to_an_imported_pack(qtbot, tmp_path, settings) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "pack-0001.p7m").write_bytes(b"pack bytes")
    wizard, created = make_wizard(qtbot, tmp_path, settings)
    page = wizard.workspace_page

    # 1. workspace: Next stays off until both passphrases match and are long enough
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.keyClicks(page.passphrase, PASS)
    assert "Strength" in page.strength.text()
    qtbot.keyClicks(page.repeat, PASS[:-1] + "X")
    assert page.mismatch.text() == "The two passphrases differ."
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.repeat.clear()
    qtbot.keyClicks(page.repeat, PASS)
    click_next(qtbot, wizard)
    assert len(created) == 1 and created[0].folder == tmp_path / "ws"
    assert wizard.currentPage() is wizard.identity_page
    assert page.passphrase.text() == ""  # not kept in the widget

    # 2. identity
    ident = wizard.identity_page
    qtbot.keyClicks(ident.name, "Dr Ann Example")
    ident.profession.setCurrentIndex(ident.profession.findData("nurse"))
    qtbot.keyClicks(ident.registration, "NMC 12A3456B")
    qtbot.keyClicks(ident.email, "ann@example.nhs.uk")
    click_next(qtbot, wizard)
    assert created[0].calls[0] == (
        "identity",
        ("Dr Ann Example", "nurse", "NMC 12A3456B", "ann@example.nhs.uk"),
    )
    assert settings.reviewer.registration == "NMC 12A3456B"

    # 3. enrolment request, saved to the shared folder, which is remembered
    enrol = wizard.enrolment_page
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    enrol.folder.setText(str(shared))
    qtbot.mouseClick(enrol.save_button, Qt.MouseButton.LeftButton)
    saved = shared / "enrolment-request-dr-ann-example.json"
    assert saved.read_bytes().startswith(b'{"format"')
    assert settings.shared_folder == shared
    click_next(qtbot, wizard)

    # 4. the pack waiting in the shared folder; the fingerprint must be confirmed first
    panel = wizard.pack_page.panel
    assert panel.waiting.count() == 1
    panel.waiting.setCurrentRow(0)
    assert panel.summary.isVisible()
    assert "AB12 CD34" in panel.fingerprint.text()
    assert not panel.import_button.isEnabled()
    panel.trust.setChecked(True)
    assert panel.import_button.isEnabled()
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert ("import", FINGERPRINT) in created[0].calls
    assert "Imported pack 1" in panel.result.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.session is created[0]


def test_a_bad_pack_file_gets_a_plain_message(qtbot, tmp_path, settings) -> None:
    wizard, _ = make_wizard(qtbot, tmp_path, settings)
    wizard.session = FakeSession(tmp_path)
    bad = tmp_path / "junk.p7m"
    bad.write_bytes(b"junk")
    panel = wizard.pack_page.panel
    panel.load_file(bad)
    assert panel.error.text() == "This file is not an assignment pack."
    assert not panel.summary.isVisibleTo(panel)
    assert waiting_packs(tmp_path) == [bad]
    assert waiting_packs(None) == []


def test_workspace_creation_error_is_shown_on_the_page(qtbot, tmp_path, settings) -> None:
    def refuse(folder: Path, passphrase: str):
        raise UserError("There is already a workspace in that folder.")

    wizard, _ = make_wizard(qtbot, tmp_path, settings, factory=refuse)
    page = wizard.workspace_page
    page.passphrase.setText(PASS)
    page.repeat.setText(PASS)
    click_next(qtbot, wizard)
    assert wizard.currentPage() is page
    assert page.error.text() == "There is already a workspace in that folder."


def test_real_session_creates_workspace_and_identity(qtbot, tmp_path, settings) -> None:
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.storage.keys import TEST_KDF

    def create(folder: Path, passphrase: str) -> ReviewerSession:
        return ReviewerSession.create(folder, passphrase, kdf=TEST_KDF)

    wizard, _ = make_wizard(qtbot, tmp_path, settings, factory=create)
    wizard.workspace_page.passphrase.setText(PASS)
    wizard.workspace_page.repeat.setText(PASS)
    click_next(qtbot, wizard)
    ident = wizard.identity_page
    ident.name.setText("Dr Ann Example")
    ident.registration.setText("GMC 1234567")
    ident.email.setText("ann@example.nhs.uk")
    click_next(qtbot, wizard)
    session = wizard.session
    assert isinstance(session, ReviewerSession)
    try:
        assert session.has_identity()
        assert wizard.request is not None and b"enrolment-request" in wizard.request
    finally:
        session.close()
