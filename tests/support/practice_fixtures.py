"""A small practice study for the collection tests, built once per test run and copied.

Building one signs every review for real (the PDFs, the bundles); only the key derivation is
the cheap test one. The template is built once per run (per size and seed, shared by the xdist
workers: ``run_once``) and each test module copies the closed folders.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from reviewer_app.services.demo.practice import (
    PracticeLayout,
    PracticeStudy,
    build_practice_study,
)
from reviewer_app.services.demo.practice_plan import PracticePlan
from reviewer_app.storage.keys import TEST_KDF
from tests.support.run_once import built_once_per_run

SMALL_CASES = 16
SMALL_REVIEWERS = 4
SMALL_SEED = 7


@dataclass(frozen=True)
class Practice:
    layout: PracticeLayout
    plan: PracticePlan
    built: PracticeStudy


@cache
def _template(root: str, cases: int, reviewers: int, seed: int) -> PracticeStudy:
    """Built once per run for all xdist workers (``run_once``); ``root`` is a basetemp."""
    return built_once_per_run(
        Path(root),
        f"practice-{cases}-{reviewers}-{seed}",
        lambda folder: build_practice_study(
            folder, cases=cases, reviewers=reviewers, seed=seed, kdf=TEST_KDF, workers=1
        ),
    )


def practice_copy(
    target: Path,
    basetemp: Path,
    *,
    cases: int = SMALL_CASES,
    reviewers: int = SMALL_REVIEWERS,
    seed: int = SMALL_SEED,
) -> Practice:
    """A private copy (in ``target``, which must not exist) of the template practice study."""
    built = _template(str(basetemp), cases, reviewers, seed)
    shutil.copytree(built.layout.root, target)
    return Practice(PracticeLayout(target), built.plan, built)


def collected_copy(tmp_path_factory: pytest.TempPathFactory, name: str) -> Practice:
    """A private copy of the template practice study, its returns collected into the study."""
    from reviewer_app.services.collection.collector import collect
    from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
    from reviewer_app.services.study import Study

    practice = practice_copy(tmp_path_factory.mktemp(name) / "p", tmp_path_factory.getbasetemp())
    with Study.open(practice.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        collect(study, practice.layout.shared)
    return practice
