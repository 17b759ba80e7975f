"""The committed JSON Schemas match the models that read the exchanged files."""

from __future__ import annotations

import json
from pathlib import Path

from reviewer_app.services.json_schemas import (
    EXCHANGED_MODELS,
    REGENERATE,
    render_json_schemas,
    repo_schema_folder,
    write_json_schemas,
)

SCHEMA = Path(__file__).resolve().parents[2] / "schema"


def test_committed_schemas_are_up_to_date() -> None:
    assert repo_schema_folder() == SCHEMA
    for name, text in render_json_schemas().items():
        committed = SCHEMA / name
        assert committed.is_file(), f"{name} is missing: run `{REGENERATE}`"
        assert committed.read_text(encoding="utf-8") == text, (
            f"schema/{name} is stale (the models changed): run `{REGENERATE}` and commit it"
        )


def test_rendering_is_stable_and_ends_with_newline() -> None:
    first, second = render_json_schemas(), render_json_schemas()
    assert first == second
    assert set(first) == set(EXCHANGED_MODELS)
    for text in first.values():
        assert text.endswith("}\n")
        json.loads(text)


def test_write_json_schemas(tmp_path: Path) -> None:
    written = write_json_schemas(tmp_path / "out")
    assert [p.name for p in written] == sorted(EXCHANGED_MODELS)
    assert written[0].read_text(encoding="utf-8") == render_json_schemas()[written[0].name]


def test_definition_schema_describes_the_file() -> None:
    schema = json.loads(render_json_schemas()["review-definition.schema.json"])
    assert set(schema["required"]) >= {"id", "version", "title", "sections"}
    assert "help" in schema["$defs"]["SingleChoiceQuestion"]["required"]


def test_review_answers_schema_describes_the_three_states() -> None:
    schema = json.loads(render_json_schemas()["review-answers.schema.json"])
    assert set(schema["required"]) == {
        "format",
        "format_version",
        "case_ref",
        "definition",
        "answers",
    }
    assert schema["additionalProperties"] is False
    assert schema["properties"]["format"]["const"] == "reviewer-app/review-answers"
    states = schema["$defs"]["AnswerState"]["enum"]
    assert states == ["answered", "unanswered", "not_asked"]
    # "no", "unknown", "not applicable", "cannot tell" are values, never states
    assert not {"no", "unknown", "not_applicable", "cannot_tell"} & set(states)
    entry = schema["$defs"]["AnswerEntry"]
    assert entry["additionalProperties"] is False and entry["required"] == ["state"]
