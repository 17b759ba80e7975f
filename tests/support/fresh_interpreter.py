"""Run a probe script in a fresh interpreter, as a person's launch of the app starts one, and
read the JSON object it prints last (offscreen Qt; the app home is the test's own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def run_probe(code: str, *args: str, home: Path | None = None, timeout: float = 120) -> Any:
    """The JSON of the probe's last line of output; the probe must exit 0."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if home is not None:
        env["REVIEWER_APP_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
