"""The practice study: built through the real path, reproducible from its seed, with what
real studies have (agreement that is not perfect, outcomes, amendments, laggards).

One small practice study (test KDF, real signing) is built once per run
(``tests/support/practice_fixtures``); the plan and answer properties are checked on the
pure planners at full size, which costs no signing.
"""

from __future__ import annotations

import functools
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer_app.cli import main
from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.validation import validate
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import UserError
from reviewer_app.services.allocation.pairing import allocate
from reviewer_app.services.demo import practice_answers as pa
from reviewer_app.services.demo.practice import (
    PRACTICE_PREFIX,
    PRACTICE_STUDY_PASSPHRASE,
    PRACTICE_WORKSPACE_PASSPHRASE,
    build_practice_study,
    practice_panel,
)
from reviewer_app.services.demo.practice_plan import Fate, joint_cases, make_plan
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.study import Study
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.practice_fixtures import Practice, practice_copy

SEED = 2024


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return practice_copy(tmp_path_factory.mktemp("practice") / "p", tmp_path_factory.getbasetemp())


def _plan(cases: int, reviewers: int, seed: int = SEED):  # type: ignore[no-untyped-def]
    cohort = synthetic_cases(cases, seed=seed, prefix=PRACTICE_PREFIX)
    joint = joint_cases(seed, [c.case_ref for c in cohort])
    pairs = allocate(cohort, practice_panel(reviewers, seed)).pairs
    return make_plan(seed, pairs, joint), cohort


# --- the plan and the answers (pure) -------------------------------------------------------


def test_the_default_size_has_every_kind_of_case() -> None:
    plan, _ = _plan(40, 6)
    fates = Counter(plan.fates.values())
    assert set(fates) == set(Fate), fates
    assert fates[Fate.SIGNED] > len(plan.fates) * 0.7  # most reviews are simply done
    assert 1 <= len(plan.joint) <= 5
    assert plan.slow and plan.late  # a few reviewers have not returned everything
    for ref in plan.reviewers():  # and most have
        assert ref in plan.slow + plan.late or all(f.returned for f in plan.held_by(ref).values())


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    first, _ = _plan(40, 6)
    again, _ = _plan(40, 6)
    other, _ = _plan(40, 6, seed=SEED + 1)
    assert first == again
    assert other.fates != first.fates


def test_records_missing_is_both_reviewers_and_handed_back_only_one() -> None:
    plan, _ = _plan(400, 10)
    by_case: dict[str, list[Fate]] = {}
    for (_, case), fate in plan.fates.items():
        by_case.setdefault(case, []).append(fate)
    missing = [c for c, f in by_case.items() if Fate.RECORDS_MISSING in f]
    handed = [c for c, f in by_case.items() if Fate.HANDED_BACK in f]
    assert missing and handed
    assert all(by_case[c] == [Fate.RECORDS_MISSING] * 2 for c in missing)
    assert all(by_case[c].count(Fate.HANDED_BACK) == 1 for c in handed)
    assert not plan.joint & {*missing, *handed}


def _rcp(answers: dict) -> int:  # type: ignore[type-arg]
    grade = answers["avoidability.grade"]
    value = int(grade["grade"])
    return 7 - value if grade["scale"] == "hogan" else value


def test_double_reviews_mostly_but_not_always_agree() -> None:
    definition = default_definition()
    gaps: Counter[int] = Counter()
    judged: Counter[tuple[bool, bool]] = Counter()
    identical = 0
    cohort = synthetic_cases(300, seed=SEED, prefix=PRACTICE_PREFIX)
    for case in cohort:
        first = pa.first_answers(definition, case, SEED)
        second = pa.second_answers(definition, case, first, SEED)
        assert not validate(definition, second, case).errors, case.case_ref
        identical += first == second
        for qid, value in first.items():
            if qid.endswith(".score") and isinstance(value, int):
                gaps[abs(value - second[qid])] += 1
        judged[(_rcp(first) <= 3, _rcp(second) <= 3)] += 1
    within_one = (gaps[0] + gaps[1]) / sum(gaps.values())
    assert 0.85 <= within_one < 1.0, gaps
    assert gaps[0] < sum(gaps.values())  # not a copy
    assert identical < len(cohort) * 0.2
    more_likely = judged[(True, True)] + judged[(True, False)]
    assert 0 < more_likely < len(cohort) * 0.1, judged  # rare
    assert judged[(True, False)] > 0  # and sometimes disputed


