"""Data care decisions (SPEC §10): backup names and rotation, and what `doctor` reports.

- Backups made without a destination are named `salesflow-YYYYMMDD-HHMMSS.db` (a second one
  in the same second gets `-2`, `-3` …); only files with exactly that name are ever rotated,
  so a file the user named, or a temporary copy, is never deleted by `--keep`.
- `--keep N` keeps the N newest of those, and never fewer than one: the newest good copy
  always survives, whatever N says.
- A database should not live on a network file system or in a folder a cloud client
  syncs: SQLite's locking is unreliable there (sqlite.org, "SQLite Over a Network") and a
  sync client can copy the file half-way through a write.
- The Chinese holiday calendar ships as data for a fixed range of years; once it ends
  before next year, deadlines next year fall back to Monday–Friday (rules/workdays.py).

Pure: paths are strings, /proc/mounts is passed in as text, today is an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from salesflow.i18n import Msg

BACKUP_NAME = re.compile(r"^salesflow-(\d{8})-(\d{6})(?:-(\d+))?\.db$")

NETWORK_FS = frozenset({"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs",
                        "fuse.sshfs", "sshfs", "9p", "afs", "ncpfs", "davfs", "fuse.davfs2",
                        "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse"})
CLOUD_FOLDERS = ("dropbox", "onedrive", "icloud", "icloud drive", "mobile documents",
                 "google drive", "googledrive", "坚果云", "nutstore", "nutstore files",
                 "百度网盘", "baidunetdisk", "baidu netdisk", "百度云同步盘", "腾讯微云",
                 "weiyun", "阿里云盘", "aliyundrive", "box sync", "pcloud", "megasync",
                 "seafile", "nextcloud", "owncloud")


def backup_name(moment: datetime, taken: set[str]) -> str:
    """The default file name for a backup made at `moment` (local time), not in `taken`."""
    base = f"salesflow-{moment:%Y%m%d-%H%M%S}"
    name, n = f"{base}.db", 1
    while name in taken:
        n += 1
        name = f"{base}-{n}.db"
    return name


def _order(name: str) -> tuple[str, str, int]:
    match = BACKUP_NAME.match(name)
    assert match is not None
    return match.group(1), match.group(2), int(match.group(3) or 1)


def to_rotate(names: list[str], keep: int) -> list[str]:
    """The default-named backups to delete so that `keep` remain (at least one)."""
    ours = sorted((n for n in names if BACKUP_NAME.match(n)), key=_order, reverse=True)
    return ours[max(keep, 1):]


def network_mount(path: str, mounts: str) -> str | None:
    """The file system type when `path` (absolute, resolved) is on a network mount, from
    the text of /proc/mounts (mount points there escape a space as \\040)."""
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    return best_type if best_type.lower() in NETWORK_FS else None


def cloud_folder(path: str) -> str | None:
    """The folder of `path` that a cloud client is likely to sync, if any."""
    for part in PurePosixPath(path).parts[:-1]:
        low = part.lower()
        for known in CLOUD_FOLDERS:
            # Chinese names run on without a separator (百度网盘同步空间).
            if low == known or low.startswith((known + " ", known + "-", known + "_")) \
                    or ((len(known) > 4 or not known.isascii()) and known in low):
                return part
    return None


@dataclass(frozen=True)
class Finding:
    """One line of `doctor`: `check` is an identifier, `severity` `problem` or `warning`."""

    check: str
    severity: str
    message: Msg  # English in `doctor --format json`, the user's language in the table
    fixed: bool = False


def calendar_finding(last_covered: int, this_year: int) -> Finding | None:
    if last_covered > this_year:
        return None
    return Finding("calendar", "warning", Msg(
        "the installed Chinese holiday calendar ends in {year}; deadlines after it count "
        "Monday–Friday: upgrade salesflow's chinesecalendar package "
        "(pip install -U chinesecalendar)", year=last_covered))


def mode_too_open(mode: int) -> bool:
    """Group or others may read, write or enter: the file holds customers' contacts."""
    return bool(mode & 0o077)


def healthy(findings: list[Finding]) -> bool:
    """Warnings are listed but do not fail the check; a problem not fixed does."""
    return not any(f.severity == "problem" and not f.fixed for f in findings)
