"""The sections built on issue 13's services (reconciliation, records, report), imported when
the window is built so that the first four load without them."""

from __future__ import annotations

from reviewer_app.gui.coordinator.section import Section


def later_sections() -> list[type[Section]]:
    from reviewer_app.gui.coordinator.actions import ActionsSection
    from reviewer_app.gui.coordinator.escalations import EscalationsSection
    from reviewer_app.gui.coordinator.reconciliation import ReconciliationSection
    from reviewer_app.gui.coordinator.report import ReportSection

    return [
        ReconciliationSection,
        EscalationsSection,
        ReportSection,
        ActionsSection,
    ]
