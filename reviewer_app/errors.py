"""The two kinds of error (architecture.md, habit 4).

A ``UserError`` is something a person can fix: its message is shown as it is, in plain
language, and says what to do next. It must never contain patient data. Anything else that
escapes is a bug: logged with its traceback, shown as a short crash message.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix. ``str(err)`` is the whole message shown to them."""

    exit_code = 1


class UsageError(UserError):
    """The command was called with the wrong words (CLI exit code 2)."""

    exit_code = 2


class WrongPassphraseError(UserError):
    """The passphrase does not open this workspace or study."""


class DamagedFileError(UserError):
    """A file exists but cannot be read: damaged, truncated or not ours."""


class NewerVersionError(UserError):
    """A file was made by a newer version of the app than this one."""


class NetworkDriveError(UserError):
    """A live database was asked to live on a network drive."""


class InvalidDefinitionError(UserError):
    """The review definition file is malformed (file, path inside it, problem)."""


class InvalidInputError(UserError):
    """An input file (CSV, pack, request) is invalid; the message lists every problem."""


class ReadOnlyError(UserError):
    """A write was attempted on something that is signed or withdrawn."""


class NotFoundError(UserError):
    """A case, review or file named by the user does not exist."""
