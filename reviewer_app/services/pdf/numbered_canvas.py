"""The canvas of every PDF that says "Page X of Y": the case summary, the taskforce report
and the records' PDFs.

"Y" is only known at the end, so the canvas keeps each finished page and, when the document
is saved, calls ``stamp(number, total)`` on every page in turn before writing it out.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Keeps each finished page; on saving, ``stamp`` draws on each, knowing the total."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_total = 0
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.stamp(number, total)
            super().showPage()
        super().save()
        self.page_total = total

    def stamp(self, number: int, total: int) -> None:
        """Draw what page ``number`` of ``total`` carries over its content."""
        raise NotImplementedError
