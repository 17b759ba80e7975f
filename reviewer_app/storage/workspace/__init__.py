"""Repositories and schema steps of the reviewer's workspace database."""
