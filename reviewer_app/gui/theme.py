"""Light and dark palettes, both readable; text size always follows the system.

The Fusion style draws the same on every platform and takes its colours from the palette, so
one stylesheet (resources/style.qss, which uses ``palette(...)`` where it can) serves both.
Nothing here sets a point size: the application font is the system's, so a reviewer who
enlarged their text gets larger text here too.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

STYLE = "Fusion"
STYLE_PROPERTY = "reviewerStyle"
"""Set on the application once its style is ``STYLE`` (gui/launch.py starts Qt in it)."""

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup

# Contrast: body text on base is above 12:1 in both; disabled text above 4.5:1.
_LIGHT = {
    _Role.Window: "#F0F4F5",
    _Role.WindowText: "#212B32",
    _Role.Base: "#FFFFFF",
    _Role.AlternateBase: "#F4F7F8",
    _Role.Text: "#212B32",
    _Role.Button: "#E8EDEE",
    _Role.ButtonText: "#212B32",
    _Role.BrightText: "#FFFFFF",
    _Role.Highlight: "#005EB8",
    _Role.HighlightedText: "#FFFFFF",
    _Role.ToolTipBase: "#FFFFFF",
    _Role.ToolTipText: "#212B32",
    _Role.PlaceholderText: "#4C6272",
    _Role.Link: "#005EB8",
    _Role.LinkVisited: "#330072",
    _Role.Light: "#FFFFFF",
    _Role.Midlight: "#E8EDEE",
    _Role.Mid: "#AEB7BD",
    _Role.Dark: "#768692",
    _Role.Shadow: "#425563",
}
_DARK = {
    _Role.Window: "#1E2428",
    _Role.WindowText: "#E8EDEE",
    _Role.Base: "#14191C",
    _Role.AlternateBase: "#1B2226",
    _Role.Text: "#E8EDEE",
    _Role.Button: "#2B343A",
    _Role.ButtonText: "#E8EDEE",
    _Role.BrightText: "#FFFFFF",
    _Role.Highlight: "#41B6E6",
    _Role.HighlightedText: "#0B0C0C",
    _Role.ToolTipBase: "#2B343A",
    _Role.ToolTipText: "#E8EDEE",
    _Role.PlaceholderText: "#AEB7BD",
    _Role.Link: "#7FC8F8",
    _Role.LinkVisited: "#C9A7F0",
    _Role.Light: "#3A454C",
    _Role.Midlight: "#323C42",
    _Role.Mid: "#4C5A63",
    _Role.Dark: "#101417",
    _Role.Shadow: "#000000",
}
_DISABLED_TEXT = {"light": "#5E6E7A", "dark": "#9AA6AE"}


def palette_for(name: str) -> QPalette:
    """The palette called ``light`` or ``dark``."""
    colours = _DARK if name == "dark" else _LIGHT
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QColor(_DISABLED_TEXT["dark" if name == "dark" else "light"])
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText):
        palette.setColor(_Group.Disabled, role, disabled)
    return palette


def system_prefers_dark() -> bool:
    # Imported here: the first touch of the Qt namespace builds all its enums (~13 ms), which
    # only the "system" theme needs before the unlock screen is painted.
    from PySide6.QtCore import Qt

    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve_theme(name: str) -> str:
    """``light`` or ``dark``; ``system`` follows the desktop's choice."""
    if name in ("light", "dark"):
        return name
    return "dark" if system_prefers_dark() else "light"


# The app shell's own rules, added after resources/style.qss (colours from the palette, so they
# work in both themes; no font sizes).
SHELL_QSS = """
/* app shell (gui/theme.py) */
QLabel#hint { color: palette(placeholder-text); }
QLabel#warningBox {
    border: 1px solid #B35C00;
    border-left: 6px solid #B35C00;
    padding: 8px 10px;
    background: palette(base);
}
QFrame#card {
    background: palette(base);
    border: 1px solid palette(mid);
    border-radius: 6px;
}
QLabel[severity="error"] { color: %(error)s; font-weight: bold; }
QLabel[severity="warning"] { color: %(warning)s; }
"""
_STATE_COLOURS = {
    "light": {"error": "#D5281B", "warning": "#8A4500"},
    "dark": {"error": "#FF8A80", "warning": "#FFB74D"},
}
_SHELL_MARK = "/* app shell (gui/theme.py) */"


def apply_theme(app: QApplication, name: str = "system") -> str:
    """Apply a palette (and Fusion, which honours it); returns the theme applied."""
    resolved = resolve_theme(name)
    if app.property(STYLE_PROPERTY) != STYLE:
        app.setStyle(STYLE)
        app.setProperty(STYLE_PROPERTY, STYLE)
    app.setPalette(palette_for(resolved))
    app.setProperty("reviewerTheme", resolved)
    base = app.styleSheet().split(_SHELL_MARK)[0].rstrip()
    app.setStyleSheet(base + "\n" + SHELL_QSS % _STATE_COLOURS[resolved])
    return resolved


def relative_luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
