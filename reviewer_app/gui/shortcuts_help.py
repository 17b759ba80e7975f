"""The Help ▸ Keyboard shortcuts text: every shortcut of the window and the form, in one table.

Kept beside, not inside, the window so the list reads as the table it is; a shortcut added to
the window or the form is added here too.
"""

from __future__ import annotations

SHORTCUTS_TEXT = "\n".join(
    f"{keys}\t{what}"
    for keys, what in (
        ("Ctrl+F", "Find a case (case reference, name or NHS number)"),
        ("Enter", "Open the selected case"),
        ("Ctrl+S", "Save now (in a case)"),
        ("Ctrl+Page Down / Up", "Next / previous section"),
        ("F1", "Help for the question you are answering"),
        ("Ctrl+Shift+Enter", "Sign the current case"),
        ("Ctrl+P", "Print the signed summary"),
        ("Ctrl+Shift+O", "Open the signed summary"),
        ("Ctrl+Shift+S", "Save the signed summary as…"),
        ("Ctrl+Shift+E", "Export all signed summaries"),
        ("Ctrl+Shift+L", "Back to the case list"),
        ("Ctrl+L", "Lock the workspace"),
        ("Ctrl+,", "Settings"),
        ("Ctrl+Q", "Quit"),
    )
)
