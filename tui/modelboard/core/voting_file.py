"""Where a prioritisation session lives: `backlog.toml.session`, a JSON file beside the store.

Every participant's own process reads it (a screen polls its signature) and writes it under
the store's lock, atomically, so nobody's vote overwrites another's and no server runs. It
takes the store's mode and group, so every member of a shared group can vote. Votes are hidden
by the screens until revealed; the file itself is as readable as the store.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

from modelboard.core.atomic import locked, write_atomically
from modelboard.core.voting import SessionError, VotingSession, from_data, to_data

MAX_BYTES = 4_000_000  # a session of 10,000 items with ten voters is well below this

Signature = tuple[int, int, int] | None


def session_path(target: Path) -> Path:
    """The sidecar of the store at `target` (the store's resolved path)."""
    return target.with_name(target.name + ".session")


def signature(target: Path) -> Signature:
    """Changes whenever the session file is replaced or removed (what screens poll)."""
    try:
        info = os.stat(session_path(target))
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def read_session(target: Path) -> VotingSession | None:
    """The running session, None when there is none; a damaged file raises SessionError."""
    path = session_path(target)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SessionError(f"cannot read {path}: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SessionError(f"{path} is too large to be a session; `session end` removes it")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise SessionError(
            f"the session file {path} is damaged ({error}); `session end` removes it"
        ) from None
    try:
        return from_data(data)
    except SessionError as error:
        raise SessionError(f"{path}: {error.message}; `session end` removes it") from None


Act = Callable[[VotingSession | None], VotingSession | None]


def change_session(target: Path, act: Act, damaged_ok: bool = False) -> VotingSession | None:
    """Read the session under the store's lock, let `act` change it (or end it: None), and
    write it back atomically. `damaged_ok`: a damaged file reads as no session (to end it)."""
    with locked(target):
        try:
            session = read_session(target)
        except SessionError:
            if not damaged_ok:
                raise
            session = None
        result = act(session)
        path = session_path(target)
        if result is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            return None
        existed = path.exists()
        write_atomically(path, json.dumps(to_data(result), indent=1).encode("utf-8"))
        if not existed:
            _share_like_store(path, target)
        return result


def _share_like_store(path: Path, target: Path) -> None:
    """A new session file gets the store's mode and group (the umask would narrow them)."""
    with contextlib.suppress(OSError):
        info = os.stat(target)
        with contextlib.suppress(PermissionError):
            os.chown(path, -1, info.st_gid, follow_symlinks=False)
        os.chmod(path, stat.S_IMODE(info.st_mode) & 0o666, follow_symlinks=False)
