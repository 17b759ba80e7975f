"""The review definition: the form as versioned data, and the loader that checks it.

The form is built from ``schema/review-definition.v{N}.json`` rather than hand-coded, so a
taskforce can change its themes, phases, questions and rules without a code change, and so
answers made under one version stay readable after the next version ships. Code finds the
themes and phases by section ``kind``, never by assuming there are 12 or 9 of them.

A malformed file is refused as a whole with ``InvalidDefinitionError`` naming the file, the
path inside it (``sections[3].questions[1].options``) and the problem: a half-understood form
would silently lose answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

import reviewer_app
from reviewer_app.domain.conditions import Condition
from reviewer_app.domain.definition_checks import definition_problems
from reviewer_app.domain.questions import (
    AnyQuestion,
    AvoidabilityQuestion,
    CareScoreQuestion,
    ChoiceQuestion,
    DateQuestion,
    DateTimeQuestion,
    GroupQuestion,
    ItemQuestion,
    MultipleChoiceQuestion,
    Option,
    OptionValue,
    Question,
    QuestionId,
    SingleChoiceQuestion,
    Text,
    TextQuestion,
    YesNoQuestion,
)
from reviewer_app.errors import InvalidDefinitionError, NotFoundError, UserError

__all__ = [
    "BUILTIN_CHECK_IDS",
    "AnyQuestion",
    "AvoidabilityQuestion",
    "CareScoreQuestion",
    "CheckRule",
    "ChoiceQuestion",
    "DateQuestion",
    "DateTimeQuestion",
    "FlagRule",
    "GroupQuestion",
    "ItemQuestion",
    "MultipleChoiceQuestion",
    "Option",
    "Question",
    "QuestionRef",
    "RequireRule",
    "ReviewDefinition",
    "Rule",
    "Section",
    "SectionKind",
    "Severity",
    "SingleChoiceQuestion",
    "TextQuestion",
    "TriggerSpec",
    "YesNoQuestion",
    "default_definition",
    "load_definition",
    "load_definition_version",
    "parse_definition",
    "schema_folders",
]

DEFINITION_FILE_PATTERN = re.compile(r"^review-definition\.v([1-9][0-9]*)\.json$")

# Built-in checks a definition may reference by id, with the parameters each takes ("str",
# "int", or "ids": a list of question ids). Implemented in domain/checks.py (a test keeps the
# two in step); listed here so that loading refuses an unknown id or a missing parameter.
BUILTIN_CHECK_PARAMS: dict[str, dict[str, str]] = {
    "triggers_need_decision": {"question": "str"},
    "case_dates_in_order": {},
    "death_within_cohort_window": {"days": "int"},
    "answer_dates_in_range": {"on_or_after_death": "ids", "within_life": "ids"},
    "identifiers_in_text": {},
    "case_age_in_method": {"outcome_question": "str", "outside_value": "str", "min_age": "int"},
    "records_reviewed_and_missing": {"reviewed": "str", "missing": "str"},
    "problem_in_phase_not_applicable": {"phase_questions": "ids"},
    "phases_scored_after_death_in_admission": {"scores": "ids"},
    "cohort_learning_disability": {"question": "str"},
    "trigger_destinations": {"decision": "str", "escalate_value": "str", "destinations": "str"},
    "meaningful_text": {"questions": "ids"},
    "harm_with_no_harm_severity": {"harm": "str", "severity": "str"},
    "problem_theme_without_issue": {"themes": "str", "issue": "str"},
    "grade_on_default_scale": {"questions": "ids"},
    "time_told_in_range": {"question": "str", "compare": "str"},
}
BUILTIN_CHECK_IDS = frozenset(BUILTIN_CHECK_PARAMS)


SectionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+(\.[A-Za-z0-9_]+)+$")]


class Severity(StrEnum):
    ERROR = "error"  # blocks sign-off
    WARNING = "warning"  # shown, does not block


class SectionKind(StrEnum):
    SCREENING = "screening"
    OUTCOME = "outcome"
    RECORDS = "records"
    PHASE = "phase"
    THEME = "theme"
    PROBLEMS = "problems"
    AVOIDABILITY = "avoidability"
    RELATIVES = "relatives"
    SECOND_REVIEW = "second_review"
    ESCALATION = "escalation"
    IMMEDIATE_SAFETY = "immediate_safety"
    LEARNING = "learning"
    READINESS = "readiness"
    OTHER = "other"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Section(_Frozen):
    id: SectionId
    kind: SectionKind
    key: OptionValue | None = Field(
        None, description="Short stable key of a theme or phase (e.g. 'deterioration')."
    )
    title: Text
    help: Text
    relevant_when: Condition | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class RequireRule(_Frozen):
    """When ``when`` holds, the named questions need an answer (``need``: all or any of them)."""

    kind: Literal["require"]
    code: Code
    severity: Severity = Severity.ERROR
    message: Text
    when: Condition | None = None
    group: QuestionId | None = Field(
        None, description="Apply per item of this group; questions are its item questions."
    )
    questions: tuple[QuestionId, ...] = Field(min_length=1)
    need: Literal["all", "any"] = "all"
    min_length: int | None = Field(None, ge=1, description="For text: characters needed.")
    min_words: int | None = Field(
        None, ge=1, description="For text: distinct words needed (judged by content)."
    )


class FlagRule(_Frozen):
    """When ``when`` holds, raise an issue on ``question`` (inconsistent judgements etc.)."""

    kind: Literal["flag"]
    code: Code
    severity: Severity = Severity.WARNING
    message: Text
    when: Condition
    question: QuestionId


class CheckRule(_Frozen):
    """A built-in check in code, referenced by id, for what conditions cannot express."""

    kind: Literal["check"]
    code: Code
    severity: Severity
    message: Text
    check: str
    params: dict[str, str | int | tuple[str, ...]] = Field(default_factory=dict)


Rule = Annotated[RequireRule | FlagRule | CheckRule, Field(discriminator="kind")]


class TriggerSpec(_Frozen):
    id: OptionValue
    label: Text
    when: Condition
    destinations: tuple[OptionValue, ...] = Field(
        (),
        description="Escalation destinations this trigger must go to (others may be added, "
        "not substituted); checked by the 'trigger_destinations' check.",
    )


@dataclass(frozen=True, slots=True)
class QuestionRef:
    """Where a question lives: its section and, for an item question, its group."""

    question: AnyQuestion
    section: Section
    group: GroupQuestion | None = None


class ReviewDefinition(_Frozen):
    """The whole review form: sections of questions, rules and triggers, with id and version."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: int = Field(ge=1)
    title: Text
    sections: tuple[Section, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = ()
    escalation_triggers: tuple[TriggerSpec, ...] = ()
    second_review_triggers: tuple[TriggerSpec, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self) -> ReviewDefinition:
        problems = definition_problems(self, BUILTIN_CHECK_PARAMS)
        if problems:
            path, problem = problems[0]
            raise PydanticCustomError(
                "definition_problem",
                "{path}: {problem}",
                {"path": path, "problem": problem, "all": problems},
            )
        return self

    @cached_property
    def _index(self) -> dict[str, QuestionRef]:
        index: dict[str, QuestionRef] = {}
        for section in self.sections:
            for question in section.questions:
                index[question.id] = QuestionRef(question, section)
                if isinstance(question, GroupQuestion):
                    for item in question.item_questions:
                        index[item.id] = QuestionRef(item, section, question)
        return index

    def find(self, question_id: str) -> QuestionRef | None:
        return self._index.get(question_id)

    def question(self, question_id: str) -> AnyQuestion:
        """The question with this id (top-level or item question); KeyError if none."""
        return self._index[question_id].question

    def section_of(self, question_id: str) -> Section:
        return self._index[question_id].section

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def sections_of_kind(self, kind: SectionKind | str) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == kind)

    @property
    def themes(self) -> tuple[Section, ...]:
        return self.sections_of_kind(SectionKind.THEME)

    @property
    def phases(self) -> tuple[Section, ...]:
        return self.sections_of_kind(SectionKind.PHASE)

    def top_questions(self) -> Iterator[tuple[Section, AnyQuestion]]:
        """Every top-level question in form order, with its section."""
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question_order(self) -> dict[str, int]:
        """Position of every question id (items included) in form order, for sorting."""
        return {qid: i for i, qid in enumerate(self._index)}


