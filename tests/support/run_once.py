"""Build an expensive read-only template once per test run, for every xdist worker at once.

A session fixture runs once per worker process, so with ``-n 2`` each template (the practice
study: seconds of real signing; the demo) used to be built twice. Here the first worker to ask
builds it in the run's shared temporary folder under an exclusive file lock; the others wait
for that lock and then use what it built. A build that fails leaves nothing marked done, so
the next asker builds again (and fails the same way, with its own traceback).

Templates are read only: tests copy them (as before, when each worker had its own). Without
xdist, or where ``fcntl`` does not exist (Windows), each process builds its own, as before.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no sharing between workers
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")


def shared_root(basetemp: Path) -> Path:
    """The folder all workers of this run share: the parent of a worker's basetemp (the run's
    own numbered folder); without xdist, the process's basetemp itself."""
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        return basetemp.parent / "shared-templates"
    return basetemp / "shared-templates"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def built_once_per_run(basetemp: Path, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)``'s result for this run: built by the first worker to ask, in
    ``<shared root>/<name>``, and returned (unpickled) to every later asker."""
    root = shared_root(basetemp)
    folder, done = root / name, root / f"{name}.done.pickle"
    with _locked(root / f"{name}.lock"):
        if done.exists():
            result: T = pickle.loads(done.read_bytes())
            return result
        if folder.exists():  # a build that failed half-way
            shutil.rmtree(folder)
        result = build(folder)
        partial = done.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(result))
        partial.replace(done)
        return result
