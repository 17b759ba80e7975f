"""The fixed parts around the questions: case header, section list, readiness list, notices."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import format_nhs_number
from reviewer_app.domain.progress import ReadinessItem
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.form.text_fields import long_date

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


def _value_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(name)
    return label


class CaseHeader(QFrame):
    """What is needed to find the notes, always visible above the form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseHeader")
        self.setAccessibleName("Case details")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        self.name = _value_label(self, "Patient name")
        self.name.setObjectName("patientName")
        self.nhs = _value_label(self, "NHS number")
        self.born = _value_label(self, "Date of birth")
        self.ref = _value_label(self, "Case reference")
        self.dates = _value_label(self, "Admission, discharge and death")
        self.place = _value_label(self, "Place of death")
        self.where = _value_label(self, "Site, specialty and GP practice")
        self.pairing = _value_label(self, "Review mode and co-signature")
        self.pairing.setObjectName("pairing")
        self.status = QLabel(self)
        self.status.setObjectName("statusBadge")
        self.status.setAccessibleName("Review status")
        self.urgent = QLabel("URGENT: immediate safety concern", self)
        self.urgent.setObjectName("urgentBadge")
        self.urgent.setAccessibleName("Urgent flag")
        self.urgent.setVisible(False)
        top = QHBoxLayout()
        top.setSpacing(18)
        for widget in (self.name, self.nhs, self.born, self.ref):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.urgent)
        top.addWidget(self.status)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.dates, 1, 0)
        grid.addWidget(self.place, 1, 1)
        grid.addWidget(self.where, 2, 0)
        grid.addWidget(self.pairing, 2, 1)
        grid.setColumnStretch(0, 1)

    def show_case(self, case: Case) -> None:
        self.name.setText(case.display_name)
        self.nhs.setText(f"NHS {format_nhs_number(case.nhs_number)}")
        self.born.setText(f"Born {long_date(case.date_of_birth)} (age {case.age_at_death})")
        self.ref.setText(f"Case {case.case_ref}")
        self.dates.setText(
            f"Admitted {long_date(case.admission_date)}  ·  "
            f"Discharged {long_date(case.discharge_date)}  ·  "
            f"Died {long_date(case.date_of_death)}"
        )
        self.place.setText(f"Place of death: {case.place_of_death.label}")
        self.where.setText(
            f"Site: {case.site or '—'}  ·  Specialty: {case.specialty or '—'}  ·  "
            f"GP practice: {case.gp_practice_code or '—'}"
        )

    def show_pairing(self, text: str | None) -> None:
        """The review mode, the co-reviewer and the co-signature (None: not known here)."""
        self.pairing.setText(text or "")
        self.pairing.setVisible(bool(text))

    def show_status(self, status: ReviewStatus, urgent: bool) -> None:
        self.status.setText(status.label)
        self.urgent.setVisible(urgent)

    def clear(self) -> None:
        for label in (self.name, self.nhs, self.born, self.ref, self.dates, self.place):
            label.clear()
        self.where.clear()
        self.show_pairing(None)
        self.status.clear()
        self.urgent.setVisible(False)


class ReadinessView(QWidget):
    """Everything still missing before sign-off; each entry jumps to its field."""

    jump = Signal(object)  # ReadinessItem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("readinessSummary")
        layout.addWidget(self.summary)
        self.list = QListWidget(self)
        self.list.setObjectName("readinessList")
        self.list.setAccessibleName("Still needed before signing: press Enter to go to the field")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # wraps
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout.addWidget(self.list)
        self._items: list[ReadinessItem] = []
        self._shown: tuple[list[ReadinessItem], ReviewStatus] | None = None

    def show_items(self, items: Sequence[ReadinessItem], status: ReviewStatus) -> None:
        items = list(items)
        if (items, status) == self._shown:
            return
        self._shown = (items, status)
        self._items = items
        self.list.clear()
        signed = status is ReviewStatus.SIGNED
        if not items or signed:  # signed: what it was signed with, not what a rule asks now
            self.summary.setText(
                "✓ This review is signed."
                if signed
                else "✓ Nothing is missing: this review is ready to sign."
            )
            self._items = []
            self.list.setVisible(False)
            return
        self.summary.setText(
            f"Still needed before you can sign ({len(items)}). Choose an entry (Enter) to go "
            "to the question."
        )
        self.list.setVisible(True)
        for item in items:
            entry = QListWidgetItem(f"→ {item.section_title}: {item.message}")
            entry.setData(TARGET_ROLE, item)
            entry.setToolTip("Go to this question")
            self.list.addItem(entry)

    @property
    def items(self) -> list[ReadinessItem]:
        return list(self._items)

    def _activated(self, entry: QListWidgetItem) -> None:
        self.jump.emit(entry.data(TARGET_ROLE))


class NoticeBar(QFrame):
    """A calm, visible notice with one action (e.g. "Go to the escalation decision")."""

    action = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName(name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.button = QPushButton(self)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.action)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.setVisible(False)

    def show_notice(self, text: str, button: str | None = None) -> None:
        self.text.setText(text)
        self.button.setVisible(button is not None)
        if button:
            self.button.setText(button)
            self.button.setAccessibleName(button)
        self.setVisible(True)
