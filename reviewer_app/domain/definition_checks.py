"""Cross-reference checks on a review definition, beyond what field types can say.

Duplicate ids, conditions naming questions that do not exist, option values compared against
that are not options, unknown built-in checks: each would make a rule silently never fire, so
loading refuses the file and names the path of the mistake. Questions are told apart by their
``type`` tag so this module needs the definition models only for type checking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer_app.domain.conditions import (
    Answered,
    AnyItem,
    AnyScoreIn,
    AvoidabilityRcpAtMost,
    Condition,
    Equals,
    In,
    walk,
)
from reviewer_app.domain.values import NOT_APPLICABLE

if TYPE_CHECKING:
    from reviewer_app.domain.definition import (
        AnyQuestion,
        CheckRule,
        GroupQuestion,
        ReviewDefinition,
    )

Problem = tuple[str, str]
_COMPARISONS = ("future", "before_review")
_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def definition_problems(
    definition: ReviewDefinition, builtin_checks: dict[str, dict[str, str]]
) -> list[Problem]:
    """Every cross-reference problem as ``(path, message)``, in file order."""
    checker = _Checker(definition)
    checker.run(builtin_checks)
    return checker.problems


class _Checker:
    def __init__(self, definition: ReviewDefinition) -> None:
        self.definition = definition
        self.problems: list[Problem] = []
        self.top: dict[str, AnyQuestion] = {}
        self.items: dict[str, dict[str, AnyQuestion]] = {}  # group id -> its item questions

    def add(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def run(self, builtin_checks: dict[str, dict[str, str]]) -> None:
        self._index()
        for path, question, group in self._questions():
            self._question(path, question, group)
        for i, section in enumerate(self.definition.sections):
            if section.relevant_when is not None:
                self._condition(section.relevant_when, f"sections[{i}].relevant_when", None)
        self._rules(builtin_checks)
        self._destinations()
        for name in ("escalation_triggers", "second_review_triggers"):
            seen: set[str] = set()
            for i, trigger in enumerate(getattr(self.definition, name)):
                if trigger.id in seen:
                    self.add(f"{name}[{i}].id", f"duplicate trigger id {trigger.id!r}")
                seen.add(trigger.id)
                self._condition(trigger.when, f"{name}[{i}].when", None)

    def _destinations(self) -> None:
        """Trigger destinations name options of the question the destination check reads."""
        question_ids = [
            str(rule.params.get("destinations"))
            for rule in self.definition.rules
            if rule.kind == "check" and rule.check == "trigger_destinations"
        ]
        options: set[str] = set()
        for question_id in question_ids:
            for items in self.items.values():
                question = items.get(question_id)
                if question is not None and question.type in ("single_choice", "multiple_choice"):
                    options |= {o.value for o in question.options}
        for i, trigger in enumerate(self.definition.escalation_triggers):
            for k, value in enumerate(trigger.destinations):
                path = f"escalation_triggers[{i}].destinations[{k}]"
                if not question_ids:
                    self.add(path, "destinations need a 'trigger_destinations' check rule")
                elif value not in options:
                    self.add(path, f"{value!r} is not an option of the destination question")
        for i, trigger in enumerate(self.definition.second_review_triggers):
            if trigger.destinations:
                self.add(
                    f"second_review_triggers[{i}].destinations",
                    "only escalation triggers have destinations",
                )

    def _questions(self) -> Iterator[tuple[str, AnyQuestion, GroupQuestion | None]]:
        for i, section in enumerate(self.definition.sections):
            for j, question in enumerate(section.questions):
                path = f"sections[{i}].questions[{j}]"
                yield path, question, None
                if question.type == "group":
                    for k, item in enumerate(question.item_questions):
                        yield f"{path}.item_questions[{k}]", item, question

    def _index(self) -> None:
        seen_sections: set[str] = set()
        for i, section in enumerate(self.definition.sections):
            if section.id in seen_sections:
                self.add(f"sections[{i}].id", f"duplicate section id {section.id!r}")
            seen_sections.add(section.id)
            if section.kind in ("phase", "theme"):
                keys = [s.key for s in self.definition.sections[:i] if s.kind == section.kind]
                if section.key is None:
                    self.add(f"sections[{i}].key", f"a {section.kind} section needs a key")
                elif section.key in keys:
                    self.add(f"sections[{i}].key", f"duplicate {section.kind} key {section.key!r}")
        seen: set[str] = set()
        for path, question, group in self._questions():
            if question.id in seen:
                self.add(f"{path}.id", f"duplicate question id {question.id!r}")
            seen.add(question.id)
            if group is None:
                self.top[question.id] = question
            else:
                self.items.setdefault(group.id, {})[question.id] = question

    def _is_item(self, question_id: str) -> bool:
        return any(question_id in items for items in self.items.values())

    def _question(self, path: str, question: AnyQuestion, group: GroupQuestion | None) -> None:
        if question.type in ("single_choice", "multiple_choice"):
            values = [o.value for o in question.options]
            for k, value in enumerate(values):
                if value in values[:k]:
                    self.add(f"{path}.options[{k}].value", f"duplicate option value {value!r}")
        if question.type == "multiple_choice":
            for k, value in enumerate(question.exclusive):
                if value not in {o.value for o in question.options}:
                    self.add(f"{path}.exclusive[{k}]", f"{value!r} is not one of the options")
        if question.type == "yes_no" and len(set(question.allowed)) != len(question.allowed):
            self.add(f"{path}.allowed", "a value is listed twice")
        if question.type == "avoidability":
            if len(set(question.scales)) != len(question.scales):
                self.add(f"{path}.scales", "a scale is listed twice")
            if question.default_scale not in question.scales:
                self.add(f"{path}.default_scale", "the default scale is not one of the scales")
        too_short = question.type == "text" and (question.max_length or 1e9) < question.min_length
        if too_short:
            self.add(f"{path}.max_length", "is shorter than min_length")
        scope = group.id if group else None
        for name in ("relevant_when", "required_when"):
            condition = getattr(question, name)
            if condition is not None:
                self._condition(condition, f"{path}.{name}", scope)

    def _lookup(self, question_id: str, scope: str | None) -> AnyQuestion | None:
        if scope is not None and question_id in self.items.get(scope, {}):
            return self.items[scope][question_id]
        return self.top.get(question_id)

    def _condition(self, condition: Condition, path: str, scope: str | None) -> None:
        for node_path, node, node_scope in walk(condition, path, scope):
            if isinstance(node, AnyItem):
                group = self.top.get(node.group)
                if group is None or group.type != "group":
                    self.add(f"{node_path}.group", f"{node.group!r} is not a repeating group")
            elif isinstance(node, AnyScoreIn):
                for k, score in enumerate(node.values):
                    if not 1 <= score <= 5:
                        self.add(f"{node_path}.values[{k}]", "a care score is 1 to 5")
            elif isinstance(node, Equals | In | Answered | AvoidabilityRcpAtMost):
                self._reference(node_path, node, node_scope)

    def _reference(
        self, path: str, node: Equals | In | Answered | AvoidabilityRcpAtMost, scope: str | None
    ) -> None:
        question = self._lookup(node.question, scope)
        if question is None:
            where = "an item question of this group or " if scope else ""
            hint = " (it is an item question of a group: use any_item)"
            self.add(
                f"{path}.question",
                f"{node.question!r} is not {where}a question of this definition"
                + (hint if self._is_item(node.question) and not scope else ""),
            )
            return
        if isinstance(node, AvoidabilityRcpAtMost) and question.type != "avoidability":
            self.add(f"{path}.question", f"{node.question!r} is not an avoidability question")
        literals = [(f"{path}.value", node.value)] if isinstance(node, Equals) else []
        if isinstance(node, In):
            literals = [(f"{path}.values[{k}]", v) for k, v in enumerate(node.values)]
        for literal_path, value in literals:
            problem = _literal_problem(question, value)
            if problem:
                self.add(literal_path, problem)

    def _check_rule(
        self, path: str, rule: CheckRule, builtin_checks: dict[str, dict[str, str]]
    ) -> None:
        spec = builtin_checks.get(rule.check)
        if spec is None:
            known = ", ".join(sorted(builtin_checks))
            self.add(f"{path}.check", f"unknown built-in check {rule.check!r} ({known})")
            return
        for name in spec:
            if name not in rule.params:
                self.add(f"{path}.params", f"parameter {name!r} is missing")
        compare = rule.params.get("compare")
        if rule.check == "time_told_in_range" and compare not in (None, *_COMPARISONS):
            self.add(f"{path}.params.compare", f"must be one of {', '.join(_COMPARISONS)}")
        for key, value in rule.params.items():
            if key not in spec:
                self.add(f"{path}.params.{key}", f"{rule.check!r} takes no parameter {key!r}")
                continue
            problem = _param_problem(spec[key], value)
            if problem:
                self.add(f"{path}.params.{key}", problem)
                continue
            texts = list(value) if isinstance(value, tuple) else [value]
            for k, text in enumerate(texts):
                named = isinstance(text, str) and _QUESTION_ID.match(text) is not None
                if named and text not in self.top and not self._is_item(str(text)):
                    at = f"[{k}]" if isinstance(value, tuple) else ""
                    self.add(
                        f"{path}.params.{key}{at}",
                        f"{text!r} is not a question of this definition",
                    )

    def _rules(self, builtin_checks: dict[str, dict[str, str]]) -> None:
        for i, rule in enumerate(self.definition.rules):
            path = f"rules[{i}]"
            if rule.kind == "check":
                self._check_rule(path, rule, builtin_checks)
            elif rule.kind == "flag":
                self._condition(rule.when, f"{path}.when", None)
                if rule.question not in self.top and not self._is_item(rule.question):
                    self.add(f"{path}.question", f"{rule.question!r} is not a question")
            else:
                scope = rule.group
                if scope is not None and scope not in self.items:
                    self.add(f"{path}.group", f"{scope!r} is not a repeating group")
                    continue
                if rule.when is not None:
                    self._condition(rule.when, f"{path}.when", scope)
                targets = self.items[scope] if scope else self.top
                for k, question_id in enumerate(rule.questions):
                    if question_id not in targets:
                        where = (
                            f"an item question of {scope!r}" if scope else "a top-level question"
                        )
                        self.add(f"{path}.questions[{k}]", f"{question_id!r} is not {where}")


def _param_problem(kind: str, value: str | int | tuple[str, ...]) -> str | None:
    if kind == "str" and not isinstance(value, str):
        return "must be text"
    if kind == "int" and not isinstance(value, int):
        return "must be a whole number"
    if kind == "ids" and not isinstance(value, tuple):
        return "must be a list of question ids"
    return None


def _literal_problem(question: AnyQuestion, value: str | int) -> str | None:
    """Why ``value`` can never be an answer to ``question`` (a typo in a condition), or None."""
    if question.type in ("single_choice", "multiple_choice"):
        options = [o.value for o in question.options]
        return None if value in options else f"{value!r} is not an option of {question.id!r}"
    if question.type == "yes_no":
        allowed: tuple[str, ...] = question.allowed
        return None if value in allowed else f"{value!r} is not allowed for {question.id!r}"
    if question.type == "care_score":
        if isinstance(value, int) and 1 <= value <= 5:
            return None
        if value == NOT_APPLICABLE and question.allow_not_applicable:
            return None
        return f"{value!r} is not a care score of {question.id!r}"
    return f"a {question.type} answer cannot be compared with equals/in"
