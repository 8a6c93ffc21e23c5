"""Property test: a store that parses as TOML, with any value at any key the program reads,
never makes a command or the board raise, and reading it never changes the file."""

from __future__ import annotations

import asyncio
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from modelboard.app import ModelboardApp
from modelboard.core.defaults import DEFAULT_STORE
from tests.conftest import NOW
from tests.test_hostile_files import every_command

ITEMS = """
[items.M-1]
title = "Churn"
stage = "ready"
scores = { value = 4, feasibility = 3, effort = 2 }
created = 2026-11-01T09:00:00Z
history = [{ at = 2026-11-01T09:00:00Z, by = "anna", change = "created in ready" }]

[items.M-2]
title = "Fraud"
stage = "proposed"
created = 2026-10-01T09:00:00Z

[goals.G1]
title = "Keep customers"

[[deleted]]
id = "M-3"
title = "Gone"
stage = "retired"
at = 2026-11-02T09:00:00Z
by = "bea"
"""
BASE = tomllib.loads(DEFAULT_STORE + ITEMS)

PATHS = [
    ("version",), ("board", "name"), ("board", "stages"), ("board", "kinds"),
    ("board", "review_days"), ("board", "review_days_by_stage"),
    ("board", "review_days_by_stage", "retired"), ("scoring",), ("scoring", "criteria"),
    ("scoring", "criteria", "value"), ("scoring", "criteria", "value", "weight"),
    ("scoring", "criteria", "value", "label"), ("scoring", "criteria", "effort", "higher_is_worse"),
    ("template",), ("template", "required"), ("goals",), ("goals", "G1"), ("goals", "G1", "title"),
    ("items",), ("items", "M-1"), ("items", "M-1", "title"), ("items", "M-1", "stage"),
    ("items", "M-1", "kind"), ("items", "M-1", "owner"), ("items", "M-1", "tags"),
    ("items", "M-1", "goals"), ("items", "M-1", "scores"), ("items", "M-1", "scores", "value"),
    ("items", "M-1", "created"), ("items", "M-1", "updated"), ("items", "M-1", "reviewed"),
    ("items", "M-1", "snoozed_until"), ("items", "M-1", "history"),
    ("items", "M-1", "history", 0), ("items", "M-1", "history", 0, "at"),
    ("items", "M-1", "history", 0, "kind"), ("items", "M-1", "description"),
    ("items", "M-2", "stage"), ("deleted",), ("deleted", 0), ("deleted", 0, "at"),
]  # fmt: skip

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
_SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, 5, -1, 99999999999, 2**63 - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    _TEXT,
    st.sampled_from(["M-1", "proposed", "ready", "value", "G1", "", "\x1b[31m", "‮x"]),
    st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=5))]),
    ),
    st.dates(),
    st.times(),
)  # fmt: skip
VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["value", "title", "at", "x", "M-1"]), children, max_size=3
        )
    ),
    max_leaves=6,
)


def with_value(data: Any, path: tuple[Any, ...], value: Any) -> None:
    """Put `value` at `path`, making the tables and arrays on the way where needed."""
    node = data
    for key in path[:-1]:
        if isinstance(node, dict):
            if not isinstance(node.get(key), dict | list):
                node[key] = {}
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return
    last = path[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value


def hostile_store(changes: list[tuple[tuple[Any, ...], Any]]) -> str | None:
    """The store with the values put in, as TOML text (None when TOML cannot say it)."""
    data = tomllib.loads(DEFAULT_STORE + ITEMS)
    for path, value in changes:
        with_value(data, path, value)
    try:
        text = tomlkit.dumps(data)
        tomllib.loads(text)
    except Exception:  # a combination TOML has no way to write: not a file anyone can have
        return None
    return text


CHANGES = st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=CHANGES)
def test_every_command_gives_a_message_never_a_traceback(
    tmp_path_factory: Any, changes: list[tuple[tuple[Any, ...], Any]]
) -> None:
    text = hostile_store(changes)
    assume(text is not None)
    assert text is not None
    path = tmp_path_factory.mktemp("store") / "backlog.toml"
    path.write_text(text, encoding="utf-8")
    every_command(path)


async def _board_session(path: Path) -> None:
    app = ModelboardApp(path, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("j", "l", "s", "v", "j", "escape", "R", "escape", "r", "n", "q"):
            await pilot.press(key)
        await pilot.press("escape", "escape")
    assert app.return_code in (None, 0)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=CHANGES)
def test_the_board_opens_and_moves_on_any_store(
    tmp_path_factory: Any, changes: list[tuple[tuple[Any, ...], Any]]
) -> None:
    text = hostile_store(changes)
    assume(text is not None)
    assert text is not None
    path = tmp_path_factory.mktemp("board") / "backlog.toml"
    path.write_text(text, encoding="utf-8")
    asyncio.run(_board_session(path))
    assert path.read_text(encoding="utf-8") == text
