"""Reviewing one case: the review service and the autosave writer."""
