"""The CLI: sign, cosign, pdf (the stored signed file) and verify (exit codes, no tracebacks)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.cli import main
from reviewer_app.commands.pdf_cmds import (
    AWAITING_SIGNATURE_EXIT,
    COSIGNER_PASSPHRASE_ENV,
    NOT_VERIFIED_EXIT,
)
from reviewer_app.services.trust.authority import certificate_pem
from reviewer_app.storage.workspace.signatures import DocumentKind
from tests.support.crypto_fixtures import alice, study_a, study_b
from tests.support.pdf_edits import content_change, info_change, xmp_metadata
from tests.support.signoff_fixtures import (
    COSIGNER_PASSPHRASE,
    PASSPHRASE,
    bob_pkcs12,
    identity_of,
    make_bench,
    tiny_pdf,
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A workspace where SIG-0001 is complete (not signed) and SIG-0002 is joint."""
    bench = make_bench(tmp_path / "ws")
    with bench.workspace:
        bench.joint("SIG-0002")
        for ref, seed in (("SIG-0001", 1), ("SIG-0002", 2)):
            review_id = bench.complete_review(ref, seed)
            assert not bench.signoff.check(review_id).warnings
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    yield tmp_path / "ws"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_sign_then_save_the_stored_pdf_then_verify(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "sign", "SIG-0001", "--workspace", str(folder))
    assert code == 0 and "Signed case SIG-0001 version 1" in out
    out_file = tmp_path / "summary.pdf"
    code, out, err = run(
        capsys, "pdf", "SIG-0001", "--workspace", str(folder), "--out", str(out_file)
    )
    assert code == 0 and "identifiable clinical document" in err
    from reviewer_app.services.signing.signoff import SignoffService
    from reviewer_app.services.workspace import Workspace

    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        stored = SignoffService(workspace).document("SIG-0001")
        taskforce = SignoffService(workspace).document("SIG-0001", DocumentKind.TASKFORCE)
    assert out_file.read_bytes() == stored.pdf  # the stored bytes, not a re-render
    root = write(tmp_path, "root.pem", certificate_pem(study_a().root).encode())
    code, out, _ = run(capsys, "verify", str(out_file), "--trust", root)
    assert code == 0
    assert "Alice Example (reviewer R01)" in out
    assert "Intact:        yes" in out and "Trusted:       yes" in out
    assert out.strip().splitlines()[-1].startswith("VERIFIED")
    tf_file = tmp_path / "tf.pdf"
    code, _, err = run(
        capsys,
        "pdf", "SIG-0001", "--workspace", str(folder), "--out", str(tf_file), "--taskforce-copy",
    )  # fmt: skip
    assert code == 0 and "identifiable" not in err
    assert tf_file.read_bytes() == taskforce.pdf


