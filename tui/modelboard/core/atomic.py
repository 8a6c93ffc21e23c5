"""File primitives for a shared store: a sidecar lock and an atomic, durable replace.

The lock only keeps savers from stepping on each other; correctness comes from the store
re-reading and comparing the file under it (locks can be no-ops on NFS).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from modelboard.core.errors import LockTimeoutError, SaveError

LOCK_TIMEOUT_SECONDS = 10.0
_POLL_SECONDS = 0.02


def lock_path(target: Path) -> Path:
    """The sidecar lock file next to the store: `backlog.toml.lock`."""
    return target.with_name(target.name + ".lock")


@contextlib.contextmanager
def locked(target: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the store's sidecar lock; raise LockTimeoutError naming the holder after `timeout`.

    The lock file is opened without following links and must be a plain file with one link,
    so nobody can point it at another file. It is never deleted.
    """
    path = lock_path(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) & 0o666
    except FileNotFoundError:
        mode = 0o644
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as error:
        raise SaveError(f"cannot open the lock file {path}: {error.strerror}") from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise SaveError(f"the lock file {path} is not a plain file; remove it and try again")
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    raise LockTimeoutError(
                        f"{target} is being saved by {holder or 'another process'}; "
                        f"gave up after {timeout:.0f} s, nothing was written"
                    ) from None
                time.sleep(_POLL_SECONDS)
            except OSError as error:
                if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP):
                    break  # no locking here (some NFS mounts): the under-lock check still holds
                raise SaveError(f"cannot lock {path}: {error.strerror}") from error
        _write_holder(fd)
        yield
    finally:
        os.close(fd)


def _write_holder(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        user = os.environ.get("USER") or os.environ.get("LOGNAME") or str(os.getuid())
        os.pwrite(fd, f"{user}@{socket.gethostname()} pid {os.getpid()}\n".encode(), 0)


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return ""


def write_atomically(target: Path, data: bytes) -> None:
    """Replace `target` with `data` so that readers see the old file or the new one, whole.

    `target` must already be the resolved path (not a symlink). The new file keeps the old
    one's mode and group; the directory is synced so the rename survives a crash.
    """
    directory = target.parent
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise SaveError(
            f"cannot write in {directory}: {error.strerror}; {target} is unchanged"
        ) from error
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if info is not None:
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, info.st_gid)
            else:
                os.fchmod(fd, 0o666 & ~_umask())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise SaveError(
            f"could not save {target}: {error.strerror}; the file is unchanged"
        ) from error
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
