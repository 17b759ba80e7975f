"""Tests of the taskforce-report statistics (agreement, proportions, suppression)."""
