"""A private cache of a store's last parse, so that large backlogs open fast.

An entry holds the exact bytes it was parsed from, their data and where their tables are.
It is used when the file holds those bytes, or holds them changed in a few item tables (a
teammate's saves since): then only those tables are parsed (see `catch_up`), and any other
change is parsed whole, as without a cache. Entries live in the user's cache folder, which
must be ours and private (a pickle is code to whoever can write it). Files smaller than
WORTH_CACHING parse faster than an entry loads, and are never cached.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelboard.core.locations import cache_directory, path_digest, private_directory

if TYPE_CHECKING:
    from modelboard.core.toml_layout import Lexed

WORTH_CACHING = 256 * 1024  # bytes: about 200 items
KEEP_AGAIN_BEHIND = 32
"""A command keeps its parse again once its open caught up with this many differences from
the entry: catching up costs about 0.15 ms a difference at 1,000 items, keeping the parse
35 ms (pickling 1,000 items' datetimes)."""
_FORMAT = b"modelboard parse 2\n"  # entries of another format are misses


def entry_path(target: Path) -> Path:
    """The cache entry for a store, named by its path's hash."""
    return cache_directory() / "parsed" / f"{path_digest(target)}.pickle"


def cached_parse(target: Path) -> tuple[bytes, dict[str, Any], Lexed | None] | None:
    """The last parse kept for this store: the bytes, their data and their lexing; None
    when there is none, or it is not ours and private, or it is damaged."""
    import pickle  # loaded only for files worth caching: every command opens the store

    path = entry_path(target)
    try:
        # O_NONBLOCK: a FIFO put where the entry was must not hang the open
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & 0o077
            or not _owned_private(path.parent)
            or handle.read(len(_FORMAT)) != _FORMAT
        ):
            return None
        try:
            raw, data, lexed = pickle.loads(handle.read())
        except Exception:  # a damaged entry is only a miss
            return None
    if not isinstance(raw, bytes) or not isinstance(data, dict):
        return None
    return raw, data, lexed


def remember(target: Path, raw: bytes, data: dict[str, Any], lexed: Lexed | None) -> None:
    """Keep the parse of these bytes. Whatever goes wrong is only a miss next time: a cache
    never fails a command, and leaves no half-written entry."""
    import pickle

    tmp: Path | None = None
    try:
        path = entry_path(target)
        private_directory(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_FORMAT)
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            # Parsed TOML is a tree (nothing shared, no cycles): without the memo of every
            # object, pickling takes a fraction of the memory (it runs as the board closes).
            pickler.fast = True
            pickler.dump((raw, data, lexed))
        os.replace(tmp, path)
    except Exception:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
