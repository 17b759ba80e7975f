"""Is a new passphrase strong enough? One rule for every passphrase the app asks to choose.

Used for a new workspace, a new study, an exported identity (PKCS#12) and a changed
passphrase. Strength is judged by zxcvbn (Dropbox's estimator: dictionaries, keyboard
patterns, repeats, dates, common substitutions), not by counting character classes, so
``aaaaaaaaaa`` and ``Password123!`` are refused while a short sentence of ordinary words is
accepted. A minimum length applies as well. Messages never repeat the passphrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.errors import InvalidInputError

MIN_PASSPHRASE_LENGTH = 10
MIN_SCORE = 3
"""zxcvbn's scale is 0-4; 3 is "safely unguessable: moderate protection from offline attack"."""

_ESTIMATED_CHARACTERS = 72
"""zxcvbn refuses longer input; the first 72 characters are judged (more can only help)."""

_ADVICE = "A short sentence of four or more ordinary words that only you would think of works well."


class WeakPassphraseError(InvalidInputError):
    """The new passphrase is too easy to guess to protect patient data."""


class PassphraseTooShortError(WeakPassphraseError):
    """The new passphrase is too short to protect patient data."""


@dataclass(frozen=True)
class PassphraseStrength:
    """What zxcvbn thinks of a passphrase: its score (0-4) and advice in plain sentences."""

    score: int
    acceptable: bool
    advice: str


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text.endswith((".", "!", "?")) else text + "."


def assess_passphrase(passphrase: str) -> PassphraseStrength:
    """Score a passphrase for a strength hint (the GUI) or a refusal (``check_new_passphrase``)."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        return PassphraseStrength(
            0,
            False,
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long. " + _ADVICE,
        )
    from zxcvbn import zxcvbn  # its dictionaries take a moment to load: only when needed

    result = zxcvbn(passphrase[:_ESTIMATED_CHARACTERS])
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    parts = [_sentence(str(feedback.get("warning") or ""))]
    parts += [_sentence(str(s)) for s in feedback.get("suggestions") or []]
    advice = " ".join(p for p in parts if p)
    return PassphraseStrength(score, score >= MIN_SCORE, advice)


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that is too short or too easy to guess, saying why and what to do."""
    strength = assess_passphrase(passphrase)
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseTooShortError(strength.advice)
    if not strength.acceptable:
        raise WeakPassphraseError(
            f"This passphrase is too easy to guess. {strength.advice or _ADVICE} "
            "Nothing was changed."
        )
