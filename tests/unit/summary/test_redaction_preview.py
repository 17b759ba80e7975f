"""Before signing, every redaction the taskforce copy makes is listed with its context.

``redaction_preview`` reads the same printed values as the PDF: top-level answers, each item
of a repeating group, the amendment reason, what changed, the outcome reason. Each entry
says where it is (the question as the PDF labels it), the kind, and the words around the
identifier as written and as the taskforce copy prints them.
"""

from __future__ import annotations

import random
from typing import Any

from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.text_identifiers import IdentifierKind
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.summary.input import ChangedField
from reviewer_app.services.summary.redaction import Redactor
from reviewer_app.services.summary.taskforce import ShownRedaction, redaction_preview
from tests.support.summary_fixtures import identified_case, sample_input

K = IdentifierKind
CASE = identified_case(family_name="Okafor", given_names="Grace")
CLEAN = "Observations were not repeated for eleven hours overnight."


def _answers(**texts: Any) -> dict[str, Any]:
    answers = complete_answers(default_definition(), CASE, random.Random(4))
    answers.update(texts)
    return answers


def _preview(**changes: Any) -> tuple[ShownRedaction, ...]:
    return redaction_preview(sample_input(case=CASE, **changes))


def test_each_redaction_with_where_it_is_and_the_words_around_it() -> None:
    text = (
        "On the third night the nurses did not call a doctor despite Mrs Okafor asking "
        "twice, and the early warning score was not repeated until the morning round."
    )
    shown = _preview(answers=_answers(**{"learning.poor_care": text}))
    assert [(s.where, s.kind, s.marker) for s in shown] == [
        ("Learning: Characteristics of poor care", K.NAME, "[name]")
    ]
    (entry,) = shown
    assert (
        entry.before
        == "…did not call a doctor despite Mrs Okafor asking twice, and the early warning…"
    )
    assert (
        entry.after
        == "…did not call a doctor despite Mrs [name] asking twice, and the early warning…"
    )
    # the passage is the taskforce copy's text, as the PDF's redactor prints it
    printed = Redactor(CASE).redact(text)
    assert entry.after.strip("…") in printed


def test_nearby_redactions_share_a_passage_and_are_never_cut() -> None:
    text = "Grace Okafor, DOB 12/03/1940, was seen."
    shown = _preview(answers=_answers(**{"learning.poor_care": text}))
    assert [s.kind for s in shown] == [K.NAME, K.NAME, K.DATE_OF_BIRTH]
    for entry in shown:
        assert entry.before == text
        assert entry.after == "[name] [name], DOB [date of birth], was seen."


def test_group_items_are_named_by_their_number() -> None:
    answers = _answers()
    items = answers["problems.items"]
    assert items, "the sample review has a problem in care"
    items[0]["answers"]["problems.item.comment"] = "Dr Adeyemi did not review the fluids."
    shown = _preview(answers=answers)
    (entry,) = [s for s in shown if s.kind is K.PERSON]
    assert entry.where.endswith("1: Comment") and "Problem" in entry.where
    assert entry.after == "Dr [name] did not review the fluids."


def test_amendment_reason_changes_and_outcome_reason_are_previewed() -> None:
    shown = _preview(
        answers=_answers(),
        version=2,
        supersedes=1,
        amendment_reason="Corrected after a call with Grace's son.",
        changes=(ChangedField(label="Learning: Good practice", old="Grace was calm.", new=CLEAN),),
        outcome_reason="Okafor notes missing.",
    )
    assert [(s.where, s.after) for s in shown] == [
        ("Amendment reason", "Corrected after a call with [name]'s son."),
        ("What changed: Learning: Good practice (version 1)", "[name] was calm."),
        ("Outcome reason", "[name] notes missing."),
    ]


def test_a_clean_review_has_nothing_to_preview() -> None:
    answers = _answers(**{"learning.poor_care": CLEAN, "learning.good_practice": CLEAN})
    assert _preview(answers=answers) == ()


def test_the_same_whichever_copy_the_input_describes() -> None:
    answers = _answers(**{"learning.poor_care": f"{CLEAN} Grace asked for her son."})
    assert _preview(answers=answers) == _preview(answers=answers, taskforce_copy=True)
    assert len(_preview(answers=answers)) == 1


def test_an_unasked_question_is_not_previewed() -> None:
    """A hidden answer is not printed, so it is not listed (the PDF leaves it out too)."""
    answers = _answers(**{"problems.any": "no"})
    answers["problems.items"][0]["answers"]["problems.item.comment"] = "Dr Adeyemi erred."
    assert [s for s in _preview(answers=answers) if s.kind is K.PERSON] == []


def test_repr_holds_no_text() -> None:
    answers = _answers(**{"learning.poor_care": "Grace Okafor was seen."})
    shown = repr(_preview(answers=answers))
    assert "Grace" not in shown and "Okafor" not in shown
