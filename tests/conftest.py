"""Every test runs in its own home: private data, state and working directories."""

from __future__ import annotations

import os

# Textual reads these at import time: a developer's terminal must not change any test.
for _name in [n for n in os.environ if n.startswith("TEXTUAL_")] + ["NO_COLOR", "FORCE_COLOR"]:
    os.environ.pop(_name, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"

import datetime as dt  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from modelboard.core.defaults import DEFAULT_STORE  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 12, 0, 0, tzinfo=dt.UTC)

# The default store without its stage gates, for tests of moving, undoing and merging that
# move items freely; tests/test_gates.py holds the gates of the default store to account.
_GATES = DEFAULT_STORE.index("# Stage gates:")
UNGATED_STORE = DEFAULT_STORE[:_GATES] + DEFAULT_STORE[DEFAULT_STORE.index("# The team's") :]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, XDG directories, login name and cwd all point into the test's tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    monkeypatch.delenv("MODELBOARD_FILE", raising=False)
    work = home / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    """A fresh store with the default settings and no items."""
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE, encoding="utf-8")
    return path


@pytest.fixture
def make_store(tmp_path: Path) -> Callable[[str], Path]:
    """Write a store with the given text and return its path."""

    def make(text: str, name: str = "store.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make
