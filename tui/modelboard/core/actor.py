"""Who makes a change, and when: the one seam for the clock and the login name."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from modelboard.core.times import utc_now, whole_seconds


def login_name() -> str:
    """The login name recorded in history entries."""
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError):
        return "unknown"


@dataclass(frozen=True)
class Actor:
    """The person changing the backlog and the moment of the change."""

    name: str
    now: dt.datetime

    @classmethod
    def current(cls, now: dt.datetime | None = None) -> Actor:
        """This process's user, now (or at a fixed time, for tests)."""
        return cls(login_name(), whole_seconds(now or utc_now()))
