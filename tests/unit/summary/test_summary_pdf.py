"""The PDF case summary: content, rule 10 wording, accents, layout, amendments, determinism.

Text is read back from the rendered PDF with pypdf (drawing order, so a table row's cells come
out in sequence) and, where it matters, with poppler's pdftotext as an independent reader.
The taskforce copy has its own file (test_summary_taskforce.py).
"""

from __future__ import annotations

import io
import random
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.answers import display_answer, display_value, group_items
from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.definition import (
    GroupQuestion,
    ReviewDefinition,
    SectionKind,
    load_definition_version,
)
from reviewer_app.domain.study_scale import on_study_scale
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.pdf.fonts import registration_count
from reviewer_app.services.summary.pdf import (
    Signer,
    SummaryOutcome,
    changes_between,
    pdf_metadata,
    render_summary,
    render_summary_layout,
)
from reviewer_app.services.summary.signature_block import AcknowledgingSigner
from tests.support.review_fixtures import FIXTURES, outcome_only
from tests.support.summary_fixtures import (
    CO_REVIEWER,
    HASH,
    REVIEWER,
    STUDY,
    assert_in_order,
    assert_near,
    body_text,
    identified_case,
    normalise,
    pdftotext,
    pypdf_pages,
    pypdf_text,
    sample_input,
)


def _seed_with(d: ReviewDefinition, wanted: str) -> int:
    """A seed whose sample review has ``wanted`` (escalation, problems, ld, not_applicable)."""
    case = identified_case()
    for seed in range(500):
        a = complete_answers(d, case, random.Random(seed))
        if wanted == "escalation" and "escalation.items" in a:
            return seed
        if wanted == "ld" and a.get("screening.learning_disability") == "yes":
            return seed
        if wanted == "relatives" and a.get("relatives.outcome") == "spoke":
            return seed
    raise AssertionError(f"no sample seed with {wanted}")


# --- every answered field, with its label; unanswered ones said so -----------------------


def _check_all_fields(d: ReviewDefinition, answers: dict[str, Any], text: str) -> int:
    """Assert the text holds every asked question's label (or row title) and shown value."""
    view = AnswerView(d, answers)
    checked = 0
    for section in d.sections:
        if not view.section_relevant(section):
            continue
        if section.kind in (SectionKind.PHASE, SectionKind.THEME):
            row = [section.title]
            for q in section.questions:
                shown = display_answer(q, answers) if view.is_relevant(q.id) else "Not asked"
                if not (shown == "Not asked" and row[-1] == shown):  # a run shares one cell
                    row.append(shown)
            assert_in_order(text, row)
            checked += len(row) - 1
            continue
        for q in section.questions:
            if not view.is_relevant(q.id):
                continue
            if isinstance(q, GroupQuestion):
                checked += _check_items(q, answers, text, view)
                continue
            assert_near(text, q.label, display_answer(q, answers))
            checked += 1
    return checked


def _check_items(group: GroupQuestion, answers: dict[str, Any], text: str, view: AnswerView) -> int:
    items = group_items(answers.get(group.id))
    scopes = {s.item_id: s for s in view.items(group.id)}
    checked = 0
    for number, (item_id, item_answers) in enumerate(items, start=1):
        title = f"{group.item_label} {number} of {len(items)}"
        for q in group.item_questions:
            if scopes[item_id].is_relevant(q.id):
                # the card's title shows its first answer; long text sits under the pairs
                assert_near(text, title, display_value(q, item_answers.get(q.id)), 3000)
                checked += 1
    return checked


@pytest.mark.parametrize("wanted", ["escalation", "ld", "relatives"])
def test_every_asked_field_is_printed_with_its_label_and_value(
    d: ReviewDefinition, wanted: str
) -> None:
    data = sample_input(_seed_with(d, wanted))
    text = pypdf_text(render_summary(data))
    assert _check_all_fields(d, data.answers, text) > 60


