"""Where a prioritisation session lives: `backlog.toml.session`, a JSON file beside the store.

Every participant's own process reads it (a screen polls its signature) and writes it under
the store's lock, atomically, so nobody's vote overwrites another's and no server runs. It
takes the store's mode and group, so every member of a shared group can vote. Votes are hidden
by the screens until revealed; the file itself is as readable as the store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

from modelboard.core import voting
from modelboard.core.actor import Actor
from modelboard.core.atomic import host_name, locked, write_atomically
from modelboard.core.model import Backlog
from modelboard.core.store import Store
from modelboard.core.times import iso, utc_now
from modelboard.core.voting import (
    ABANDONED_AFTER,
    SessionError,
    VotingSession,
    from_data,
    to_data,
)

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
        # O_NONBLOCK: a FIFO put in its place must not hang every session command
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except PermissionError:
        raise SessionError(
            f"cannot read {path}: permission denied; it needs the store's group and mode "
            "(the facilitator may end it)"
        ) from None
    except OSError as error:
        raise SessionError(
            f"cannot read {path}: {error.strerror}; `session end` removes it"
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SessionError(f"{path} is not a plain file; `session end` removes it")
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


def change_session(
    target: Path, act: Act, now: dt.datetime | None = None, damaged_ok: bool = False
) -> VotingSession | None:
    """Read the session under the store's lock, let `act` change it (or end it: None), and
    write it back atomically, as touched `now`. `damaged_ok`: a damaged file reads as no
    session (to end it)."""
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
            _remove(path)
            return None
        result.touched = now or utc_now()
        existed = path.exists()
        write_atomically(path, json.dumps(to_data(result), indent=1).encode("utf-8"))
        if not existed:
            _share_like_store(path, target)
        return result


def start_session(store: Store, item_ids: list[str], actor: Actor, leader: str) -> VotingSession:
    """A new session on these items, led by `leader`: refused on a store the leader may not
    write (the agreed scores could not be saved) and while another session runs."""
    if store.read_only:
        raise SessionError(
            f"read-only: you may not write {store.path}, so the scores agreed could not be "
            "saved; someone who may write it facilitates"
        )

    def begin(current: VotingSession | None) -> VotingSession:
        if current is not None and current.abandoned(actor.now):
            raise SessionError(
                f"a session by {current.facilitator} from {iso(current.started)} was left "
                f"behind (nothing since {iso(current.touched)}); `modelboard session end` ends it"
            )
        if current is not None:
            raise SessionError(
                f"a session is running, facilitated by {current.facilitator} on "
                f"{current.host} since {iso(current.started)}; join it (P on the board, or "
                "`modelboard session join`)"
            )
        return voting.start(store.backlog, item_ids, actor, host_name(), leader)

    started = change_session(store.target, begin, actor.now)
    assert started is not None
    return started


def needs_record(backlog: Backlog, ending: VotingSession) -> bool:
    """True when the ending session did something and is not recorded yet (an end that died
    after saving its record is finished again without a second one)."""
    recorded = any(
        r.at >= ending.started and r.by == ending.facilitator for r in backlog.log.sessions
    )
    return bool(ending.agreed or ending.votes) and not recorded


ENDING_SECONDS = 60  # an end that has not finished in a minute died: it may be ended again


def begin_ending(target: Path, who: str, now: dt.datetime) -> VotingSession:
    """Close the session to votes, under the lock, and return it as it is then: every vote
    acknowledged before is in the record, and any later one is refused, not lost. The
    facilitator ends a session; anyone ends one left behind."""

    def close(session: VotingSession | None) -> VotingSession:
        if session is None:
            raise SessionError("no prioritisation session is running")
        if who != session.facilitator and not session.abandoned(now):
            raise SessionError(
                f"only {session.facilitator}, who facilitates, ends the session (anyone may "
                "once nothing happened for two hours)"
            )
        if session.closing and (now - session.touched).total_seconds() < ENDING_SECONDS:
            raise SessionError("the session is being ended already")
        session.closing = True
        return session

    ending = change_session(target, close, now)
    assert ending is not None
    return ending


def finish_ending(target: Path, ending: VotingSession) -> None:
    """Remove the session file once its record is saved (the same session only)."""

    def gone(session: VotingSession | None) -> VotingSession | None:
        if session is not None and session.started != ending.started:
            return session  # a new session began meanwhile: not ours to remove
        return None

    change_session(target, gone, damaged_ok=True)


def remove_damaged(target: Path, who_uid: int, now: dt.datetime) -> str:
    """Remove a session file that cannot be read as a session: its owner may, and anyone
    once nobody touched it for ABANDONED_AFTER (a file another user cannot read is not
    damaged, only theirs). Returns what was done, in words."""
    path = session_path(target)
    with locked(target):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return "no session file"
        age = now.timestamp() - info.st_mtime
        if info.st_uid != who_uid and age < ABANDONED_AFTER.total_seconds():
            raise SessionError(
                f"{path} is not readable as a session, and it is not yours; its owner may "
                "end it, or anyone once it is two hours old"
            )
        _remove(path)
    return f"removed {path}"


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        raise SessionError(f"{path} is a folder; remove it by hand") from None
    except OSError as error:
        raise SessionError(f"cannot remove {path}: {error.strerror}") from None


def _share_like_store(path: Path, target: Path) -> None:
    """A new session file gets the store's mode and group (the umask would narrow them)."""
    with contextlib.suppress(OSError):
        info = os.stat(target)
        with contextlib.suppress(PermissionError):
            os.chown(path, -1, info.st_gid, follow_symlinks=False)
        os.chmod(path, stat.S_IMODE(info.st_mode) & 0o666, follow_symlinks=False)
