"""Tests of reviewer_app.services.summary and services.pdf."""
