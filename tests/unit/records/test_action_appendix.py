"""The board paper's appendix (landscape A4, a band per theme, the status key on every page)
and the practice study's action plan that fills it."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from reviewer_app.domain.records import ActionStatus
from reviewer_app.services.demo.practice_actions import PRACTICE_ACTIONS, add_practice_actions
from reviewer_app.services.records.action_appendix import appendix_pdf, write_appendix
from reviewer_app.services.records.action_plan import add_action, list_actions
from reviewer_app.services.study import Study
from tests.unit.records.conftest import NOW, TODAY, fixed_clock


def test_the_practice_plan_has_every_status_and_some_overdue(study: Study) -> None:
    assert add_practice_actions(study, clock=fixed_clock()) == len(PRACTICE_ACTIONS)
    actions = list_actions(study)
    assert len(actions) == len(PRACTICE_ACTIONS) >= 10
    assert set(Counter(a.status for a in actions)) == set(ActionStatus)
    overdue = [a.reference for a in actions if a.overdue(TODAY)]
    assert overdue and len(overdue) < len(actions)
    assert all(a.history[-1].date <= TODAY for a in actions)
    assert any(len(a.history) >= 3 for a in actions)  # dated progress over time


def test_the_appendix_is_landscape_with_the_key_on_every_page(study: Study) -> None:
    add_practice_actions(study, clock=fixed_clock())
    for number in range(12):  # enough rows for several pages
        add_action(
            study,
            reference=f"X.{number}",
            theme="communication",
            action="Relatives offered a meeting with the ward team within a week. " * 3,
            lead="Head of Patient Experience",
            organisation="Acute Trust",
            due_date=TODAY + timedelta(days=number),
            clock=fixed_clock(),
        )
    reader = PdfReader(io.BytesIO(appendix_pdf(study, clock=fixed_clock())))
    assert len(reader.pages) >= 3
    texts = [page.extract_text() for page in reader.pages]
    for page, text in zip(reader.pages, texts, strict=True):
        assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
        assert round(float(page.mediabox.width)) == 842  # A4
        assert "Status key" in text
        for status in ActionStatus:
            assert status.label in " ".join(text.split())
        assert "Ref" in text and "Work-stream" in text  # the header row repeats
    everything = " ".join(" ".join(texts).split())
    for action in list_actions(study):
        assert action.reference in everything
    assert "Theme 1: Recognition of and response to deterioration" in everything
    assert "Theme 11: Communication with patients, relatives and carers" in everything
    assert "Overdue" in everything
    assert f"Page 1 of {len(reader.pages)}" in texts[0]


def test_the_appendix_file_is_written_and_an_empty_plan_says_so(
    study: Study, tmp_path: Path
) -> None:
    out = tmp_path / "appendix.pdf"
    assert write_appendix(study, out, clock=fixed_clock(NOW)) == 0
    text = PdfReader(out).pages[0].extract_text()
    assert "no actions yet" in text and "Status key" in text
    later = datetime(2026, 4, 1, tzinfo=NOW.tzinfo)
    add_practice_actions(study, clock=fixed_clock(later))
    assert write_appendix(study, out, clock=fixed_clock(later)) == len(PRACTICE_ACTIONS)
