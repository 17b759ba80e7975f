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
        "from reviewer_app.storage.workspace.cases import CaseStore\n"
        "if TYPE_CHECKING:\n"
        "    from reviewer_app.storage.database import Database\n",
        encoding="utf-8",
    )
    assert _runtime_reviewer_app_imports(sample) == {"reviewer_app.storage.workspace.cases"}


# --- Sibling capability packages of services/ (issue 9) -------------------------------------

SERVICES = PACKAGE / "services"

# The only imports allowed between sibling packages of services/: importing package -> the
# modules (or whole packages) of its siblings it may import, names relative to services/, each
# with the reason the seam exists. Any other import fails test_services_packages_meet_only_at_
# seams: a new seam is a design decision, made here with its reason. The modules directly in
# services/ (workspace, study, session, json_schemas) are cross-cutting: any package may use them.
SEAMS: dict[str, set[str]] = {
    "allocation": {
        # the allocation CSV is written with intake's spreadsheet-safe CSV writer
        "intake.csv_export",
    },
    "collection": {
        # collection opens return bundles with the returns wire format
        "returns.format",
        # it checks the PDFs' PAdES signatures and the canonical content's shape
        "signing.pades_verify",
        "signing.canonical",
        # and matches signers to the certificates the study authority issued
        "trust.authority",
        # the triggers it keeps are worked out from the answered values, read as
        # reconciliation reads a canonical content's answer states
        "reconciliation.states",
    },
    "demo": {
        # the practice study gets its action plan through the real action-plan service
        "records.action_plan",
        # the demo builds its study through the real coordinator path: intake, enrolment,
        # allocation and packs, exactly as a coordinator would
        "intake.study_intake",
        "trust.enrolment_desk",
        "allocation.study_allocation",
        "packs.maker",
        # the demo fills its sample reviews through the real review service
        "review.service",
        # the demo signs and co-signs its sample cases through the real sign-off
        "signing.signoff",
        # the demo study's authority certifies the demo co-reviewer
        "trust.authority",
        # the demo co-reviewer enrols with a real enrolment request and PKCS#12 file
        "trust.enrolment",
        # the practice study's reviewers return their signed reviews with the real writer
        "returns.writer",
    },
    "packs": {
        # packs are made only from an allocation that is still current, each case in its mode
        "allocation.study_allocation",
        # packs are signed by the study authority and checked against the pinned root
        "trust.authority",
        # packs are CMS-signed and enveloped (encrypted) to the reviewer
        "trust.cms",
        # a pack is opened with the reviewer's private key kept in the workspace
        "trust.workspace_identity",
        # pack import checks the collection certificate it pins for returns
        "returns.format",
    },
    "review": {
        # recording an outcome on an amendment follows sign-off's rule: no route out of a
        # finding any earlier signed version held
        "signing.rules",
    },
    "returns": {
        # a return is refused when the workspace's audit trail or database is not intact
        "integrity.checks",
        # a return is CMS-signed by the reviewer and enveloped to the collection certificate
        "trust.cms",
        # the signer and the collection certificate are checked against the study authority
        "trust.authority",
        # a returned version's canonical content is recomputed exactly as sign-off did
        "signing.signing_inputs",
        # bundles are written (atomically, under the shared names) into the shared folder
        "shared_drive.folder",
        # a return is signed with the reviewer's key kept in the workspace
        "trust.workspace_identity",
    },
    "signing": {
        # sign-off, co-signing and export refuse a workspace whose audit trail is broken
        "integrity.checks",
        # sign-off renders the PDF case summary it signs (its input, document, signature block)
        "summary",
        # signatures carry, and are checked against, certificates of the study authority
        "trust.authority",
        # co-signing at a colleague's laptop reads their PKCS#12 identity file
        "trust.enrolment",
        # the signer's private key comes from the identity kept in the workspace
        "trust.workspace_identity",
        # PAdES signing uses trust's key-holding pyHanko signer, shared with CMS signing
        "trust.key_signer",
    },
    "summary": {
        # the case summary is laid out with the reportlab building blocks of pdf/
        "pdf",
    },
    "exports": {
        # analysts' CSVs are written with intake's spreadsheet-safe (formula-neutral) writer
        "intake.csv_export",
        # consensus.csv is the consensus records as reconciliation keeps them
        "reconciliation.consensus",
        # every table CSV is a table of the report, from the same figures (never recounted)
        "report.build",
        "report.figures",
        "report.source",
        "report.tables",
    },
    "integrity": {
        # `check` rebuilds each signed content exactly as sign-off did, to compare hashes
        "signing.signing_inputs",
    },
    "reconciliation": {
        # pairs are compared from each reviewer's version in force, as collection stored it
        "collection.records",
        # the agreement statement uses the tested pure statistics (kappa, PABAK, Wilson)
        "report.agreement",
        "report.proportions",
        # the coordinator window's one read of the study gives the status and the escalation
        # log from the same decrypted reviews (study_snapshot.py)
        "collection.status",
        "records.escalation_log",
        # the triggers each collected review fires, worked out once and kept by collection
        "collection.triggers",
    },
    "records": {
        # the escalation log starts from the escalations in the versions in force
        "collection.records",
        # and reads their answered values as collection does for the triggers it keeps
        "reconciliation.states",
        # with the escalation triggers each fires, as collection worked them out and kept them
        "collection.triggers",
        # the action plan CSV is read all-or-nothing with the cohort's decoder, written
        # spreadsheet-safe with intake's writer (as is the de-identified log)
        "intake.csv_reader",
        "intake.csv_export",
        # the referral, log and appendix PDFs use the shared reportlab building blocks
        "pdf",
        # the de-identified log's free text goes through the taskforce copy's identifier gate
        "summary.redaction",
    },
    "report": {
        # the report is laid out with the shared reportlab building blocks
        "pdf",
        # it counts each case's values in use and prints the agreement statement
        "reconciliation.resolved",
        "reconciliation.agreement_statement",
        # and reads the reviews once for both (reconciliation's single read of the study)
        "reconciliation.study_reviews",
        # sections 5 and 9: the escalation log and the action plan
        "records.escalation_log",
        "records.action_plan",
        # learning comments go through the taskforce copy's identifier gate
        "summary.redaction",
    },
    "scripted": {
        # answers set from a file go through the form's own save (validation, audit)
        "review.service",
    },
}


