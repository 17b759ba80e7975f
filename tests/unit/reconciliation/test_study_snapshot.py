"""The window's one read of the study (``reconciliation.study_snapshot``) says exactly what
each service says on its own (what the CLI prints), from one decryption of the reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from reviewer_app.services.collection import records
from reviewer_app.services.collection.records import collection_runs, conflicts, quarantine
from reviewer_app.services.collection.status import study_status
from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.reconciliation import study_snapshot
from reviewer_app.services.reconciliation.resolved import resolved_cases
from reviewer_app.services.reconciliation.second_stage import second_stage_queue
from reviewer_app.services.reconciliation.stages import case_stages
from reviewer_app.services.reconciliation.study_snapshot import read_snapshot
from reviewer_app.services.records.escalation_log import escalation_entries
from reviewer_app.services.study import Study
from tests.support.practice_fixtures import Practice, collected_copy

NOW = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return collected_copy(tmp_path_factory, "snapshot")


@pytest.fixture
def study(collected: Practice) -> Iterator[Study]:
    with Study.open(collected.layout.study, PRACTICE_STUDY_PASSPHRASE) as opened:
        yield opened


def test_the_snapshot_is_what_each_service_says_on_its_own(study: Study) -> None:
    snapshot = read_snapshot(study, now=NOW)
    assert snapshot.status.to_json() == study_status(study, now=NOW).to_json()
    assert snapshot.stages == case_stages(study)
    assert snapshot.resolved == resolved_cases(study)
    assert snapshot.discordant == [c for c in resolved_cases(study) if c.discordances]
    assert snapshot.second_stage == second_stage_queue(study)
    assert snapshot.escalations == escalation_entries(study)
    assert snapshot.runs == collection_runs(study)
    assert snapshot.quarantine == quarantine(study)
    assert snapshot.conflicts == conflicts(study)
    assert snapshot.stages and snapshot.status.cases  # a study with something in it


def test_the_snapshot_decrypts_the_reviews_in_force_once(
    study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = records.in_force_contents

    def counted(opened: Study, known=None):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(opened, known)

    from reviewer_app.services.reconciliation import study_reviews
    from reviewer_app.services.records import escalation_log

    # every name it is called by: a service given no contents would decrypt them again
    for module in (study_snapshot, records, study_reviews, escalation_log):
        monkeypatch.setattr(module, "in_force_contents", counted)
    read_snapshot(study, now=NOW)
    # once, for the status, the stages, the resolved cases and the second-stage queue alike
    assert len(calls) == 1


def test_status_from_contents_read_already_is_the_same_status(study: Study) -> None:
    contents = list(records.in_force_contents(study))
    assert contents
    given = study_status(study, now=NOW, contents=contents)
    assert given.to_json() == study_status(study, now=NOW).to_json()


def test_the_overdue_total_is_every_reviewers_overdue_count(study: Study) -> None:
    late = study_status(study, now=NOW + dt.timedelta(days=400), overdue_days=28)
    assert late.overdue_total == sum(r.overdue for r in late.reviewers)
    assert late.overdue_total > 0  # a year on, whatever is still owed is overdue
    assert late.to_json()["overdue_total"] == late.overdue_total
    early = study_status(study, now=NOW, overdue_days=100_000)
    assert early.overdue_total == 0


def test_a_read_with_the_last_reads_memo_parses_and_evaluates_only_what_is_new(
    study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewer_app.services.reconciliation import resolved as resolved_module
    from reviewer_app.services.reconciliation import study_reviews
    from reviewer_app.services.reconciliation.study_snapshot import SnapshotMemo
    from reviewer_app.services.records import escalation_log
    from reviewer_app.storage.study.returns import ReturnsStore

    first = read_snapshot(study, now=NOW)
    memo = first.memo
    assert memo.contents and memo.fired and memo.escalations and memo.resolved
    read: list[tuple[str, str, int]] = []
    evaluated: list[object] = []
    real_text = ReturnsStore.content_text
    real_triggers = study_reviews.all_triggers
    real_escalations = escalation_log.escalations_in
    real_resolve = resolved_module.resolve_case

    def text(self: ReturnsStore, case_ref: str, reviewer_ref: str, version: int) -> str:
        read.append((case_ref, reviewer_ref, version))
        return real_text(self, case_ref, reviewer_ref, version)

    def triggers(definition, answers):  # type: ignore[no-untyped-def]
        evaluated.append(answers)
        return real_triggers(definition, answers)

    monkeypatch.setattr(ReturnsStore, "content_text", text)

    def escalations(document, definition, fired=None):  # type: ignore[no-untyped-def]
        evaluated.append(document)
        return real_escalations(document, definition, fired)

    def resolve(case_ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        evaluated.append(case_ref)
        return real_resolve(case_ref, *args, **kwargs)

    monkeypatch.setattr(resolved_module, "resolve_case", resolve)
    monkeypatch.setattr(study_reviews, "all_triggers", triggers)
    monkeypatch.setattr(escalation_log, "escalations_in", escalations)
    again = read_snapshot(study, now=NOW, memo=memo)
    assert read == [] and evaluated == []  # nothing new: nothing read, parsed or evaluated
    assert again == first and again.memo.contents.keys() == memo.contents.keys()
    # a version not in the memo is read and evaluated alone (its case, the same content by
    # its hash, is not resolved again); a case whose inputs differ from the memo's (as if a
    # consensus were recorded) is resolved again; a version no longer in force (a made-up
    # hash) is dropped from the next memo
    missing = sorted(memo.contents)[0]
    other = sorted(memo.resolved)[-1]
    partial = SnapshotMemo(
        {**{k: v for k, v in memo.contents.items() if k != missing}, "0" * 64: {}},
        {k: v for k, v in memo.fired.items() if k != missing},
        {k: v for k, v in memo.escalations.items() if k != missing},
        {**memo.resolved, other: (("changed",), memo.resolved[other][1])},
    )
    third = read_snapshot(study, now=NOW, memo=partial)
    assert len(read) == 1
    assert [e for e in evaluated if isinstance(e, str)] == [other]  # the cases resolved
    assert third == first and "0" * 64 not in third.memo.contents
    assert third.memo.contents.keys() == memo.contents.keys()


def test_the_memo_spares_working_the_triggers_out_when_the_study_keeps_none(
    study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A study that cannot keep rows now (locked by another program: ``keep_triggers``
    keeps nothing) and keeps none from before: the last read's memo still spares working
    every review's triggers out again."""
    from reviewer_app.services.reconciliation import study_reviews

    monkeypatch.setattr(study_snapshot, "kept_triggers", lambda _study: {})
    monkeypatch.setattr(study_snapshot, "keep_triggers", lambda _study, _found: 0)
    evaluated: list[object] = []
    real = study_reviews.all_triggers

    def counted(definition: object, answers: object) -> object:
        evaluated.append(answers)
        return real(definition, answers)  # type: ignore[arg-type]

    monkeypatch.setattr(study_reviews, "all_triggers", counted)
    first = read_snapshot(study, now=NOW)
    assert evaluated, "with nothing kept, the first read works every review's triggers out"
    evaluated.clear()
    again = read_snapshot(study, now=NOW, memo=first.memo)
    assert again == first and evaluated == []


