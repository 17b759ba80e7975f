"""Child side of the passphrase-change kill test (``test_rekey.py``).

``python rekey_child.py workspace|study FOLDER STOP_AT``, with the passphrases in the
environment (``REKEY_OLD``, ``REKEY_NEW``), never on the command line. It changes the
passphrase with the real code, printing each step as it is reached; at the first step that
starts with STOP_AT it stops and waits on stdin, where the test kills it with SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reviewer_app.storage.keys import TEST_KDF


def main() -> None:
    kind, folder, stop_at = sys.argv[1:4]

    def step(name: str) -> None:
        print(name, flush=True)
        if name.startswith(stop_at):
            sys.stdin.readline()  # killed here

    if kind == "workspace":
        from reviewer_app.services.workspace import change_workspace_passphrase as change
    else:
        from reviewer_app.services.study import change_study_passphrase as change
    change(Path(folder), os.environ["REKEY_OLD"], os.environ["REKEY_NEW"], kdf=TEST_KDF, step=step)
    print("finished", flush=True)


if __name__ == "__main__":
    main()