def test_unanswered_prints_not_answered_and_never_no(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(3))
    for gone in ("screening.severe_mental_illness", "escalation.conduct_concern"):
        del answers[gone]
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    for gone in ("screening.severe_mental_illness", "escalation.conduct_concern"):
        label = normalise(d.question(gone).label)
        assert f"{label} Not answered" in text
        assert f"{label} No " not in text
    # the whole-form check also passes with holes in it
    assert _check_all_fields(d, answers, text) > 50


def test_not_applicable_unknown_and_cannot_tell_print_as_such(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(4))
    answers["phase.perioperative.score"] = "not_applicable"
    answers.pop("phase.perioperative.comment", None)
    answers["screening.autism"] = "unknown"
    answers["theme.fluids.issue"] = "cannot_tell"
    answers["theme.fluids.good_practice"] = "not_applicable"
    for key in ("setting", "phase", "comment"):
        answers.pop(f"theme.fluids.{key}", None)
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    # The judgement of a phase marked not applicable is not a question left unanswered.
    assert (
        "Perioperative care Not applicable Not applicable: phase not part of this patient's care"
        in text
    )
    assert "Perioperative care Not applicable Not answered" not in text
    assert "Did the patient have autism? (adults) Unknown" in text
    assert "Fluid management Cannot tell from the records Not applicable Not asked" in text


def test_a_scored_phase_with_no_judgement_still_prints_not_answered(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(4))
    answers["phase.perioperative.score"] = 3
    answers.pop("phase.perioperative.comment", None)
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    assert "Perioperative care 3 – Adequate Not answered" in normalise(text)
    assert "Perioperative care 3 – Adequate Not applicable" not in normalise(text)


def test_questions_hidden_by_earlier_answers_are_not_printed(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(5))
    answers["screening.learning_disability"] = "no"
    answers["screening.autism"] = "no"
    answers["screening.leder_reference"] = "LDR-HIDDEN-1"  # stored, but no longer asked
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    assert "LDR-HIDDEN-1" not in text
    assert "LeDeR notification reference" not in text


def test_an_outcome_with_a_full_review_still_stored_prints_none_of_it(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(5))
    answers["phase.overall.comment"] = "HIDDEN-OVERALL-COMMENT stays out"
    answers["outcome.type"] = "records_missing"
    answers["outcome.reason"] = "The acute notes were recalled by the trust."
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    assert "HIDDEN-OVERALL-COMMENT" not in text
    assert "Care scores by phase" not in text
    assert "The acute notes were recalled by the trust." in text


def test_item_questions_an_item_did_not_ask_are_not_printed(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(_seed_with(d, "escalation")))
    answers["problems.any"] = "yes"
    answers["problems.items"] = [
        {
            "id": "p1",
            "answers": {
                "problems.item.type": "monitoring",
                "problems.item.harm": "no",
                "problems.item.severity": "severe",  # asked only with harm: stored, hidden
                "problems.item.comment": "Observations were not repeated overnight as planned.",
            },
        }
    ]
    text = normalise(pypdf_text(render_summary(sample_input(answers=answers))))
    assert "Observations were not repeated overnight as planned." in text
    severity = d.find("problems.item.severity")
    assert severity is not None
    card = text[text.index("Observations were not repeated") - 600 :]
    assert severity.question.label not in card[:1200]


def test_the_worst_harm_prints_in_words_with_its_severity(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(_seed_with(d, "escalation")))
    answers["problems.any"] = "yes"
    answers["problems.items"] = [
        {
            "id": f"p{n}",
            "answers": {
                "problems.item.type": "monitoring",
                "problems.item.harm": harm,
                **({"problems.item.severity": severity} if severity else {}),
                "problems.item.comment": "Observations were not repeated overnight as planned.",
            },
        }
        for n, (harm, severity) in enumerate([("probably", "low"), ("yes", "severe"), ("no", "")])
    ]
    text = normalise(pypdf_text(render_summary(sample_input(answers=answers))))
    assert "Worst harm among the problems in care Severe harm (a problem in care led to it)" in (
        text
    )
    assert "Worst harm among the problems in care Yes" not in text
    assert "Worst harm severity" not in text  # stated once, with the harm


