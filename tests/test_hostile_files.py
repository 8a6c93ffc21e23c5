"""Files that parse but hold nonsense, and hostile text: a message, never a traceback, and
nothing that reaches the terminal as a control sequence. Each case found by a tester."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from modelboard.cli import main
from modelboard.core.defaults import DEFAULT_STORE
from tests.conftest import NOW
from tests.test_cli import Run

ITEM = '\n[items.M-1]\ntitle = "Churn"\nstage = "proposed"\ncreated = 2026-11-01T09:00:00Z\n'
READERS = [
    ["list"], ["list", "--json"], ["show", "M-1"], ["export"], ["export", "--format", "csv"],
    ["export", "--format", "md"], ["report"], ["review", "--list"], ["check"],
]  # fmt: skip
WRITERS = [
    ["add", "x"], ["move", "M-1", "ready"], ["edit", "M-1", "--owner", "o"], ["reviewed", "M-1"],
    ["delete", "M-1"],
]  # fmt: skip


def store_with(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def every_command(path: Path) -> list[int]:
    """Run every command on the file; exceptions would escape and fail the test."""
    codes = []
    for argv in READERS + WRITERS:
        before = path.read_bytes()
        out, err = io.StringIO(), io.StringIO()
        code = main(["--file", str(path), *argv], now=NOW, stdout=out, stderr=err)
        assert code in (0, 1, 2, 3, 4), (argv, code)
        assert "Traceback" not in err.getvalue()
        if argv in READERS or code != 0:
            assert path.read_bytes() == before, argv
        codes.append(code)
    return codes


@pytest.mark.parametrize(
    "text",
    [
        DEFAULT_STORE + "deep = " + "[" * 600 + "]" * 600 + "\n" + ITEM,
        DEFAULT_STORE.replace("version = 1", "version = 1\ndeleted = 5") + ITEM,
        DEFAULT_STORE.replace("version = 1", 'version = 1\nitems = "x"'),
        DEFAULT_STORE.replace("review_days = 14", "review_days = 99999999999999") + ITEM,
        DEFAULT_STORE + ITEM.replace("M-1", "M-" + "9" * 5000),
        DEFAULT_STORE.replace("weight = 3", "weight = inf") + ITEM,
        DEFAULT_STORE.replace("weight = 3", "weight = 1e400") + ITEM,
        DEFAULT_STORE + ITEM.replace("2026-11-01T09:00:00Z", "0001-01-01T00:00:00+05:00"),
    ],
    ids=["deep", "deleted-5", "items-x", "huge-days", "huge-id", "inf", "1e400", "year-1"],
)
def test_odd_values_give_messages_not_tracebacks(tmp_path: Path, text: str) -> None:
    every_command(store_with(tmp_path, text))


@pytest.mark.parametrize("version", ["true", "1.0", '"1"'])
def test_only_the_integer_1_is_version_1(tmp_path: Path, version: str) -> None:
    path = store_with(tmp_path, DEFAULT_STORE.replace("version = 1", f"version = {version}"))
    run = Run("--file", str(path), "list")
    assert run.code == 3 and "format version" in run.err


def test_structural_nonsense_is_refused_when_saving_with_exit_3(tmp_path: Path) -> None:
    path = store_with(tmp_path, DEFAULT_STORE.replace("version = 1", "version = 1\ndeleted = 5"))
    run = Run("--file", str(path), "add", "x")
    assert run.code == 3 and "'deleted' must be an array" in run.err
    assert "'deleted' must be an array" in Run("--file", str(path), "check").out


def test_a_huge_id_is_a_problem_check_names(tmp_path: Path) -> None:
    path = store_with(tmp_path, DEFAULT_STORE + ITEM.replace("M-1", "M-" + "9" * 5000))
    run = Run("--file", str(path), "check")
    assert run.code == 1 and "not an id" in run.out
    assert Run("--file", str(path), "add", "x").code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "x", "--score", "value=３"], "not a whole number"),
        (["report", "--since", "9999999d"], "at most"),
    ],
)
def test_odd_arguments_are_refused(store_file: Path, argv: list[str], message: str) -> None:
    run = Run("--file", str(store_file), *argv)
    assert run.code in (1, 2) and message in run.err


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"title": "x", "scores": [1, 2]}, "scores: must be an object"),
        ({"title": "x", "scores": "high"}, "scores: must be an object"),
        ({"id": "../x", "title": "x"}, "is not an id"),
        ({"id": "M-1]\n[evil", "title": "x"}, "is not an id"),
        ({"id": "M-" + "9" * 5000, "title": "x"}, "is not an id"),
        ({"id": 7, "title": "x"}, "is not an id"),
    ],
)
def test_import_names_bad_rows_and_imports_nothing(
    store_file: Path, tmp_path: Path, row: dict[str, object], message: str
) -> None:
    source = tmp_path / "rows.json"
    source.write_text(json.dumps([{"title": "fine"}, row]))
    before = store_file.read_bytes()
    run = Run("--file", str(store_file), "import", str(source))
    assert run.code == 1 and "item 2" in run.err and message in run.err
    assert store_file.read_bytes() == before


def test_deeply_nested_json_is_refused(store_file: Path, tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 100_000 + "]" * 100_000)
    run = Run("--file", str(store_file), "import", str(source))
    assert run.code == 1 and "nested" in run.err


HOSTILE = """
[items."M-11"]
title = "Title \\u001b]0;PWNED\\u0007 \\u001b[2J here"
stage = "\\u001b[31mevil"
description = "clipboard \\u001b]52;c;ZXZpbA==\\u0007 and \\u202eoverride"
owner = "=HYPERLINK(\\"http://x\\")"
created = 2026-11-01T09:00:00Z
"""


@pytest.mark.parametrize(
    "argv",
    [["list"], ["show", "M-11"], ["review", "--list"], ["export", "--format", "md"],
     ["export", "--format", "csv"], ["report"], ["check"], ["list", "--json"]],
)  # fmt: skip
def test_no_control_sequence_from_the_file_reaches_the_terminal(
    tmp_path: Path, argv: list[str]
) -> None:
    path = store_with(tmp_path, DEFAULT_STORE + HOSTILE)
    run = Run("--file", str(path), *argv)
    assert run.code in (0, 1)  # check: 1 lists the problems
    for text in (run.out, run.err):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_csv_cells_are_never_formulas_and_import_takes_the_quote_off(
    tmp_path: Path, store_file: Path
) -> None:
    for owner in ("=1+1", "+cmd", "-x", "@SUM(A1)", "'quoted"):
        assert Run("--file", str(store_file), "add", f"t {owner}", f"--owner={owner}").code == 0
    exported = Run("--file", str(store_file), "export", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert all(row["owner"].startswith("'") for row in rows)
    (tmp_path / "back.csv").write_text(exported)
    run = Run("--file", str(store_file), "import", str(tmp_path / "back.csv"), "--dry-run")
    assert run.code == 0 and run.out == ""  # an export imported again changes nothing


def test_markdown_means_only_the_text(store_file: Path) -> None:
    title = "~~gone~~ &amp; see https://example.org: *now*"
    assert (
        Run("--file", str(store_file), "add", title, "--description", "# not a heading").code == 0
    )
    exported = Run("--file", str(store_file), "export", "--format", "md").out
    assert r"\~\~gone\~\~ \&amp; see <https://example.org>: \*now\*" in exported
    assert r"\# not a heading" in exported


def test_an_item_in_a_stage_the_board_does_not_list_is_shown_and_flagged(tmp_path: Path) -> None:
    path = store_with(tmp_path, DEFAULT_STORE + ITEM.replace('"proposed"', '"redy"'))
    listed = Run("--file", str(path), "list").out
    assert "M-1" in listed and "stage?" in listed
    assert "M-1" in Run("--file", str(path), "export", "--format", "md").out


def test_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    """Found by an adversarial test: an editor that saved with a BOM got "Invalid statement"."""
    path = store_with(tmp_path, "\ufeff" + DEFAULT_STORE)
    run = Run("--file", str(path), "add", "x")
    assert run.code == 3 and "byte-order mark" in run.err and ":1:1:" in run.err
    assert path.read_text(encoding="utf-8").startswith("\ufeff")


def test_items_written_as_dotted_keys_that_cannot_be_changed_say_how_to_fix_it(
    tmp_path: Path,
) -> None:
    """Found by an adversarial test: the refusal named no way out."""
    text = (
        'version = 1\nitems.M-1.title = "a"\nitems.M-1.stage = "proposed"\n'
        '[items.M-2]\ntitle = "b"\n'
    )
    path = store_with(tmp_path, text)
    run = Run("--file", str(path), "add", "new")
    assert run.code == 1 and "[items.ID] table" in run.err
    assert path.read_text(encoding="utf-8") == text
