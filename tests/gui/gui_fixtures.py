"""Rows and a fake review page shared by the app-shell GUI tests (synthetic people only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from reviewer_app.domain.case import PlaceOfDeath
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag

CANARY_NAME = "QUIXOTEFAMILY"
CANARY_GIVEN = "Zebedee"
CANARY_NHS = "9434765919"


@dataclass(frozen=True)
class Row:
    case_ref: str
    display_name: str
    age_at_death: int
    date_of_death: date
    place_of_death: PlaceOfDeath
    status: ReviewStatus
    progress: float
    flags: tuple[CaseFlag, ...] = ()
    nhs_number: str = ""


ROWS = [
    Row(
        "NSR-0002",
        "NGUYỄN, Thi Lan",
        81,
        date(2017, 6, 3),
        PlaceOfDeath.HOME,
        ReviewStatus.IN_PROGRESS,
        0.25,
        nhs_number="9990001112",
    ),
    Row(
        "NSR-0001",
        "Ó SÚILLEABHÁIN, Raj",
        77,
        date(2017, 6, 24),
        PlaceOfDeath.ACUTE_HOSPITAL,
        ReviewStatus.NOT_STARTED,
        0.0,
        (CaseFlag.URGENT,),
        nhs_number="9990002220",
    ),
    Row(
        "NSR-0003",
        "ZIELIŃSKA, Agnieszka",
        90,
        date(2017, 6, 1),
        PlaceOfDeath.HOSPICE,
        ReviewStatus.SIGNED,
        1.0,
        (CaseFlag.WITHDRAWN, CaseFlag.IDENTIFIERS_CORRECTED),
        nhs_number="9990003339",
    ),
    Row(
        "NSR-0004",
        f"{CANARY_NAME}, {CANARY_GIVEN}",
        66,
        date(2017, 7, 9),
        PlaceOfDeath.CARE_HOME,
        ReviewStatus.READY_TO_SIGN,
        1.0,
        (CaseFlag.AMENDED, CaseFlag.URGENT),
        nhs_number=CANARY_NHS,
    ),
]


class FakeReviewPage(QWidget):
    """Shows patient details like the real form would; records flushes and navigation."""

    status_changed = Signal(str, str)
    close_requested = Signal()
    sign_requested = Signal()
    instances: ClassVar[list[FakeReviewPage]] = []

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        FakeReviewPage.instances.append(self)
        layout = QVBoxLayout(self)
        self.header = QLabel("", self)
        self.nhs = QLineEdit(self)
        layout.addWidget(self.header)
        layout.addWidget(self.nhs)
        self.case_ref: str | None = None
        self.section: str | None = "screening"
        self.field: str | None = None
        self.flushes = 0
        self.opened_at: list[tuple[str, str | None, str | None]] = []

    @property
    def current_case_ref(self) -> str | None:
        return self.case_ref

    @property
    def current_section_id(self) -> str | None:
        return self.section

    @property
    def current_question_id(self) -> str | None:
        return self.field

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> bool:
        self.case_ref = case_ref
        self.opened_at.append((case_ref, section_id, question_id))
        self.section, self.field = section_id or "screening", question_id
        row = next(r for r in ROWS if r.case_ref == case_ref)
        self.header.setText(f"{row.display_name} · NHS {row.nhs_number}")
        self.nhs.setText(row.nhs_number)
        self.setToolTip(row.display_name)
        return True

    def restore_position(self) -> bool:
        return False

    def save_now(self) -> None:
        pass

    def close_case(self, timeout: float = 5.0) -> bool:
        self.flushes += 1
        self.header.clear()
        self.nhs.clear()
        return True
