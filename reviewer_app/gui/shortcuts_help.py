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
        (
            "Ctrl+1 … Ctrl+5",
            "Case list: all cases, to do, urgent, escalated, awaiting co-signature",
        ),
        ("Alt+W", "Case list: choose which cases to show"),
        ("Alt+A", "Case list: show all cases when the search found them only elsewhere"),
        ("Ctrl+S", "Save now (in a case)"),
        ("Ctrl+Page Down / Up", "Next / previous section"),
        ("F1", "Help: the question you are on, care scores, problem types, avoidability"),
        ("Ctrl+Shift+N", "Your private notes on the case (never signed, printed or returned)"),
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
