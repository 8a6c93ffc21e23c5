"""File primitives for a shared store: a sidecar lock and an atomic, durable replace.

The lock only keeps savers from stepping on each other; correctness comes from the store
re-reading and comparing the file under it (locks can be no-ops on NFS).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from modelboard.core.errors import LockTimeoutError, SaveError

LOCK_TIMEOUT_SECONDS = 10.0
"""A holder that keeps the lock this long without letting go is stuck: the waiter gives up.
Others' saves one after the other are progress, however long the queue."""
STALE_SECONDS = 60.0  # a lock or temporary file this old belongs to a process that died
TELL_AFTER_SECONDS = 1.0  # a wait longer than this is said (the board, the command line)
_POLL_SECONDS = 0.02
_PATIENT_POLL_SECONDS = 0.008  # a waiter of over a second looks more often: no starving

Waiting = Callable[[str], None]
"""Told who holds the lock (`anna@host pid 12`) once a save has waited a second for it."""


def lock_path(target: Path) -> Path:
    """The sidecar lock file next to the store: `backlog.toml.lock`."""
    return target.with_name(target.name + ".lock")


class _Wait:
    """A waiter's patience: it gives up only on a holder that keeps the lock for `timeout`
    with no progress (the same holder all along), and says who it waits for after a second.
    Every holder writes its name and the moment it took the lock into the lock file, so a
    queue of saves one after the other reads as progress, however long it is."""

    def __init__(self, target: Path, timeout: float, on_wait: Waiting | None) -> None:
        self.target, self.timeout, self.on_wait = target, timeout, on_wait
        self.start = self.progress = time.monotonic()
        self.holder: str | None = None
        self.told = ""

    def pause(self, holder: str) -> None:
        """Sleep a moment before trying again, or give up on a stuck holder."""
        now = time.monotonic()
        if holder != self.holder:
            self.holder, self.progress = holder, now
        name = holder_name(holder)
        if now - self.progress >= self.timeout:
            raise LockTimeoutError(
                f"{self.target} is being saved by {name or 'another process'}, which has held "
                f"it for {self.timeout:.0f} s without finishing; gave up, nothing was written"
            )
        if (
            self.on_wait is not None
            and now - self.start >= TELL_AFTER_SECONDS
            and name != self.told
        ):
            self.told = name
            self.on_wait(name or "another process")
        waited = now - self.start
        time.sleep(_POLL_SECONDS if waited < TELL_AFTER_SECONDS else _PATIENT_POLL_SECONDS)


class Held:
    """The lock, held: what the holder before wrote into the lock file, and a way to leave a
    note for the next one (the signature of the file a save wrote, so that the next saver
    knows that file is whole and need not wait for it to settle)."""

    def __init__(self, fd: int | None, previous: str, notes_at: int = 0) -> None:
        self._fd = fd
        self._notes_at = notes_at
        self.previous = previous

    def note(self, line: str) -> None:
        """A line after the holder's name in the lock file, in place of the notes carried
        over from the holder before (best effort)."""
        if self._fd is None:
            return
        _overwrite(self._fd, f"{line}\n".encode(), self._notes_at)


def last_note(target: Path) -> str:
    """What the last holder of the store's lock wrote into it, read without taking it."""
    with contextlib.suppress(OSError):
        fd = os.open(lock_path(target), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            return _read_holder(fd)
        finally:
            os.close(fd)
    return ""


def holder_name(holder: str) -> str:
    """`anna@host pid 12` from what a holder wrote into the lock file."""
    return holder.split("\n", 1)[0].strip()


@contextlib.contextmanager
def locked(
    target: Path,
    timeout: float | None = None,
    on_wait: Waiting | None = None,
    meanwhile: Waiting | None = None,
) -> Iterator[Held]:
    """Hold the store's sidecar lock; raise LockTimeoutError naming the holder when it keeps
    the lock for `timeout` without progress; `on_wait` hears who it waits for after a second,
    and `meanwhile` what the holder wrote into the lock file, each time the waiter looks
    (so a save can keep up with the saves ahead of it instead of doing so holding the lock).

    The lock file is opened without following links and must be a plain file with one link,
    so nobody can point it at another file. It is never deleted. It gets the store's mode and
    group, so every member of a shared group can take it; a lock file that is not writable is
    locked through a read-only descriptor (`flock` works on either). Where the filesystem has
    no `flock` (some NFS mounts), an exclusive-create lock file stands in; nothing is ever
    saved unlocked.
    """
    path = lock_path(target)
    fd = _open_lock(target, path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise SaveError(f"the lock file {path} is not a plain file; remove it and try again")
        wait = _Wait(target, LOCK_TIMEOUT_SECONDS if timeout is None else timeout, on_wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _read_holder(fd)
                if meanwhile is not None:
                    meanwhile(holder)
                wait.pause(holder)
            except OSError as error:
                if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP):
                    with _exclusive_file_lock(target, wait):
                        yield Held(None, "")
                    return
                raise SaveError(f"cannot lock {path}: {error.strerror}") from error
        previous = _read_holder(fd)
        notes_at = _write_holder(fd, _notes(previous))
        yield Held(fd, previous, notes_at)
    finally:
        os.close(fd)


def _open_lock(target: Path, path: Path) -> int:
    """Open (or create, with the store's mode and group) the sidecar lock file."""
    flags = os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | flags, 0o600)
    except FileExistsError:
        pass
    except OSError as error:
        raise SaveError(f"cannot create the lock file {path}: {error.strerror}") from error
    else:
        _share_like_store(fd, target)
        return fd
    for _ in range(20):  # a lock file just created gets the store's mode a moment later
        for mode in (os.O_RDWR, os.O_RDONLY):
            try:
                fd = os.open(path, mode | flags)
            except PermissionError:
                continue
            except OSError as error:
                raise SaveError(f"cannot open the lock file {path}: {error.strerror}") from error
            if os.fstat(fd).st_uid == os.getuid():
                _share_like_store(fd, target)  # one made narrower by hand is opened up again
            return fd
        time.sleep(_POLL_SECONDS)
    raise SaveError(
        f"cannot open the lock file {path}: permission denied; it must be readable by everyone "
        "who saves this store (chmod it like the store)"
    )


def _share_like_store(fd: int, target: Path) -> None:
    """A new lock file gets the store's permissions (the umask would narrow them)."""
    with contextlib.suppress(OSError):
        info = os.stat(target)
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, info.st_gid)
        os.fchmod(fd, stat.S_IMODE(info.st_mode) & 0o666)


