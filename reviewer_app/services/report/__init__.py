"""Taskforce-report statistics: agreement, proportions and small-number suppression."""
