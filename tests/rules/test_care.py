"""Backup names, rotation, and where a database should not live (rules/care.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from salesflow.rules.care import (
    Finding,
    backup_name,
    calendar_finding,
    cloud_folder,
    healthy,
    mode_too_open,
    network_mount,
    to_rotate,
)

MOMENT = datetime(2024, 10, 8, 9, 5, 3)


@pytest.mark.parametrize(("taken", "expected"), [
    (set(), "salesflow-20241008-090503.db"),
    ({"salesflow-20241008-090503.db"}, "salesflow-20241008-090503-2.db"),
    ({"salesflow-20241008-090503.db", "salesflow-20241008-090503-2.db"},
     "salesflow-20241008-090503-3.db"),
], ids=["free", "same-second", "third-in-a-second"])
def test_backup_name(taken, expected):
    assert backup_name(MOMENT, taken) == expected


A = "salesflow-20240101-090000.db"
B = "salesflow-20240102-090000.db"
B2 = "salesflow-20240102-090000-2.db"
B10 = "salesflow-20240102-090000-10.db"
C = "salesflow-20241231-235959.db"


@pytest.mark.parametrize(("names", "keep", "deleted"), [
    ([A, B, C], 2, [A]),
    ([C, A, B], 1, [B, A]),
    ([A, B, C], 5, []),
    ([A, B, C], 0, [B, A]),  # never fewer than one: the newest stays
    ([A, B, B2, B10], 2, [B, A]),  # -10 is newer than -2, which is newer than no suffix
    ([A, "mine.db", ".salesflow-20240101-090000.db.sfpartial-12", "salesflow.db",
      "salesflow-2024-01-01.db"], 1, []),  # only default-named backups are rotated
], ids=["keep-two", "keep-one-unsorted", "keep-more-than-there-are", "keep-zero-keeps-newest",
        "same-second-suffixes", "others-untouched"])
def test_to_rotate(names, keep, deleted):
    assert to_rotate(names, keep) == deleted


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/team nfs4 rw 0 0
//nas/share /mnt/nas cifs rw 0 0
me@host:/srv /home/me/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/team/local ext4 rw 0 0
/dev/sdc1 /media/my\\040disk vfat rw 0 0
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/me/salesflow.db", None),
    ("/mnt/team/salesflow.db", "nfs4"),
    ("/mnt/nas/sales/salesflow.db", "cifs"),
    ("/home/me/remote/salesflow.db", "fuse.sshfs"),
    ("/mnt/team/local/salesflow.db", None),  # a local disk mounted inside the share
    ("/mnt/teamwork/salesflow.db", None),  # a prefix of the name is not inside
    ("/media/my disk/salesflow.db", None),
], ids=["local", "nfs", "cifs", "sshfs", "nested-local", "name-prefix", "escaped-space"])
def test_network_mount(path, expected):
    assert network_mount(path, MOUNTS) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/me/.local/share/salesflow/salesflow.db", None),
    ("/home/me/Dropbox/sales/salesflow.db", "Dropbox"),
    ("/Users/me/OneDrive - 华东精密/salesflow.db", "OneDrive - 华东精密"),
    ("/Users/me/Library/Mobile Documents/com~apple~CloudDocs/salesflow.db",
     "Mobile Documents"),
    ("/home/me/坚果云/salesflow.db", "坚果云"),
    ("/home/me/百度网盘同步空间/salesflow.db", "百度网盘同步空间"),
    ("/home/me/dropbox.db", None),  # the file's own name does not count
], ids=["data-dir", "dropbox", "onedrive-business", "icloud", "jianguoyun", "baidu",
        "file-name-only"])
def test_cloud_folder(path, expected):
    assert cloud_folder(path) == expected


@pytest.mark.parametrize(("last", "year", "warns"), [
    (2026, 2025, False), (2026, 2026, True), (2025, 2026, True),
], ids=["covers-next-year", "ends-this-year", "ended-last-year"])
def test_calendar_finding(last, year, warns):
    finding = calendar_finding(last, year)
    assert (finding is not None) == warns
    if finding:
        assert finding.severity == "warning" and str(last) in finding.message


@pytest.mark.parametrize(("mode", "too_open"), [
    (0o600, False), (0o700, False), (0o400, False), (0o640, True), (0o644, True),
    (0o755, True), (0o602, True),
], ids=["600", "700", "400", "640", "644", "755", "602"])
def test_mode_too_open(mode, too_open):
    assert mode_too_open(mode) == too_open


@pytest.mark.parametrize(("findings", "ok"), [
    ([], True),
    ([Finding("calendar", "warning", "w")], True),
    ([Finding("mode", "problem", "p", fixed=True)], True),
    ([Finding("mode", "problem", "p", fixed=True), Finding("due-date", "problem", "p")],
     False),
], ids=["nothing", "warning-only", "fixed", "one-left"])
def test_healthy(findings, ok):
    assert healthy(findings) == ok