@contextlib.contextmanager
def _exclusive_file_lock(target: Path, wait: _Wait) -> Iterator[None]:
    """A lock where `flock` does not work: a file only one process can create. A holder that
    died leaves it behind: on this host that is seen from its pid, elsewhere from its age."""
    path = target.with_name(target.name + ".lock.held")
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            break
        except FileExistsError:
            holder = _holder_of(path)
            if _abandoned(path, holder):
                with contextlib.suppress(OSError):
                    os.unlink(path)
                continue
            wait.pause(holder)
        except OSError as error:
            raise SaveError(
                f"cannot lock {target}: this filesystem has no locks and {path} cannot be "
                f"created ({error.strerror}); nothing was written"
            ) from error
    try:
        _share_like_store(fd, target)
        _write_holder(fd)
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _holder_of(path: Path) -> str:
    with contextlib.suppress(OSError), open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read(200).strip()
    return ""


def _abandoned(path: Path, holder: str) -> bool:
    """True for a fallback lock whose holder is gone: a dead pid here, or older than a minute."""
    try:
        age = time.time() - os.lstat(path).st_mtime
    except OSError:
        return False
    host, _, pid = holder_name(holder).partition("@")[2].partition(" pid ")
    if host == host_name() and pid.isdigit() and not _alive(int(pid)):
        return True
    return age > STALE_SECONDS


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_holder(fd: int, notes: str = "") -> int:
    """Write who holds the lock, then `notes`; return where the notes start. The notes of
    the holder before are carried over: until this holder writes its own, the file it
    left is still the one on disk, and savers reading ahead meanwhile must recognise it."""
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or str(os.getuid())
    holder = f"{user}@{host_name()} pid {os.getpid()}\n{time.time():.6f}\n".encode()
    _overwrite(fd, holder + notes.encode(), 0)
    return len(holder)


def _notes(held: str) -> str:
    """The notes in what a holder wrote: the lines after its name and time."""
    return "".join(f"{line}\n" for line in held.splitlines()[2:])


def _overwrite(fd: int, data: bytes, at: int) -> None:
    """Write `data` at `at` and end the file there; a reader never finds it empty between."""
    with contextlib.suppress(OSError):
        os.pwrite(fd, data, at)
        os.ftruncate(fd, at + len(data))


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    return ""


class ChangedMeanwhile(Exception):
    """The file changed between reading it and replacing it; nothing was written."""


def write_atomically(
    target: Path, data: bytes, unchanged: Callable[[], bool] = lambda: True
) -> None:
    """Replace `target` with `data` so that readers see the old file or the new one, whole.

    `target` must already be the resolved path (not a symlink). The new file keeps the old
    one's mode and group; the directory is synced so the rename survives a crash. Just before
    the rename, `unchanged()` must still hold (an editor or git takes no lock of ours), else
    ChangedMeanwhile is raised and the file is left as the other writer left it.
    """
    directory = target.parent
    remove_leftovers(target)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    try:
        fd, tmp_name = _new_temporary(target)
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
        if not unchanged():
            raise ChangedMeanwhile(str(target))
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


def _new_temporary(target: Path) -> tuple[int, Path]:
    """A new private file next to the target, named so that `remove_leftovers` knows whose
    it is (what `tempfile.mkstemp` does, without loading `tempfile`: every command saves)."""
    for _ in range(100):
        path = target.with_name(f"{_tmp_prefix(target)}{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def host_name() -> str:
    """This machine's name, as lock files and sessions give it (without loading `socket`)."""
    return os.uname().nodename


def _tmp_prefix(target: Path) -> str:
    return f".{target.name}."


def remove_leftovers(target: Path) -> None:
    """Remove temporary files that killed saves left next to the store: ours whose process
    is gone, and any older than a minute (a save never takes that long)."""
    prefix = _tmp_prefix(target)
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            pid = entry.name[len(prefix) :].partition(".")[0]
            with contextlib.suppress(OSError):
                age = time.time() - entry.stat(follow_symlinks=False).st_mtime
                dead = pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid))
                if (dead and age > 5) or age > STALE_SECONDS:
                    os.unlink(entry.path)


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
