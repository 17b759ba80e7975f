"""The action plan's field rules, shared by the CLI, the CSV intake and the desktop.

Each parser takes the text a person typed and returns the stored value, or raises
``ValueError`` with a reason that does not quote the value (the caller decides whether it
may be shown, as ``intake.csv_reader.parse_date`` does). Action text is about services, not
patients, but it is typed by hand, so it is never echoed in an error either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.records import ActionStatus

REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,29}")
MAX_ACTION = 1000
MAX_NOTE = 2000
MAX_SHORT = 200
MAX_LEAD = 100
THEME_PREFIX = "theme."


@dataclass(frozen=True)
class Theme:
    id: str  # the definition's theme id without "theme." (as problem items name themes)
    label: str


def themes_of(definition: ReviewDefinition) -> dict[str, Theme]:
    """The definition's themes by id, in definition order."""
    found: dict[str, Theme] = {}
    for section in definition.sections_of_kind(SectionKind.THEME):
        theme_id = section.id.removeprefix(THEME_PREFIX)
        found[theme_id] = Theme(theme_id, section.title)
    return found


def parse_reference(raw: str) -> str:
    text = nfc(raw).strip()
    if not text:
        raise ValueError("is empty")
    if not REFERENCE_PATTERN.fullmatch(text):
        raise ValueError(
            "must be 1 to 30 letters, digits, dots, hyphens, slashes or underscores, "
            "starting with a letter or digit (e.g. 1.3 or AP-07)"
        )
    return text


def parse_theme(raw: str, themes: Mapping[str, Theme]) -> str:
    """A theme id, its ``theme.`` form, or its title (any case) -> the theme id."""
    text = nfc(raw).strip()
    if not text:
        raise ValueError("is empty")
    key = text.casefold().removeprefix(THEME_PREFIX)
    for theme in themes.values():
        if key in (theme.id.casefold(), theme.label.casefold()):
            return theme.id
    raise ValueError(
        "is not one of the review definition's themes (use a theme id such as "
        f"{', '.join(list(themes)[:3])}, ..., or its title)"
    )


def parse_status(raw: str) -> ActionStatus:
    """A status as its digit (0-5) or its label (any case)."""
    text = nfc(raw).strip()
    if not text:
        raise ValueError("is empty")
    for status in ActionStatus:
        if text == status.value or text.casefold() == status.label.casefold():
            return status
    raise ValueError(
        "is not a status: use 5 (complete), 4 (on track), 3 (some delay), 2 (significant "
        "delay), 1 (not yet commenced) or 0 (objective revised)"
    )


def parse_text(raw: str, *, required: bool, max_length: int, one_line: bool = True) -> str:
    text = nfc(raw).strip()
    if not text:
        if required:
            raise ValueError("is empty")
        return ""
    if one_line and ("\n" in text or "\r" in text):
        raise ValueError("runs over more than one line")
    if len(text) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return text


def parse_lead(raw: str) -> str:
    """The lead is a role ("Medical Director"), never a person's contact details."""
    text = parse_text(raw, required=True, max_length=MAX_LEAD)
    if "@" in text or sum(c.isdigit() for c in text) >= 6:
        raise ValueError("must be a role (such as Chief Nurse), not an e-mail or phone number")
    return text
