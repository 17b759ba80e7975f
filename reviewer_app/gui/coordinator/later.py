"""The sections of issue 13's services, until each is built on its service."""

from __future__ import annotations

from reviewer_app.gui.coordinator.pending import PendingSection


class ReconciliationPending(PendingSection):
    title = "Reconciliation"
    will_show = (
        "It will show the discordant cases, the two reviews side by side with the differences "
        "highlighted, the consensus to record, and the second-stage queue."
    )


class EscalationsPending(PendingSection):
    title = "Escalations"
    will_show = (
        "It will show the escalation log by urgency and age, its status, references and "
        "Duty of Candour follow-up, and the identifiable referral."
    )


class ReportPending(PendingSection):
    title = "Report"
    will_show = (
        "It will show the agreement statistics and the report's charts, a preview of the "
        "report PDF, and save the report, the publication version and the data export."
    )


class ActionsPending(PendingSection):
    title = "Actions"
    will_show = (
        "It will show the action plan as an editable table with overdue actions highlighted, "
        "import and export CSV, and save the appendix PDF."
    )
