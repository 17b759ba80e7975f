"""Dates typed that are not dates: never a silent drop.

A date box holding text it cannot read keeps the answer saved before (or none) and says so;
this module makes such a box unmissable beyond its own row: the section list counts it
("✖ 1 date not saved"), and the readiness list carries an entry for it that blocks signing
(the text is not an answer, so the service cannot see it: the form must).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from reviewer_app.domain.progress import ReadinessItem
from reviewer_app.gui.form.fields import FieldWidget
from reviewer_app.gui.form.group_field import GroupField
from reviewer_app.gui.form.section_page import SectionPage

UNPARSED_CODE = "form.date_not_saved"


def _fields(page: SectionPage) -> Iterator[tuple[FieldWidget, str | None, str | None]]:
    """Each field of the page, with the group and item it is inside (or ``None``)."""
    for question_id, row in page.rows.items():
        yield row.field, None, None
        if isinstance(row.field, GroupField):
            item_id = row.field.current_item_id()
            for inner in row.field.rows:
                yield inner.field, question_id, item_id


def unparsed_items(pages: Iterable[SectionPage]) -> list[ReadinessItem]:
    """A readiness entry for every visible date box whose text is not saved."""
    items: list[ReadinessItem] = []
    for page in pages:
        for field, group_id, item_id in _fields(page):
            if field.unparsed and field.isVisibleTo(page):
                items.append(
                    ReadinessItem(
                        UNPARSED_CODE,
                        f"{field.label}: the date typed is not a date and is NOT saved; "
                        "correct it or empty the box",
                        page.section.id,
                        page.section.title,
                        field.question_id,
                        group_id,
                        item_id,
                    )
                )
    return items


def unparsed_counts(items: Iterable[ReadinessItem]) -> dict[str, int]:
    """How many unsaved dates each section holds."""
    counts: dict[str, int] = {}
    for item in items:
        if item.code == UNPARSED_CODE and item.section_id is not None:
            counts[item.section_id] = counts.get(item.section_id, 0) + 1
    return counts


def not_saved_label(count: int) -> str:
    return f"✖ {count} date{'s' if count != 1 else ''} not saved"


def may_leave(
    items: Sequence[ReadinessItem], parent: QWidget, run: Callable[[QDialog], int]
) -> bool:
    """Leaving a case with dates typed but not saved: asked first (never a silent drop).
    True only when the reviewer chooses to leave them; the saved answers are kept."""
    if not items:
        return True
    fields = ", ".join(f"“{i.message.split(': the date typed')[0]}”" for i in items)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Date not saved",
        f"What you typed in {fields} is not a date, so it is NOT saved: the answer saved "
        "before (or none) is kept. Go back and correct it, or leave without it?",
        parent=parent,
    )
    box.setAccessibleName("Date not saved")
    back = box.addButton("Go back to the date", QMessageBox.ButtonRole.RejectRole)
    leave = box.addButton("Leave without it", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(back)
    run(box)
    return box.clickedButton() is leave