def test_worst_harm_in_words_on_every_side() -> None:
    from reviewer_app.domain.escalation_words import worst_harm_in_words

    assert worst_harm_in_words("Yes", "Death") == "Death (a problem in care led to it)"
    assert worst_harm_in_words("Probably", "Moderate harm") == (
        "Moderate harm (a problem in care probably led to it)"
    )
    assert worst_harm_in_words("Yes", "Not answered") == (
        "Harm, severity not answered (a problem in care led to it)"
    )
    assert worst_harm_in_words("No", "Not applicable") == "No problem in care led to harm"
    assert worst_harm_in_words("None recorded", "Not applicable") == "None recorded"


# --- names, escaping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "given"),
    [("Nguyễn", "Thi Lan"), ("Zielińska", "Agnieszka"), ("Ó Súilleabháin", "Seán")],
)
def test_accented_names_come_back_intact(family: str, given: str) -> None:
    case = identified_case(family_name=family, given_names=given)
    signer = Signer(name=f"Dr {given} {family}", profession="Consultant", role="reviewer")
    pdf = render_summary(sample_input(case=case, signers=(signer,), synthetic=False))
    expected = normalise(case.display_name)
    for text in (pypdf_text(pdf), pdftotext(pdf)):
        assert expected in text
        assert normalise(f"Dr {given} {family}") in text


def test_free_text_is_escaped_not_interpreted(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(6))
    tricky = 'Sodium < 120 & falling; <b>not bold</b> "quoted" <br/> \x07bell a>b'
    answers["learning.good_practice"] = tricky
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    assert normalise('Sodium < 120 & falling; <b>not bold</b> "quoted" <br/> bell a>b') in text


# --- page furniture ---------------------------------------------------------------------------


def test_every_page_has_header_page_x_of_y_and_synthetic_marking(d: ReviewDefinition) -> None:
    rendered = render_summary_layout(sample_input(_seed_with(d, "escalation")))
    pages = pypdf_pages(rendered.pdf)
    assert 3 <= len(pages) == rendered.page_count <= 12
    for number, page in enumerate(pages, start=1):
        assert STUDY in page
        assert "Case NSR-0042" in page
        assert "Version 1" in page
        assert f"Page {number} of {len(pages)}" in page
        assert "SYNTHETIC DATA" in page
        assert HASH in page
        assert f"{d.id} version {d.version}" in page
    reader = PdfReader(io.BytesIO(rendered.pdf))
    for page in reader.pages:  # A4 portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595,
            842,
        )


def test_real_data_is_not_marked_synthetic() -> None:
    text = pypdf_text(render_summary(sample_input(synthetic=False)))
    assert "SYNTHETIC" not in text


def test_contents_follow_the_reading_order(d: ReviewDefinition) -> None:
    text = pypdf_text(render_summary(sample_input(_seed_with(d, "escalation"))))
    assert_in_order(
        text,
        [
            "At a glance",
            "Patient and episode",
            "Screening and flags",
            "Records available",
            "Care scores by phase",
            "Themes (12)",
            "Problems in care",
            "Avoidability of death",
            "Relatives' experience",
            "Escalation and Duty of Candour",
            "Learning",
            "Signatures",
        ],
        window=10**6,
    )


def test_avoidability_shows_label_and_scale(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(7))
    answers["avoidability.grade"] = {"scale": "hogan", "grade": 4}
    text = pypdf_text(render_summary(sample_input(answers=answers)))
    assert "Probably avoidable (more than 50:50) (PRISM / Hogan grade 4)" in text  # as entered
    # The grid is the study's orientation (RCP here), never the entry's.
    assert_in_order(text, ["RCP SJR grade 1", "RCP SJR grade 6"])
    assert "PRISM / Hogan grade 1" not in text
    assert "Entered as PRISM / Hogan grade 4" in text
    assert "where the same judgement is grade 3" in text
    # said once: the caption does not name the entry's scale a second time
    assert "The same judgement on the" not in text


