"""Run a function as another user of a shared group, in a forked child (tests run as root).

The child needs nothing it cannot read: every module it uses is imported before the fork.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import modelboard.core.atomic
import modelboard.core.backups
import modelboard.core.merge
import modelboard.core.splice  # noqa: F401  (loaded before the fork: the child may not read it)

TEAM_GID = 42420
ALICE, BOB = 42421, 42422
IS_ROOT = os.geteuid() == 0


@contextmanager
def team_folder() -> Iterator[Path]:
    """A folder as README's recipe makes it: group `team`, setgid, writable by the group.

    Made under /tmp itself: pytest's own folders are private to root.
    """
    folder = Path(tempfile.mkdtemp(prefix="modelboard-team-", dir="/tmp"))
    try:
        os.chown(folder, 0, TEAM_GID)
        os.chmod(folder, 0o2775)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_as(uid: int, action: Callable[[], int], home: Path) -> int:
    """Run `action` as `uid` (in the team group, umask 022) and return its exit code."""
    home.mkdir(exist_ok=True)
    os.chown(home, uid, TEAM_GID)
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.setgroups([TEAM_GID])
            os.setgid(TEAM_GID)
            os.setuid(uid)
            os.umask(0o022)
            os.environ.update(
                HOME=str(home),
                XDG_STATE_HOME=str(home / "state"),
                XDG_CACHE_HOME=str(home / "cache"),
                USER=f"user{uid}",
            )
            code = action()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
