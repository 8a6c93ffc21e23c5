"""A private cache of parsed stores, so the board opens fast on large backlogs.

An entry holds the SHA-256 of the exact bytes it was parsed from, and is used only when the
file's bytes hash the same: in step with the file by construction. Entries live in the user's
cache folder, which must be ours and private (a pickle is code to whoever can write it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Any

from modelboard.core.locations import cache_directory, path_digest, private_directory

_DIGEST_SIZE = 32


def entry_path(target: Path) -> Path:
    """The cache entry for a store, named by its path's hash."""
    return cache_directory() / "parsed" / f"{path_digest(target)}.pickle"


def cached_data(target: Path, raw: bytes) -> dict[str, Any] | None:
    """The parsed data for exactly these bytes, if the cache holds it; else None."""
    path = entry_path(target)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & 0o077
            or not _owned_private(path.parent)
        ):
            return None
        if handle.read(_DIGEST_SIZE) != hashlib.sha256(raw).digest():
            return None
        try:
            data = pickle.loads(handle.read())
        except Exception:  # a damaged entry is only a miss
            return None
    return data if isinstance(data, dict) else None


def remember(target: Path, raw: bytes, data: dict[str, Any]) -> None:
    """Keep the parsed data for these bytes; a failure to write is ignored."""
    with contextlib.suppress(OSError, PermissionError, pickle.PicklingError):
        path = entry_path(target)
        private_directory(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(raw).digest())
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            # Parsed TOML is a tree (nothing shared, no cycles): without the memo of every
            # object, pickling takes a fraction of the memory (it runs as the board closes).
            pickler.fast = True
            pickler.dump(data)
        os.replace(tmp, path)


def _owned_private(directory: Path) -> bool:
    try:
        info = directory.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not stat.S_IMODE(info.st_mode) & 0o077
    )