def test_the_answers_come_from_the_seed_alone() -> None:
    definition = default_definition()
    case = synthetic_cases(3, seed=SEED, prefix=PRACTICE_PREFIX)[2]
    first = pa.first_answers(definition, case, SEED)
    assert first == pa.first_answers(definition, case, SEED)
    assert pa.second_answers(definition, case, first, SEED) == pa.second_answers(
        definition, case, first, SEED
    )
    assert first != pa.first_answers(definition, case, SEED + 1)
    assert pa.escalating_answers(definition, case, SEED)["escalation.decision"] == "escalate"


# --- the built study -----------------------------------------------------------------------


def test_the_layout_is_study_shared_and_one_workspace_per_reviewer(practice: Practice) -> None:
    layout = practice.layout
    assert Study.exists_in(layout.study)
    names = sorted(p.name for p in layout.shared.iterdir())
    refs = practice.plan.reviewers()
    assert [n for n in names if n.startswith("assignment-")] == [
        f"assignment-{r}-0001.p7m" for r in refs
    ]
    returns = [n for n in names if n.startswith("return-")]
    assert len(returns) == sum(w.bundles for w in practice.built.work.values())
    assert {n.split("-")[1] for n in returns} == set(refs)
    assert sorted(p.name for p in (layout.root / "reviewers").iterdir()) == refs
    with Study.open(layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        assert "SYNTHETIC DATA" in study.info.name


def test_nothing_identifiable_is_in_the_clear_on_the_shared_drive(practice: Practice) -> None:
    cohort = synthetic_cases(len(practice.plan.pairs), seed=practice.plan.seed, prefix="PRAC")
    needles = [c.nhs_number.encode() for c in cohort] + [
        (c.hospital_number or "").encode() for c in cohort
    ]
    needles += [b"%PDF", b"full_review"]
    for path in practice.layout.shared.iterdir():
        data = path.read_bytes()
        assert not [n for n in needles if n in data], path.name


def _signed_versions(practice: Practice, ref: str) -> dict[str, list[tuple[int, str]]]:
    """case -> [(version, status)] of every signed version in the reviewer's workspace."""
    found: dict[str, list[tuple[int, str]]] = {}
    with ReviewerSession.unlock(
        practice.layout.reviewer(ref), PRACTICE_WORKSPACE_PASSPHRASE
    ) as session:
        reviews, signatures = (
            ReviewStore(session.workspace.db),
            SignatureStore(session.workspace.db),
        )
        for case_ref in practice.plan.held_by(ref):
            for review in reviews.versions(case_ref):
                if signatures.signatures(review.id):
                    found.setdefault(case_ref, []).append((review.version, review.status.value))
    return found


def test_each_reviewer_did_what_the_plan_says(practice: Practice) -> None:
    plan = practice.plan
    for ref in plan.reviewers():
        signed = _signed_versions(practice, ref)
        for case_ref, fate in plan.held_by(ref).items():
            versions = signed.get(case_ref, [])
            if not fate.signed:
                assert versions == [], (ref, case_ref)
            elif fate is Fate.AMENDED:
                assert [v for v, _ in versions] == [1, 2], (ref, case_ref)
            else:
                assert len(versions) == 1, (ref, case_ref, fate)
            if fate in (Fate.RECORDS_MISSING, Fate.HANDED_BACK):
                assert versions[0][1] == fate.value
        work = practice.built.work[ref]
        assert work.signed == sum(
            1 + (f is Fate.AMENDED) for f in plan.held_by(ref).values() if f.signed
        )


def test_joint_reviews_are_co_signed_and_every_pdf_says_synthetic_data(
    practice: Practice,
) -> None:
    plan = practice.plan
    joint = sorted(plan.joint)
    assert joint
    holder = plan.pairs[joint[0]][0]
    with ReviewerSession.unlock(
        practice.layout.reviewer(holder), PRACTICE_WORKSPACE_PASSPHRASE
    ) as session:
        review = ReviewStore(session.workspace.db).latest(joint[0])
        assert review is not None
        store = SignatureStore(session.workspace.db)
        signers = [s.signer_ref for s in store.signatures(review.id)]
        full = store.latest_document(review.id, DocumentKind.FULL)
    if plan.fates[(holder, joint[0])].signed:
        assert signers == [holder, plan.pairs[joint[0]][1]]
        assert full is not None and full.signature_count == 2
        for page in PdfReader(io.BytesIO(full.pdf)).pages:
            assert "SYNTHETIC DATA" in (page.extract_text() or "")


def test_the_same_seed_gives_the_same_answers(tmp_path: Path) -> None:
    """Two tiny builds with one seed: the same allocation and the same answers, signed
    anew (keys, signatures and times differ, as documented: so does the time an immediate
    concern was told, which is the time of the build)."""
    answers = []
    for name in ("a", "b"):
        built = build_practice_study(
            tmp_path / name, cases=4, reviewers=2, seed=11, kdf=TEST_KDF, workers=1
        )
        got = {}
        for ref in built.plan.reviewers():
            with ReviewerSession.unlock(
                built.layout.reviewer(ref), PRACTICE_WORKSPACE_PASSPHRASE
            ) as session:
                store = ReviewStore(session.workspace.db)
                for case_ref in built.plan.held_by(ref):
                    review = store.latest(case_ref)
                    assert review is not None
                    answers_now = dict(store.answers(review.id))
                    # when an immediate concern was told is the time of the build (a review
                    # cannot have told anyone before it began): present in both, not equal
                    told = answers_now.pop("immediate.told_at", None)
                    got[(ref, case_ref)] = json.dumps(
                        {**answers_now, "told": told is not None}, sort_keys=True
                    )
        answers.append((built.plan, got))
    assert answers[0][0] == answers[1][0]
    assert answers[0][1] == answers[1][1]


def test_a_folder_in_use_or_a_bad_size_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    with pytest.raises(UserError, match="not an empty folder"):
        build_practice_study(tmp_path / "used", kdf=TEST_KDF)
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["keep.txt"]
    for cases, reviewers in ((0, 6), (40, 1), (40, 10_000)):
        with pytest.raises(UserError, match="must be between"):
            build_practice_study(tmp_path / "new", cases=cases, reviewers=reviewers)
    assert not (tmp_path / "new").exists()


def test_the_cli_builds_one_and_prints_the_public_passphrases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real command, with the cheap test key derivation (the production Argon2 cost adds
    # ~0.4 s of CPU per workspace created or opened, and is not what this test checks).
    monkeypatch.setattr(
        "reviewer_app.services.demo.practice.build_practice_study",
        functools.partial(build_practice_study, kdf=TEST_KDF),
    )
    folder = tmp_path / "practice"
    assert main(["coordinator", "practice", str(folder), "--cases", "3", "--reviewers", "2"]) == 0
    out = capsys.readouterr().out
    assert PRACTICE_STUDY_PASSPHRASE in out and PRACTICE_WORKSPACE_PASSPHRASE in out
    assert "SYNTHETIC DATA" in out
    assert Study.exists_in(folder / "study")
    assert any(p.name.startswith("return-") for p in (folder / "shared").iterdir())
    assert main(["coordinator", "practice", str(folder)]) != 0  # not empty any more
    assert "not an empty folder" in capsys.readouterr().err
