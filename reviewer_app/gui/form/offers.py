"""What the form offers to settle for the reviewer, in words (no Qt here: plain text).

The discharge phases of a patient who died in the index admission: validation warns, and the
form offers to mark them not applicable, accepted with one key (``NOT_APPLICABLE_KEY``).
"""

from __future__ import annotations

from collections.abc import Sequence

NOT_APPLICABLE_KEY = "Alt+N"
NOTHING_TO_MARK = "Died in the index admission: the discharge phases need no score now."


def not_applicable_offer(phase_titles: Sequence[str]) -> tuple[str, str, str]:
    """(notice text, button text, the phases it marks) offering to mark phases not
    applicable. The text is the same whichever phases are left, so the notice keeps its
    height (the form under it never moves); the phases are named in its tooltip."""
    phases = " and ".join(f"“{title}”" for title in phase_titles)
    text = (
        "Died in the index admission: mark the discharge phases not applicable, unless care "
        f"was transferred? ({NOT_APPLICABLE_KEY})"
    )
    return text, f"Mark not applicable ({NOT_APPLICABLE_KEY})", f"Marks {phases} not applicable"
