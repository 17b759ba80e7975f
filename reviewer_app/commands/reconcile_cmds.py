"""Coordinator commands (placeholder: filled in by this round's work)."""

from __future__ import annotations

from typing import Any


def register_coordinator(sub: Any) -> None:
    """Add this module's commands to the `coordinator` group."""
