"""Running the real CLI in a test: its exit code, stdout and stderr, and a study's
passphrase in the environment with no terminal to prompt on."""

from __future__ import annotations

import io
import sys

import pytest

from reviewer_app import cli
from reviewer_app.commands.common import STUDY_PASSPHRASE_ENV
from reviewer_app.storage import keys
from tests.support.study_fixtures import STUDY_PASSPHRASE


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``reviewer-app ARGV...`` in this process: (exit code, stdout, stderr) of this run only."""
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def study_cli_env(
    monkeypatch: pytest.MonkeyPatch, passphrase: str = STUDY_PASSPHRASE, *, fast_kdf: bool = True
) -> None:
    """The study passphrase from the environment, stdin not a terminal (so nothing prompts),
    and (``fast_kdf``) the test key-derivation cost for studies the CLI creates."""
    if fast_kdf:
        monkeypatch.setattr(keys, "PRODUCTION_KDF", keys.TEST_KDF)
    monkeypatch.setenv(STUDY_PASSPHRASE_ENV, passphrase)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
