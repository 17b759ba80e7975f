"""Coordinator commands as a newcomer meets them: export-root, messages, what a count means."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from reviewer_app import cli
from reviewer_app.services.trust.authority import fingerprint, is_study_root
from reviewer_app.storage import keys
from tests.support.cli_runner import run_cli as run
from tests.support.study_fixtures import cohort_bytes, panel_bytes

STUDY_PASS = "the coordinator's passphrase"
WS_PASS = "a reviewer's passphrase"
EXPORT_PASS = "an export passphrase"
OPENSSL = shutil.which("openssl")
STUDY_PASSPHRASE_ENV = "REVIEWER_APP_STUDY_PASSPHRASE"
EXPORT_PASSPHRASE_ENV = "REVIEWER_APP_EXPORT_PASSPHRASE"


@pytest.fixture(autouse=True)
def fast_kdf_and_passphrases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "PRODUCTION_KDF", keys.TEST_KDF)
    monkeypatch.setenv(STUDY_PASSPHRASE_ENV, STUDY_PASS)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, WS_PASS)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


@dataclass
class World:
    study: Path
    fp: str
    drive: Path
    enrol_out: dict[str, str]
    allocate_out: str
    packs_out: str


def _world(
    tmp_path: Path, capsys, *, mode: str = "independent", emails: dict[str, str] | None = None
) -> World:
    """A study with 6 cases and 4 panel members, R01 and R02 enrolled, allocated, packed."""
    emails = emails or {"R01": "r01@example.nhs.uk", "R02": "r02@example.nhs.uk"}
    study, cohort, panel = tmp_path / "study", tmp_path / "c.csv", tmp_path / "r.csv"
    cohort.write_bytes(cohort_bytes(6))
    panel.write_bytes(panel_bytes())
    fp = ok(capsys, "coordinator", "init", str(study), "--name", "S", "--mode", mode)
    ok(capsys, "coordinator", "add-cohort", str(study), str(cohort))
    ok(capsys, "coordinator", "add-reviewers", str(study), str(panel))
    enrol_out = {}
    for ref, email in emails.items():
        req = tmp_path / f"{ref}.request.json"
        ok(
            capsys, "identity", "create", "--workspace", str(tmp_path / f"ws-{ref}"),
            "--name", f"Reviewer {ref}", "--profession", "doctor", "--registration", "GMC 1",
            "--email", email, "--request-out", str(req),
        )  # fmt: skip
        enrol_out[ref] = ok(capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", ref)
    allocate_out = ok(capsys, "coordinator", "allocate", str(study))
    drive = tmp_path / "drive"
    packs_out = ok(capsys, "coordinator", "make-packs", str(study), "--out", str(drive))
    return World(study, fp.strip().splitlines()[-1], drive, enrol_out, allocate_out, packs_out)


# --- export-root ---------------------------------------------------------------------------


def test_export_root_writes_the_study_root_as_pem(tmp_path: Path, capsys) -> None:
    study = tmp_path / "study"
    ok(capsys, "coordinator", "init", str(study), "--name", "Root study")
    expected = ok(capsys, "coordinator", "fingerprint", str(study)).strip()
    out_file = tmp_path / "study-root.pem"
    out = ok(capsys, "coordinator", "export-root", str(study), "--out", str(out_file))
    assert out.strip().splitlines()[-1] == expected
    pem = out_file.read_bytes()
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    (cert,) = x509.load_pem_x509_certificates(pem)
    assert fingerprint(cert) == expected
    assert is_study_root(cert)
    if os.name == "posix":
        assert out_file.stat().st_mode & 0o777 == 0o644  # public: readable by anyone


def test_export_root_refuses_to_overwrite_without_force(tmp_path: Path, capsys) -> None:
    study = tmp_path / "study"
    ok(capsys, "coordinator", "init", str(study), "--name", "Root study")
    out_file = tmp_path / "study-root.pem"
    out_file.write_bytes(b"another study's root")
    code, out, err = run(capsys, "coordinator", "export-root", str(study), "--out", str(out_file))
    assert code == 1 and "--force" in err and out == ""
    assert out_file.read_bytes() == b"another study's root"
    ok(capsys, "coordinator", "export-root", str(study), "--out", str(out_file), "--force")
    assert x509.load_pem_x509_certificate(out_file.read_bytes())
    code, _, err = run(capsys, "coordinator", "export-root", str(study), "--out", str(tmp_path))
    assert code == 1 and "is a folder" in err
    code, _, err = run(capsys, "coordinator", "export-root", str(study))
    assert code == 2 and "--out" in err


# --- a missing study or workspace is named before any passphrase is asked for ---------------


def test_a_missing_study_is_named_without_asking_for_a_passphrase(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.delenv(STUDY_PASSPHRASE_ENV)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda *_a, **_k: pytest.fail("asked"))
    nowhere = tmp_path / "no-study-here"
    some_file = tmp_path / "some.csv"
    some_file.write_bytes(b"x\n")
    s, f = str(nowhere), str(some_file)
    for argv in (
        ["fingerprint", s],
        ["export-root", s, "--out", str(tmp_path / "root.pem")],
        ["add-cohort", s, f],
        ["add-reviewers", s, f],
        ["enrol", s, f, "--reviewer", "R01"],
        ["allocate", s],
        ["override", s, "NSR-0001", "--clear"],
        ["set-mode", s, "NSR-0001", "joint"],
        ["make-packs", s, "--out", str(tmp_path / "drive")],
    ):
        code, _, err = run(capsys, "coordinator", *argv)
        assert code == 1, argv
        assert f"There is no study in {nowhere}" in err, argv
        assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["some.csv"]


def test_a_missing_workspace_is_named_without_asking_for_a_passphrase(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.delenv(cli.PASSPHRASE_ENV)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda *_a, **_k: pytest.fail("asked"))
    nowhere = tmp_path / "no-workspace-here"
    pack = tmp_path / "pack.p7m"
    pack.write_bytes(b"\x30\x00")
    for argv in (
        ["cases", "--workspace", str(nowhere)],
        ["import", str(pack), "--workspace", str(nowhere)],
        ["identity", "export", "--workspace", str(nowhere), "--out", str(tmp_path / "me.p12")],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 1, argv
        assert f"There is no workspace in {nowhere}" in err, argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.p7m"]


# --- what enrol, allocate and make-packs say (the reports come from services/study.py) ----


def test_enrol_warns_when_the_request_email_differs_from_the_panel(tmp_path: Path, capsys) -> None:
    world = _world(
        tmp_path, capsys, emails={"R01": "someone.else@example.nhs.uk", "R02": "r02@example.nhs.uk"}
    )
    warnings = [line for line in world.enrol_out["R01"].splitlines() if "Warning" in line]
    assert warnings and "email" in warnings[0].lower()
    assert "someone.else@example.nhs.uk" not in world.enrol_out["R02"]
    assert "Warning" not in world.enrol_out["R02"]


def test_make_packs_with_nothing_changed_writes_no_pack_and_says_so(tmp_path: Path, capsys) -> None:
    world = _world(tmp_path, capsys)
    before = sorted(p.name for p in world.drive.iterdir())
    assert before == ["assignment-R01-0001.p7m", "assignment-R02-0001.p7m"]
    out = ok(capsys, "coordinator", "make-packs", str(world.study), "--out", str(world.drive))
    assert sorted(p.name for p in world.drive.iterdir()) == before
    said = out.lower()
    assert "no new pack" in said or "nothing changed" in said or "unchanged" in said, out


def test_allocate_and_make_packs_explain_joint_cases(tmp_path: Path, capsys) -> None:
    world = _world(tmp_path, capsys, mode="joint")
    assert "joint" in world.allocate_out.lower(), world.allocate_out
    assert "joint" in world.packs_out.lower(), world.packs_out


# --- a reviewer opens a pack with openssl, from their exported identity --------------------

# The README's steps, with the passphrases from the environment instead of prompts.
OPENSSL_STEPS = (
    "openssl pkcs12 -in me.p12 -passin env:P12 -clcerts -nokeys -out reviewer-cert.pem",
    "openssl pkcs12 -in me.p12 -passin env:P12 -cacerts -nokeys -out study-root.pem",
    # the key kept encrypted under a PEM pass phrase ...
    "openssl pkcs12 -in me.p12 -passin env:P12 -nocerts -passout env:PEM -out reviewer-key.pem",
    "openssl cms -decrypt -binary -inform DER -in pack.p7m"
    " -recip reviewer-cert.pem -inkey reviewer-key.pem -passin env:PEM"
    " | openssl cms -verify -binary -inform DER -CAfile study-root.pem -out pack.json",
    # ... or unencrypted (-nodes): the plain key must be deleted afterwards
    "openssl pkcs12 -in me.p12 -passin env:P12 -nocerts -nodes -out plain-key.pem",
    "openssl cms -decrypt -binary -inform DER -in pack.p7m"
    " -recip reviewer-cert.pem -inkey plain-key.pem"
    " | openssl cms -verify -binary -inform DER -CAfile study-root.pem -out pack2.json",
)


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_openssl_opens_a_pack_with_the_exported_identity(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    world = _world(tmp_path, capsys)
    ws = tmp_path / "ws-R01"
    ok(capsys, "import", str(world.drive / "assignment-R01-0001.p7m"), "--workspace", str(ws),
       "--trust-fingerprint", world.fp)  # fmt: skip
    monkeypatch.setenv(EXPORT_PASSPHRASE_ENV, EXPORT_PASS)
    hand = tmp_path / "by-hand"
    hand.mkdir()
    ok(capsys, "identity", "export", "--workspace", str(ws), "--out", str(hand / "me.p12"))
    shutil.copy(world.drive / "assignment-R01-0001.p7m", hand / "pack.p7m")
    for step in OPENSSL_STEPS:
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", step],
            cwd=hand,
            capture_output=True,
            check=False,
            env={**os.environ, "P12": EXPORT_PASS, "PEM": "a PEM pass phrase"},
        )
        assert result.returncode == 0, (step, result.stderr)
    assert b"ENCRYPTED PRIVATE KEY" in (hand / "reviewer-key.pem").read_bytes()
    assert (hand / "pack.json").read_bytes() == (hand / "pack2.json").read_bytes()
    # The identity carries the study root as its CA certificate: the same as export-root.
    (root,) = x509.load_pem_x509_certificates((hand / "study-root.pem").read_bytes())
    assert fingerprint(root) == world.fp
    ok(capsys, "coordinator", "export-root", str(world.study), "--out", str(hand / "root.pem"))
    assert x509.load_pem_x509_certificate((hand / "root.pem").read_bytes()) == root
    (mine,) = x509.load_pem_x509_certificates((hand / "reviewer-cert.pem").read_bytes())
    assert not is_study_root(mine)
    pack = json.loads((hand / "pack.json").read_bytes())
    assert pack["addressee_reviewer_ref"] == "R01"
