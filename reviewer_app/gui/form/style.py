"""Look of the review form: calm, readable in light and dark palettes, never colour alone.

Colours are picked for the palette in use (lighter tones on dark backgrounds); sizes are
relative (``em``) or left to the system font, so enlarged system text stays enlarged.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from reviewer_app.domain.progress import SectionState

STATE_SYMBOLS = {
    SectionState.NOT_NEEDED: "–",
    SectionState.NOT_STARTED: "○",
    SectionState.IN_PROGRESS: "◐",
    SectionState.COMPLETE: "✓",
    SectionState.HAS_ERRORS: "!",
}


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colours(dark: bool) -> dict[str, str]:
    if dark:
        return {
            "error": "#FF8A80",
            "warning": "#FFC870",
            "ok": "#7BD88F",
            "progress": "#7FC8F8",
            "muted": "#AEB7BD",
            "notice_bg": "#3D3220",
            "notice_fg": "#FFE3B0",
            "urgent_bg": "#8C1D13",
            "urgent_fg": "#FFFFFF",
            "header_bg": "#263035",
            "help_bg": "#22303A",
            "accent": "#41B6E6",
        }
    return {
        "error": "#B3261E",
        "warning": "#8A4B00",
        "ok": "#007F3B",
        "progress": "#005EB8",
        "muted": "#4C6272",
        "notice_bg": "#FFF4D6",
        "notice_fg": "#3D2A00",
        "urgent_bg": "#D5281B",
        "urgent_fg": "#FFFFFF",
        "header_bg": "#E3ECF2",
        "help_bg": "#EAF3FA",
        "accent": "#005EB8",
    }


def form_stylesheet(dark: bool) -> str:
    c = colours(dark)
    return f"""
QLabel#sectionTitle {{ font-weight: bold; }}
QLabel#sectionHelp {{ color: {c["muted"]}; }}
QLabel#questionLabel {{ font-weight: bold; }}
QLabel#requiredTag {{ color: {c["muted"]}; font-style: italic; }}
QLabel#notAnswered, QLabel#dateEcho, QLabel#lengthHint {{
    color: {c["muted"]}; font-style: italic; }}
QLabel#helpText {{ background: {c["help_bg"]}; border-left: 3px solid {c["accent"]};
                   padding: 6px 8px; }}
QLabel[severity="error"] {{ color: {c["error"]}; font-weight: bold; }}
QLabel[severity="warning"] {{ color: {c["warning"]}; }}
QLabel[severity="hint"] {{ color: {c["warning"]}; font-style: italic; }}
QLabel#dateEcho[severity="error"] {{ color: {c["error"]}; font-weight: bold; font-style: normal; }}
QLabel#dateEcho[severity="hint"] {{ color: {c["warning"]}; }}
QLineEdit[invalid="true"] {{ border: 2px solid {c["error"]}; border-radius: 3px; }}
QLabel#notice, QFrame#noticeBar {{ background: {c["notice_bg"]}; color: {c["notice_fg"]};
                 border: 1px solid {c["warning"]}; border-radius: 4px; padding: 6px 10px; }}
QFrame#noticeBar QLabel {{ color: {c["notice_fg"]}; background: transparent; border: none; }}
QFrame#caseHeader QLabel#urgentBadge {{ background: {c["urgent_bg"]}; color: {c["urgent_fg"]};
                      font-weight: bold; padding: 2px 8px; border-radius: 3px; }}
QFrame#caseHeader QLabel#statusBadge {{ border: 1px solid {c["progress"]}; color: {c["progress"]};
                      padding: 2px 8px; border-radius: 3px; font-weight: bold; }}
QFrame#caseHeader {{ background: {c["header_bg"]}; border-radius: 4px; }}
QFrame#caseHeader QLabel {{ background: transparent; }}
QLabel#patientName {{ font-size: 1.15em; font-weight: bold; }}
QLabel#saveIndicator[saveState="failed"] {{ color: {c["error"]}; font-weight: bold; }}
QLabel#saveIndicator[saveState="saving"] {{ color: {c["muted"]}; }}
QLabel#saveIndicator[saveState="saved"] {{ color: {c["ok"]}; }}
QToolButton#helpButton {{ font-weight: bold; min-width: 1.6em; }}
QPushButton#clearAnswer {{ padding: 1px 8px; }}
QRadioButton, QCheckBox {{ border: 1px solid transparent; border-radius: 3px; padding: 1px 3px; }}
QRadioButton:focus, QCheckBox:focus {{ border: 1px solid {c["accent"]};
                                       background: {c["help_bg"]}; }}
QPlainTextEdit[readOnly="true"], QLineEdit[readOnly="true"] {{
    background: palette(window); color: {c["muted"]}; border: 1px dashed palette(mid); }}
QGroupBox#itemEditor {{ font-weight: bold; border: 1px solid palette(mid); border-radius: 4px;
                        margin-top: 1.2em; padding: 8px; }}
QGroupBox#itemEditor::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QListWidget#sectionNav::item {{ padding: 3px 4px; }}
QListWidget#sectionNav:focus {{ border: 2px solid {c["accent"]}; }}
QPlainTextEdit[readOnly="true"]:focus, QLineEdit[readOnly="true"]:focus {{
    border: 2px solid {c["accent"]}; }}
QListWidget#readinessList::item {{ color: palette(link); text-decoration: underline;
                                   padding: 3px 2px; }}
QListWidget#readinessList::item:selected {{ background: palette(highlight);
                                            color: palette(highlighted-text); }}
"""


@cache
def _icon(state: SectionState, dark: bool) -> QIcon:
    c = colours(dark)
    colour = {
        SectionState.NOT_NEEDED: c["muted"],
        SectionState.NOT_STARTED: c["muted"],
        SectionState.IN_PROGRESS: c["progress"],
        SectionState.COMPLETE: c["ok"],
        SectionState.HAS_ERRORS: c["error"],
    }[state]
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(colour))
    pen.setWidthF(3)
    painter.setPen(pen)
    box = QRectF(3, 3, size - 6, size - 6)
    if state in (SectionState.COMPLETE, SectionState.HAS_ERRORS):
        painter.setBrush(QColor(colour))
    painter.drawEllipse(box)
    if state is SectionState.IN_PROGRESS:
        painter.setBrush(QColor(colour))
        painter.drawPie(box, 90 * 16, 180 * 16)
    if state in (SectionState.COMPLETE, SectionState.HAS_ERRORS):
        painter.setPen(QColor("#FFFFFF" if not dark else "#101417"))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(20)
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, STATE_SYMBOLS[state])
    painter.end()
    return QIcon(pixmap)


def state_icon(state: SectionState, dark: bool) -> QIcon:
    return _icon(state, dark)
