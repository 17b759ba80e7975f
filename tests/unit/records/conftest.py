"""A study with hand-made returned reviews whose escalations are known (for the records tests).

A template study (cohort of 6 synthetic cases, panel of 4) is made once per run and copied for
each test; ``put_review`` stores a returned version with a hand-written canonical content,
through the returns store as collection does (PDF bytes are placeholders: nothing here reads
them).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.services.study import Study
from reviewer_app.storage.study.returns import BundleFileRow, ReturnsStore, VersionRow
from tests.support.study_fixtures import STUDY_PASSPHRASE, new_study

TODAY = date(2026, 3, 18)  # a Wednesday
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)


def fixed_clock(moment: datetime = NOW) -> Callable[[], datetime]:
    return lambda: moment


@cache
def _template(root: str) -> Path:
    folder = Path(root) / "records-template"
    with new_study(folder, cases=6):
        pass
    return folder


@pytest.fixture
def study_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path / "study"
    shutil.copytree(_template(str(tmp_path_factory.getbasetemp())), target)
    return target


@pytest.fixture
def study(study_dir: Path) -> Iterator[Study]:
    with Study.open(study_dir, STUDY_PASSPHRASE) as opened:
        yield opened


def case_refs(study: Study) -> list[str]:
    from reviewer_app.storage.study.cohort import CohortStore

    return [c.case_ref for c in CohortStore(study.db).cases()]


def escalation_item(item_id: str = "e1", **answers: Any) -> dict[str, Any]:
    """A v1 escalation item; keyword names are the question ids after ``escalation.item.``."""
    base: dict[str, Any] = {
        "triggers": ["harm"],
        "destination": ["provider_patient_safety"],
        "organisations": "Northfield Acute Hospitals NHS Trust",
        "lead_organisation": "Northfield Acute Hospitals NHS Trust",
        "phase": "ongoing",
        "care_date": "2026-01-12",
        "description": "Deterioration was not escalated for six hours despite a rising score.",
        "harm": "yes",
        "harm_severity": "severe",
        "avoidability": {"scale": "rcp", "grade": 3},
        "family_aware": "no",
        "duty_of_candour": "yes",
        "duty_of_candour_provider": "Northfield Acute Hospitals NHS Trust",
        "status": "draft",
    }
    base.update(answers)
    values = {f"escalation.item.{k}": v for k, v in base.items() if v is not None}
    return {"id": item_id, "answers": values}


def content(
    case_ref: str,
    items: list[dict[str, Any]] | None,
    *,
    decision: str = "escalate",
    version: int = 1,
    definition_version: str = "1",
    extra: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "escalation.decision": {"state": "answered", "value": decision},
        "avoidability.grade": {"state": "answered", "value": {"scale": "rcp", "grade": 3}},
    }
    if items is not None:
        answers["escalation.items"] = {"state": "answered", "value": items}
    answers.update(extra or {})
    return {
        "format": "reviewer-app/review-content",
        "format_version": 1,
        "case": {"case_ref": case_ref, "record_sha256": "0" * 64},
        "definition": {"id": "nhs-mortality-review", "version": definition_version},
        "review": {
            "version": version,
            "outcome": "full_review",
            "outcome_reason": None,
            "supersedes_version": None if version == 1 else version - 1,
            "amendment_reason": None,
        },
        "answers": answers,
        "audit_head": {"seq": 1, "hash": "0" * 64},
    }


def put_review(study: Study, reviewer_ref: str, document: dict[str, Any]) -> None:
    """Store one returned version (as collection would) with this canonical content."""
    data = json.dumps(document, sort_keys=True)
    sha = hashlib.sha256(data.encode()).hexdigest()
    store = ReturnsStore(study.db)
    run = store.start_run("test")
    file_sha = hashlib.sha256(f"{sha}{reviewer_ref}".encode()).hexdigest()
    version = VersionRow(
        case_ref=document["case"]["case_ref"],
        reviewer_ref=reviewer_ref,
        version=document["review"]["version"],
        outcome=document["review"]["outcome"],
        definition_id=document["definition"]["id"],
        definition_version=document["definition"]["version"],
        supersedes_version=document["review"]["supersedes_version"],
        signed_at=NOW,
        content=data,
        content_sha256=sha,
        audit_head_seq=1,
        audit_head_hash="0" * 64,
        pdf_full=b"%PDF-",
        pdf_full_sha256="0" * 64,
        pdf_taskforce=b"%PDF-",
        pdf_taskforce_sha256="0" * 64,
        audit_entries=[],
        verdicts={},
        bundle_id=f"bundle-{file_sha[:8]}",
        returned_at=NOW,
    )
    store.accept(run, BundleFileRow(file_sha, f"return-{reviewer_ref}.p7m"), [version], [])
