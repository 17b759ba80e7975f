"""The coordinator window's keyboard shortcuts, in one table (Help > Keyboard shortcuts)."""

from __future__ import annotations

from collections.abc import Sequence

from reviewer_app.gui.coordinator.sections import SectionSpec

SECTION_KEYS = "Ctrl+{n} or {alt}"

GENERAL = (
    ("F1 or Ctrl+/", "This list of shortcuts"),
    ("Ctrl+1 … Ctrl+8", "Go to a section (in the order of the list on the left)"),
    ("F5", "Read the study again (every section)"),
    ("Ctrl+F", "Search the table of the section you are in"),
    ("Tab / Shift+Tab", "Move between the controls of a section"),
    ("Enter", "Open the selected row (where a row opens something)"),
    ("Alt+underlined letter", "Press that button of the section you are in"),
    ("Ctrl+Shift+N", "New study…"),
    ("Ctrl+O", "Open another study…"),
    ("Ctrl+L", "Lock the study (every detail leaves the screen)"),
    ("Ctrl+W", "Close the study"),
)


def shortcut_rows(sections: Sequence[SectionSpec]) -> list[tuple[str, str]]:
    """(keys, what they do), the sections' keys after the first two general rows."""
    rows = list(GENERAL)
    rows[2:2] = [
        (SECTION_KEYS.format(n=i + 1, alt=spec.alt_key), f"Go to {spec.title}")
        for i, spec in enumerate(sections)
    ]
    return rows


def shortcuts_text(sections: Sequence[SectionSpec]) -> str:
    return "\n".join(f"{keys}\t{what}" for keys, what in shortcut_rows(sections))
