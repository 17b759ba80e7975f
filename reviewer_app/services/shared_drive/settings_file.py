"""The shared folder chosen in Settings, read from the settings file without Qt.

The GUI keeps its preferences through QSettings (gui/settings.py) in an INI file at
``AppPaths.settings_file``; the command line needs one of them, the shared folder
(``[shared] folder=...``), and must not load Qt. This reads that one value as QSettings
writes it: plain, or in double quotes (when it holds a comma, a semicolon, an equals sign
or leading/trailing spaces) with backslash escapes, ``@@`` for a leading ``@``. Anything it
cannot read means "no shared folder set", never a crash: the user is then asked for
``--to FOLDER``.
"""

from __future__ import annotations

import re
from pathlib import Path

SECTION = "shared"
KEY = "folder"
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,4}|[0-7]{1,3}|.)", re.DOTALL)


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text)


def _value(raw: str) -> str | None:
    """One INI value as QSettings reads a plain string; None for a list or a typed value."""
    raw = raw.strip()
    if raw.startswith('"'):
        end = re.match(r'"((?:[^"\\]|\\.)*)"\s*$', raw, re.DOTALL)
        return None if end is None else _unescape(end.group(1))
    if raw.startswith("@@"):
        return _unescape(raw[1:])
    if raw.startswith("@") or "," in raw:
        return None  # @Variant(...), @ByteArray(...) or a list: not a folder
    return _unescape(raw)


def shared_folder_setting(settings_file: Path) -> Path | None:
    """The shared folder the GUI's Settings name, or None (unset, unreadable)."""
    try:
        text = settings_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    section = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
            continue
        name, sep, raw = line.partition("=")
        if section == SECTION and sep and name.strip().lower() == KEY:
            value = _value(raw)
            return Path(value).expanduser() if value else None
    return None
