"""The pdf commands' contract: verify's trust and exit codes, --trust files, private PDFs,
help on every argument, and sign's argument handling and refusals."""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from reviewer_app.cli import build_parser, main
from reviewer_app.commands.pdf_cmds import (
    COSIGNER_PASSPHRASE_ENV,
    NOT_VERIFIED_EXIT,
    SIGNER_NOT_CHECKED_EXIT,
    VERIFIED_EXIT,
)
from reviewer_app.services.signing.pades_sign import SigningIdentity, sign_pdf
from reviewer_app.services.trust.authority import certificate_pem, issue_reviewer_certificate
from reviewer_app.storage.workspace.signatures import DocumentKind
from tests.support.crypto_fixtures import alice, bob, enrolment, study_a, study_b
from tests.support.signoff_fixtures import (
    COSIGNER_PASSPHRASE,
    PASSPHRASE,
    bob_pkcs12,
    identity_of,
    make_bench,
    tiny_pdf,
)

OPENSSL = shutil.which("openssl")
PRIVATE = 0o600
posix_modes = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows: the file takes the folder's access list"
)


@dataclass(frozen=True)
class Files:
    folder: Path
    workspace: Path
    unpinned_workspace: Path
    genuine: Path
    """Signed by Alice with her real STUDY-A certificate."""
    forged: Path
    """Signed with a made-up certificate saying "Alice Example, reviewer R01"."""
    in_study_b: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    folder = tmp_path_factory.mktemp("pdf-cmds")
    bench = make_bench(folder / "ws")  # pins STUDY-A's root, as a first pack import does
    with bench.workspace:
        bench.sign("SIG-0001")
        bench.complete_review("SIG-0002", seed=2)
        bench.reviews.open("SIG-0003", "R01")  # a review with nothing answered yet
    make_bench(folder / "unpinned", enrolled=False).workspace.close()
    key, request = enrolment("Alice Example")
    fake = study_b()  # an authority that is not STUDY-A's
    forged_cert = issue_reviewer_certificate(fake.key, fake.root, request, "R01")
    forged = sign_pdf(
        tiny_pdf(), SigningIdentity(key, forged_cert, (fake.root,)), field_name="S", reason="r"
    )
    genuine = sign_pdf(tiny_pdf(), identity_of(alice()), field_name="S", reason="r")
    carol = issue_reviewer_certificate(fake.key, fake.root, enrolment("Carol Example")[1], "B1")
    in_b = sign_pdf(
        tiny_pdf(),
        SigningIdentity(enrolment("Carol Example")[0], carol, (fake.root,)),
        field_name="S",
        reason="r",
    )
    for name, data in (("genuine.pdf", genuine), ("forged.pdf", forged), ("b.pdf", in_b)):
        (folder / name).write_bytes(data)
    return Files(
        folder,
        folder / "ws",
        folder / "unpinned",
        folder / "genuine.pdf",
        folder / "forged.pdf",
        folder / "b.pdf",
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("ascii") if isinstance(data, str) else data)
    return path


def pem(*certs: object) -> str:
    return "".join(certificate_pem(c) for c in certs)  # type: ignore[arg-type]


# --- verify: the signer is checked, or verify says it was not --------------------------------


