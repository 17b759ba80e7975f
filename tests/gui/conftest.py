"""GUI test set-up: widgets closed by a test are really deleted before the next one.

pytest-qt closes the widgets a test registered and Qt deletes them on the next pass of the
event loop. Tests do not always run one, and a later test that restyles the application
(``apply_theme``) would then walk half-deleted widgets and crash the process. In the app the
event loop runs continuously, so this only concerns tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent


@pytest.fixture(autouse=True)
def _flush_deferred_deletes(qapp: object) -> Iterator[None]:
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
