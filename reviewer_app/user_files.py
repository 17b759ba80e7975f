"""Reading a file the user named (on the command line or in a file dialog).

One wording for every front end: whatever goes wrong (gone, a folder, unreadable, far too
large) becomes one plain ``UserError`` line that names the file and what it should have been,
never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from reviewer_app.errors import NotFoundError, UserError


def read_user_file(path: Path, what: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``, or a ``UserError`` saying why not.

    ``what`` names what the file should be, without an article ("cohort file", "PDF");
    ``max_bytes`` refuses a file far too large to be one before reading it into memory.
    """
    a_what = f"{_article(what)} {what}"
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise UserError(f"{path} is far too large to be {a_what}.")
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"There is no {what} at {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not {a_what}.") from None
    except OSError as err:
        raise UserError(f"Could not read {path}: {err.strerror or 'unreadable'}.") from None


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"
