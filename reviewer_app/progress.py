"""The progress callback every long job takes: ``progress(done, total, label)``.

Core code reports progress through this plain callable (napari's habit); the GUI turns it into
a progress dialog and the CLI into lines. ``label`` never holds patient data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

Progress: TypeAlias = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _label: str) -> None:
    """The default when nobody is watching."""
