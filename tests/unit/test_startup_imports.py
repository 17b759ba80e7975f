"""Start-up keeps the dataframe libraries out (issue 15): sqlite_utils imports pandas and numpy
whenever they are installed (they are, in the development environment, through the test tools),
which cost seconds and ~50 MiB before the case list. Checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = r"""
import importlib.util, json, sys
from reviewer_app.startup_imports import import_storage_lightly
installed = all(importlib.util.find_spec(n) is not None for n in ("pandas", "numpy"))
import_storage_lightly()
after = {n: n in sys.modules for n in ("pandas", "numpy", "sqlite_utils",
                                       "reviewer_app.storage.database")}
print(json.dumps({"installed": installed, "after": after}))
"""


def test_storage_is_imported_without_pandas_which_stays_importable() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["installed"], "the probe needs pandas installed to show it is kept out"
    # not in sys.modules at all: kept out while storage loaded, and the None that kept it
    # out removed again, so anything that really uses pandas can still import it
    assert out["after"] == {
        "pandas": False,
        "numpy": False,
        "sqlite_utils": True,
        "reviewer_app.storage.database": True,
    }
