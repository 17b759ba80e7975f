"""Shared builders for the study, pack-import and coordinator CLI tests (no tests here).

A "world" is a study with a cohort and panel, and reviewer workspaces with identities,
enrolled and allocated. Building one costs several RSA key generations, so a template is
built once per session and copied (closed databases, plain folder copy) for each test.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509

from reviewer_app.domain.panel import Profession, Reviewer, Sector
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.allocation import study_allocation
from reviewer_app.services.demo.synthetic import cohort_csv, panel_csv, synthetic_cases
from reviewer_app.services.intake import study_intake
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.packs.format import PackCase, PackContent
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.study import Study
from reviewer_app.services.trust import enrolment_desk
from reviewer_app.services.trust.authority import certificate_pem, fingerprint
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.enrolments import EnrolmentStore

STUDY_PASSPHRASE = "coordinator study passphrase"
WORKSPACE_PASSPHRASE = "reviewer workspace passphrase"


def panel(count: int = 4) -> list[Reviewer]:
    """Doctors and nurses in turn, across sectors, no conflicts (predictable allocation)."""
    sectors = (Sector.SECONDARY, Sector.PRIMARY, Sector.COMMUNITY)
    return [
        Reviewer(
            reviewer_ref=f"R{i:02d}",
            name=f"{'Dr' if i % 2 else 'Nurse'} Test {i}",
            profession=Profession.DOCTOR if i % 2 else Profession.NURSE,
            sector=sectors[i % 3],
            registration=f"GMC {1000000 + i}" if i % 2 else f"NMC 12A{1000 + i}E",
            email=f"r{i:02d}@example.nhs.uk",
        )
        for i in range(1, count + 1)
    ]


def cohort_bytes(count: int, seed: int = 2017) -> bytes:
    return cohort_csv(synthetic_cases(count, seed=seed)).encode("utf-8")


def panel_bytes(reviewers: list[Reviewer] | None = None) -> bytes:
    return panel_csv(reviewers or panel()).encode("utf-8")


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the schema), for 'nothing changed' assertions."""
    tables = [
        r[0]
        for r in db.query_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    state: dict[str, list[tuple[Any, ...]]] = {
        "__schema__": db.query_all("SELECT type, name, sql FROM sqlite_master ORDER BY name")
    }
    for table in tables:
        state[table] = sorted(db.query_all(f'SELECT * FROM "{table}"'), key=repr)
    return state


def new_study(folder: Path, *, mode: str = "independent", cases: int = 12) -> Study:
    study = Study.create(folder, STUDY_PASSPHRASE, name="Test study", mode=mode, kdf=TEST_KDF)
    if cases:
        study_intake.add_cohort(study, cohort_bytes(cases), "cohort.csv")
    study_intake.add_reviewers(study, panel_bytes(), "reviewers.csv")
    return study


def new_workspace(folder: Path, ref: str) -> tuple[ReviewerSession, bytes]:
    session = ReviewerSession.create(folder, WORKSPACE_PASSPHRASE, kdf=TEST_KDF)
    request = session.create_identity(
        name=f"Reviewer {ref}",
        profession="doctor",
        registration="GMC 1234567",
        email=f"{ref.lower()}@example.nhs.uk",
    )
    return session, request


@dataclass(frozen=True)
class World:
    root: Path

    @property
    def study_dir(self) -> Path:
        return self.root / "study"

    def workspace_dir(self, ref: str) -> Path:
        return self.root / f"ws-{ref}"

    @property
    def packs_dir(self) -> Path:
        return self.root / "shared-drive"

    def study(self) -> Study:
        return Study.open(self.study_dir, STUDY_PASSPHRASE)

    def session(self, ref: str) -> ReviewerSession:
        return ReviewerSession.unlock(self.workspace_dir(ref), WORKSPACE_PASSPHRASE)

    def make_packs(self) -> dict[str, Path]:
        with self.study() as study:
            report = pack_maker.make_packs(study, self.packs_dir)
        return {m.reviewer_ref: m.path for m in report.made}

    def fingerprint(self) -> str:
        with self.study() as study:
            return study.fingerprint()


ENROLLED = ("R01", "R02", "R03", "R04")


@cache
def _template(root: str, mode: str) -> Path:
    folder = Path(root) / f"template-{mode}"
    world = World(folder)
    with new_study(world.study_dir, mode=mode) as study:
        for ref in ENROLLED:
            session, request = new_workspace(world.workspace_dir(ref), ref)
            session.close()
            enrolment_desk.enrol(study, request, ref)
        study_allocation.allocate(study)
    return folder


def world(tmp_path: Path, template_root: Path, mode: str = "independent") -> World:
    """A fresh copy of the template world (study + 4 enrolled workspaces, allocated)."""
    target = tmp_path / "world"
    shutil.copytree(_template(str(template_root), mode), target)
    return World(target)


def pack_content_for(w: World, ref: str, **overrides: Any) -> tuple[PackContent, Any, Any, Any]:
    """Pack content for ``ref`` from the world's study, plus the signing material."""
    with w.study() as study:
        key, root = study.signing_authority()
        enrolment = EnrolmentStore(study.db).active(ref)
        assert enrolment is not None
        cert = x509.load_pem_x509_certificate(enrolment.cert_pem.encode())
        cases = CohortStore(study.db).cases()[:3]
        info = study.info
    fields: dict[str, Any] = {
        "pack_id": str(uuid.uuid4()),
        "sequence": 50,
        "study_id": info.study_id,
        "study_name": info.name,
        "created_at": dt.datetime.now(dt.UTC),
        "review_mode": ReviewMode.INDEPENDENT,
        "addressee_reviewer_ref": ref,
        "addressee_cert_fingerprint": fingerprint(cert),
        "study_root_cert_pem": certificate_pem(root),
        "reviewer_cert_pem": certificate_pem(cert),
        "definition_id": "test",
        "definition_version": "1",
        "definition": {},
        "cases": [PackCase(case=c) for c in cases],
        "withdrawn_case_refs": [],
    }
    fields.update(overrides)
    return PackContent.model_validate(fields), key, root, cert
