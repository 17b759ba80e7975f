"""Tests of reviewer_app.services.review (and kill safety)."""