def _grid_headers(text: str) -> list[str]:
    return re.findall(r"(RCP SJR|PRISM / Hogan) grade (\d)", text)


@pytest.mark.parametrize("entered", [{"scale": "rcp", "grade": 3}, {"scale": "hogan", "grade": 4}])
def test_every_summary_of_a_study_draws_the_studys_orientation(
    d: ReviewDefinition, entered: dict[str, Any]
) -> None:
    hogan_study = on_study_scale(d, AvoidabilityScale.HOGAN)
    answers = complete_answers(d, identified_case(), random.Random(7))
    answers["avoidability.grade"] = entered
    text = pypdf_text(render_summary(sample_input(definition=hogan_study, answers=answers)))
    grid = [g for g in _grid_headers(text) if g[0] == "PRISM / Hogan"]
    assert [int(g) for _, g in grid][-6:] == [1, 2, 3, 4, 5, 6]
    assert "RCP SJR grade 1" not in text and "RCP SJR grade 6" not in text
    # The other scale is named only when the grade was entered on it, and only once.
    assert "The same judgement on the" not in text
    if entered["scale"] == "rcp":
        assert "Entered as RCP SJR grade 3" in text
        assert "where the same judgement is grade 4" in text
    else:
        assert "The study grades on the PRISM / Hogan scale" in text
        assert "Entered as" not in text and "RCP SJR scale" not in text


def test_the_study_scale_changes_only_the_default_never_what_is_accepted(
    d: ReviewDefinition,
) -> None:
    hogan_study = on_study_scale(d, AvoidabilityScale.HOGAN)
    question = hogan_study.find("avoidability.grade")
    assert question is not None
    assert question.question.default_scale is AvoidabilityScale.HOGAN  # type: ignore[union-attr]
    assert question.question.scales == d.find("avoidability.grade").question.scales  # type: ignore[union-attr]
    assert on_study_scale(d, None) is d
    assert on_study_scale(d, AvoidabilityScale.RCP) is d  # already on it
    assert (hogan_study.id, hogan_study.version) == (d.id, d.version)


# --- signatures -------------------------------------------------------------------------------


def test_signature_block_names_professions_registrations_and_uk_times() -> None:
    rendered = render_summary_layout(sample_input(signers=(REVIEWER, CO_REVIEWER)))
    text = pypdf_pages(rendered.pdf)[-1]
    assert_in_order(
        text,
        [
            "Signatures",
            "Reviewer",
            REVIEWER.name,
            REVIEWER.profession,
            "GMC 7012345",
            "14 July 2017, 15:05 BST",  # 14:05 UTC in summer
            "Co-reviewer",
            CO_REVIEWER.name,
            CO_REVIEWER.profession,
            "NMC 12A3456E",
            "1 December 2017, 09:30 GMT",
        ],
    )
    boxes = rendered.signature_boxes
    assert [b.role for b in boxes] == ["reviewer", "co-reviewer"]
    assert {b.page_index for b in boxes} == {rendered.page_count - 1}
    first_right, second_left = boxes[0].box[2], boxes[1].box[0]
    assert first_right <= second_left, "the two signature areas must not overlap"
    for x1, y1, x2, y2 in (boxes[0].box, boxes[1].box):
        assert 0 < x1 < x2 < 595 and 60 < y1 < y2 < 780
        assert x2 - x1 > 150 and y2 - y1 > 40  # room for a readable stamp


