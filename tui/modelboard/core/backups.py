"""Copies of the store as it was before each save, in the user's state directory.

A backup costs nothing when it can be a hard link to the file as read: the save then
renames a new file over the store, and the old inode lives on only as the backup. That is
done only when the file is ours, has no other link (which would see the change of mode) and
is still the inode that was read; otherwise, or across filesystems, the bytes are copied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path

from modelboard.core.locations import path_digest, private_directory, state_directory

KEEP = 20


def backup_directory(target: Path) -> Path:
    """Where backups of this store go: one folder per store, named by its path's hash."""
    return state_directory() / "backups" / path_digest(target)


def backup_folder(target: Path) -> Path | None:
    """This store's backup folder, made private if new: found before a save takes the lock
    (finding it loads platformdirs). None when it cannot be made: the save goes on."""
    try:
        return private_directory(backup_directory(target), below=state_directory())
    except OSError:
        return None


def keep_backup(
    folder: Path | None, target: Path, data: bytes, read: os.stat_result | None = None
) -> Path | None:
    """Keep `data` (the file before the save) as a backup in `folder` (see `backup_folder`).

    With `read` (the file's stat when `data` was read) the backup may be a hard link to the
    file itself: call `made_private` once the new file has replaced it, or `discard_backup`
    when the save did not happen. A backup that cannot be kept never stops a save: None.
    """
    if folder is None:
        return None
    try:
        # One clock read for seconds and nanoseconds, so names sort oldest first.
        ns = time.time_ns()
        stamp = dt.datetime.fromtimestamp(ns // 10**9, dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = folder / f"{stamp}.{ns % 10**9:09d}Z-{os.getpid()}.toml"
        if not (read is not None and _linked(target, path, read)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        return path
    except OSError:
        return None


def prune_backups(folder: Path | None) -> None:
    """Keep the newest KEEP backups (after the save let go of the lock: nobody waits)."""
    if folder is None:
        return
    with contextlib.suppress(OSError):
        for old in sorted(folder.glob("*.toml"))[:-KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()


def _linked(target: Path, path: Path, read: os.stat_result) -> bool:
    """Hard-link the store's file as the backup, if that is safe (see the module)."""
    try:
        info = os.stat(target, follow_symlinks=False)
        same = (info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns) == (
            read.st_ino,
            read.st_dev,
            read.st_size,
            read.st_mtime_ns,
        )
        if not same or info.st_uid != os.getuid() or info.st_nlink != 1:
            return False
        os.link(target, path, follow_symlinks=False)
    except OSError:  # another filesystem, links not allowed: copy instead
        return False
    return True


def made_private(backup: Path | None) -> Path | None:
    """Once the store's file was replaced, a linked backup is only ours: readable by us only."""
    if backup is not None:
        with contextlib.suppress(OSError):
            os.chmod(backup, 0o600)
    return backup


def discard_backup(backup: Path | None) -> None:
    """The save did not happen: a backup that may still be the store's own file goes."""
    if backup is not None:
        with contextlib.suppress(OSError):
            os.unlink(backup)


def backups(target: Path) -> list[Path]:
    """This store's backups, oldest first."""
    directory = backup_directory(target)
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []
