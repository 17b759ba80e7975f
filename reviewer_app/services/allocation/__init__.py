"""Allocation: which two reviewers read each case."""
