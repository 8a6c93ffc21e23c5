"""Sharing through git, with a real `git`: the merge driver merges by item and field, keeps
items both branches added, and marks only the lines both changed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from modelboard.cli import main
from modelboard.core.defaults import DEFAULT_STORE
from tests.conftest import NOW

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="git is not installed",
)

BASE_ITEMS = """
[items.M-1]
title = "Churn prediction"
stage = "proposed"
owner = "anna"
created = 2026-11-01T09:00:00Z

[items.M-2]
title = "Fraud scoring"
stage = "ready"
created = 2026-11-01T09:00:00Z
"""


def mb(repo: Path, *argv: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(["--file", str(repo / "backlog.toml"), *argv], now=NOW, stdout=io.StringIO(),
                stderr=err)  # fmt: skip
    return code, err.getvalue()


def git(repo: Path, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        # git runs the driver by name: the `modelboard` of this interpreter's environment
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }  # fmt: skip
    return subprocess.run(
        ["git", "-C", str(repo), *argv], capture_output=True, text=True, check=check, env=env
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    (folder / "backlog.toml").write_text(DEFAULT_STORE + BASE_ITEMS)
    monkeypatch.chdir(folder)
    code, said = mb(folder, "git-setup")
    assert code == 0 and "merge=modelboard" in said
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "base")
    return folder


def items(repo: Path) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = tomllib.loads((repo / "backlog.toml").read_text())["items"]
    return data


def branch(repo: Path, name: str, *changes: tuple[str, ...]) -> None:
    git(repo, "checkout", "-q", "-b", name, "main")
    for argv in changes:
        assert mb(repo, *argv)[0] == 0
    git(repo, "commit", "-qam", name)
    git(repo, "checkout", "-q", "main")


def test_git_setup_writes_each_line_once(repo: Path) -> None:
    assert mb(repo, "git-setup")[0] == 0  # a second time
    attributes = (repo / ".gitattributes").read_text().splitlines()
    assert attributes == ["backlog.toml merge=modelboard"]
    assert (repo / ".gitignore").read_text().splitlines() == [
        "backlog.toml.lock",
        "backlog.toml.lock.held",
    ]
    driver = git(repo, "config", "merge.modelboard.driver").stdout.strip()
    assert driver == "modelboard merge %O %A %B"


def test_both_branches_add_items_and_edit_other_fields(repo: Path) -> None:
    branch(repo, "ours", ("add", "Ours new"), ("move", "M-1", "ready"))
    branch(repo, "theirs", ("add", "Theirs new"), ("edit", "M-1", "--owner", "bea"))
    git(repo, "checkout", "-q", "ours")
    merged = git(repo, "merge", "-q", "--no-edit", "theirs", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    result = items(repo)
    assert result["M-1"]["stage"] == "ready" and result["M-1"]["owner"] == "bea"
    assert result["M-3"]["title"] == "Ours new" and result["M-4"]["title"] == "Theirs new"
    history = result["M-4"]["history"]
    assert isinstance(history, list)
    assert "both branches added M-3" in history[-1]["change"]
    changes = [entry["change"] for entry in result["M-1"]["history"]]  # type: ignore[attr-defined]
    assert "stage: proposed -> ready" in changes and "owner: anna -> bea" in changes
    assert mb(repo, "check")[0] == 0


def test_the_same_field_changed_on_both_sides_is_a_marked_conflict(repo: Path) -> None:
    branch(repo, "ours", ("move", "M-1", "ready"), ("edit", "M-2", "--owner", "carl"))
    branch(repo, "theirs", ("move", "M-1", "building"), ("add", "Theirs new"))
    git(repo, "checkout", "-q", "ours")
    merged = git(repo, "merge", "--no-edit", "theirs", check=False)
    assert merged.returncode != 0
    assert "UU backlog.toml" in git(repo, "status", "--porcelain").stdout
    text = (repo / "backlog.toml").read_text()
    conflict = text[text.index("<<<<<<<") : text.index(">>>>>>>")]
    assert 'stage = "ready"' in conflict and 'stage = "building"' in conflict
    assert conflict.count("\n") == 4  # just the one line each side
    code, said = mb(repo, "list")
    assert code == 3 and "unresolved merge conflict at line" in said
    # everything else merged: resolve the one line and the store holds all of it
    start, end = text.index("<<<<<<<"), text.index(">>>>>>> theirs\n") + len(">>>>>>> theirs\n")
    (repo / "backlog.toml").write_text(text[:start] + 'stage = "building"\n' + text[end:])
    result = items(repo)
    assert result["M-1"]["stage"] == "building" and result["M-2"]["owner"] == "carl"
    assert result["M-3"]["title"] == "Theirs new"
