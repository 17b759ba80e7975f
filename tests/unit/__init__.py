"""Unit tests (no Qt), grouped like reviewer_app/."""
