"""The study's repositories share the one ``Repository`` base of both databases
(``storage/repository.py``: the open database and the clock that stamps what it writes)."""

from __future__ import annotations

from reviewer_app.storage.repository import Repository

__all__ = ["Repository"]
