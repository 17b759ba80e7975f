"""Reviewer commands (placeholder: filled in by this round's work)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """Add this module's top-level commands."""
