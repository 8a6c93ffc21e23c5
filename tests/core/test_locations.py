"""Which file: --file, the environment, the walk up (trusting only safe folders), the default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modelboard.core.locations import data_directory, resolve


def test_order_file_then_environment_then_walk_then_default(tmp_path: Path) -> None:
    project = tmp_path / "home" / "work"
    (project / "backlog.toml").write_text("version = 1\n")
    env = {"HOME": str(tmp_path / "home"), "MODELBOARD_FILE": "/x/env.toml"}
    assert resolve("given.toml", env, project).path == project / "given.toml"
    assert resolve(None, env, project).path == Path("/x/env.toml")
    del env["MODELBOARD_FILE"]
    (project / "sub").mkdir()
    found = resolve(None, env, project / "sub")
    assert found.path == project / "backlog.toml" and "walking up" in found.reason
    (project / "backlog.toml").unlink()
    default = resolve(None, env, project)
    assert default.is_default and default.path == data_directory() / "backlog.toml"


def test_walk_stops_at_a_git_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "backlog.toml").write_text("version = 1\n")
    repo = home / "work" / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    assert resolve(None, {"HOME": str(home)}, repo / "src").is_default


def test_walk_stops_at_home(tmp_path: Path) -> None:
    (tmp_path / "backlog.toml").write_text("version = 1\n")  # above HOME: never found
    home = tmp_path / "home"
    assert resolve(None, {"HOME": str(home)}, home / "work").is_default


def test_a_world_writable_folder_is_not_trusted(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shared = home / "work" / "scratch"
    shared.mkdir()
    (shared / "backlog.toml").write_text("version = 1\n")
    os.chmod(shared, 0o777)
    location = resolve(None, {"HOME": str(home)}, shared)
    assert location.is_default
    assert "writable by everyone" in location.skipped[0]


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another user")
def test_a_folder_of_another_user_is_not_trusted(tmp_path: Path) -> None:
    home = tmp_path / "home"
    theirs = home / "work" / "theirs"
    theirs.mkdir()
    (theirs / "backlog.toml").write_text("version = 1\n")
    os.chown(theirs, 4242, 4242)
    location = resolve(None, {"HOME": str(home)}, theirs)
    assert location.is_default and "user id 4242" in location.skipped[0]


def test_relative_xdg_data_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    assert data_directory().is_absolute()