def test_verify_without_a_trust_anchor_says_the_signer_was_not_checked(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    for pdf in (files.forged, files.genuine):
        code, out, _ = run(capsys, "verify", pdf)
        assert code == SIGNER_NOT_CHECKED_EXIT == 3
        assert last_line(out).startswith("SIGNER NOT CHECKED")
        assert not any(line.startswith("VERIFIED") for line in out.splitlines())
        assert "Intact:        yes" in out
        assert "--trust ROOT_CERT or --workspace DIR" in out
    # The forgery names a real reviewer: that is exactly why an unchecked signer is not 0.
    assert "Alice Example (reviewer R01)" in out


def test_verify_with_the_study_root_tells_the_forgery_from_the_real_signature(
    files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(files.folder / "a.pem", pem(study_a().root))
    code, out, _ = run(capsys, "verify", files.genuine, "--trust", root)
    assert code == VERIFIED_EXIT and last_line(out).startswith("VERIFIED")
    code, out, _ = run(capsys, "verify", files.forged, "--trust", root)
    assert code == NOT_VERIFIED_EXIT and "does not chain" in out


def test_verify_can_trust_the_root_a_workspace_pinned(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    code, out, _ = run(capsys, "verify", files.genuine, "--workspace", files.workspace)
    assert code == VERIFIED_EXIT and last_line(out).startswith("VERIFIED")
    code, out, _ = run(capsys, "verify", files.forged, "--workspace", files.workspace)
    assert code == NOT_VERIFIED_EXIT and "does not chain" in out
    before = ("--workspace", files.workspace, "verify", files.genuine)  # global form
    assert run(capsys, *before)[0] == VERIFIED_EXIT
    # The workspace's root and a --trust file together: a signer under either will do.
    b_root = write(files.folder / "b.pem", pem(study_b().root))
    for pdf in (files.genuine, files.in_study_b):
        args = ("verify", pdf, "--workspace", files.workspace, "--trust", b_root)
        assert run(capsys, *args)[0] == VERIFIED_EXIT


def test_verify_with_a_workspace_that_cannot_vouch_for_anyone(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    code, out, err = run(capsys, "verify", files.genuine, "--workspace", files.unpinned_workspace)
    assert code == 1 and "trusts no study root yet" in err and not out
    code, _, err = run(capsys, "verify", files.genuine, "--workspace", files.folder / "nope")
    assert code == 1 and "There is no workspace" in err
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", "not the passphrase at all")
    code, out, err = run(capsys, "verify", files.genuine, "--workspace", files.workspace)
    assert code == 1 and "passphrase" in err.lower() and not out


# --- --trust files: PEM bundles with text around them, several certificates, DER ------------


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
def test_trust_accepts_what_openssl_pkcs12_nokeys_writes(
    files: Files, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An exported identity's certificates, as a coordinator would pull them out."""
    assert OPENSSL is not None
    p12 = write(tmp_path / "bob.p12", bob_pkcs12())
    bundle = tmp_path / "bob-certs.pem"
    done = subprocess.run(
        [OPENSSL, "pkcs12", "-in", str(p12), "-nokeys", "-passin", "env:P12_PASS"],
        env={**os.environ, "P12_PASS": COSIGNER_PASSPHRASE},
        capture_output=True,
        check=True,
        timeout=60,
    )
    bundle.write_bytes(done.stdout)
    text = bundle.read_text(encoding="ascii")
    assert "Bag Attributes" in text and text.count("BEGIN CERTIFICATE") == 2
    assert not text.startswith("-----BEGIN")
    code, out, _ = run(capsys, "verify", files.genuine, "--trust", bundle)
    assert code == VERIFIED_EXIT, out
    # Bob's own certificate in the bundle is not made a trust anchor: only the study root.
    bob_signed = sign_pdf(
        tiny_pdf(), SigningIdentity(bob().key, bob().cert, ()), field_name="S", reason="r"
    )
    code, out, _ = run(capsys, "verify", write(tmp_path / "bob.pdf", bob_signed), "--trust", bundle)
    assert code == VERIFIED_EXIT  # chains to the root in the bundle, not to itself


def test_trust_reads_bag_attribute_text_several_certificates_and_der(
    files: Files, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bag = (
        "Bag Attributes\n    localKeyID: 01 02 03\n    friendlyName: Alice Example\n"
        "subject=CN = Alice Example\nissuer=CN = Structured review A\n"
    )
    with_text = write(
        tmp_path / "bag.pem",
        bag + pem(alice().cert) + "Bag Attributes: <No Attributes>\n" + pem(study_a().root),
    )
    assert run(capsys, "verify", files.genuine, "--trust", with_text)[0] == VERIFIED_EXIT
    crlf = write(tmp_path / "crlf.pem", (bag + pem(study_a().root)).replace("\n", "\r\n"))
    assert run(capsys, "verify", files.genuine, "--trust", crlf)[0] == VERIFIED_EXIT
    der = write(tmp_path / "root.der", study_a().root.public_bytes(serialization.Encoding.DER))
    assert run(capsys, "verify", files.genuine, "--trust", der)[0] == VERIFIED_EXIT
    both = write(tmp_path / "both.pem", pem(study_b().root, study_a().root))
    for pdf in (files.genuine, files.in_study_b):
        assert run(capsys, "verify", pdf, "--trust", both)[0] == VERIFIED_EXIT
    assert run(capsys, "verify", files.forged, "--trust", both)[0] == VERIFIED_EXIT  # B's
    only_a = write(tmp_path / "only-a.pem", bag + pem(study_a().root))
    assert run(capsys, "verify", files.forged, "--trust", only_a)[0] == NOT_VERIFIED_EXIT


def test_trust_files_that_hold_no_study_root_are_refused_plainly(
    files: Files, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    leaf_only = write(tmp_path / "alice.pem", "Bag Attributes\n" + pem(alice().cert))
    code, out, err = run(capsys, "verify", files.genuine, "--trust", leaf_only)
    assert code == 1 and not out
    assert "holds 1 certificate(s) but no study root" in err and str(leaf_only) in err
    code, _, err = run(capsys, "verify", files.genuine, "--trust", files.genuine)
    assert code == 1 and "not a readable certificate" in err
    body = pem(study_a().root).splitlines()
    body[3] = "!!!!" + body[3][4:]
    damaged = write(tmp_path / "damaged.pem", "\n".join(body) + "\n")
    code, _, err = run(capsys, "verify", files.genuine, "--trust", damaged)
    assert code == 1 and "certificate 1 in the file is damaged" in err
    key_only = write(
        tmp_path / "key.pem",
        alice()
        .key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii"),
    )
    code, _, err = run(capsys, "verify", files.genuine, "--trust", key_only)
    assert code == 1 and "not a readable certificate" in err
    assert "PRIVATE" not in err


# --- identifiable PDFs are written readable by their owner only ----------------------------


@posix_modes
def test_pdf_out_writes_the_full_summary_private_even_over_a_readable_file(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    fresh = files.folder / "fresh.pdf"
    existing = write(files.folder / "existing.pdf", b"old")
    existing.chmod(0o644)
    for out in (fresh, existing):
        assert run(capsys, "pdf", "SIG-0001", "--workspace", files.workspace, "--out", out)[0] == 0
        assert stat.S_IMODE(out.stat().st_mode) == PRIVATE, out
        assert out.read_bytes().startswith(b"%PDF-")


@posix_modes
def test_pdf_out_writes_the_taskforce_copy_private_and_says_what_it_is(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """B12: the taskforce copy is OFFICIAL-SENSITIVE: 0600 like the full copy."""
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    out = write(files.folder / "taskforce.pdf", b"old")
    out.chmod(0o644)
    code, printed, err = run(
        capsys, "pdf", "SIG-0001", "--workspace", files.workspace, "--out", out,
        "--taskforce-copy",
    )  # fmt: skip
    assert code == 0 and "taskforce copy" in printed
    assert stat.S_IMODE(out.stat().st_mode) == PRIVATE
    assert "OFFICIAL-SENSITIVE" in err and "not anonymous" in err
    assert "identifiable clinical document" not in err


@posix_modes
def test_batch_export_writes_every_full_summary_private(files: Files, tmp_path: Path) -> None:
    from reviewer_app.services.signing.export import export_signed_summaries
    from reviewer_app.services.workspace import Workspace

    out = tmp_path / "export"
    out.mkdir()
    with Workspace.unlock(files.workspace, PASSPHRASE) as workspace:
        report = export_signed_summaries(
            workspace, out, [DocumentKind.FULL, DocumentKind.TASKFORCE]
        )
    full = [f.path for f in report.files if f.kind is DocumentKind.FULL]
    assert full and all(stat.S_IMODE(p.stat().st_mode) == PRIVATE for p in full)
    assert {f.kind for f in report.files} == {DocumentKind.FULL, DocumentKind.TASKFORCE}
    # B12: the taskforce copies are OFFICIAL-SENSITIVE: private too.
    taskforce = [f.path for f in report.files if f.kind is DocumentKind.TASKFORCE]
    assert taskforce and all(stat.S_IMODE(p.stat().st_mode) == PRIVATE for p in taskforce)


# --- help on every argument; passphrase variables named ------------------------------------


def _command(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise AssertionError("no subcommands")


PDF_COMMANDS = {
    "sign": ["REVIEWER_APP_PASSPHRASE"],
    "cosign": ["REVIEWER_APP_PASSPHRASE", COSIGNER_PASSPHRASE_ENV],
    "pdf": ["REVIEWER_APP_PASSPHRASE"],
    "verify": ["REVIEWER_APP_PASSPHRASE"],
}


@pytest.mark.parametrize("name", sorted(PDF_COMMANDS))
def test_every_argument_has_help_and_passphrase_variables_are_named(name: str) -> None:
    command = _command(name)
    for action in command._actions:
        assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
    text = " ".join(command.format_help().split())
    for variable in PDF_COMMANDS[name]:
        assert variable in text, (name, variable)


def test_verify_help_documents_its_exit_codes() -> None:
    text = " ".join(_command("verify").format_help().split())
    assert "Exit status: 0 verified" in text
    assert "1 not verified" in text and "2 usage error" in text
    assert "3 intact but the signer NOT checked" in text


# --- sign -------------------------------------------------------------------------------------


def test_acknowledge_takes_one_code_per_flag_and_leaves_the_case_ref_alone() -> None:
    args = build_parser().parse_args(["sign", "--acknowledge", "W1", "SIG-0002"])
    assert (args.case_ref, args.acknowledge) == ("SIG-0002", ["W1"])
    args = build_parser().parse_args(
        ["sign", "--acknowledge", "W1", "--acknowledge", "W2", "SIG-0002"]
    )
    assert (args.case_ref, args.acknowledge) == ("SIG-0002", ["W1", "W2"])
    assert build_parser().parse_args(["sign", "SIG-0002"]).acknowledge is None


def test_sign_with_acknowledge_before_the_case_ref_signs(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    argv = ("sign", "--acknowledge", "NOT-A-WARNING", "SIG-0002", "--workspace", files.workspace)
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "Signed case SIG-0002 version 1" in out


def test_sign_of_a_case_that_is_not_in_the_workspace_says_so(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    code, _, err = run(capsys, "sign", "NOPE-1", "--workspace", files.workspace)
    assert code == 1 and "There is no case NOPE-1 in this workspace" in err
    assert "no review" not in err
    code, _, err = run(capsys, "sign", "SIG-0004", "--workspace", files.workspace)
    assert code == 1 and "Case SIG-0004 has no review in this workspace yet" in err


def test_a_refused_sign_lists_every_problem(
    files: Files, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewer_app.services.signing.signoff import SignoffService
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.workspace.reviews import ReviewStore

    with Workspace.unlock(files.workspace, PASSPHRASE) as workspace:
        review = ReviewStore(workspace.db).latest("SIG-0003")
        assert review is not None
        errors = SignoffService(workspace).check(review.id).errors
    assert len(errors) > 5  # more than the service's message would list
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    code, _, err = run(capsys, "sign", "SIG-0003", "--workspace", files.workspace)
    assert code == 1
    assert f"{len(errors)} problem(s) must be fixed first" in err
    listed = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(listed) == len(errors)
    for issue in errors:
        assert any(issue.message in line for line in listed), issue.code
    assert "more)" not in err and "Nothing was signed." in err
