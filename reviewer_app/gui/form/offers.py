"""What the form offers to settle for the reviewer, in words (no Qt here: plain text).

The discharge phases of a patient who died in the index admission: validation warns, and the
form offers to mark them not applicable, accepted with one key (``NOT_APPLICABLE_KEY``).
"""

from __future__ import annotations

from collections.abc import Sequence

NOT_APPLICABLE_KEY = "Alt+N"


def not_applicable_offer(phase_titles: Sequence[str]) -> tuple[str, str]:
    """(notice text, button text) offering to mark these phases not applicable."""
    several = len(phase_titles) > 1
    phases = " and ".join(f"“{title}”" for title in phase_titles)
    text = (
        f"The patient died during the index admission, but {phases} "
        f"{'are' if several else 'is'} scored. Mark {'them' if several else 'it'} not "
        "applicable unless care was transferred?"
    )
    return text, f"Mark not applicable ({NOT_APPLICABLE_KEY})"
