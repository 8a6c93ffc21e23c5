"""Who makes a change, and when: the one seam for the clock and the login name."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import pwd
from dataclasses import dataclass

from modelboard.core.times import utc_now, whole_seconds


def login_name() -> str:
    """The login name recorded in history entries."""
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError):
        return "unknown"


def os_user() -> str:
    """The OS user running this process, by uid (not the environment, which anyone can set):
    who votes in a prioritisation session."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


@dataclass(frozen=True)
class Actor:
    """The person changing the backlog and the moment of the change."""

    name: str
    now: dt.datetime

    @classmethod
    def current(cls, now: dt.datetime | None = None) -> Actor:
        """This process's user, now (or at a fixed time, for tests)."""
        return cls(login_name(), whole_seconds(now or utc_now()))
