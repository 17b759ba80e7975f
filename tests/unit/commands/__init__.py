"""Tests of the command line (reviewer_app.cli, reviewer_app.commands)."""
