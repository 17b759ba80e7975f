"""Fixtures and helpers shared by tests (no tests here)."""
