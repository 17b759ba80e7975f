"""JSON Schemas of the files the product exchanges, generated from their pydantic models.

A taskforce editing a review definition (or another tool reading one) validates against the
schema in ``schema/``; generating it from the models that load the file keeps the two from
drifting, and a unit test fails when the committed schema is stale. Regenerate with::

    uv run python -m reviewer_app.services.json_schemas
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.services.packs.format import PackContent
from reviewer_app.services.returns.format import ReturnBundle
from reviewer_app.services.scripted.answers_file import ReviewAnswers
from reviewer_app.services.trust.enrolment import EnrolmentRequest

EXCHANGED_MODELS: dict[str, type[BaseModel]] = {
    "review-definition.schema.json": ReviewDefinition,
    "assignment-pack.schema.json": PackContent,
    "enrolment-request.schema.json": EnrolmentRequest,
    "return-bundle.schema.json": ReturnBundle,
    "review-answers.schema.json": ReviewAnswers,
}

REGENERATE = "uv run python -m reviewer_app.services.json_schemas"


def render_json_schemas() -> dict[str, str]:
    """File name -> schema text: sorted keys, two-space indent, trailing newline (stable)."""
    return {
        name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n"
        for name, model in sorted(EXCHANGED_MODELS.items())
    }


def write_json_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder`` (created if missing); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_json_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def repo_schema_folder() -> Path:
    """The repository's ``schema/`` folder (where the committed schemas live)."""
    return Path(__file__).resolve().parents[2] / "schema"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else repo_schema_folder()
    for path in write_json_schemas(folder):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
