"""Tests of reviewer_app.services.packs."""
