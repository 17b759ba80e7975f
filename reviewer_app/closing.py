"""``with`` support for what the app opens and must close (a session, a workspace, a study).

One definition so that each opened thing only says how it closes.
"""

from __future__ import annotations

from typing import Self


class ClosesOnExit:
    """Usable in a ``with`` block: leaving the block, however it is left, calls ``close``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
