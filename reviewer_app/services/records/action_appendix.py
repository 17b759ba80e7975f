"""The board paper's appendix: the action plan as a landscape A4 table, by theme, with the
0-5 status key on every page (``coordinator action appendix STUDY --out FILE.pdf``).

One row per action (reference, work-stream, action, lead, organisation, due date, status,
the latest dated progress, the monitoring committee) under a band per theme in the review
definition's order, each band saying how many of its actions are open and overdue. The
status is the number in its colour, as board papers print it; the key explains the colours
at the foot of every page. The plan holds no patient data; the file is still written
atomically (readers never see half of it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.records import ACTION_STATUS_KEY, ActionStatus
from reviewer_app.services.records.action_fields import themes_of
from reviewer_app.services.records.action_plan import Action, list_actions
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now

MAX_UPDATES_SHOWN = 2
_STATUS_COLOURS = {
    ActionStatus.COMPLETE: ("#007F3B", "#FFFFFF"),
    ActionStatus.ON_TRACK: ("#78BE20", "#212B32"),
    ActionStatus.SOME_DELAY: ("#FFB81C", "#212B32"),
    ActionStatus.SIGNIFICANT_DELAY: ("#DA291C", "#FFFFFF"),
    ActionStatus.NOT_COMMENCED: ("#D8DDE0", "#212B32"),
    ActionStatus.OBJECTIVE_REVISED: ("#41B6E6", "#212B32"),
}


def appendix_pdf(
    study: Study,
    *,
    definition: ReviewDefinition | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> bytes:
    """The appendix PDF's bytes for the study's action plan as it stands today."""
    definition = definition or default_definition()
    return render_appendix(
        list_actions(study, definition),
        study_name=study.info.name,
        today=clock().date(),
        theme_order=list(themes_of(definition)),
    )


def write_appendix(
    study: Study,
    out: Path,
    *,
    definition: ReviewDefinition | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> int:
    """Write the appendix to ``out`` atomically; returns the number of actions in it."""
    data = appendix_pdf(study, definition=definition, clock=clock)
    atomic_write_bytes(out, data, mode=0o600)
    return len(list_actions(study, definition))


def render_appendix(
    actions: Sequence[Action], *, study_name: str, today: date, theme_order: Sequence[str]
) -> bytes:
    from reportlab.lib.units import mm

    from reviewer_app.services.pdf.blocks import note
    from reviewer_app.services.pdf.fonts import ensure_fonts
    from reviewer_app.services.pdf.styles import uk_date
    from reviewer_app.services.records import pdf_pages

    ensure_fonts()
    size = pdf_pages.LANDSCAPE
    frame = pdf_pages.Frame(size, top=24 * mm, bottom=27 * mm)
    story: list[Any] = []
    if actions:
        story.append(_table(actions, today, theme_order, pdf_pages.frame_width(size)))
    else:
        story.append(note("The action plan has no actions yet."))

    furniture = pdf_pages.page_furniture(
        size,
        title="Appendix: action plan",
        subtitle=f"{study_name} · status at {uk_date(today)}",
        marking="For the clinical taskforce",
        marking_red=False,
        note="Status is the latest dated progress update; an open action past its due date "
        "is marked overdue.",
        extra=lambda canvas: _draw_key(canvas, size),
    )
    return pdf_pages.render(story, frame=frame, furniture=furniture, title="Action plan")


_HEADER = (
    "Ref",
    "Work-stream",
    "Action",
    "Lead",
    "Organisation",
    "Due",
    "Status",
    "Progress (latest first)",
    "Monitoring committee",
)
_WIDTHS_MM = (12, 28, 64, 27, 30, 19, 13, 52, 26)


def _table(actions: Sequence[Action], today: date, theme_order: Sequence[str], width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    from reviewer_app.services.pdf.blocks import header_table, para
    from reviewer_app.services.pdf.styles import PALE_BLUE, RED, markup

    scale = width / (sum(_WIDTHS_MM) * mm)
    widths = [w * mm * scale for w in _WIDTHS_MM]
    rows: list[list[Any]] = []
    extra: list[tuple[Any, ...]] = []
    by_theme: dict[str, list[Action]] = {}
    for action in actions:
        by_theme.setdefault(action.theme, []).append(action)
    order = [t for t in theme_order if t in by_theme] + sorted(
        t for t in by_theme if t not in theme_order
    )
    for theme in order:
        group = by_theme[theme]
        open_count = sum(a.status.is_open for a in group)
        overdue = sum(a.overdue(today) for a in group)
        r = len(rows) + 1  # the header row is row 0
        number = f"Theme {theme_order.index(theme) + 1}" if theme in theme_order else "Theme"
        band = (
            f"{number}: {group[0].theme_label} — {len(group)} action"
            f"{'s' if len(group) != 1 else ''}, {open_count} open, {overdue} overdue"
        )
        rows.append([para(band, "cell_bold"), *[""] * (len(_HEADER) - 1)])
        extra += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), PALE_BLUE),
            ("NOSPLIT", (0, r), (-1, r + 1)),  # a theme's band stays with its first action
        ]
        for action in group:
            r = len(rows) + 1
            late = action.overdue(today)
            due = short_date(action.due_date) + ("\nOverdue" if late else "")
            background, ink = _STATUS_COLOURS[action.status]
            rows.append(
                [
                    para(action.reference, "cell_bold"),
                    para(action.work_stream or "—"),
                    para(action.action),
                    para(action.lead),
                    para(action.organisation),
                    Paragraph(markup(due), _overdue_style(RED)) if late else para(due),
                    Paragraph(markup(action.status.value), _status_style(ink)),
                    para(_progress(action)),
                    para(action.committee or "—"),
                ]
            )
            extra += [
                ("BACKGROUND", (6, r), (6, r), colors.HexColor(background)),
                ("ALIGN", (6, r), (6, r), "CENTER"),
            ]
    return header_table(_HEADER, rows, widths, extra)


def short_date(day: date) -> str:
    """A date as a table cell has room for: 1 Nov 2026."""
    return f"{day.day} {day:%b} {day.year}"


def _progress(action: Action) -> str:
    shown = list(reversed(action.history))[:MAX_UPDATES_SHOWN]
    lines = []
    for update in shown:
        text = update.note or f"Status {update.status.value}: {update.status.label}"
        lines.append(f"{short_date(update.date)} (status {update.status.value}): {text}")
    earlier = len(action.history) - len(shown)
    if earlier:
        lines.append(f"({earlier} earlier update{'s' if earlier != 1 else ''})")
    return "\n".join(lines)


def _status_style(ink: str) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    from reviewer_app.services.pdf.styles import styles

    return ParagraphStyle(
        f"status-{ink}",
        parent=styles().cell_bold,
        fontSize=11,
        leading=13,
        alignment=TA_CENTER,
        textColor=colors.HexColor(ink),
    )


def _overdue_style(red: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    from reviewer_app.services.pdf.styles import styles

    return ParagraphStyle("overdue", parent=styles().cell, textColor=red)


def _draw_key(canvas: Any, size: tuple[float, float]) -> None:
    """The status key above the footer: each number in its colour with its meaning."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    from reviewer_app.services.pdf.fonts import FONTS
    from reviewer_app.services.pdf.styles import DARK_GREY, TEXT
    from reviewer_app.services.records.pdf_pages import MARGIN

    y = 16 * mm
    x = MARGIN
    canvas.setFont(FONTS.bold, 7.5)
    canvas.setFillColor(DARK_GREY)
    canvas.drawString(x, y + 1.5, "Status key")
    x += canvas.stringWidth("Status key", FONTS.bold, 7.5) + 3 * mm
    for status in ACTION_STATUS_KEY:
        background, ink = _STATUS_COLOURS[status]
        canvas.setFillColor(colors.HexColor(background))
        canvas.rect(x, y - 0.5, 5 * mm, 4.2 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor(ink))
        canvas.setFont(FONTS.bold, 8)
        canvas.drawCentredString(x + 2.5 * mm, y + 1.5, status.value)
        canvas.setFillColor(TEXT)
        canvas.setFont(FONTS.regular, 7.5)
        canvas.drawString(x + 6.5 * mm, y + 1.5, status.label)
        x += 6.5 * mm + canvas.stringWidth(status.label, FONTS.regular, 7.5) + 4 * mm
