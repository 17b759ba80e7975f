"""AppPaths and the refusal of network locations for live databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer_app.errors import NetworkDriveError
from reviewer_app.paths import (
    AppPaths,
    Mount,
    ensure_local_folder,
    is_unc_path,
    network_location_reason,
    parse_macos_mount,
    parse_mountinfo,
)

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:26 / /home rw,relatime shared:2 - ext4 /dev/sda2 rw
41 30 0:40 / /home/ana/shared rw,relatime shared:30 - cifs //fs01/team rw,vers=3.1.1
42 22 0:41 / /mnt/nfs\\040data rw,relatime - nfs4 fs02:/export rw
43 22 0:42 / /mnt/ssh rw,nosuid - fuse.sshfs ana@host: rw
44 22 0:43 / /mnt/wsl rw - 9p drvfs rw
45 22 0:44 / /media/usb rw - vfat /dev/sdb1 rw
"""

MACOS_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)
//ana@fs01._smb._tcp.local/team on /Volumes/team (smbfs, nodev, nosuid, mounted by ana)
afp_0TQ3-1 on /Volumes/old share (afpfs, nodev, nosuid, mounted by ana)
"""


def test_from_environment_uses_override(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({"REVIEWER_APP_HOME": str(tmp_path)})
    assert paths.data_dir == tmp_path / "data"
    assert paths.log_dir == tmp_path / "log"
    assert paths.temp_dir == tmp_path / "tmp"
    assert paths.settings_file == tmp_path / "config" / "settings.ini"
    assert not any(d.exists() for d in paths.all_dirs()), "no folders created on construction"


def test_from_environment_without_override_is_local_not_roaming() -> None:
    paths = AppPaths.from_environment({})
    assert "reviewer-app" in str(paths.data_dir)
    assert "reviewer-app" in str(paths.config_dir)
    if os.name == "nt":  # pragma: no cover - Windows only
        assert "Roaming" not in str(paths.data_dir)
        assert "Roaming" not in str(paths.config_dir)


def test_parse_mountinfo_unescapes_and_reads_types() -> None:
    mounts = {m.mount_point: m.fs_type for m in parse_mountinfo(MOUNTINFO)}
    assert mounts["/mnt/nfs data"] == "nfs4"
    assert mounts["/home/ana/shared"] == "cifs"
    assert mounts["/"] == "ext4"


def test_parse_macos_mount() -> None:
    mounts = {m.mount_point: m.fs_type for m in parse_macos_mount(MACOS_MOUNT)}
    assert mounts["/Volumes/team"] == "smbfs"
    assert mounts["/Volumes/old share"] == "afpfs"
    assert mounts["/"] == "apfs"


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/home/ana/work", False),
        ("/home/ana/shared/workspace", True),  # under the cifs mount: longest prefix wins
        ("/home/ana/sharedX", False),  # a prefix of the name is not a parent folder
        ("/mnt/nfs data/ws", True),
        ("/mnt/ssh/ws", True),
        ("/mnt/wsl/ws", True),
        ("/media/usb/ws", False),
    ],
)
def test_linux_mount_detection(path: str, network: bool) -> None:
    reason = network_location_reason(path, mounts=parse_mountinfo(MOUNTINFO), windows=False)
    assert (reason is not None) == network


def test_macos_mount_detection() -> None:
    mounts = parse_macos_mount(MACOS_MOUNT)
    assert network_location_reason("/Volumes/team/ws", mounts=mounts, windows=False)
    assert network_location_reason("/Users/ana/ws", mounts=mounts, windows=False) is None


@pytest.mark.parametrize(
    ("path", "unc"),
    [
        (r"\\fs01\team\ws", True),
        ("//fs01/team/ws", True),
        (r"\\?\UNC\fs01\team", True),
        (r"\\?\C:\Users\ana", False),
        (r"\\.\PhysicalDrive0", False),
        (r"C:\Users\ana", False),
        ("/home/ana", False),
    ],
)
def test_unc_paths(path: str, unc: bool) -> None:
    assert is_unc_path(path) == unc


def test_windows_mapped_drive_detected_through_drive_type() -> None:
    def drive_type(root: str) -> int:
        return 4 if root == "Z:\\" else 3  # DRIVE_REMOTE for Z:, DRIVE_FIXED otherwise

    assert network_location_reason(r"Z:\ws", windows=True, drive_type=drive_type)
    assert network_location_reason(r"z:\ws", windows=True, drive_type=drive_type)
    assert network_location_reason(r"C:\ws", windows=True, drive_type=drive_type) is None


def test_ensure_local_folder_refuses_with_clear_message() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    with pytest.raises(NetworkDriveError) as caught:
        ensure_local_folder(Path("/home/ana/shared/ws"), "the workspace folder", mounts=mounts)
    message = str(caught.value)
    assert message.startswith("The workspace folder cannot be on a network filesystem (cifs)")
    assert "this computer's own disk" in message


def test_ensure_local_folder_refuses_unc_path() -> None:
    with pytest.raises(NetworkDriveError):
        ensure_local_folder(Path("//fs01/team/ws"), "the workspace folder", mounts=[])


def test_ensure_local_folder_creates_local_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    assert ensure_local_folder(target, "the workspace folder") == target.resolve()
    assert target.is_dir()


def test_ensure_local_folder_checks_the_real_mount_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an injected table the real one is read, and it is used."""
    import reviewer_app.paths as paths_module

    fake = [Mount("/", "ext4"), Mount(str(tmp_path.resolve()), "nfs")]
    monkeypatch.setattr(paths_module, "read_mount_table", lambda: fake)
    if os.name == "nt":  # pragma: no cover
        pytest.skip("mount tables are not used on Windows")
    with pytest.raises(NetworkDriveError):
        ensure_local_folder(tmp_path / "ws", "the workspace folder")
    assert not (tmp_path / "ws").exists(), "nothing is created on a network location"
