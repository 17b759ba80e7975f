"""The coordinator's desktop: the whole study in one window (issue 14).

One section per capability (overview, cohort and panel, allocation, returns, reconciliation,
escalations, report, actions), each a Qt item model fed by the same service functions the CLI
calls (commands/coordinator_cmds.py): the window and the CLI never disagree. The window is
given a ``StudyDesk`` (desk.py) by the composition root; it computes nothing itself.
"""
