"""Building blocks of the taskforce report's pages: headings, published tables (with their
totals, shares and denominators), wide tables split by columns, the dashboard, and the words
for counts and statistics (``"<5"`` for a small count in the publication copy).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table

from reviewer_app.services.pdf.blocks import (
    PAD,
    KeepStart,
    base_style,
    gap,
    header_style,
    note,
    para,
    split_rows,
    subheading,
)
from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    PALE_BLUE,
    markup,
    styles,
)
from reviewer_app.services.report.tables import TOTAL, Published, is_hidden

SECTIONS = (
    "Cohort",
    "Care scores",
    "Avoidability of death",
    "Themes",
    "Escalations",
    "Relatives' experience",
    "Agreement between reviewers",
    "Learning",
    "Actions",
)


def text_para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(markup(text), getattr(styles(), style))


def section_heading(number: int) -> list[Flowable]:
    """Section ``number``'s heading (its title from ``SECTIONS``), on a new page unless most
    of this one is free."""
    title = SECTIONS[number - 1]
    return [CondPageBreak(110 * mm), Paragraph(markup(f"{number}. {title}"), styles().h1)]


def section_opening(number: int, intro: str) -> list[Flowable]:
    """Section ``number``'s heading and the paragraph that says what the section shows."""
    return [*section_heading(number), text_para(intro)]


def fitted_table(
    header: list[str], body: list[list[Any]], widths: list[float], extra: list[Any] | None = None
) -> Table:
    """A table with a coloured header row repeated on every page; the header's type shrinks
    (to 6.5 pt at least) until its longest word fits its column, so no word is broken."""
    base = styles().head
    size = base.fontSize
    while size > 6.5 and any(
        stringWidth(word, base.fontName, size) > width - 2 * PAD
        for label, width in zip(header, widths, strict=True)
        for word in label.split()
    ):
        size -= 0.3
    style = ParagraphStyle("report_head", parent=base, fontSize=size, leading=size * 1.25)
    head = [Paragraph(markup(h), style) for h in header]
    table = Table(
        [head, *body], colWidths=widths, repeatRows=1, splitInRow=split_rows(body), hAlign="LEFT"
    )
    table.setStyle(base_style([*header_style(), *(extra or [])]))
    return table


def keep(flow: list[Flowable]) -> list[Flowable]:
    """A heading kept with (the start of) what follows it: never alone at a page's foot."""
    return [KeepStart(flow)] if flow else []


def table_block(
    pub: Published,
    *,
    shares: bool = True,
    first_width: float = 62 * mm,
    max_columns: int = 9,
    total_column: bool | None = None,
) -> list[Flowable]:
    """A published table: title, header, rows (count and share), totals, the denominator.

    The Total column is left out where every row total is known and stated in the
    denominator (the care-score and theme tables: every row adds up to the fully reviewed
    cases), unless ``total_column`` says otherwise."""
    t = pub.table
    rows_known = all((i, len(t.column_labels)) in t.known for i in range(len(t.row_labels)))
    show_total_col = t.totals and len(t.column_labels) > 1 and not rows_known
    if total_column is not None:
        show_total_col = total_column and t.totals
    show_total_row = t.totals and len(t.row_labels) > 1
    columns = list(t.column_labels)[:max_columns]
    header = [t.row_header, *columns, *([TOTAL] if show_total_col else [])]
    rest = FRAME_WIDTH - first_width
    widths = [first_width, *[rest / (len(header) - 1)] * (len(header) - 1)]
    wanted = list(range(len(columns))) + ([len(t.column_labels)] if show_total_col else [])
    n_rows = len(t.row_labels) + (1 if show_total_row else 0)
    body = [_table_row(pub, i, wanted, shares) for i in range(n_rows)]
    extra = []
    if show_total_row:
        extra.append(("BACKGROUND", (0, len(body)), (-1, len(body)), PALE_BLUE))
    flow: list[Flowable] = [subheading(t.title)]
    if pub.withheld:
        flow.append(
            text_para(
                "This table is withheld in the publication copy: its counts are too "
                "small to publish in any form."
            )
        )
    else:
        flow.append(fitted_table(header, body, widths, extra))
    basis = {
        "row": "of the row total",
        "column": "of the column total",
        "total": "of the grand total",
    }.get(t.share or "", "")
    share_note = f" Percentages {basis}." if shares and t.share and basis else ""
    flow.append(note(pub.denominator + share_note + (f" {t.note}" if t.note else "")))
    return [*keep(flow), gap(3)]


def _table_row(pub: Published, i: int, wanted: list[int], shares: bool) -> list[Any]:
    """Row ``i`` of a published table (the last past its rows: Total), count and share."""
    t = pub.table
    label = t.row_labels[i] if i < len(t.row_labels) else TOTAL
    idx = i if i < len(t.row_labels) else len(t.row_labels)
    row: list[Any] = [para(label, "cell_bold" if label == TOTAL else "cell")]
    for j in wanted:
        text = pub.cells[idx][j]
        if shares and pub.shares is not None and t.share is not None:
            share = pub.shares[idx][j]
            if is_hidden(share):
                if not is_hidden(text):
                    text = f"{text} ({share})"
            elif share != "-" and not is_hidden(text):
                text = f"{text} ({share}%)"
        row.append(para(text))
    return row


def count_text(value: int, publication: bool) -> str:
    return "<5" if publication and 1 <= value <= 4 else str(value)


def number_text(value: float | None, digits: int = 2) -> str:
    return "not defined" if value is None else f"{value:.{digits}f}"


def dashboard_table(pub: Published) -> list[Flowable]:
    t = pub.table
    rows = []
    for i, label in enumerate(t.row_labels):
        deaths, reviewed = pub.cells[i][0], pub.cells[i][1]
        d, r = t.body[i]
        share = (
            "-"
            if d == 0
            else reviewed
            if is_hidden(reviewed)
            else deaths
            if is_hidden(deaths)
            else f"{100 * r / d:.1f}%"
        )
        rows.append(
            [
                para(label, "cell_bold" if "Q" in label[:1] or "Year" in label else "cell"),
                para(deaths),
                para(reviewed),
                para(share),
            ]
        )
    table = fitted_table(
        ["Period", "Deaths identified", "Reviewed", "Share reviewed"],
        rows,
        [60 * mm, *[(FRAME_WIDTH - 60 * mm) / 3] * 3],
    )
    return [*keep([subheading(t.title), table, note(pub.denominator)]), gap(3)]


def wide_table(pub: Published) -> list[Flowable]:
    """A many-column table (settings, phases), split into chunks of columns."""
    t = pub.table
    if not t.column_labels:
        return [subheading(t.title), text_para("No issue was identified."), gap(2)]
    flow: list[Flowable] = []
    step = 5
    for start in range(0, len(t.column_labels), step):
        cols = list(range(start, min(start + step, len(t.column_labels))))
        header = ["Theme", *[t.column_labels[j] for j in cols]]
        rows = [
            [para(t.row_labels[i]), *[para(pub.cells[i][j]) for j in cols]]
            for i in range(len(t.row_labels))
        ]
        widths = [62 * mm, *[(FRAME_WIDTH - 62 * mm) / len(cols)] * len(cols)]
        flow += [fitted_table(header, rows, widths), gap(1.5)]
    return [*keep([subheading(t.title), flow[0]]), *flow[1:], note(pub.denominator), gap(3)]
