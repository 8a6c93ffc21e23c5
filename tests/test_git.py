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
from tests.conftest import NOW, UNGATED_STORE

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
    (folder / "backlog.toml").write_text(UNGATED_STORE + BASE_ITEMS)
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


def conflicted(
    repo: Path, ours: tuple[tuple[str, ...], ...], theirs: tuple[tuple[str, ...], ...]
) -> str:
    """Merge two branches that made these changes; the file git left behind."""
    branch(repo, "ours", *ours)
    branch(repo, "theirs", *theirs)
    git(repo, "checkout", "-q", "ours")
    merged = git(repo, "merge", "--no-edit", "theirs", check=False)
    assert merged.returncode != 0
    assert "UU backlog.toml" in git(repo, "status", "--porcelain").stdout
    return (repo / "backlog.toml").read_text()


def keep_theirs(text: str) -> str:
    """Resolve every conflict block by keeping the other branch's side."""
    kept, side = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< "):
            side = "ours"
        elif line.startswith("=======") and side:
            side = "theirs"
        elif line.startswith(">>>>>>> "):
            side = None
        elif side != "ours":
            kept.append(line)
    return "".join(kept)


def test_a_score_conflict_keeps_an_inline_table_either_way(repo: Path) -> None:
    text = conflicted(repo, (("edit", "M-1", "--score", "value=3"),),
                      (("edit", "M-1", "--score", "value=5"),))  # fmt: skip
    (repo / "backlog.toml").write_text(keep_theirs(text))
    assert items(repo)["M-1"]["scores"] == {"value": 5}
    assert mb(repo, "check")[0] == 0


def test_deleted_here_and_edited_there_shows_their_item_among_the_items(repo: Path) -> None:
    text = conflicted(repo, (("delete", "M-2"),), (("edit", "M-2", "--owner", "bea"),))
    assert text.index("<<<<<<<") > text.index("[items.M-1]")
    (repo / "backlog.toml").write_text(keep_theirs(text))
    assert items(repo)["M-2"]["owner"] == "bea"
    assert tomllib.loads((repo / "backlog.toml").read_text())["version"] == 1


def test_a_cleared_score_against_a_set_one_has_markers(repo: Path) -> None:
    branch(repo, "prep", ("edit", "M-1", "--score", "value=2"))
    git(repo, "merge", "-q", "prep")
    text = conflicted(repo, (("edit", "M-1", "--score", "value="),),
                      (("edit", "M-1", "--score", "value=5"),))  # fmt: skip
    assert "<<<<<<< ours" in text
    (repo / "backlog.toml").write_text(keep_theirs(text))
    assert items(repo)["M-1"]["scores"] == {"value": 5}


def test_a_setting_removed_on_one_branch_is_removed(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "theirs")
    path = repo / "backlog.toml"
    path.write_text(path.read_text().replace("higher_is_worse = true", ""))
    git(repo, "commit", "-qam", "effort is no longer worse when high")
    git(repo, "checkout", "-q", "main")
    branch(repo, "ours", ("add", "Ours"))
    git(repo, "checkout", "-q", "ours")
    assert git(repo, "merge", "-q", "--no-edit", "theirs", check=False).returncode == 0
    criteria = tomllib.loads(path.read_text())["scoring"]["criteria"]
    assert "higher_is_worse" not in criteria["effort"]


def test_the_driver_survives_a_common_ancestor_with_markers(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    ours = tmp_path / "ours.toml"
    theirs = tmp_path / "theirs.toml"
    store = UNGATED_STORE + BASE_ITEMS
    base.write_text(
        store.replace(
            'owner = "anna"', '<<<<<<< x\nowner = "anna"\n=======\nowner = "b"\n>>>>>>> y'
        )
    )
    ours.write_text(store)
    theirs.write_text(store.replace('"Fraud scoring"', '"Fraud scoring v2"'))
    code = main(["merge", str(base), str(ours), str(theirs)], now=NOW, stdout=io.StringIO(),
                stderr=io.StringIO())  # fmt: skip
    assert code == 0
    assert tomllib.loads(ours.read_text())["items"]["M-2"]["title"] == "Fraud scoring v2"


def test_a_side_that_is_not_a_store_is_one_whole_conflict(tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / f"{n}.toml" for n in ("base", "ours", "theirs"))
    base.write_text(UNGATED_STORE)
    ours.write_text(UNGATED_STORE + BASE_ITEMS)
    theirs.write_text("this is not = = toml")
    err = io.StringIO()
    assert main(["merge", str(base), str(ours), str(theirs)], now=NOW, stdout=io.StringIO(),
                stderr=err) == 1  # fmt: skip
    text = ours.read_text()
    assert text.startswith("<<<<<<< ours\n") and "this is not = = toml" in text
    missing = main(["merge", str(tmp_path / "nope"), str(ours), str(theirs)], now=NOW,
                   stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert missing == 1


def test_git_setup_escapes_a_space_and_keeps_crlf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / ".gitattributes").write_bytes(b"*.png binary\r\n")
    store = folder / "my backlog.toml"
    store.write_text(UNGATED_STORE)
    monkeypatch.chdir(folder)
    assert main(["--file", str(store), "git-setup"], now=NOW, stdout=io.StringIO(),
                stderr=io.StringIO()) == 0  # fmt: skip
    assert (folder / ".gitattributes").read_bytes() == (
        b'*.png binary\r\n"my backlog.toml" merge=modelboard\r\n'
    )
    attribute = git(folder, "check-attr", "merge", "my backlog.toml").stdout
    assert attribute.strip().endswith("merge: modelboard")
