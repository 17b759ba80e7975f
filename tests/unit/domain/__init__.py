"""Tests of reviewer_app.domain."""
