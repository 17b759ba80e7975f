"""Tests of reviewer_app.storage."""
