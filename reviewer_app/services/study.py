"""The coordinator's study, opened: its folder, database and study authority.

Layout of a study folder (a local folder: a network drive is refused, like a workspace)::

    <study>/study.db          SQLCipher database (storage/study/schema.py)
    <study>/study.key.json    Argon2id parameters, salt and key check (no secret)
    <study>/backups/          encrypted copies made before each migration

The study authority's private key lives in the database, encrypted under the same study
passphrase (belt and braces), and is decrypted only when a certificate or pack is signed.
The collection key (which opens returned reviews: the root never decrypts) is made once, the
first time packs are made or returns collected, and kept the same way.
What a coordinator does with an open study lives with its capability, as functions taking a
``Study`` (as the reviewer's use-cases take a ``Workspace``): intake/study_intake.py,
trust/enrolment_desk.py, allocation/study_allocation.py, packs/maker.py.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.closing import ClosesOnExit
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.trust import authority
from reviewer_app.services.trust.collection_key import issue_collection_key
from reviewer_app.services.workspace import check_new_passphrase, check_passphrase_change
from reviewer_app.storage import encrypted_folder
from reviewer_app.storage.database import Database
from reviewer_app.storage.encrypted_folder import FolderKind
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams, no_step
from reviewer_app.storage.rekey import Step
from reviewer_app.storage.study.info import (
    StudyInfo,
    StudyInfoStore,
    authority_key_pem,
    collection_key,
    replace_authority_key_pem,
    replace_collection_key_pem,
    set_collection_key,
    stored_collection_key_pem,
)
from reviewer_app.storage.study.schema import STUDY_MIGRATIONS

log = logging.getLogger(__name__)

STUDY_DB_FILE = "study.db"
STUDY_KEY_FILE = "study.key.json"
STUDY_FOLDER = FolderKind(
    noun="study",
    db_file=STUDY_DB_FILE,
    key_file=STUDY_KEY_FILE,
    migrations=STUDY_MIGRATIONS,
    when_taken="Choose an empty folder.",
    needs_both_files=True,
)

Authority = tuple[rsa.RSAPrivateKey, x509.Certificate]


def parse_review_mode(value: str) -> ReviewMode:
    """A review mode as the coordinator typed it, or a clear refusal."""
    try:
        return ReviewMode(value)
    except ValueError:
        modes = " or ".join(f'"{mode.value}"' for mode in ReviewMode)
        raise InvalidInputError(f'The review mode must be {modes}, not "{value[:20]}".') from None


class Study(ClosesOnExit):
    """An open study. Build with ``create`` or ``open``; ``close`` when done."""

    def __init__(self, folder: Path, db: Database, passphrase: str) -> None:
        self.folder = folder
        self.db = db
        self._passphrase: str | None = passphrase
        self._authority: Authority | None = None
        self._collection: Authority | None = None

    @staticmethod
    def exists_in(folder: Path) -> bool:
        return STUDY_FOLDER.exists_in(folder)

    @classmethod
    def create(
        cls,
        folder: Path,
        passphrase: str,
        *,
        name: str,
        mode: str = ReviewMode.INDEPENDENT.value,
        kdf: KdfParams = PRODUCTION_KDF,
    ) -> Study:
        """Make a study folder: encrypted database and study authority."""
        review_mode = parse_review_mode(mode)
        check_new_passphrase(passphrase)
        made: list[Authority] = []

        def write_study_row(db: Database) -> None:
            study_id = f"STUDY-{secrets.token_hex(6).upper()}"
            root_key, root_cert = authority.create_study_authority(study_id, name)
            made.append((root_key, root_cert))
            StudyInfoStore(db).create(
                study_id=study_id,
                name=name.strip(),
                review_mode=review_mode.value,
                authority_key_pem=authority.serialise_private_key(root_key, passphrase),
                root_cert_pem=authority.certificate_pem(root_cert),
                root_fingerprint=authority.fingerprint(root_cert),
            )

        opened = encrypted_folder.create_folder(
            folder, passphrase, STUDY_FOLDER, kdf=kdf, initialise=write_study_row
        )
        log.info("created a study (mode %s)", review_mode.value)
        study = cls(opened.folder, opened.db, passphrase)
        study._authority = made[0]
        return study

    @classmethod
    def open(cls, folder: Path, passphrase: str) -> Study:
        folder, key = encrypted_folder.unlock_folder(folder, passphrase, STUDY_FOLDER)
        opened = encrypted_folder.open_database(folder, STUDY_FOLDER, key)
        return cls(folder, opened.db, passphrase)

    def close(self) -> None:
        encrypted_folder.close_database(self.db, STUDY_FOLDER)
        self._passphrase = None
        self._authority = None
        self._collection = None

    # -- the study and its authority

    @property
    def info(self) -> StudyInfo:
        return StudyInfoStore(self.db).get()

    @property
    def review_mode(self) -> ReviewMode:
        """The study's own mode: every case's unless the coordinator set the case's."""
        return ReviewMode(self.info.review_mode)

    def fingerprint(self) -> str:
        return self.info.root_fingerprint

    def root_certificate(self) -> x509.Certificate:
        return authority.load_certificate(self.info.root_cert_pem)

    def signing_authority(self) -> Authority:
        """The authority's key and certificate, the key decrypted on first use only."""
        if self._authority is None:
            if self._passphrase is None:
                raise RuntimeError("the study is closed")
            key = authority.load_private_key(
                StudyInfoStore(self.db).authority_key_pem(), self._passphrase
            )
            self._authority = (key, self.root_certificate())
        return self._authority

    def collection_certificate(self) -> x509.Certificate:
        """The study's collection certificate (carried in every pack), made on first use."""
        stored = collection_key(self.db)
        if stored is None:
            return self.collection_authority()[1]
        return authority.load_certificate(stored[1])

    def collection_authority(self) -> Authority:
        """The collection key and certificate: made once (by the study root) and stored,
        the private key encrypted under the study passphrase like the authority's."""
        if self._collection is not None:
            return self._collection
        if self._passphrase is None:
            raise RuntimeError("the study is closed")
        stored = collection_key(self.db)
        if stored is None:
            root_key, root_cert = self.signing_authority()
            key, cert = issue_collection_key(root_key, root_cert)
            set_collection_key(
                self.db,
                authority.serialise_private_key(key, self._passphrase),
                authority.certificate_pem(cert),
            )
            stored = collection_key(self.db)
            assert stored is not None
            log.info("made the study's collection key")
        key = authority.load_private_key(stored[0], self._passphrase)
        self._collection = (key, authority.load_certificate(stored[1]))
        return self._collection


