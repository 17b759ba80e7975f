"""What start-up imports, and what it keeps out (issue 15: fast where people wait).

The storage layer is imported through ``import_storage_lightly`` on every path that opens a
workspace or a study from the GUI: sqlite_utils would otherwise pull in pandas and numpy,
which the app never uses.
"""

from __future__ import annotations

import sys

DATAFRAME_LIBRARIES = ("pandas", "numpy")
"""Imported by sqlite_utils whenever they are installed (for DataFrame column types, which
this app never uses): where they are (a developer's environment), 420 more modules, seconds
and ~50 MiB before the case list; an installed app has neither."""


def import_storage_lightly() -> None:
    """Import the storage layer (and sqlite_utils with it) without the dataframe libraries.

    A ``None`` in ``sys.modules`` makes ``import pandas`` fail, as if it were not installed,
    for as long as sqlite_utils is being imported; afterwards the entries are removed again,
    so that anything that really uses them can still import them.
    """
    if "reviewer_app.storage.database" in sys.modules:
        return
    blocked = [name for name in DATAFRAME_LIBRARIES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import reviewer_app.storage.database  # noqa: F401
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def preload(module_names: tuple[str, ...]) -> None:
    """Import ``module_names`` (on a worker thread, while a passphrase is typed), the storage
    layer lightly first. PySide6's import hook reads the source of every module imported
    after it and ``linecache`` keeps them all (13 MiB for the reviewer's window, held through
    the key derivation's peak): the cache is cleared after each import."""
    import importlib
    import linecache

    import_storage_lightly()
    for name in module_names:
        importlib.import_module(name)
        linecache.clearcache()
