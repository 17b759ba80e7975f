"""Tests of reviewer_app.services.demo."""
