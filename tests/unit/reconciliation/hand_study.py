"""A hand-made study for the reconciliation tests: a real (encrypted, migrated) study with a
cohort and a panel, pairs set by hand, and returned versions stored as collection stores them
(canonical contents written here, PDFs as placeholders: nothing here checks signatures).

Not a test module: the reconciliation tests import it for building their studies.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.services.study import Study
from reviewer_app.storage.study.allocation import AllocationStore
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.returns import BundleFileRow, ReturnsStore, VersionRow
from tests.support.study_fixtures import STUDY_PASSPHRASE, new_study

SIGNED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
_TEMPLATES = Path(tempfile.mkdtemp(prefix="hand-study-"))
atexit.register(shutil.rmtree, _TEMPLATES, True)


@cache
def _template(cases: int) -> Path:
    """A new study with ``cases`` cases and the four-reviewer panel, made once per run."""
    folder = _TEMPLATES / f"study-{cases}"
    new_study(folder, cases=cases).close()
    return folder


def answered(value: Any) -> dict[str, Any]:
    return {"state": "answered", "value": value}


def rcp(grade: int) -> dict[str, Any]:
    return {"scale": "rcp", "grade": grade}


def canonical(case_ref: str, outcome: str, version: int, answers: Mapping[str, Any]) -> str:
    states = {
        qid: (v if isinstance(v, Mapping) and "state" in v else answered(v))
        for qid, v in answers.items()
    }
    return json.dumps(
        {
            "format": "reviewer-app/review-content",
            "format_version": 1,
            "case": {"case_ref": case_ref, "record_sha256": "0" * 64},
            "definition": {"id": "nhs-mortality-review", "version": "1"},
            "review": {
                "version": version,
                "outcome": outcome,
                "outcome_reason": None,
                "supersedes_version": None if version == 1 else version - 1,
                "amendment_reason": None,
            },
            "answers": states,
            "audit_head": {"seq": 1, "hash": "0" * 64},
        },
        sort_keys=True,
    )


class HandStudy:
    """A study with cases paired by hand and reviews put in as if collected."""

    def __init__(self, folder: Path, cases: int = 6) -> None:
        shutil.copytree(_template(cases), folder)
        self.study = Study.open(folder, STUDY_PASSPHRASE)
        self.case_refs = sorted(c.case_ref for c in CohortStore(self.study.db).cases())
        self._store = ReturnsStore(self.study.db)
        self._run = self._store.start_run(str(folder))
        self._files = 0

    def pair(self, pairs: Mapping[str, tuple[str, str]]) -> None:
        AllocationStore(self.study.db).replace(dict(pairs), [], [])

    def put(
        self,
        case_ref: str,
        reviewer_ref: str,
        answers: Mapping[str, Any] | None = None,
        *,
        outcome: str = "full_review",
        version: int = 1,
    ) -> None:
        content = canonical(case_ref, outcome, version, answers or {})
        self._files += 1
        digest = hashlib.sha256(content.encode()).hexdigest()
        row = VersionRow(
            case_ref=case_ref,
            reviewer_ref=reviewer_ref,
            version=version,
            outcome=outcome,
            definition_id="nhs-mortality-review",
            definition_version="1",
            supersedes_version=None if version == 1 else version - 1,
            signed_at=SIGNED,
            content=content,
            content_sha256=digest,
            audit_head_seq=1,
            audit_head_hash="0" * 64,
            pdf_full=b"%PDF-placeholder",
            pdf_full_sha256="0" * 64,
            pdf_taskforce=b"%PDF-placeholder",
            pdf_taskforce_sha256="0" * 64,
            audit_entries=[],
            verdicts={},
            bundle_id=f"bundle-{self._files}",
            returned_at=SIGNED,
        )
        file = BundleFileRow(
            file_sha256=hashlib.sha256(f"file-{self._files}".encode()).hexdigest(),
            file_name=f"return-{reviewer_ref}-{self._files:04d}.p7m",
            bundle_id=row.bundle_id,
            reviewer_ref=reviewer_ref,
            sequence=self._files,
            signed_at=SIGNED,
        )
        self._store.accept(self._run, file, [row], [])

    def study_cases(self) -> list[Case]:
        return CohortStore(self.study.db).cases()

    def close(self) -> None:
        self.study.close()
