"""Intake: the CSV files that come in (cohort, panel), and CSV written back out."""
