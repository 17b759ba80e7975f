"""Reviews keep the definition they were made with: v1 stays v1, new reviews use v2.

A review begun under v1 opens, validates and renders as v1 (its escalation asked again for
harm, avoidability and status); a new review is made under v2, whose escalation block prints
what it takes from the review, with labels. Times typed into v2 are checked against the clock
and the review's start; reasons that are one repeated character are refused.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.domain.definition import load_definition_version
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.review.service import ReasonTooShortError, ReviewService
from reviewer_app.services.summary.pdf import render_summary
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.review_fixtures import make_case, outcome_only
from tests.support.summary_fixtures import identified_case, normalise, pypdf_text, sample_input

ACTOR = "reviewer-1"


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "ws", "correct horse battery", kdf=TEST_KDF)
    CaseStore(ws.db).upsert_many(
        [make_case(), make_case(case_ref="C-0002", nhs_number="9876543210")]
    )
    yield ws
    ws.close()


def escalating(definition: Any, case: Any) -> dict[str, Any]:
    for seed in range(300):
        answers = complete_answers(definition, case, random.Random(seed))
        if answers.get("escalation.decision") == "escalate":
            return answers
    raise AssertionError("no sample escalates")


def test_a_new_review_uses_v2(workspace: Workspace) -> None:
    opened = ReviewService(workspace.db).open("C-0001", ACTOR)
    assert (opened.review.definition_version, opened.definition.version) == ("2", 2)


def test_a_v1_review_still_validates_and_renders_as_v1(workspace: Workspace) -> None:
    ReviewStore(workspace.db).open_review("C-0001", "nhs-mortality-review", "1", ACTOR)
    service = ReviewService(workspace.db)
    opened = service.open("C-0001", ACTOR)
    v1 = load_definition_version("nhs-mortality-review", 1)
    assert opened.definition == v1
    answers = escalating(v1, opened.case)
    assert "escalation.item.status" in answers["escalation.items"][0]["answers"]
    result = service.save(opened.review_id, answers, ACTOR)
    assert result.status is ReviewStatus.READY_TO_SIGN
    text = normalise(pypdf_text(render_summary(sample_input(definition=v1, answers=answers))))
    # v1's escalation asked again for harm and its own tracking, and still prints them
    assert "Date sent" in text and "Receiving system's reference" in text
    assert "Is Duty of Candour required?" in text
    assert "not typed again" not in text


def test_a_v2_escalation_block_prints_what_it_takes_from_the_review() -> None:
    v2 = load_definition_version("nhs-mortality-review", 2)
    case = identified_case()
    answers = escalating(v2, case)
    text = normalise(pypdf_text(render_summary(sample_input(definition=v2, answers=answers))))
    assert "not typed again" in text
    for label in ("Worst harm among the problems in care", "Avoidability of death", "Care scores"):
        assert label in text
    assert "Overall care:" in text  # scores by phase, each with its label
    assert "Date sent" not in text and "Receiving system's reference" not in text
    assert "Does Duty of Candour apply?" in text


def test_time_told_is_checked_against_the_clock_and_the_review_start(
    workspace: Workspace,
) -> None:
    began = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock = [began]
    service = ReviewService(workspace.db, clock=lambda: clock[0])
    opened = service.open("C-0001", ACTOR)
    assert opened.review.created_at == began
    clock[0] = began + timedelta(hours=6)  # 15:00 UK time
    answers = escalating(opened.definition, opened.case) | {
        "immediate.concern": "yes",
        "immediate.who_told": "Duty patient-safety manager",
        "immediate.told_at": "2026-03-02T15:30",
    }
    assert service.save(opened.review_id, answers, ACTOR).status is ReviewStatus.IN_PROGRESS
    state = service.reload(opened.review_id).state
    assert "R6.time_told_in_future" in {i.code for i in state.report.errors}
    service.save(opened.review_id, {"immediate.told_at": "2026-03-02T08:00"}, ACTOR)
    state = service.reload(opened.review_id).state
    assert {i.code for i in state.report.errors} == {"R6.time_told_before_review"}
    service.save(opened.review_id, {"immediate.told_at": "2026-03-02T10:15"}, ACTOR)
    assert service.reload(opened.review_id).status is ReviewStatus.READY_TO_SIGN


@pytest.mark.parametrize("reason", ["..........", "xxxxxxxxxxxx", "------------"])
def test_an_outcome_reason_of_one_repeated_character_is_refused(
    workspace: Workspace, reason: str
) -> None:
    service = ReviewService(workspace.db)
    review_id = service.open("C-0002", ACTOR).review_id
    service.save(review_id, outcome_only("handed_back"), ACTOR)
    with pytest.raises(ReasonTooShortError, match="not punctuation or one repeated"):
        service.set_outcome(review_id, ReviewStatus.HANDED_BACK, reason, ACTOR)
    opened = service.set_outcome(
        review_id, ReviewStatus.HANDED_BACK, "I worked on that ward in 2023.", ACTOR
    )
    assert opened.status is ReviewStatus.HANDED_BACK


def test_a_v1_review_records_the_day_it_was_told(workspace: Workspace) -> None:
    ReviewStore(workspace.db).open_review("C-0001", "nhs-mortality-review", "1", ACTOR)
    service = ReviewService(workspace.db)
    review_id = service.open("C-0001", ACTOR).review_id
    told = datetime(2024, 2, 1, 23, 30, tzinfo=UTC)
    service.record_immediate_concern(review_id, "Duty manager, acute trust", told, ACTOR)
    assert service.reload(review_id).answers["immediate.date_told"] == "2024-02-01"


def test_an_amendment_checks_the_time_told_against_the_first_version(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    began = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock = [began]
    service = ReviewService(workspace.db, clock=lambda: clock[0])
    opened = service.open("C-0001", ACTOR)
    told = {"immediate.concern": "yes", "immediate.who_told": "Duty manager"}
    service.save(opened.review_id, told | {"immediate.told_at": "2026-03-02T10:15"}, ACTOR)
    store = ReviewStore(workspace.db, clock=lambda: clock[0])
    store.set_status(opened.review_id, ReviewStatus.SIGNED, ACTOR)
    monkeypatch.setattr(ReviewStore, "is_signed", lambda self, rid: rid == opened.review_id)
    clock[0] = began + timedelta(days=3)
    amended = store.start_amendment(opened.review_id, ACTOR, "Records arrived after sign-off.")
    assert amended.created_at > began
    state = service.reload(amended.id).state
    assert "R6.time_told_before_review" not in state.report.codes
    service.save(amended.id, {"immediate.told_at": "2026-03-02T08:59"}, ACTOR)
    state = service.reload(amended.id).state
    assert "R6.time_told_before_review" in state.report.codes
