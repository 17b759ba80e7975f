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
    dialog.name.setText("Dr Example")
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    assert settings.idle_lock_minutes == 3
    assert settings.shared_folder == tmp_path
    assert settings.reviewer.name == "Dr Example"
    assert settings.theme == "dark"


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
