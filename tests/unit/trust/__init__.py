"""Tests of reviewer_app.services.trust."""
