"""Tests of reviewer_app.services.intake."""