def change_study_passphrase(
    folder: Path,
    old_passphrase: str,
    new_passphrase: str,
    *,
    kdf: KdfParams = PRODUCTION_KDF,
    step: Step = no_step,
) -> None:
    """Re-encrypt the study database (and its backups) and its authority key under a new
    passphrase, atomically: killed at any moment, the study opens afterwards with exactly
    one of the two passphrases. The study must not be open elsewhere.

    The authority's key is encrypted under the study passphrase too, so each re-encrypted
    copy has it re-protected before the change is committed.
    """
    check_passphrase_change(old_passphrase, new_passphrase)

    def reprotect_authority_key(db: Database) -> None:
        pem = authority_key_pem(db)
        if pem is None:  # a backup made before the study row existed
            return
        key = authority.load_private_key(pem, old_passphrase)
        replace_authority_key_pem(db, authority.serialise_private_key(key, new_passphrase))
        collection_pem = stored_collection_key_pem(db)
        if collection_pem is not None:
            collection = authority.load_private_key(collection_pem, old_passphrase)
            replace_collection_key_pem(
                db, authority.serialise_private_key(collection, new_passphrase)
            )

    encrypted_folder.change_passphrase(
        folder,
        STUDY_FOLDER,
        old_passphrase,
        new_passphrase,
        kdf=kdf,
        prepare=reprotect_authority_key,
        step=step,
    )
    log.info("changed the study passphrase")
