"""The identifier gate: free text with each identifier replaced by a marker, and nothing else.

``redact_text(text, case) -> RedactedText`` is the one public way to make free text safe for
anything de-identified: the taskforce copy of the PDF summary, the taskforce report's
learning section, the de-identified escalation log and the analysts' exports. It finds
identifiers with the domain's ``find_identifiers`` (the same finder rule 8 warns with; what
it finds and why is in ``domain/text_identifiers.py``) and replaces **only the identifier**:

    "Nurses did not call a doctor despite Mrs Okafor asking twice."
    -> "Nurses did not call a doctor despite Mrs [name] asking twice."

Markers (``MARKERS``): ``[name]`` (the patient's or another person's), ``[NHS number]``,
``[hospital number]``, ``[postcode]``, ``[postcode district]``, ``[date of birth]``,
``[date]`` (a date that may be a date of birth), and ``[admission date]``,
``[discharge date]``, ``[date of death]`` (the exact dates the taskforce copy shows only as
month and year). ``RedactedText.redactions`` lists each replacement with its place in the
original, so a reviewer can be shown what goes (see ``summary/taskforce.redaction_preview``).

As a last safety net, a text that still looks identifying once its identifiers are replaced
is replaced whole by ``REDACTED``. The text is read NFC-normalised: ``RedactedText.original``
is that form (typographic apostrophes kept), and the spans index it. Neither object prints
its text in ``repr``, so a stray log line cannot carry patient data.

``Redactor`` holds one case for many texts (the PDF renderer's use).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.text_identifiers import IdentifierKind, find_identifiers
from reviewer_app.services.pdf.styles import REDACTED

__all__ = ["MARKERS", "REDACTED", "RedactedText", "Redaction", "Redactor", "redact_text"]

K = IdentifierKind
MARKERS: dict[IdentifierKind, str] = {
    K.NHS_NUMBER: "[NHS number]",
    K.HOSPITAL_NUMBER: "[hospital number]",
    K.OTHER_HOSPITAL_NUMBER: "[hospital number]",
    K.POSTCODE: "[postcode]",
    K.POSTCODE_DISTRICT: "[postcode district]",
    K.DATE_OF_BIRTH: "[date of birth]",
    K.POSSIBLE_DATE_OF_BIRTH: "[date]",
    K.ADMISSION_DATE: "[admission date]",
    K.DISCHARGE_DATE: "[discharge date]",
    K.DATE_OF_DEATH: "[date of death]",
    K.NAME: "[name]",
    K.PERSON: "[name]",
}


@dataclass(frozen=True, slots=True)
class Redaction:
    """One identifier replaced: ``original[start:end]`` became ``marker``."""

    kind: IdentifierKind
    start: int
    end: int
    marker: str


@dataclass(frozen=True, slots=True)
class RedactedText:
    """A text and what the gate made of it (see the module docstring)."""

    original: str = field(repr=False)
    text: str = field(repr=False)
    redactions: tuple[Redaction, ...]
    whole: bool = False
    """True when the safety net replaced the whole text."""

    @property
    def changed(self) -> bool:
        return bool(self.redactions)

    @property
    def kinds(self) -> tuple[IdentifierKind, ...]:
        """The kinds replaced, each once, in text order."""
        return tuple(dict.fromkeys(r.kind for r in self.redactions))


def redact_text(text: str, case: Case) -> RedactedText:
    """``text`` with every identifier of ``case`` (and any NHS number, postcode, titled
    name, possible date of birth) replaced by its marker; unchanged when none is found."""
    original = nfc(text)
    matches = find_identifiers(original, case)
    if not matches:
        return RedactedText(original, original, ())
    redactions = tuple(Redaction(m.kind, m.start, m.end, MARKERS[m.kind]) for m in matches)
    parts: list[str] = []
    position = 0
    for r in redactions:
        parts += [original[position : r.start], r.marker]
        position = r.end
    parts.append(original[position:])
    result = "".join(parts)
    if find_identifiers(result, case):
        whole = Redaction(redactions[0].kind, 0, len(original), REDACTED)
        return RedactedText(original, REDACTED, (whole,), whole=True)
    return RedactedText(original, result, redactions)


class Redactor:
    """The gate for one case's texts; repeated texts are redacted once."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._done: dict[str, RedactedText] = {}

    def redacted(self, text: str) -> RedactedText:
        found = self._done.get(text)
        if found is None:
            found = self._done[text] = redact_text(text, self.case)
        return found

    def redact(self, text: str) -> str:
        """``text`` as the taskforce copy prints it."""
        return self.redacted(text).text

    def flagged(self, text: str) -> bool:
        """Whether ``text`` holds anything the gate would replace."""
        return self.redacted(text).changed
