"""Changing a study's passphrase: the same atomic re-key as a workspace's, plus the study
authority's private key, which is encrypted under the study passphrase too.

Lives beside ``services/study.py`` (whose file names it uses) so that the coordinator CLI and
a future coordinator GUI share it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from reviewer_app.errors import NotFoundError
from reviewer_app.paths import ensure_local_folder
from reviewer_app.services.study import STUDY_DB_FILE, STUDY_KEY_FILE
from reviewer_app.services.trust import authority
from reviewer_app.services.workspace import check_passphrase_change
from reviewer_app.storage.database import Database, Step, rekey_folder
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams
from reviewer_app.storage.study.rekey import authority_key_pem, replace_authority_key_pem

log = logging.getLogger(__name__)


def _no_step(_name: str) -> None:
    return None


def change_study_passphrase(
    folder: Path,
    old_passphrase: str,
    new_passphrase: str,
    *,
    kdf: KdfParams = PRODUCTION_KDF,
    step: Step = _no_step,
) -> None:
    """Re-encrypt the study database (and its backups) and its authority key under a new
    passphrase, atomically: killed at any moment, the study opens afterwards with exactly
    one of the two passphrases. The study must not be open elsewhere."""
    check_passphrase_change(old_passphrase, new_passphrase)
    if not (folder / STUDY_DB_FILE).exists() or not (folder / STUDY_KEY_FILE).exists():
        raise NotFoundError(f"There is no study in {folder}.")
    folder = ensure_local_folder(folder, "the study folder")

    def reprotect_authority_key(db: Database) -> None:
        pem = authority_key_pem(db)
        if pem is None:  # a backup made before the study row existed
            return
        key = authority.load_private_key(pem, old_passphrase)
        replace_authority_key_pem(db, authority.serialise_private_key(key, new_passphrase))

    rekey_folder(
        folder,
        db_file=STUDY_DB_FILE,
        key_file=STUDY_KEY_FILE,
        old_passphrase=old_passphrase,
        new_passphrase=new_passphrase,
        kdf=kdf,
        what="study",
        prepare=reprotect_authority_key,
        step=step,
    )
    log.info("changed the study passphrase")
