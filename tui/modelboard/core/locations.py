"""Which store file to use, and why: the one seam tests and users steer with.

Order: `--file`, then `MODELBOARD_FILE`, then `backlog.toml` found walking up from the
current directory, then the user data directory. The walk never trusts a directory owned
by someone else or writable by everyone (the lesson of git's CVE-2022-24765).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "modelboard"
STORE_NAME = "backlog.toml"
ENV_FILE = "MODELBOARD_FILE"


@dataclass(frozen=True)
class Location:
    """The store to use, which rule chose it, and candidates the walk refused."""

    path: Path
    reason: str
    is_default: bool = False
    skipped: tuple[str, ...] = field(default=())


def resolve(
    explicit: str | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Location:
    """Apply the resolution rules in order; the first that gives a file wins."""
    environ = os.environ if environ is None else environ
    if explicit:
        return Location(_absolute(explicit), "given with --file")
    if environ.get(ENV_FILE):
        return Location(_absolute(environ[ENV_FILE]), f"from the environment variable {ENV_FILE}")
    found, skipped = walk_up(cwd or Path.cwd(), environ)
    if found is not None:
        return Location(found, f"found walking up from {cwd or Path.cwd()}", skipped=skipped)
    return Location(
        data_directory() / STORE_NAME,
        "the default in your data directory",
        is_default=True,
        skipped=skipped,
    )


def walk_up(start: Path, environ: Mapping[str, str]) -> tuple[Path | None, tuple[str, ...]]:
    """The nearest trusted `backlog.toml` at or above `start`, and the ones refused.

    Stops after a directory holding `.git`, at `$HOME`, at the root and before crossing
    into another filesystem.
    """
    home = Path(environ.get("HOME") or Path.home()).resolve()
    skipped: list[str] = []
    directory = start.resolve()
    try:
        device = directory.stat().st_dev
    except OSError:
        return None, ()
    while True:
        candidate = directory / STORE_NAME
        if candidate.is_file():
            refusal = _distrust(directory)
            if refusal is None:
                return candidate, tuple(skipped)
            skipped.append(f"{candidate} ({refusal})")
        if (directory / ".git").exists() or directory == home or directory.parent == directory:
            return None, tuple(skipped)
        parent = directory.parent
        try:
            if parent.stat().st_dev != device:
                return None, tuple(skipped)
        except OSError:
            return None, tuple(skipped)
        directory = parent


def _distrust(directory: Path) -> str | None:
    info = directory.stat()
    if info.st_mode & stat.S_IWOTH:
        return "its directory is writable by everyone"
    if info.st_uid != os.getuid():
        return f"its directory belongs to user id {info.st_uid}"
    return None


def path_digest(target: Path) -> str:
    """A short name for a store's path: its backups and its parse cache are filed under it."""
    import hashlib  # only for the state files: not on every command's start

    return hashlib.sha1(str(target).encode(), usedforsecurity=False).hexdigest()[:16]


def _absolute(raw: str) -> Path:
    return Path(os.path.abspath(os.path.expanduser(raw)))


def _xdg_safe(path: str, fallback: Path) -> Path:
    """platformdirs takes relative XDG values as given; the XDG spec says to ignore them."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else fallback


def data_directory() -> Path:
    """Where the default store lives (not created here)."""
    import platformdirs

    return _xdg_safe(
        platformdirs.user_data_dir(APP_NAME, appauthor=False),
        Path.home() / ".local" / "share" / APP_NAME,
    )


def state_directory() -> Path:
    """Where backups live (not created here)."""
    import platformdirs

    return _xdg_safe(
        platformdirs.user_state_dir(APP_NAME, appauthor=False),
        Path.home() / ".local" / "state" / APP_NAME,
    )


def cache_directory() -> Path:
    """Where the parse cache lives (not created here)."""
    import platformdirs

    return _xdg_safe(
        platformdirs.user_cache_dir(APP_NAME, appauthor=False),
        Path.home() / ".cache" / APP_NAME,
    )


def private_directory(path: Path, below: Path | None = None) -> Path:
    """Create `path` (and parents) readable by this user only, and check it is ours: `path`
    itself, and every folder between `below` and it (none of them a link to elsewhere)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    folders = [path]
    if below is not None and below in path.parents:
        folders += [p for p in path.parents if below == p or below in p.parents]
    for folder in folders:
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise PermissionError(f"{folder} is not a directory of yours")
    if stat.S_IMODE(folders[0].lstat().st_mode) & 0o077:
        os.chmod(path, 0o700)
    return path
