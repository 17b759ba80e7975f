"""The preload (app.PRELOADED, imported while the passphrase is typed) leaves no module sources
in memory (issue 15).

PySide6's import hook reads the source of every module imported after PySide6 (to see whether
it uses ``__feature__``), and ``linecache`` keeps each one: after the preload that was 330 files,
148,000 lines, 13 MiB, at the memory peak (it comes before the key derivation). Checked in a
fresh interpreter, where the preload really imports everything.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.fresh_interpreter import run_probe

PROBE = r"""
import json, linecache, sys
import PySide6.QtCore  # its import hook is what reads the sources
from reviewer_app.app import preload_services

def cached(prefix):
    return sorted(f for f in linecache.cache if f"/{prefix}/" in f)

preload_services()
after_preload = cached("reviewer_app")
__import__(sys.argv[1])  # not preloaded: the modules it imports are read and kept
print(json.dumps({"after_preload": after_preload, "after_import": cached("reviewer_app")}))
"""


def test_the_preload_leaves_no_module_sources_cached() -> None:
    out = run_probe(PROBE, "reviewer_app.services.spelling.checker")
    assert out["after_preload"] == []
    assert "words.py" in [Path(f).name for f in out["after_import"]]  # checker imports it
