"""Text in the order a person numbers things: 1.2 before 2.1 before 10.1, AP-7 before AP-10.

Runs of digits compare by their value, the rest by their letters ignoring case. Used for the
action plan's references (every list of actions) and for the coordinator's tables when a
column heading is clicked.
"""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)")

NaturalKey = tuple[tuple[int, int | str], ...]


def natural_key(text: str) -> NaturalKey:
    """The sort key of ``text`` (see the module docstring)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in _RUNS.split(text)
        if part
    )
