"""Tests of reviewer_app.services.allocation."""