def test_pdf_of_an_unsigned_case_is_a_clear_error(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "x.pdf"
    code, _, err = run(
        capsys, "pdf", "SIG-0001", "--workspace", str(folder), "--out", str(out_file)
    )
    assert code == 1 and "has not been signed" in err
    assert not out_file.exists()
    code, _, err = run(capsys, "pdf", "NOPE-1", "--workspace", str(folder), "--out", str(out_file))
    assert code == 1 and "no case NOPE-1" in err


def test_sign_refuses_unacknowledged_warnings_and_wrong_passphrase(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", "wrong passphrase here")
    code, _, err = run(capsys, "sign", "SIG-0001", "--workspace", str(folder))
    assert code == 1 and "passphrase" in err.lower()


def test_cosign_from_an_exported_identity(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(capsys, "sign", "SIG-0002", "--workspace", str(folder))[0] == 0
    p12 = write(tmp_path, "bob.p12", bob_pkcs12())
    monkeypatch.setenv(COSIGNER_PASSPHRASE_ENV, COSIGNER_PASSPHRASE)
    code, out, _ = run(capsys, "cosign", "SIG-0002", "--workspace", str(folder), "--identity", p12)
    assert code == 0 and "Co-signed case SIG-0002" in out and "removed" in out
    out_file = tmp_path / "joint.pdf"
    assert (
        run(capsys, "pdf", "SIG-0002", "--workspace", str(folder), "--out", str(out_file))[0] == 0
    )
    root = write(tmp_path, "root.pem", certificate_pem(study_a().root).encode())
    code, out, _ = run(capsys, "verify", str(out_file), "--trust", root)
    assert code == 0
    assert "Signature 2 (Signature2-co-reviewer)" in out
    assert "Changed after: only further signatures were added" in out


def test_verify_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reviewer_app.services.signing.pades_sign import sign_pdf

    signed = sign_pdf(tiny_pdf(), identity_of(alice()), field_name="S", reason="r", certify=True)
    good = write(tmp_path, "good.pdf", signed)
    other_root = write(tmp_path, "b.pem", certificate_pem(study_b().root).encode())
    assert run(capsys, "verify", good)[0] == 3  # intact, but the signer was not checked
    a_root = write(tmp_path, "a.pem", certificate_pem(study_a().root).encode())
    assert run(capsys, "verify", good, "--trust", a_root)[0] == 0
    code, out, _ = run(capsys, "verify", good, "--trust", other_root)
    assert code == 1 and "does not chain" in out
    code, out, _ = run(capsys, "verify", write(tmp_path, "app.pdf", signed + b"\n%x\n"))
    assert code == 1 and "does not cover the whole file" in out
    code, out, _ = run(capsys, "verify", write(tmp_path, "chg.pdf", content_change(signed)))
    assert code == 1 and "changed" in out
    flipped = bytearray(signed)
    flipped[200] ^= 0x01
    code, out, _ = run(capsys, "verify", write(tmp_path, "flip.pdf", bytes(flipped)))
    assert code == 1 and "Intact:        NO" in out
    code, out, _ = run(capsys, "verify", write(tmp_path, "unsigned.pdf", tiny_pdf()))
    assert code == 1 and "no signature" in out
    code, _, err = run(capsys, "verify", write(tmp_path, "junk.pdf", b"\x00junk" * 50))
    assert code == 1 and "not a PDF" in err
    code, _, err = run(capsys, "verify", str(tmp_path / "missing.pdf"))
    assert code == 1 and "There is no file" in err
    code, _, err = run(capsys, "verify", good, "--trust", good)
    assert code == 1 and "not a readable certificate" in err


def test_a_joint_review_signed_once_verifies_as_awaiting_its_co_signature(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(capsys, "sign", "SIG-0002", "--workspace", str(folder))[0] == 0
    once = tmp_path / "once.pdf"
    assert run(capsys, "pdf", "SIG-0002", "--workspace", str(folder), "--out", str(once))[0] == 0
    root = write(tmp_path, "root.pem", certificate_pem(study_a().root).encode())
    code, out, _ = run(capsys, "verify", str(once), "--trust", root)
    assert code == AWAITING_SIGNATURE_EXIT == 4
    assert out.strip().splitlines()[-1].startswith("AWAITING SIGNATURE")
    assert "1 signature field not yet signed: co-reviewer" in out
    assert not any(line.startswith("VERIFIED") for line in out.splitlines())
    # Metadata rewritten in a later revision is not "only further signatures".
    for edit in (info_change, xmp_metadata):
        code, out, _ = run(capsys, "verify", write(tmp_path, "m.pdf", edit(once.read_bytes())))
        assert code == NOT_VERIFIED_EXIT and "changed by more than further signatures" in out
    # Once co-signed, the same summary is complete: VERIFIED, exit 0.
    p12 = write(tmp_path, "bob.p12", bob_pkcs12())
    monkeypatch.setenv(COSIGNER_PASSPHRASE_ENV, COSIGNER_PASSPHRASE)
    assert run(capsys, "cosign", "SIG-0002", "--workspace", str(folder), "--identity", p12)[0] == 0
    both = tmp_path / "both.pdf"
    assert run(capsys, "pdf", "SIG-0002", "--workspace", str(folder), "--out", str(both))[0] == 0
    code, out, _ = run(capsys, "verify", str(both), "--trust", root)
    assert code == 0 and out.strip().splitlines()[-1].startswith("VERIFIED")
    assert "not yet signed" not in out
