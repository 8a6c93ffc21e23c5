"""Copies of the store as it was before each save, in the user's state directory."""

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


def keep_backup(target: Path, data: bytes) -> Path | None:
    """Save `data` (the previous file) as a private backup and prune to the newest KEEP.

    A backup that cannot be written never stops a save: it returns None.
    """
    try:
        directory = private_directory(backup_directory(target), below=state_directory())
        # One clock read for seconds and nanoseconds, so names sort oldest first.
        ns = time.time_ns()
        stamp = dt.datetime.fromtimestamp(ns // 10**9, dt.UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}.{ns % 10**9:09d}Z-{os.getpid()}.toml"
        path = directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        for old in sorted(directory.glob("*.toml"))[:-KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()
        return path
    except OSError:
        return None


def backups(target: Path) -> list[Path]:
    """This store's backups, oldest first."""
    directory = backup_directory(target)
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []
