"""The layering of architecture.md, checked by parsing the code (not by convention)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reviewer_app"
SQL_MODULES = {"sqlite3", "sqlcipher3", "sqlite_utils", "pysqlite3"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert len(found) > 10, "the package should have been found"
    return found


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def test_only_gui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _layer(p) != "gui" and "PySide6" in _imports(p)
    ]
    assert offenders == []


def test_only_storage_speaks_sql() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _layer(p) != "storage" and _imports(p) & SQL_MODULES
    ]
    assert offenders == []


def test_domain_depends_on_nothing_above_it() -> None:
    offenders = []
    for path in _modules():
        if _layer(path) != "domain":
            continue
        text = path.read_text(encoding="utf-8")
        for upper in ("reviewer_app.storage", "reviewer_app.services", "reviewer_app.gui"):
            if upper in text:
                offenders.append(f"{path.relative_to(PACKAGE)} -> {upper}")
    assert offenders == []


def test_services_and_storage_never_import_gui() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _layer(p) in {"services", "storage", "domain"}
        and "reviewer_app.gui" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The parser really finds imports (so the tests above can fail)."""
    sample = tmp_path / "x.py"
    sample.write_text("import sqlite3\nfrom PySide6.QtCore import QObject\n", encoding="utf-8")
    assert _imports(sample) == {"sqlite3", "PySide6"}


def _runtime_reviewer_app_imports(path: Path) -> set[str]:
    """reviewer_app modules imported at run time (imports under ``if TYPE_CHECKING:`` are
    types only and do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                type_only.update(id(n) for n in ast.walk(inner))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("reviewer_app.")}


def test_gui_reaches_storage_only_through_services() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE)} -> {name}"
        for p in _modules()
        if _layer(p) == "gui"
        for name in _runtime_reviewer_app_imports(p)
        if name.startswith("reviewer_app.storage")
    ]
    assert offenders == []


def test_type_only_imports_are_told_apart(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from reviewer_app.storage.cases import CaseStore\n"
        "if TYPE_CHECKING:\n"
        "    from reviewer_app.storage.database import Database\n",
        encoding="utf-8",
    )
    assert _runtime_reviewer_app_imports(sample) == {"reviewer_app.storage.cases"}
