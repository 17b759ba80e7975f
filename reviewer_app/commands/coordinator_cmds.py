"""Coordinator commands: study, cohort, panel, enrolment, allocation, packs."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    del subparsers
