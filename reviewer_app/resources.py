"""Finding bundled resources (icons, stylesheet, fonts) in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
FONT_REGULAR = "fonts/DejaVuSans.ttf"
FONT_BOLD = "fonts/DejaVuSans-Bold.ttf"
FONT_ITALIC = "fonts/DejaVuSans-Oblique.ttf"


def resources_dir() -> Path:
    """The resources folder: inside the installed package, else the repository's."""
    for candidate in (_PACKAGE / "_resources", _PACKAGE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this installation")


def resource(name: str) -> Path:
    path = resources_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"resource {name!r} is missing from this installation")
    return path