# --- loading ---------------------------------------------------------------------------


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r} in a JSON object")
        result[key] = value
    return result


def parse_definition(raw: Any, source: str) -> ReviewDefinition:
    """Validate parsed JSON as a definition; ``source`` names the file in error messages."""
    try:
        return ReviewDefinition.model_validate(raw)
    except ValidationError as err:
        lines = [f"{source}: {path}: {problem}" for path, problem in _problems(err, raw)]
        raise InvalidDefinitionError(
            "The review definition is not valid:\n" + "\n".join(lines)
        ) from None


def load_definition(path: Path) -> ReviewDefinition:
    """Read and check a definition file; ``InvalidDefinitionError`` names file, path, problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidDefinitionError(
            f"{path}: the review definition cannot be read: {err}"
        ) from None
    try:
        raw = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as err:
        raise InvalidDefinitionError(
            f"{path}: line {err.lineno} column {err.colno}: not valid JSON: {err.msg}"
        ) from None
    except ValueError as err:
        raise InvalidDefinitionError(f"{path}: not valid JSON: {err}") from None
    return parse_definition(raw, str(path))


def _problems(err: ValidationError, raw: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    details = err.errors(include_url=False)
    deeper = {d["loc"][:n] for d in details for n in range(len(d["loc"]))}
    for detail in details:
        if detail["type"] == "too_short" and detail["loc"] in deeper:
            continue  # a list left empty only because its items failed: already reported
        ctx = detail.get("ctx") or {}
        if detail["type"] == "definition_problem":
            found.extend((str(p), str(m)) for p, m in ctx["all"])
        else:
            found.append((_json_path(detail["loc"], raw), detail["msg"]))
    return found


def _json_path(loc: tuple[int | str, ...], raw: Any) -> str:
    """Turn a pydantic location into a path in the file, dropping the union tags it inserts.

    Pydantic puts the discriminator value of a tagged union (``"single_choice"``) into the
    location right after the element; it is not a key in the file, so it is skipped.
    """
    path = ""
    node = raw
    tag_possible = False
    for part in loc:
        if tag_possible and isinstance(node, dict) and part in _tags(node):
            tag_possible = False
            continue
        tag_possible = False
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path += f"[{part}]"
            node = node[part]
            tag_possible = True
        elif isinstance(node, dict) and isinstance(part, str):
            path += f".{part}" if path else part
            node = node.get(part)
            tag_possible = True
    return path or "(top level)"


def _tags(node: dict[str, Any]) -> set[Any]:
    return {node.get(key) for key in ("type", "op", "kind") if isinstance(node.get(key), str)}


# --- finding definition files -----------------------------------------------------------


def schema_folders() -> list[Path]:
    """Where bundled definitions live: the installed wheel's ``_schema``, else the repo's."""
    package = Path(reviewer_app.__file__).resolve().parent
    candidates = [package / "_schema", package.parent / "schema"]
    return [c for c in candidates if c.is_dir()]


def _versions_in(folder: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in folder.glob("review-definition.v*.json"):
        match = DEFINITION_FILE_PATTERN.match(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


@cache
def default_definition() -> ReviewDefinition:
    """The newest bundled definition (cached: it is read once per process)."""
    for folder in schema_folders():
        versions = _versions_in(folder)
        if versions:
            return load_definition(versions[max(versions)])
    raise NotFoundError("The review definition is missing from this installation.")


def load_definition_version(
    definition_id: str, version: int, extra_folders: Sequence[Path] = ()
) -> ReviewDefinition:
    """The definition a review was made with, by id and version (answers stay readable).

    Looks for ``review-definition.v{version}.json`` in the bundled schema folder, then in
    ``extra_folders`` (a taskforce's or a test's), and returns the first whose id matches.
    """
    return _load_version(definition_id, version, tuple(extra_folders))


def definition_named_in(document: Mapping[str, Any]) -> ReviewDefinition | None:
    """The definition a canonical content names (``{"definition": {"id", "version"}}``),
    or None when this installation lacks it or the content names none readable."""
    named = document.get("definition") or {}
    try:
        version = int(str(named.get("version")))
        return load_definition_version(str(named.get("id")), version)
    except (UserError, TypeError, ValueError):
        return None


@cache
def _load_version(
    definition_id: str, version: int, extra_folders: tuple[Path, ...]
) -> ReviewDefinition:
    folders = [*schema_folders(), *extra_folders]
    for folder in folders:
        path = folder / f"review-definition.v{version}.json"
        if path.is_file():
            definition = load_definition(path)
            if definition.id == definition_id and definition.version == version:
                return definition
    raise NotFoundError(
        f"Review definition {definition_id!r} version {version} was not found "
        f"(looked in {len(folders)} folder(s)). Install the app version that made it."
    )