def test_acknowledged_warnings_box_lists_codes_and_texts_or_says_none() -> None:
    sealing = AcknowledgingSigner(
        **REVIEWER.model_dump(),
        acknowledged_warnings=(("R7.good_care_avoidable", "Overall care scored good."),),
    )
    text = normalise(pypdf_text(render_summary(sample_input(signers=(sealing, CO_REVIEWER)))))
    assert_in_order(
        text,
        [
            "Warnings acknowledged at sign-off",
            "R7.good_care_avoidable",
            "Overall care scored good.",
            "Signatures",
        ],
    )
    none = AcknowledgingSigner(**REVIEWER.model_dump())
    text = normalise(pypdf_text(render_summary(sample_input(signers=(none,)))))
    assert "Warnings acknowledged at sign-off None: no warning was shown at sign-off." in text
    plain = normalise(pypdf_text(render_summary(sample_input(signers=(REVIEWER,)))))
    assert "Warnings acknowledged" not in plain  # not a sign-off: nothing claimed


def test_an_outcome_summary_also_carries_the_acknowledged_box() -> None:
    sealing = AcknowledgingSigner(
        **REVIEWER.model_dump(), acknowledged_warnings=(("R6.outside_cohort", "Outside."),)
    )
    answers = outcome_only("records_missing")
    text = normalise(pypdf_text(render_summary(sample_input(answers=answers, signers=(sealing,)))))
    assert "Warnings acknowledged at sign-off" in text and "R6.outside_cohort" in text


CO_REVIEWER_WORDS = (
    "Their signature, with their profession and registration as their certificate states "
    "them, appears in this box when they sign."
)


def test_an_empty_co_reviewer_box_says_what_stays_true_after_co_signing() -> None:
    """B5: the box is drawn at the first signature and cannot change: it names the
    designated co-reviewer and says where their certified profession will appear, never
    "Awaiting signature" or a profession beside a stamp that will say otherwise."""
    pending = CO_REVIEWER.model_copy(
        update={"signed_at": None, "profession": "Recorded by the study coordinator"}
    )
    page = normalise(
        pypdf_pages(render_summary_layout(sample_input(signers=(REVIEWER, pending))).pdf)[-1]
    )
    assert f"{pending.name} (designated in the pack)" in page
    assert CO_REVIEWER_WORDS in page
    for contradiction in (
        "Awaiting signature",
        "Recorded by the study coordinator",
        "Recorded in the digital signature",
    ):
        assert contradiction not in page
    assert page.count("Not recorded") == normalise(
        pypdf_pages(render_summary_layout(sample_input(signers=(REVIEWER,))).pdf)[-1]
    ).count("Not recorded")  # the co-reviewer's box adds no "Not recorded"


def test_a_signed_co_reviewer_box_shows_their_profession_and_time() -> None:
    signed = normalise(
        pypdf_pages(render_summary_layout(sample_input(signers=(REVIEWER, CO_REVIEWER))).pdf)[-1]
    )
    assert CO_REVIEWER.profession in signed
    assert CO_REVIEWER_WORDS not in signed and "Awaiting signature" not in signed


def test_pending_signer_and_no_signer_still_leave_room() -> None:
    pending = REVIEWER.model_copy(update={"signed_at": None})
    rendered = render_summary_layout(sample_input(signers=(pending,)))
    assert "Recorded in the digital signature" in pypdf_pages(rendered.pdf)[-1]
    assert len(rendered.signature_boxes) == 1
    nobody = render_summary_layout(sample_input(signers=()))
    assert "Not yet signed" in pypdf_pages(nobody.pdf)[-1]
    assert len(nobody.signature_boxes) == 1


def test_output_is_an_ordinary_unsigned_pdf() -> None:
    pdf = render_summary(sample_input())
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert b"/ByteRange" not in pdf


# --- one-page outcomes, amendments ----------------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [SummaryOutcome.RECORDS_MISSING, SummaryOutcome.HANDED_BACK, SummaryOutcome.OUTSIDE_METHOD],
)
def test_other_outcomes_get_a_one_page_summary(outcome: SummaryOutcome) -> None:
    reason = "Acute trust notes could not be found after two requests to the records library."
    answers = outcome_only(outcome.value, reason)
    rendered = render_summary_layout(sample_input(answers=answers, signers=(REVIEWER, CO_REVIEWER)))
    assert rendered.page_count == 1
    text = pypdf_text(rendered.pdf)
    assert f"Outcome: {outcome.label}" in text
    assert normalise(reason) in text
    assert "Page 1 of 1" in text
    assert "Care scores by phase" not in text
    assert "Dr Amrit Kowalczyk" in text and "Siân Ní Bhriain" in text
    assert len(rendered.signature_boxes) == 2


