"""Settings live under REVIEWER_APP_HOME in tests; both palettes are readable; no fixed sizes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from reviewer_app.gui.settings import AppSettings, ReviewerDetailsForm
from reviewer_app.gui.settings_dialog import SettingsDialog
from reviewer_app.gui.theme import apply_theme, contrast_ratio, palette_for
from reviewer_app.paths import AppPaths


def test_settings_file_is_under_the_app_home(isolated_home: Path) -> None:
    settings_file = AppPaths.from_environment().settings_file
    assert settings_file == isolated_home / "config" / "settings.ini"
    assert AppPaths.from_environment({}).settings_file != settings_file  # the real profile


def test_settings_round_trip_and_clamp(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    settings = AppSettings(path)
    assert settings.idle_lock_minutes == 10
    assert settings.shared_folder is None
    settings.idle_lock_minutes = 500
    settings.shared_folder = tmp_path
    settings.reviewer = ReviewerDetailsForm("Ann", "nurse", "NMC 1", "a@b.nhs.uk")
    again = AppSettings(path)
    assert again.idle_lock_minutes == 60
    assert again.shared_folder == tmp_path
    assert again.reviewer.profession == "nurse"
    assert path.is_file()


def test_settings_dialog_saves_what_was_typed(qtbot, tmp_path: Path) -> None:
    settings = AppSettings(tmp_path / "s.ini")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.idle_minutes.setValue(3)
    dialog.shared_folder.setText(str(tmp_path))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    assert settings.idle_lock_minutes == 3
    assert settings.shared_folder == tmp_path
    assert settings.theme == "dark"


def _certificate_pem() -> bytes:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dr Ann Example")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def _identity(cert_pem: bytes | None, reviewer_ref: str | None):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from reviewer_app.storage.workspace.identity_store import StoredIdentity

    return StoredIdentity(
        private_key_pem=b"not a key",
        cert_pem=cert_pem,
        chain_pems=(),
        reviewer_ref=reviewer_ref,
        name="Dr Ann Example",
        profession="nurse",
        registration="NMC 12A3456B",
        email="ann@example.nhs.uk",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        enrolled_at=None,
    )


def test_your_details_show_the_enrolled_identity_read_only(qtbot, tmp_path: Path) -> None:
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from PySide6.QtWidgets import QLineEdit

    from reviewer_app.gui.reviewer_fields import HOW_TO_CHANGE, EnrolledDetails

    pem = _certificate_pem()
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    expected_fp = " ".join(digest[i : i + 4] for i in range(0, 64, 4))

    settings = AppSettings(tmp_path / "s.ini")
    settings.reviewer = ReviewerDetailsForm("Typed Name", "doctor", "GMC 1", "x@y.nhs.uk")
    details = EnrolledDetails.of(_identity(pem, "R07"))
    assert details is not None and details.enrolled
    dialog = SettingsDialog(settings, identity=details)
    qtbot.addWidget(dialog)
    shown = {k: line.text() for k, line in dialog.identity_rows.lines.items()}
    assert shown == {
        "name": "Dr Ann Example",  # the identity's, not the settings file's "Typed Name"
        "profession": "Nurse",
        "registration": "NMC 12A3456B",
        "reviewer_ref": "R07",
        "fingerprint": expected_fp,
    }
    assert all(line.isReadOnly() for line in dialog.identity_rows.lines.values())
    assert dialog.identity_rows.note.text() == HOW_TO_CHANGE
    assert "enrol you again" in HOW_TO_CHANGE
    editable = [
        w
        for w in dialog.findChildren(QLineEdit)
        if not w.isReadOnly() and w.objectName() != "qt_spinbox_lineedit"  # the minutes
    ]
    assert editable == [dialog.shared_folder]  # nothing else can be typed into
    qtbot.keyClicks(dialog.identity_rows.lines["name"], "X")
    assert dialog.identity_rows.lines["name"].text() == "Dr Ann Example"
    dialog.accept()
    assert settings.reviewer.name == "Typed Name"  # the dialog writes no details


def test_your_details_before_enrolment_say_so(qtbot, tmp_path: Path) -> None:
    from reviewer_app.gui.reviewer_fields import NOT_ENROLLED, EnrolledDetails

    settings = AppSettings(tmp_path / "s.ini")
    requested = EnrolledDetails.of(_identity(None, None))
    assert requested is not None and not requested.enrolled
    assert requested.certificate_fingerprint is None
    dialog = SettingsDialog(settings, identity=requested)
    qtbot.addWidget(dialog)
    assert dialog.identity_rows.lines["reviewer_ref"].text().startswith("Not yet")
    assert dialog.identity_rows.lines["fingerprint"].text().startswith("Not yet")
    assert dialog.identity_rows.note.text().startswith(NOT_ENROLLED)
    none = SettingsDialog(settings, identity=EnrolledDetails.of(None))
    qtbot.addWidget(none)
    assert none.identity_rows.lines == {}
    assert none.identity_rows.note.text() == NOT_ENROLLED


def test_settings_mnemonics_are_unique(qtbot, tmp_path: Path) -> None:
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    from reviewer_app.gui.reviewer_fields import EnrolledDetails

    details = EnrolledDetails.of(_identity(None, "R01"))
    dialog = SettingsDialog(AppSettings(tmp_path / "s.ini"), identity=details)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
    assert letters and len(letters) == len(set(letters)), sorted(letters)


def test_both_palettes_are_readable() -> None:
    roles = QPalette.ColorRole
    for name in ("light", "dark"):
        palette = palette_for(name)
        pairs = [
            (roles.Text, roles.Base),
            (roles.WindowText, roles.Window),
            (roles.ButtonText, roles.Button),
            (roles.HighlightedText, roles.Highlight),
        ]
        for fg, bg in pairs:
            ratio = contrast_ratio(palette.color(fg), palette.color(bg))
            assert ratio >= 4.5, (name, fg, bg, ratio)
        disabled = palette.color(QPalette.ColorGroup.Disabled, roles.Text)
        assert contrast_ratio(disabled, palette.color(roles.Base)) >= 3.0


def test_theme_never_fixes_the_font_size(qapp: QApplication) -> None:
    before = qapp.font().pointSizeF(), qapp.font().pixelSize()
    for name in ("dark", "light"):
        apply_theme(qapp, name)
        assert (qapp.font().pointSizeF(), qapp.font().pixelSize()) == before
        assert "font-size" not in qapp.styleSheet()
    assert qapp.property("reviewerTheme") == "light"
