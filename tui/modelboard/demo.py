"""The sample backlog of `modelboard demo`, the screenshots and the snapshot tests.

It is a store file shipped inside the package (`data/demo.toml`), dated as of `ANCHOR`; every
date-time in it is moved by the time since then, so the demo always has stale items and the
pictures stay the same for a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files

from modelboard.core.times import iso, whole_seconds

ANCHOR = dt.datetime(2026, 11, 24, 12, 0, 0, tzinfo=dt.UTC)
_MOMENT = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b")


def demo_store_text(now: dt.datetime) -> str:
    """The whole sample store as TOML text, its dates moved so that `ANCHOR` becomes `now`."""
    text = files("modelboard").joinpath("data", "demo.toml").read_text(encoding="utf-8")
    shift = whole_seconds(now) - ANCHOR

    def moved(match: re.Match[str]) -> str:
        moment = dt.datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        return iso(moment + shift) or ""

    return _MOMENT.sub(moved, text)