def test_outcome_given_explicitly_wins_over_answers() -> None:
    answers = outcome_only("records_missing")
    data = sample_input(
        answers=answers, outcome=SummaryOutcome.HANDED_BACK, outcome_reason="Knew the patient"
    )
    text = pypdf_text(render_summary(data))
    assert "Outcome: Handed back: conflict of interest" in text
    assert "Reason: Knew the patient" in text


def test_amendment_says_what_it_supersedes_and_what_changed(d: ReviewDefinition) -> None:
    old = complete_answers(d, identified_case(), random.Random(8))
    new = dict(old)
    new["phase.overall.score"] = 1 if old["phase.overall.score"] != 1 else 2
    new["learning.good_practice"] = "Amended: early involvement of the palliative care team."
    new.pop("screening.severe_mental_illness")
    changes = changes_between(d, old, new)
    assert len(changes) == 3
    data = sample_input(
        answers=new,
        version=3,
        supersedes=2,
        amendment_reason="Overall score corrected after the second reviewer's comments.",
        changes=changes,
    )
    rendered = render_summary_layout(data)
    text = pypdf_text(rendered.pdf)
    assert "Amendment: version 3 supersedes version 2" in text
    assert "Overall score corrected after the second reviewer's comments." in text
    assert "Version 3 · amends version 2" in pypdf_pages(rendered.pdf)[-1]
    for change in changes:
        assert_in_order(text, [change.label, change.old, change.new])
    assert_in_order(text, ["Did the patient have a severe mental illness?", "No", "Not answered"])


# --- long content, 30 problems, many themes ----------------------------------------------------


def test_long_comments_and_thirty_problems_split_across_pages(d: ReviewDefinition) -> None:
    answers = complete_answers(d, identified_case(), random.Random(9))
    words = "observations were recorded but not acted on by the night team and "
    long = (words * 80)[:5000].strip()
    answers["phase.overall.score"] = 2
    answers["phase.overall.comment"] = long
    answers["learning.poor_care"] = long
    theme_comment = long[:3000].strip()  # the longest a theme comment may be: a narrow column
    answers |= {
        "theme.deterioration.issue": "yes",
        "theme.deterioration.setting": ["acute_hospital"],
        "theme.deterioration.phase": ["ongoing"],
        "theme.deterioration.comment": theme_comment,
    }
    answers["problems.any"] = "yes"
    answers["problems.items"] = [
        {
            "id": f"p{n}",
            "answers": {
                "problems.item.type": "monitoring",
                "problems.item.phase": "ongoing",
                "problems.item.setting": "acute_hospital",
                "problems.item.harm": "no",
                "problems.item.severity": "moderate",
                "problems.item.comment": f"Problem number {n}: " + words * (3 if n % 7 else 40),
            },
        }
        for n in range(1, 31)
    ]
    rendered = render_summary_layout(sample_input(answers=answers))
    assert rendered.page_count >= 8
    text = pypdf_text(rendered.pdf)
    theme_header = (
        "Theme Issue identified? Good practice identified? Setting(s) concerned "
        "Phase(s) of care Judgement comment"
    )
    body = body_text(rendered.pdf, drop=("Phase of care Care score Judgement", theme_header))
    # wrapped and split across pages, nothing lost or repeated
    assert_near(body, "Overall care 2 – Poor", long, window=5)
    assert_near(body, "Characteristics of poor care", long, window=5)
    assert_near(body, "Recognition of and response to deterioration", theme_comment, 200)
    for n in range(1, 31):
        assert f"Problem {n} of 30" in text
        assert f"Problem number {n}:" in text
    pages = pypdf_pages(rendered.pdf)
    assert all(f"of {len(pages)}" in p for p in pages)


