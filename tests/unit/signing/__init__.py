"""Tests of reviewer_app.services.signing."""
