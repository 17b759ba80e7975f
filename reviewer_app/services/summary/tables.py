"""The tabular parts of the summary: phases and themes as rows, group items as cards,
and the avoidability scale.

The avoidability grid is drawn in one orientation, the study's (the question's default
scale), with the grade as entered.

Phases and themes are found by section kind and their columns by question id suffix
(``theme.fluids.issue`` → ``issue``), so a definition with 13 themes, or themes asking other
questions, prints without a code change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from reviewer_app.domain.avoidability import (
    RCP_GRADE_LABELS,
    AvoidabilityScale,
    parse_avoidability,
)
from reviewer_app.domain.definition import (
    AnyQuestion,
    AvoidabilityQuestion,
    GroupQuestion,
    Section,
)
from reviewer_app.services.pdf.blocks import (
    Cell,
    Cells,
    Grid,
    KeepStart,
    gap,
    header_table,
    note,
    para,
    question_table,
    subheading,
)
from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    NHS_BLUE,
    PALE_AMBER,
    PALE_GREEN,
    PALE_RED,
    RULE_GREY,
    markup,
    styles,
)
from reviewer_app.services.summary.answers import NOT_ASKED, AnswerSource

_TYPE_WIDTH = {
    "yes_no": 21 * mm,
    "care_score": 25 * mm,
    "single_choice": 28 * mm,
    "multiple_choice": 28 * mm,
    "date": 24 * mm,
    "avoidability": 36 * mm,
    "group": 24 * mm,
}
_MIN_TEXT_WIDTH = 34 * mm
_BELOW_CHARS = 600  # a longer answer in a column narrower than _WIDE_COLUMN goes full width
_WIDE_COLUMN = 80 * mm
_SCORE_TINTS = {1: PALE_RED, 2: PALE_RED, 3: PALE_AMBER, 4: PALE_GREEN, 5: PALE_GREEN}


def _suffix(section: Section, question: AnyQuestion) -> str:
    prefix = section.id + "."
    return question.id[len(prefix) :] if question.id.startswith(prefix) else question.id


def _column_label(section: Section, question: AnyQuestion) -> str:
    label = question.label
    for prefix in (f"{section.title}: ", f"{section.title} - "):
        if label.startswith(prefix):
            label = label[len(prefix) :]
    return label[:1].upper() + label[1:]


def section_rows_table(
    src: AnswerSource, sections: Sequence[Section], first_header: str, first_width: float
) -> list[Flowable]:
    """One row per section (phase or theme), one column per question suffix."""
    columns: dict[str, tuple[Section, AnyQuestion]] = {}
    for section in sections:
        for question in section.questions:
            columns.setdefault(_suffix(section, question), (section, question))
    fixed = sum(_TYPE_WIDTH.get(q.type, 0) for _, q in columns.values())
    texts = [key for key, (_, q) in columns.items() if q.type == "text"]
    spare = FRAME_WIDTH - first_width - fixed
    if not texts or spare < _MIN_TEXT_WIDTH * len(texts):
        return _per_section(src, sections)
    widths = [first_width] + [
        spare / len(texts) if q.type == "text" else _TYPE_WIDTH[q.type] for _, q in columns.values()
    ]
    header = [first_header] + [_column_label(s, q) for s, q in columns.values()]
    out: list[Flowable] = []
    body: list[list[Cell]] = []
    extra: list[tuple[Any, ...]] = []
    cell = Cells(widths)
    for section in sections:
        row_index = len(body) + 1
        by_suffix = {_suffix(section, q): q for q in section.questions}
        row: list[Cell] = [cell(section.title, 0, row_index, "cell_bold")]
        asked: list[bool] = []
        below: list[tuple[str, str]] = []  # too long for its narrow column: written out below
        for col_index, key in enumerate(columns, start=1):
            found = by_suffix.get(key)
            shown = src.show(found) if found is not None else "Not in this form"
            is_asked = found is not None and src.asked(found)
            asked.append(is_asked)
            if is_asked and len(shown) > _BELOW_CHARS and widths[col_index] < _WIDE_COLUMN:
                below.append((f"{section.title}: {header[col_index].lower()}", shown))
                shown = "Written in full below"
            row.append(cell(shown if is_asked else NOT_ASKED, col_index, row_index))
            value = src.value(found) if found is not None and is_asked else None
            if found is not None and found.type == "care_score" and isinstance(value, int):
                tint = _SCORE_TINTS.get(value)
                if tint is not None:
                    extra.append(
                        ("BACKGROUND", (col_index, row_index), (col_index, row_index), tint)
                    )
        _merge_not_asked(row, asked, row_index, extra)
        body.append(row)
        if below:  # close the table here, write the text full width, carry on in a new one
            out.append(header_table(header, body, widths, [*cell.commands, *extra]))
            for label, text in below:
                out += [gap(1), para(label, "cell_bold"), para(text, "value"), gap(2)]
            body, extra, cell = [], [], Cells(widths)
    if body:
        out.append(header_table(header, body, widths, [*cell.commands, *extra]))
    return out


def _merge_not_asked(
    row: list[Cell], asked: list[bool], row_index: int, extra: list[tuple[Any, ...]]
) -> None:
    """Runs of cells the form did not ask become one "Not asked" cell, not a row of them."""
    col = 0
    while col < len(asked):
        end = col
        while end < len(asked) and not asked[end]:
            end += 1
        if end - col >= 2:
            for blank in range(col + 2, end + 1):
                row[blank] = ""
            extra.append(("SPAN", (col + 1, row_index), (end, row_index)))
        col = max(end, col + 1)


def _per_section(src: AnswerSource, sections: Sequence[Section]) -> list[Flowable]:
    """Fallback when the questions do not fit as columns: one small table per section."""
    out: list[Flowable] = []
    for section in sections:
        table = question_table(src.rows(section))
        if table is not None:
            out += [KeepStart([subheading(section.title), table]), gap(1.5)]
    return out


def group_cards(src: AnswerSource, group: GroupQuestion) -> list[Flowable]:
    """Each item of a repeating group as a card of label/value pairs, long text full width."""
    items = src.items(group)
    if not items:
        return [para(src.show(group), "value")]
    out: list[Flowable] = []
    title_question = group.item_questions[0]
    for item in items:
        title = f"{group.item_label} {item.number} of {len(items)}"
        skip_first = title_question.type in {"single_choice", "multiple_choice"} and item.asked(
            title_question
        )
        if skip_first:
            title += f": {src.show_item(title_question, item)}"
        grid = Grid(title=title)
        for question in group.item_questions[1 if skip_first else 0 :]:
            if not item.asked(question):
                continue
            shown = src.show_item(question, item)
            if question.type == "text" and (len(shown) > 45 or "\n" in shown):
                grid.wide.append((question.label, shown))
            else:
                grid.pairs.append((question.label, shown))
        out += [KeepTogether([grid.table()]), gap(2)]  # a short card is not cut in two
    return out


def avoidability_scale(src: AnswerSource, question: AnyQuestion) -> list[Flowable]:
    """The six grades in ONE orientation, the study's, with the chosen judgement highlighted.

    The study's scale is the question's default scale (``domain.study_scale`` puts
    the study's scale there), so every summary of a study draws the same grid whatever scale a
    grade was entered on; a grade entered on the other scale is highlighted where the same
    judgement sits and said as entered ("entered as PRISM / Hogan grade 4").
    """
    chosen = parse_avoidability(src.value(question))
    if chosen is None or not src.asked(question):
        return []
    s = styles()
    scale = question.default_scale if isinstance(question, AvoidabilityQuestion) else chosen.scale
    shown = chosen.on_scale(scale)
    grades = range(1, 7)
    meaning = {g: RCP_GRADE_LABELS[g if scale is AvoidabilityScale.RCP else 7 - g] for g in grades}
    col = shown.grade - 1
    head_chosen = ParagraphStyle("scale-head-chosen", parent=s.cell_bold, textColor=colors.white)
    body_chosen = ParagraphStyle("scale-body-chosen", parent=s.small, textColor=colors.white)
    head = [
        Paragraph(f"{scale.label} grade {g}", head_chosen if g - 1 == col else s.cell_bold)
        for g in grades
    ]
    body = [Paragraph(markup(meaning[g]), body_chosen if g - 1 == col else s.small) for g in grades]
    width = FRAME_WIDTH / 6
    table = Table([head, body], colWidths=[width] * 6, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.5, RULE_GREY),
                ("BACKGROUND", (col, 0), (col, -1), NHS_BLUE),
                ("BOX", (col, 0), (col, -1), 1.2, NHS_BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    likely = "Yes" if chosen.more_likely_than_not_avoidable else "No"
    # The other scale is named only when the grade was entered on it: once, never twice.
    said = (
        f"The study grades on the {scale.label} scale."
        if chosen.scale is scale
        else f"Entered as {chosen.scale.label} grade {chosen.grade}; the study grades on the "
        f"{scale.label} scale, where the same judgement is grade {shown.grade}."
    )
    return [
        gap(1.5),
        table,
        gap(1),
        note(
            f"{said} Death more likely than not due to problems in care (RCP 1–3, Hogan 4–6): "
            f"{likely}."
        ),
    ]


__all__ = ["avoidability_scale", "group_cards", "section_rows_table"]
