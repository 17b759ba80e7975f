"""What each escalation carries from the review: the worst harm stated with its severity in
words, as the PDF does, the triggers, the avoidability and the care scores."""

from __future__ import annotations

from typing import Any

from tests.gui.review_helpers import Env, click, env

__all__ = ["env"]


def radio(page: Any, question_id: str, text: str) -> Any:
    return next(b for b in page.row(question_id).field.buttons if b.text() == text)


def choose(qtbot: Any, field: Any, text: str) -> None:
    button = next(b for b in field.buttons if b.text() == text)
    qtbot.waitUntil(lambda: button.height() > 0, timeout=2000)  # laid out
    click(qtbot, button)
    assert button.isChecked()


def test_worst_harm_is_shown_with_its_severity_in_words(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.goto_section("problems")
    choose(qtbot, page.row("problems.any").field, "Yes")
    problems = page.row("problems.items").field
    click(qtbot, problems.add_button)
    choose(qtbot, problems.row_for("problems.item.harm").field, "Yes")
    page._refresh()  # what the pause after an edit does
    severity = problems.row_for("problems.item.severity").field
    choose(qtbot, severity, "Moderate harm")
    page.goto_section("escalation")
    choose(qtbot, page.row("escalation.decision").field, "Escalate")
    escalations = page.row("escalation.items").field
    click(qtbot, escalations.add_button)
    page._refresh()
    facts = escalations.fact_text()
    assert "Worst harm among the problems in care: Moderate harm (a problem in care led to it)" in (
        facts
    )
    assert ": Yes" not in facts and "Worst harm severity" not in facts  # said once, in words
    # the facts follow the problems: a worse harm in a second problem is the worst
    page.goto_section("problems")
    click(qtbot, problems.add_button)
    choose(qtbot, problems.row_for("problems.item.harm").field, "Probably")
    page._refresh()
    choose(qtbot, severity, "Severe harm")
    page._refresh()
    assert "Severe harm (a problem in care led to it)" in escalations.fact_text()


def test_each_escalation_shows_what_it_takes_from_the_review(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    review_id = page.review_id
    assert review_id is not None
    page.goto_section("avoidability")
    field = page.row("avoidability.grade").field
    click(qtbot, field.grades.buttons[2])  # RCP 3
    page.goto_section("phase.overall")
    click(qtbot, radio(page, "phase.overall.score", "2 – Poor"))
    page.goto_section("escalation")
    click(qtbot, radio(page, "escalation.decision", "Escalate"))
    group = page.row("escalation.items").field
    inner = {r.question_id for r in group.rows}
    assert not inner & {"escalation.item.harm", "escalation.item.avoidability"}
    assert "escalation.item.status" not in inner, "tracking is not part of the review"
    click(qtbot, group.add_button)
    assert group.facts.isVisibleTo(group)
    facts = group.fact_text()
    assert "Death more likely than not avoidable (RCP 1-3)" in facts
    assert "Probably avoidable (more than 50:50) (RCP SJR grade 3)" in facts
    assert "Overall care: 2 – Poor" in facts
    # the facts follow the review: change the grade, the escalation shows the new one
    page.goto_section("avoidability")
    click(qtbot, field.grades.buttons[1])  # RCP 2
    page._refresh()
    assert "Strong evidence of avoidability (RCP SJR grade 2)" in group.fact_text()
