"""A section whose service is not there yet: it says so plainly, and says what it will show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from reviewer_app.gui.coordinator.section import Section
from reviewer_app.gui.coordinator.widgets import named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner


class PendingSection(Section):
    """Shown in place of a section whose service does not exist in this build."""

    will_show = ""

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.notice = named(
            QLabel(
                f"Not available yet: this build has no {self.title.lower()} service. "
                f"{self.will_show} Until then, use the command line.",
                self,
            ),
            f"{self.title} not available yet",
        )
        self.notice.setObjectName("warningBox")
        self.notice.setWordWrap(True)
        self.body.addWidget(self.notice)
        self.body.addStretch(1)
        self.add_status_rows()
