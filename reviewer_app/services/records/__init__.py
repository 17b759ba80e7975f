"""The coordinator's records outside the immutable reviews: the escalation log and the action
plan.
"""
