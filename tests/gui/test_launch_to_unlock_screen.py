"""Launch -> unlock screen (issue 15): what is loaded before the screen is painted, and that the
screen looks the same as when the style was set the old way.

Each check runs in a fresh interpreter, as a person's launch does: the probe (``PROBE``)
starts the shell on a workspace folder, paints the unlock screen once (before any event is
processed, so before the services' preload is started: app.PRELOADED), and reports what is in
``sys.modules``, a hash of the painted pixels, and every colour of the application's palette.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.fresh_interpreter import run_probe

NOT_BEFORE_THE_UNLOCK_SCREEN = (
    "reviewer_app.gui.crash_dialog",  # imported when an exception arrives
    "reviewer_app.services",  # loaded while the passphrase is typed (app.PRELOADED)
    "reviewer_app.storage",
    "reviewer_app.study_opening",  # the coordinator's side
    "dataclasses",  # ~2.5 ms to import, and ~0.5 ms per class made with it
    "platformdirs",  # not needed when $REVIEWER_APP_HOME names the folders
    "subprocess",  # macOS's mount table only
    "ctypes",  # Windows's drive types only
)

PROBE = r"""
import hashlib, importlib, json, sys
from pathlib import Path
from PySide6.QtGui import QColor, QPalette
for name in json.loads(sys.argv[3]):  # as if the start path had imported them
    importlib.import_module(name)
from reviewer_app.app import Shell
from reviewer_app.gui.launch import application
from reviewer_app.gui.theme import apply_theme
from reviewer_app.paths import AppPaths

if sys.argv[5] == "launch":
    app = application(["reviewer-app"])
else:  # the style set late, by apply_theme, on an app started in Qt's default style
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication
    from reviewer_app.resources import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, resource
    app = QApplication(["reviewer-app"])
    for font in (FONT_REGULAR, FONT_BOLD, FONT_ITALIC):
        QFontDatabase.addApplicationFont(str(resource(font)))
    app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
shell = Shell(app, AppPaths.from_environment(), Path(sys.argv[1]), demo=False)
apply_theme(app, sys.argv[4])
shell.start()
screen = shell.start_window
image = screen.grab().toImage()  # painted; no events processed yet: the preload has not started
watched = json.loads(sys.argv[2])
loaded = sorted(m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in watched))
app.processEvents()
palette = app.palette()
print(json.dumps({
    "loaded": loaded,
    "palette": {
        f"{group.name}.{role.name}": palette.color(group, role).name(QColor.NameFormat.HexArgb)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
                      QPalette.ColorGroup.Disabled)
        for role in QPalette.ColorRole if role.name != "NColorRoles"
    },
    "pixels": hashlib.sha256(bytes(image.constBits())).hexdigest(),
    "size": [image.width(), image.height()],
    "title": screen.windowTitle(),
    "focus": app.focusWidget() is screen.passphrase,
}))
"""


def _workspace_folder(tmp_path: Path) -> Path:
    """What ``has_workspace`` looks for: the unlock screen is all this test opens."""
    folder = tmp_path / "ws"
    folder.mkdir(parents=True)
    (folder / "workspace.key.json").write_text("{}", encoding="utf-8")
    return folder


def _unlock_screen(
    folder: Path, home: Path, theme: str, preload: tuple[str, ...] = (), start: str = "launch"
) -> dict:
    return run_probe(
        PROBE,
        str(folder),
        json.dumps(NOT_BEFORE_THE_UNLOCK_SCREEN),
        json.dumps(preload),
        theme,
        start,
        home=home,
    )


def test_the_unlock_screen_is_painted_before_what_it_does_not_need(
    tmp_path: Path, isolated_home: Path
) -> None:
    out = _unlock_screen(_workspace_folder(tmp_path), isolated_home, "dark")
    assert out["loaded"] == []
    assert out["title"].startswith("Unlock")
    assert out["focus"], "the passphrase field has the keyboard focus"


def test_the_probe_names_a_watched_module_that_was_loaded(
    tmp_path: Path, isolated_home: Path
) -> None:
    """The check above can fail: the same start with one watched module imported names it."""
    out = _unlock_screen(_workspace_folder(tmp_path), isolated_home, "dark", ("subprocess",))
    assert out["loaded"] == ["subprocess"]


def test_the_unlock_screen_looks_exactly_as_with_the_style_set_by_apply_theme(
    tmp_path: Path, isolated_home: Path
) -> None:
    """launch.application starts Qt in Fusion (so no QStyle is handed to Python): the screen
    is the same, pixel for pixel and colour for colour in every group of the palette, as on an
    app started in Qt's default style whose style apply_theme then sets."""
    folder = _workspace_folder(tmp_path)
    for theme, window in (("light", "#fff0f4f5"), ("dark", "#ff1e2428")):
        started = _unlock_screen(folder, isolated_home, theme)
        set_after = _unlock_screen(folder, isolated_home, theme, start="style set after")
        assert started["palette"] == set_after["palette"]
        assert started["palette"]["Active.Window"] == window
        assert started["size"] == set_after["size"]
        assert started["pixels"] == set_after["pixels"]