def test_each_content_is_parsed_to_the_values_the_standard_library_reads(study: Study) -> None:
    import json

    from reviewer_app.storage.study.returns import ReturnsStore

    store = ReturnsStore(study.db)
    parsed = list(records.in_force_contents(study))
    assert parsed
    for state, content in parsed:
        text = store.content_text(state.case_ref, state.reviewer_ref, state.version)
        assert content == json.loads(text)
        assert type(content["answers"]) is dict  # what the fast paths of the rules expect


def test_the_first_step_is_every_figure_but_the_resolved_cases(study: Study) -> None:
    from reviewer_app.services.reconciliation.study_snapshot import (
        needs_resolving,
        resolve_snapshot,
    )

    whole = read_snapshot(study, now=NOW)
    first = read_snapshot(study, now=NOW, resolve=False)
    assert needs_resolving(first) and not needs_resolving(whole)
    assert first.resolved is None
    with pytest.raises(ValueError, match="not resolved yet"):
        _ = first.discordant
    for name in ("status", "stages", "second_stage", "escalations", "quarantine", "runs"):
        assert getattr(first, name) == getattr(whole, name), name
    assert resolve_snapshot(first) == whole  # resolved from what it read: the same snapshot
    assert resolve_snapshot(whole) is whole


def test_stages_read_from_standings_are_those_read_from_the_resolved_cases(study: Study) -> None:
    from reviewer_app.services.reconciliation.resolved import resolve_from
    from reviewer_app.services.reconciliation.stages import stages_from
    from reviewer_app.services.reconciliation.study_reviews import read_reviews
    from reviewer_app.storage.study.cohort import CohortStore

    reviews = read_reviews(study)
    refs = CohortStore(study.db).case_refs()
    from_resolved = stages_from(reviews, refs, resolved=resolve_from(reviews))
    assert stages_from(reviews, refs) == from_resolved
    assert len({row.stage for row in from_resolved}) > 2  # the practice study has variety


def test_a_consensus_recorded_between_reads_is_in_the_read_that_uses_the_memo(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The memo reuses a resolved case only for the same inputs: a consensus recorded since
    (a new input) is resolved again, as a fresh read resolves it."""
    from reviewer_app.services.reconciliation.case_model import ValueSource
    from reviewer_app.services.reconciliation.consensus import record_consensus

    practice = collected_copy(tmp_path_factory, "memo-consensus")
    with Study.open(practice.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        first = read_snapshot(study, now=NOW)
        case = next(
            c
            for c in first.discordant
            if c.open_discordances
            and len(c.reviews) == 2
            and c.reviews[0]["review"]["outcome"] == c.reviews[1]["review"]["outcome"]
        )
        item = sorted(case.open_discordances)[0]
        value = case.reviews[0]["answers"][item]["value"]
        text = f"{value['scale']}:{value['grade']}" if isinstance(value, dict) else str(value)
        record_consensus(
            study,
            case.case_ref,
            item,
            value=text,
            method="pair_discussion",
            reason="r",
            recorded_by="c",
        )
        again = read_snapshot(study, now=NOW, memo=first.memo)
        fresh = read_snapshot(study, now=NOW)
    assert again.resolved is not None and fresh.resolved is not None
    got = next(c for c in again.resolved if c.case_ref == case.case_ref)
    want = next(c for c in fresh.resolved if c.case_ref == case.case_ref)
    assert want.sources[item] is ValueSource.CONSENSUS and item in want.consensus_items
    assert got == want and again.stages == fresh.stages
