"""Every command of the command line and its exit codes, against real files."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from modelboard.cli import main
from modelboard.core.locations import data_directory
from tests.conftest import NOW


class Run:
    """One call of `modelboard`, with what it printed."""

    def __init__(self, *argv: str, stdin: str | None = None, now: dt.datetime = NOW) -> None:
        out, err = io.StringIO(), io.StringIO()
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            self.code = main(list(argv), now=now, stdout=out, stderr=err)
        finally:
            sys.stdin = sys.__stdin__
        self.out = out.getvalue()
        self.err = err.getvalue()

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def store(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MODELBOARD_FILE", str(store_file))
    return store_file


def _add(*extra: str, title: str = "Churn prediction v2") -> str:
    run = Run("add", title, *extra)
    assert run.code == 0, run.err
    return run.out.strip()


def test_version_and_help_need_no_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert Run("--version").code == 0
    assert capsys.readouterr().out.startswith("modelboard 0.")
    assert Run("--help").code == 0
    assert not (data_directory() / "backlog.toml").exists()


def test_wrong_usage_exits_2() -> None:
    assert Run("frobnicate").code == 2
    assert Run("move", "M-1").code == 2
    assert Run("export", "--format", "xml").code == 2


def test_add_prints_the_id_and_stores_every_field(store: Path) -> None:
    new_id = _add(
        "--stage",
        "ready",
        "--score",
        "value=4",
        "--score",
        "feasibility=3",
        "--score",
        "effort=2",
        "--owner",
        "anna",
        "--tag",
        "retention",
        "--tag",
        "b2c",
        "--description",
        "Predicts churn",
        "--benefit",
        "Keeps customers",
        "--resources",
        "2 people",
        "--kind",
        "revision",
    )
    assert new_id == "M-1"
    item = tomllib.loads(store.read_text())["items"]["M-1"]
    assert item["stage"] == "ready" and item["kind"] == "revision"
    assert item["scores"] == {"value": 4, "feasibility": 3, "effort": 2}
    assert item["tags"] == ["retention", "b2c"]
    assert item["created"] == NOW and item["history"][0]["by"] == "tester"
    assert _add(title="second") == "M-2"


def test_text_reads_back_as_typed_minus_control_characters(store: Path) -> None:
    title = "[bold red]Fraud[/] ✓ [@click=app.quit]x[/] \x1b]0;pwned\x07 日本語 " + "w" * 500
    new_id = _add(title=title)
    stored = tomllib.loads(store.read_text())["items"][new_id]["title"]
    assert stored == title.replace("\x1b", "").replace("\x07", "")
    shown = Run("show", new_id, "--json").json()
    assert isinstance(shown, dict) and shown["title"] == stored
    assert "\x1b" not in Run("list").out


def test_multiline_text_from_stdin(store: Path) -> None:
    new_id = _add("--description", "-")
    assert new_id == "M-1"
    run = Run("edit", "M-1", "--description", "-", stdin='line 1\r\nline """2"""\n')
    assert run.code == 0
    item = tomllib.loads(store.read_text())["items"]["M-1"]
    assert item["description"] == 'line 1\nline """2"""\n'


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "two\nlines"], "one line"),
        (["add", "x", "--score", "value=7"], "outside 1-5"),
        (["add", "x", "--score", "value=high"], "whole number"),
        (["add", "x", "--score", "speed=3"], "criteria are: value, feasibility, effort"),
        (["add", "x", "--stage", "nowhere"], "stages are: proposed, ready"),
        (["add", "x", "--kind", "magic"], "kinds are: new, revision, deployment"),
        (["add", "   "], "title"),
        (["move", "M-9", "ready"], "no item 'M-9'; items are: M-1"),
        (["move", "M-1", "nowhere"], "stages are"),
        (["show", "M-9"], "items are: M-1"),
        (["edit", "M-9", "--owner", "x"], "items are: M-1"),
        (["reviewed", "M-9"], "items are: M-1"),
        (["delete", "M-9"], "items are: M-1"),
        (["list", "--stage", "nowhere"], "stages are"),
    ],
)
def test_bad_requests_exit_1_and_write_nothing(store: Path, argv: list[str], message: str) -> None:
    _add()
    before = store.read_bytes()
    run = Run(*argv)
    assert run.code == 1
    assert message in run.err
    assert store.read_bytes() == before


def test_edit_with_nothing_to_change_is_wrong_usage(store: Path) -> None:
    _add()
    assert Run("edit", "M-1").code == 2


def test_move_reviewed_edit_delete(store: Path) -> None:
    _add()
    _add(title="other")
    assert Run("move", "M-1", "building").code == 0
    assert Run("move", "M-1", "building").err.endswith("already\n")
    assert Run("reviewed", "M-1").code == 0
    assert Run("edit", "M-1", "--title", "Churn v3", "--score", "value=").code == 0
    assert Run("delete", "M-2").code == 0
    data = tomllib.loads(store.read_text())
    item = data["items"]["M-1"]
    assert (item["stage"], item["title"], item["reviewed"]) == ("building", "Churn v3", NOW)
    assert [h["change"] for h in item["history"]] == [
        "created in proposed",
        "stage: proposed -> building",
        "reviewed",
        "title: Churn prediction v2 -> Churn v3",
    ]
    assert "M-2" not in data["items"] and data["deleted"][0]["id"] == "M-2"
    assert _add(title="third") == "M-3"  # a deleted id is never given out again


def test_list_json_has_the_contract_fields(store: Path) -> None:
    _add("--score", "value=5", "--score", "feasibility=5", "--score", "effort=1")
    _add("--stage", "ready", title="unscored")
    listing = Run("list", "--json").json()
    assert isinstance(listing, list) and [i["id"] for i in listing] == ["M-1", "M-2"]
    first = listing[0]
    for key in (
        "id",
        "title",
        "stage",
        "kind",
        "owner",
        "tags",
        "scores",
        "priority",
        "created",
        "updated",
        "reviewed",
        "stale",
        "incomplete",
        "missing",
    ):
        assert key in first
    assert first["priority"] == 100.0 and listing[1]["priority"] is None
    assert first["created"] == "2026-11-24T12:00:00Z" and first["reviewed"] is None
    assert first["missing"] == ["description", "benefit", "resources"]
    ready = Run("list", "--stage", "ready", "--json").json()
    assert isinstance(ready, list) and [i["id"] for i in ready] == ["M-2"]


def test_list_stale_and_review_queue_agree(store: Path) -> None:
    text = store.read_text() + (
        '\n[items.M-1]\ntitle = "old"\nstage = "ready"\ncreated = 2026-10-01T00:00:00Z\n'
        '\n[items.M-2]\ntitle = "new"\nstage = "ready"\ncreated = 2026-11-23T00:00:00Z\n'
        '\n[items.M-3]\ntitle = "retired"\nstage = "retired"\ncreated = 2020-01-01T00:00:00Z\n'
    )
    store.write_text(text)
    stale = Run("list", "--stale", "--json").json()
    queue = Run("review", "--list", "--json").json()
    assert isinstance(stale, list) and [i["id"] for i in stale] == ["M-1"]
    assert queue == stale
    everything = Run("review", "--list", "--json", "--include", "incomplete,unscored").json()
    assert isinstance(everything, list) and [i["id"] for i in everything] == ["M-1", "M-2"]
    assert Run("review", "--list", "--include", "bogus").code == 2


def test_show_prints_the_template_and_history(store: Path) -> None:
    _add("--description", "What it predicts")
    page = Run("show", "M-1").out
    assert "What it predicts" in page and "benefit:\n  (blank)" in page
    assert "created in proposed" in page


def test_export_formats(store: Path) -> None:
    _add("--score", "value=3", "--tag", "a", "--tag", "b", "--description", "x\ny")
    exported = Run("export", "--format", "json").json()
    assert isinstance(exported, dict) and exported["items"][0]["description"] == "x\ny"
    csv_text = Run("export", "--format", "csv").out
    assert csv_text.splitlines()[0].startswith("id,title,stage,kind,owner,tags,goals,score.value")
    assert "a;b" in csv_text
    assert "## proposed (1)" in Run("export", "--format", "md").out


def test_check_reports_problems_with_exit_1(store: Path) -> None:
    assert Run("check").code == 0
    store.write_text(store.read_text() + '\n[items.M-1]\ntitle = "x"\nstage = "limbo"\n')
    run = Run("check")
    assert run.code == 1 and "M-1.stage" in run.out


def test_unparseable_store_exits_3_naming_line_and_column(store: Path) -> None:
    store.write_text("version = 1\n[board\n")
    for argv in (["list"], ["add", "x"], ["check"]):
        run = Run(*argv)
        assert run.code == 3 and f"{store}:2:" in run.err
    assert store.read_text() == "version = 1\n[board\n"


def test_conflict_exits_4(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _add(title="a")
    from modelboard.core import store as store_module

    real_open = store_module.Store.open

    def open_then_teammate_edits(
        path: Path, cached: bool = False, build: bool = True
    ) -> store_module.Store:
        opened = real_open(path, cached, build)
        path.write_text(path.read_text().replace('kind = "new"', 'kind = "new"\nowner = "bea"'))
        return opened

    monkeypatch.setattr(store_module.Store, "open", open_then_teammate_edits)
    run = Run("edit", "M-1", "--owner", "carl")
    assert run.code == 4 and "on disk 'bea', here 'carl'" in run.err
    assert 'owner = "bea"' in store.read_text() and "carl" not in store.read_text()


def test_path_explains_the_rule(store: Path, tmp_path: Path) -> None:
    run = Run("path")
    assert run.out.strip() == str(store) and "MODELBOARD_FILE" in run.err
    given = Run("--file", str(tmp_path / "x.toml"), "path")
    assert given.out.strip() == str(tmp_path / "x.toml") and "--file" in given.err
    after = Run("path", "--file", str(tmp_path / "y.toml"))
    assert after.out.strip() == str(tmp_path / "y.toml")


def test_default_store_is_created_on_first_use() -> None:
    assert Run("path").err.endswith("(created on first use)\n")
    run = Run("list")
    assert run.code == 0 and "created a new backlog" in run.err
    default = data_directory() / "backlog.toml"
    assert tomllib.loads(default.read_text())["version"] == 1
    assert default.parent.stat().st_mode & 0o077 == 0


def test_init_writes_commented_defaults_and_never_overwrites(tmp_path: Path) -> None:
    run = Run("init")
    created = Path(run.out.strip())
    assert run.code == 0 and created == Path.cwd() / "backlog.toml"
    assert "# " in created.read_text() and "review_days = 14" in created.read_text()
    assert Run("init").code == 1
    assert Run("path").out.strip() == str(created)  # found by walking up
    missing = Run("--file", str(tmp_path / "none.toml"), "list")
    assert missing.code == 3 and "modelboard init" in missing.err


def test_python_dash_m_runs_the_same_command(store: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    result = subprocess.run(
        [sys.executable, "-m", "modelboard", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_commands_on_a_handwritten_store_touch_only_what_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "team.toml"
    path.write_bytes((Path(__file__).parent / "fixtures" / "handwritten.toml").read_bytes())
    monkeypatch.setenv("MODELBOARD_FILE", str(path))
    before = path.read_bytes()
    for argv in (["list"], ["show", "M-1"], ["check"], ["move", "M-2", "proposed"], ["export"]):
        assert Run(*argv).code == 0
    assert path.read_bytes() == before
    assert Run("edit", "M-2", "--owner", "dora").code == 0
    old, new = before.decode().splitlines(), path.read_text().splitlines()
    start = old.index("[items.M-2]")
    assert new[:start] == old[:start]
    assert new[-6:] == old[-6:]  # M-3 below it, untouched


def test_show_says_when_scores_have_not_changed_for_three_review_cycles(store: Path) -> None:
    text = store.read_text() + (
        '\n[items.M-1]\ntitle = "old"\nstage = "ready"\ncreated = 2026-06-01T00:00:00Z\n'
        "scores = { value = 3, feasibility = 3, effort = 3 }\n"
    )
    store.write_text(text)
    assert "scores    unchanged for 176 days" in Run("show", "M-1").out
    assert Run("edit", "M-1", "--score", "value=4").code == 0
    assert "unchanged for" not in Run("show", "M-1").out


def test_status_says_what_is_due(store: Path) -> None:
    run = Run("status")
    assert run.code == 0 and "review due today" in run.out and "none recorded" in run.out
    data = Run("status", "--json").json()
    assert isinstance(data, dict) and data["last_review"] is None
    assert Run("report", "--record", "--to", "steering").code == 0
    assert "update due in 14 days" in Run("status").out


def _subcommands(parser: object) -> dict[str, object]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def _helps(parser: object) -> list[str]:
    """The help of a parser and of every action under it (goal add, session vote, ...)."""
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    found = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _helps(sub)
    return found


def test_a_command_parsed_alone_reads_exactly_as_with_all_the_others() -> None:
    """A command's process builds only its own parser (a tenth of the start of a command);
    what it accepts and says must not differ from the whole command line's."""
    from modelboard.cli import SELF_CONTAINED, build_parser

    whole = _subcommands(build_parser())
    assert set(whole) - SELF_CONTAINED == {"help", "completion"}
    for name in sorted(SELF_CONTAINED):
        alone = _subcommands(build_parser(only=name))
        assert list(alone) == [name]
        assert _helps(alone[name]) == _helps(whole[name])


def test_the_words_before_a_command_decide_which_parser_is_built() -> None:
    from modelboard.cli import _command_run

    assert _command_run(["edit", "M-1", "--owner", "x"]) == "edit"
    assert _command_run(["--file", "list", "show", "M-1"]) == "show"  # a store named "list"
    assert _command_run(["--file=b.toml", "move", "M-1", "ready"]) == "move"
    assert _command_run(["help", "edit"]) is None  # help reads every command
    assert _command_run(["--version"]) is None
    assert _command_run(["eidt", "M-1"]) is None  # the suggestion needs every name
    assert _command_run([]) is None