def _all_reviewer_app_imports(path: Path) -> set[str]:
    """Every reviewer_app module a file imports: at run time, lazily or for types only."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = ".".join(("reviewer_app", *path.relative_to(PACKAGE).with_suffix("").parts))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = own.split(".")[: -node.level]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                as_path = PACKAGE.parent / sub.replace(".", "/")
                is_module = as_path.with_suffix(".py").exists() or as_path.is_dir()
                names.add(sub if is_module else base)
    return {n for n in names if n.startswith("reviewer_app.")}


def _capability(path: Path) -> str | None:
    """The services package a module belongs to (None for the cross-cutting modules)."""
    parts = path.relative_to(SERVICES).parts
    return parts[0] if len(parts) > 1 else None


def _sibling_imports() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SERVICES.rglob("*.py")):
        own = _capability(path)
        if own is None:
            continue
        for name in sorted(_all_reviewer_app_imports(path)):
            parts = name.split(".")
            if parts[:2] != ["reviewer_app", "services"] or len(parts) < 3:
                continue
            other = parts[2]
            if other != own and (SERVICES / other).is_dir():
                found.setdefault((own, name), []).append(str(path.relative_to(PACKAGE)))
    return found


def _seam_of(own: str, name: str) -> tuple[str, str] | None:
    rel = name.removeprefix("reviewer_app.services.")
    for seam in SEAMS.get(own, set()):
        if rel == seam or rel.startswith(seam + "."):
            return own, seam
    return None


def test_services_packages_meet_only_at_seams() -> None:
    new = [
        f"{own} -> {name} (in {', '.join(files)})"
        for (own, name), files in _sibling_imports().items()
        if _seam_of(own, name) is None
    ]
    assert new == [], "a new seam between services packages: remove it, or add it to SEAMS"


def test_every_seam_is_still_used() -> None:
    used = {_seam_of(own, name) for own, name in _sibling_imports()}
    listed = {(own, seam) for own, seams in SEAMS.items() for seam in seams}
    stale = sorted(listed - used)
    assert stale == [], "these seams are gone: remove them from SEAMS"


def test_the_seam_checker_sees_a_sibling_import() -> None:
    assert _sibling_imports(), "the seam checker should find the seams listed in SEAMS"


def test_few_modules_directly_in_services() -> None:
    flat = sorted(p.name for p in SERVICES.glob("*.py") if p.name != "__init__.py")
    assert len(flat) <= 6, flat


def test_the_two_databases_keep_apart() -> None:
    """The workspace's repositories and the study's never import each other."""
    offenders = []
    for side, other in (("workspace", "study"), ("study", "workspace")):
        for path in sorted((PACKAGE / "storage" / side).rglob("*.py")):
            for name in _all_reviewer_app_imports(path):
                if name.startswith(f"reviewer_app.storage.{other}"):
                    offenders.append(f"{path.relative_to(PACKAGE)} -> {name}")
    assert offenders == []
