"""Repositories and schema of the coordinator's study database."""
