"""The vocabulary of stored answer values shared by the definition, answers and rules.

Rule 10 of the review method: "not answered" is never stored as "no". An unanswered question
has no key at all; "no", "unknown", "not applicable" and "cannot tell" are distinct stored
strings with distinct labels, so no layer (storage, export, report) can confuse them.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
Answers: TypeAlias = "dict[str, JsonValue]"

YES = "yes"
NO = "no"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"
CANNOT_TELL = "cannot_tell"

YesNoValue = Literal["yes", "no", "unknown", "not_applicable", "cannot_tell"]

YES_NO_LABELS: dict[str, str] = {
    YES: "Yes",
    NO: "No",
    UNKNOWN: "Unknown",
    NOT_APPLICABLE: "Not applicable",
    CANNOT_TELL: "Cannot tell from the records",
}

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

NOT_ANSWERED_LABEL = "Not answered"
INVALID_LABEL = "Invalid answer (not shown)"