def test_a_definition_with_thirteen_themes_prints_all_thirteen() -> None:
    # The fixture with a 13th theme is the version after the shipped one.
    v2 = load_definition_version("nhs-mortality-review", 3, [FIXTURES])
    assert len(v2.themes) == 13
    answers = complete_answers(v2, identified_case(), random.Random(10))
    text = pypdf_text(render_summary(sample_input(definition=v2, answers=answers)))
    assert "Themes (13)" in text
    for theme in v2.themes:
        assert normalise(theme.title) in text
    assert "nhs-mortality-review version 3" in text
    assert _check_all_fields(v2, answers, text) > 60


# --- determinism, metadata, fonts ---------------------------------------------------------------


def test_equal_input_gives_identical_bytes() -> None:
    first = render_summary(sample_input(seed=11))
    second = render_summary(sample_input(seed=11))
    assert first == second
    other = render_summary(sample_input(seed=11, content_hash="0" * 64))
    assert other != first


def test_document_date_comes_from_the_input() -> None:
    created = datetime(2017, 7, 20, 10, 0, tzinfo=UTC)
    pdf = render_summary(sample_input(created_at=created))
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert str(info["/CreationDate"]).startswith("D:20170720100000")
    # without created_at: the latest signing time; without that, a fixed date
    unsigned = render_summary(sample_input(signers=()))
    unsigned_info = PdfReader(io.BytesIO(unsigned)).metadata
    assert unsigned_info is not None
    assert str(unsigned_info["/CreationDate"]).startswith("D:2000010100")


def test_metadata_holds_case_ref_and_study_only() -> None:
    data = sample_input()
    info = PdfReader(io.BytesIO(render_summary(data))).metadata
    assert info is not None
    assert info.title == "NSR-0042: case review summary, version 1"
    assert info.author == STUDY
    assert "NSR-0042" in (info.subject or "")
    values = " ".join(str(v) for v in info.values())
    for identifier in ("Featherstonehaugh", "Ada", "9434765919", "RWE4236563", "LE1 5WW", "1940"):
        assert identifier not in values
    assert pdf_metadata(data)["keywords"] == ""


def test_font_is_registered_once_per_process() -> None:
    render_summary(sample_input(seed=12))
    render_summary(sample_input(seed=13, taskforce_copy=True))
    assert registration_count() == 1


def test_content_hash_must_be_sha256_hex() -> None:
    with pytest.raises(ValueError, match="64 hexadecimal"):
        sample_input(content_hash="abc")


def test_amendment_must_supersede_an_earlier_version() -> None:
    with pytest.raises(ValueError, match="earlier version"):
        sample_input(version=2, supersedes=2)


def test_signing_times_need_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Signer(name="A", profession="B", signed_at=datetime(2017, 7, 1, 12, 0))


def test_uk_time_shown_in_winter_and_summer() -> None:
    from reviewer_app.services.pdf.styles import uk_date, uk_datetime

    assert uk_datetime(datetime(2017, 1, 10, 23, 59, tzinfo=UTC)) == "10 January 2017, 23:59 GMT"
    assert uk_datetime(datetime(2017, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2017, 00:30 BST"
    assert uk_date(date(2017, 3, 5)) == "5 March 2017"


def test_qr_matrix_encodes_case_ref_and_hash() -> None:
    from reviewer_app.services.pdf.page import qr_matrix

    matrix = qr_matrix(f"NSR-0042 SHA256:{HASH}")
    assert len(matrix) == len(matrix[0]) >= 29  # version 3 or more: the payload fits
    assert matrix[0][:7] == [True] * 7  # finder pattern: a real QR code
    assert qr_matrix(f"NSR-0042 SHA256:{HASH}") == matrix


def test_hash_line_matches_input_and_pdftotext_agrees() -> None:
    pdf = render_summary(sample_input(synthetic=False))
    assert HASH in pdftotext(pdf)
    assert re.search(r"Page 1 of \d+", pdftotext(pdf))
