"""The window's eight sections: their keys, titles and Alt+letter keys, and the mapping that
builds each one the first time it is needed (a section's widgets and imports cost nothing
until the coordinator goes to it).

Each section's Alt+letter is listed here once; the sections' own buttons and labels use other
letters (a test presses every Alt+letter from every section and checks where it lands).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.section import Section


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    letter: str  # Alt+letter goes to the section

    @property
    def alt_key(self) -> str:
        return f"Alt+{self.letter}"


SPECS: tuple[SectionSpec, ...] = (
    SectionSpec("overview", "Overview", "O"),
    SectionSpec("cohort", "Cohort and panel", "C"),
    SectionSpec("allocation", "Allocation", "A"),
    SectionSpec("returns", "Returns", "R"),
    SectionSpec("reconciliation", "Reconciliation", "N"),
    SectionSpec("escalations", "Escalations", "E"),
    SectionSpec("report", "Report", "P"),
    SectionSpec("actions", "Actions", "T"),
)
SECTION_KEYS: tuple[str, ...] = tuple(spec.key for spec in SPECS)
MENU_LETTERS = ("F", "G", "H")  # File, Go, Help
RESERVED_LETTERS = frozenset(spec.letter for spec in SPECS) | frozenset(MENU_LETTERS)


_CLASSES: dict[str, tuple[str, str]] = {
    "overview": ("overview", "OverviewSection"),
    "cohort": ("cohort", "CohortSection"),
    "allocation": ("allocation", "AllocationSection"),
    "returns": ("returns", "ReturnsSection"),
    "reconciliation": ("reconciliation", "ReconciliationSection"),
    "escalations": ("escalations", "EscalationsSection"),
    "report": ("report", "ReportSection"),
    "actions": ("actions", "ActionsSection"),
}


def section_class(key: str) -> type[Section]:
    """The class of one section, its module imported when that section is first built."""
    module, name = _CLASSES[key]
    found: type[Section] = getattr(import_module(f"reviewer_app.gui.coordinator.{module}"), name)
    return found


class LazySections(Mapping[str, "Section"]):
    """key -> section, each built by ``build(key)`` the first time it is looked up. Iterating
    the keys builds nothing; ``built()`` is the sections made so far."""

    def __init__(self, build: Callable[[str], Section]) -> None:
        self._build = build
        self._made: dict[str, Section] = {}

    def __getitem__(self, key: str) -> Section:
        if key not in self._made:
            if key not in SECTION_KEYS:
                raise KeyError(key)
            self._made[key] = self._build(key)
        return self._made[key]

    def __iter__(self) -> Iterator[str]:
        return iter(SECTION_KEYS)

    def __len__(self) -> int:
        return len(SECTION_KEYS)

    def built(self) -> list[Section]:
        return [self._made[key] for key in SECTION_KEYS if key in self._made]

    def is_built(self, key: str) -> bool:
        return key in self._made
