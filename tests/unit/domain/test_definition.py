"""The review definition file: it encodes the method, loads, and refuses malformed files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.domain.checks import BUILTIN_CHECKS, TIMED_CHECKS
from reviewer_app.domain.definition import (
    BUILTIN_CHECK_IDS,
    CareScoreQuestion,
    GroupQuestion,
    ReviewDefinition,
    SectionKind,
    default_definition,
    load_definition,
    load_definition_version,
    parse_definition,
    schema_folders,
)
from reviewer_app.domain.validation import validate
from reviewer_app.errors import InvalidDefinitionError, NotFoundError, UserError
from tests.support.review_fixtures import FIXTURES, complete_answers, make_case

REPO = Path(__file__).resolve().parents[3]
V1 = REPO / "schema" / "review-definition.v1.json"
V2 = REPO / "schema" / "review-definition.v2.json"


@pytest.fixture(scope="module")
def v1() -> ReviewDefinition:
    return load_definition(V1)


# --- the default file encodes review-method.md ---------------------------------------------


def test_default_definition_is_v2_and_cached(v1: ReviewDefinition) -> None:
    """New reviews use the newest bundled version (v2); v1 is still bundled and loads."""
    assert default_definition() is default_definition()
    assert default_definition().id == "nhs-mortality-review"
    assert default_definition().version == 2
    assert default_definition() == load_definition(V2)
    assert load_definition_version("nhs-mortality-review", 1) == v1


def test_schema_folder_is_found() -> None:
    assert REPO / "schema" in [p.resolve() for p in schema_folders()]


def test_sections_in_the_method_order(v1: ReviewDefinition) -> None:
    kinds = [s.kind for s in v1.sections]
    collapsed = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert collapsed == [
        SectionKind.SCREENING,
        SectionKind.OUTCOME,
        SectionKind.RECORDS,
        SectionKind.PHASE,
        SectionKind.THEME,
        SectionKind.PROBLEMS,
        SectionKind.AVOIDABILITY,
        SectionKind.RELATIVES,
        SectionKind.SECOND_REVIEW,
        SectionKind.ESCALATION,
        SectionKind.IMMEDIATE_SAFETY,
        SectionKind.LEARNING,
        SectionKind.READINESS,
    ]


def test_the_twelve_themes_in_order(v1: ReviewDefinition) -> None:
    assert [s.key for s in v1.themes] == [
        "deterioration",
        "clinical_reasoning",
        "senior_review",
        "palliative_care",
        "resuscitation_decisions",
        "fluids",
        "medicines",
        "avoidable_harm",
        "discharge",
        "interfaces",
        "communication",
        "policies_records",
    ]
    for theme in v1.themes:
        ids = [q.id for q in theme.questions]
        assert ids == [
            f"theme.{theme.key}.{s}"
            for s in ("issue", "good_practice", "setting", "phase", "comment")
        ]
        issue = v1.question(f"theme.{theme.key}.issue")
        assert issue.type == "yes_no"
        assert set(issue.allowed) == {"yes", "no", "not_applicable", "cannot_tell"}
        setting = v1.question(f"theme.{theme.key}.setting")
        assert setting.type == "multiple_choice"
        assert len(setting.options) == 9


def test_nine_phases_scored_1_to_5_with_labels(v1: ReviewDefinition) -> None:
    assert [s.key for s in v1.phases] == [
        "before_admission",
        "admission",
        "ongoing",
        "procedure",
        "perioperative",
        "discharge",
        "after_discharge",
        "end_of_life",
        "overall",
    ]
    for phase in v1.phases:
        score = v1.question(f"phase.{phase.key}.score")
        assert isinstance(score, CareScoreQuestion)
        assert score.labels == ("Very poor", "Poor", "Adequate", "Good", "Excellent")
        assert score.required
        # Overall care is always required and can never be "not applicable".
        assert score.allow_not_applicable is (phase.key != "overall")
        assert v1.question(f"phase.{phase.key}.comment").type == "text"


def test_every_question_has_help_and_a_dotted_id(v1: ReviewDefinition) -> None:
    pattern = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    count = 0
    for _, question in v1.top_questions():
        questions = [question]
        if isinstance(question, GroupQuestion):
            questions += list(question.item_questions)
        for q in questions:
            assert q.help.strip(), q.id
            assert pattern.match(q.id), q.id
            count += 1
    assert count > 100


def test_key_questions_exist_with_their_shapes(v1: ReviewDefinition) -> None:
    outcome = v1.question("outcome.type")
    assert outcome.type == "single_choice"
    assert [o.value for o in outcome.options] == [
        "full_review",
        "records_missing",
        "handed_back",
        "outside_method",
    ]
    avoid = v1.question("avoidability.grade")
    assert avoid.type == "avoidability"
    assert set(avoid.scales) == {"rcp", "hogan"}
    problems = v1.question("problems.items")
    assert isinstance(problems, GroupQuestion)
    harm = v1.question("problems.item.harm")
    assert harm.type == "single_choice"
    assert [o.value for o in harm.options] == ["no", "probably", "yes"]
    severity = v1.question("problems.item.severity")
    assert severity.type == "single_choice"
    assert [o.value for o in severity.options] == ["low", "moderate", "severe", "death"]
    doc = v1.question("escalation.item.duty_of_candour")
    assert doc.type == "single_choice"
    assert [o.value for o in doc.options] == ["yes", "no", "unsure"]
    relatives = v1.question("relatives.outcome")
    assert relatives.type == "single_choice"
    assert [o.value for o in relatives.options] == [
        "spoke",
        "declined",
        "no_answer",
        "no_contact_details",
    ]
    for qid in (
        "screening.learning_disability",
        "screening.autism",
        "screening.leder_date",
        "screening.leder_reference",
        "screening.severe_mental_illness",
        "screening.existing_process_reference",
        "screening.conflict_of_interest",
        "records.quality",
        "second_review.requested",
        "escalation.decision",
        "immediate.who_told",
        "immediate.date_told",
        "learning.poor_care",
        "learning.good_practice",
        "escalation.item.destination",
        "escalation.item.date_sent",
        "escalation.item.external_reference",
        "escalation.item.status",
    ):
        assert v1.find(qid) is not None, qid


def test_item_questions_know_their_group(v1: ReviewDefinition) -> None:
    ref = v1.find("problems.item.harm")
    assert ref is not None and ref.group is not None
    assert ref.group.id == "problems.items"
    assert ref.section.id == "problems"
    assert v1.section_of("phase.overall.score").id == "phase.overall"
    assert v1.find("no.such.question") is None
    with pytest.raises(KeyError):
        v1.question("no.such.question")


def test_triggers_are_declared(v1: ReviewDefinition) -> None:
    assert [t.id for t in v1.escalation_triggers] == [
        "avoidability",
        "harm",
        "very_poor_care",
        "safeguarding",
        "conduct",
    ]
    assert [t.id for t in v1.second_review_triggers] == [
        "poor_care",
        "avoidability",
        "harm",
        "relatives_concerns",
        "reviewer_request",
    ]


def test_builtin_check_registry_matches_the_loader() -> None:
    assert set(BUILTIN_CHECKS) | set(TIMED_CHECKS) == set(BUILTIN_CHECK_IDS)
    assert not set(BUILTIN_CHECKS) & set(TIMED_CHECKS)


def test_every_rule_of_the_method_is_in_the_file(v1: ReviewDefinition) -> None:
    codes = {r.code.split(".")[0] for r in v1.rules}
    assert {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"} <= codes


# --- malformed files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path", "problem"),
    [
        ("bad-json.json", "line 11 column 1", "not valid JSON"),
        ("unknown-type.json", "sections[1].questions[0]", "'slider'"),
        (
            "duplicate-id.json",
            "sections[1].questions[0].id",
            "duplicate question id 'screening.ld'",
        ),
        (
            "unknown-reference.json",
            "sections[1].questions[0].relevant_when.question",
            "'screening.kynd' is not a question",
        ),
        ("empty-options.json", "sections[0].questions[1].options", "at least 1 item"),
        ("missing-help.json", "sections[0].questions[1].help", "Field required"),
        ("blank-help.json", "sections[0].questions[1].help", "must not be blank"),
        ("unknown-check.json", "rules[1].check", "unknown built-in check 'no_such_check'"),
        ("bad-condition-value.json", "rules[0].when.value", "'chld' is not an option"),
        ("unknown-key.json", "sections[0].questions[0].colour", "Extra inputs"),
    ],
)
def test_malformed_definition_names_file_path_and_problem(
    name: str, path: str, problem: str
) -> None:
    file = FIXTURES / name
    with pytest.raises(InvalidDefinitionError) as caught:
        load_definition(file)
    message = str(caught.value)
    line = next(line for line in message.splitlines() if str(file) in line)
    assert f"{file}: {path}: " in line
    assert problem in line
    assert isinstance(caught.value, UserError)


def test_minimal_fixture_is_valid() -> None:
    definition = load_definition(FIXTURES / "minimal.json")
    assert [s.id for s in definition.themes] == ["theme.a"]


def test_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(InvalidDefinitionError, match=r"nope\.json"):
        load_definition(missing)


def test_duplicate_json_key_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "dup.json"
    file.write_text('{"id": "a", "id": "b"}', encoding="utf-8")
    with pytest.raises(InvalidDefinitionError, match="duplicate key 'id'"):
        load_definition(file)


def _minimal() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "minimal.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (
            lambda d: d["sections"][0]["questions"][1]["options"].append(
                {"value": "adult", "label": "Again"}
            ),
            "sections[0].questions[1].options[2].value",
            "duplicate option value",
        ),
        (
            lambda d: d["rules"].append(
                {
                    "kind": "require",
                    "code": "X.req",
                    "message": "Needed.",
                    "questions": ["theme.zzz.issue"],
                }
            ),
            "rules[1].questions[0]",
            "'theme.zzz.issue' is not a top-level question",
        ),
        (
            lambda d: d["rules"].append(
                {
                    "kind": "check",
                    "code": "X.win",
                    "severity": "warning",
                    "message": "Late.",
                    "check": "death_within_cohort_window",
                }
            ),
            "rules[1].params",
            "parameter 'days' is missing",
        ),
        (
            lambda d: d["sections"][1].pop("key"),
            "sections[1].key",
            "a theme section needs a key",
        ),
        (
            lambda d: d["sections"][0].update(id="theme.a"),
            "sections[1].id",
            "duplicate section id",
        ),
        (
            lambda d: d["rules"][0]["when"].update(op="any_item", group="screening.ld"),
            "rules[0].when",
            "",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(allowed=["yes", "maybe"]),
            "sections[0].questions[0].allowed[1]",
            "",
        ),
    ],
)
def test_cross_reference_problems_give_their_path(
    mutate: Callable[[dict[str, Any]], object], path: str, problem: str
) -> None:
    data = _minimal()
    mutate(data)
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_definition(data, "inline.json")
    assert f"inline.json: {path}" in str(caught.value)
    assert problem in str(caught.value)


# --- versions: a fixture v3 with a 13th theme; v1 answers stay valid against v1 ------


def test_load_by_id_and_version_finds_both() -> None:
    v1 = load_definition_version("nhs-mortality-review", 1, [FIXTURES])
    v2 = load_definition_version("nhs-mortality-review", 3, [FIXTURES])
    assert (v1.version, len(v1.themes)) == (1, 12)
    assert (v2.version, len(v2.themes)) == (3, 13)


def test_unknown_version_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="version 99"):
        load_definition_version("nhs-mortality-review", 99, [FIXTURES])
    with pytest.raises(NotFoundError):
        load_definition_version("another-review", 1, [FIXTURES])


def test_thirteen_themes_work_without_code_change() -> None:
    v2 = load_definition_version("nhs-mortality-review", 3, [FIXTURES])
    case = make_case()
    answers = complete_answers(v2)
    assert validate(v2, answers, case).can_sign
    del answers["theme.mental_capacity.issue"]
    report = validate(v2, answers, case)
    assert [i.question_id for i in report.errors] == ["theme.mental_capacity.issue"]


def test_v1_answers_still_validate_against_v1_after_v2_exists() -> None:
    v1 = load_definition_version("nhs-mortality-review", 1, [FIXTURES])
    v2 = load_definition_version("nhs-mortality-review", 3, [FIXTURES])
    case = make_case()
    answers = complete_answers(v1)
    answers |= {
        "relatives.contact_attempted": "yes",
        "relatives.contact_date": "2024-02-01",
        "relatives.contact_method": "telephone",
        "relatives.outcome": "spoke",
        "relatives.relationship": "Daughter",
        "relatives.summary": "She felt staff were kind but communication was slow.",
        "relatives.concerns_raised": "no",
        "relatives.wish_to_hear_findings": "yes",
    }
    assert validate(v1, answers, case).can_sign
    # The renamed question is unknown to v2, and v2's new theme is missing: v1 answers are
    # read with v1, which is why reviews keep the definition id and version they were made with.
    report = validate(v2, answers, case)
    assert "relatives.wish_to_hear_findings" in {
        i.question_id for i in report.with_code("R10.unknown_question")
    }
    assert "relatives.wants_findings" in {i.question_id for i in report.with_code("R1.required")}


# --- v2: the model additions are checked at load time --------------------------------------


def _v2_raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(V2.read_text(encoding="utf-8"))
    return raw


def _trigger(raw: dict[str, Any], trigger_id: str) -> dict[str, Any]:
    return next(t for t in raw["escalation_triggers"] if t["id"] == trigger_id)


def test_v2_loads_and_keeps_v1_ids_where_the_meaning_is_the_same(v1: ReviewDefinition) -> None:
    v2 = load_definition(V2)
    same = set(v1.question_order()) & set(v2.question_order())
    assert {"phase.overall.score", "avoidability.grade", "escalation.decision"} <= same
    assert "immediate.date_told" not in v2.question_order()  # now a date and a time
    assert v2.question("immediate.told_at").type == "datetime"
    severity = v2.question("problems.item.severity")
    assert [o.value for o in severity.options] == [  # type: ignore[union-attr]
        "no_harm",
        "low",
        "moderate",
        "prolonged_psychological",
        "severe",
        "death",
    ]


def test_a_trigger_destination_that_is_not_an_option_is_refused() -> None:
    raw = _v2_raw()
    _trigger(raw, "safeguarding")["destinations"] = ["safeguarding_team"]
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_definition(raw, "v2.json")
    assert "escalation_triggers[3].destinations[0]" in str(caught.value)
    assert "'safeguarding_team' is not an option" in str(caught.value)


def test_trigger_destinations_need_their_check_rule() -> None:
    raw = _v2_raw()
    raw["rules"] = [r for r in raw["rules"] if r.get("check") != "trigger_destinations"]
    with pytest.raises(InvalidDefinitionError, match="need a 'trigger_destinations' check"):
        parse_definition(raw, "v2.json")
    raw = _v2_raw()
    raw["second_review_triggers"][0]["destinations"] = ["leder"]
    with pytest.raises(InvalidDefinitionError, match="only escalation triggers"):
        parse_definition(raw, "v2.json")


def test_an_unknown_time_comparison_is_refused() -> None:
    raw = _v2_raw()
    rule = next(r for r in raw["rules"] if r["code"] == "R6.time_told_in_future")
    rule["params"]["compare"] = "futur"
    with pytest.raises(InvalidDefinitionError, match="future, before_review"):
        parse_definition(raw, "v2.json")


def test_min_words_must_be_positive() -> None:
    raw = _v2_raw()
    rule = next(r for r in raw["rules"] if r["code"] == "R2.substantial_comment")
    rule["min_words"] = 0
    with pytest.raises(InvalidDefinitionError, match="min_words"):
        parse_definition(raw, "v2.json")
