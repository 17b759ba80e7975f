"""Vocabularies whose members each carry the words people read for them.

A member is written with its stored value and its label side by side
(``SIGNED = "signed", "Signed"``), so a new member cannot be added without its label and the
label cannot drift into a separate table. The value alone is what is stored, compared and
serialised: ``ReviewStatus("signed")`` and ``str(ReviewStatus.SIGNED)`` are as for any
``StrEnum``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members are ``value, label`` pairs; ``.label`` is the label."""

    _label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        # Runs only while the class is made, once per member; a lookup by value
        # (``ReviewStatus("signed")``) does not come here, and the default exists only so
        # that type checkers accept that lookup.
        if not label:
            raise TypeError(f"{cls.__name__} member {value!r} has no label")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label
