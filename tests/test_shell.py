"""How modelboard fits the shell: `help`, "did you mean", completion scripts (tried in a real
bash), and the words they complete from the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modelboard.cli import build_parser
from modelboard.shell import subcommands
from tests.test_cli import Run

COMMANDS = sorted(subcommands(build_parser()))


@pytest.fixture
def store(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MODELBOARD_FILE", str(store_file))
    assert Run("add", "Churn prediction").code == 0
    assert Run("add", "Demand forecast").code == 0
    assert Run("goal", "add", "Keep more customers").code == 0
    return store_file


def test_help_is_the_same_as_dash_dash_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("list", "report", "serve"):
        helped = Run("help", command)
        assert helped.code == 0 and helped.err == ""
        assert Run(command, "--help").code == 0
        assert helped.out == capsys.readouterr().out
        assert helped.out.startswith(f"usage: modelboard {command}")
    everything = Run("help")
    assert everything.code == 0
    assert all(name in everything.out for name in COMMANDS)


def test_a_mistyped_command_suggests_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    assert Run("lst").code == 2
    assert "unknown command 'lst'; did you mean list?" in capsys.readouterr().err
    assert Run("help", "expor").code == 2
    assert "did you mean export?" in capsys.readouterr().err
    assert Run("export", "--format", "jsn").code == 2
    assert "did you mean json?" in capsys.readouterr().err
    assert Run("zzzzzz").code == 2
    assert "did you mean" not in capsys.readouterr().err
    assert Run("list", "--jsn").code == 2
    assert "unrecognized arguments: --jsn; did you mean --json?" in capsys.readouterr().err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_completion_script_names_every_command_and_format(shell: str) -> None:
    run = Run("completion", shell)
    assert run.code == 0, run.err
    for name in [*COMMANDS, "--format", "--since", "jira", "modelboard completion --words ids"]:
        assert name in run.out, name


def test_completion_needs_a_known_shell(capsys: pytest.CaptureFixture[str]) -> None:
    assert Run("completion").code == 2
    assert Run("completion", "tcsh").code == 2
    assert "bash" in capsys.readouterr().err


def test_the_words_come_from_the_store(store: Path) -> None:
    assert Run("completion", "--words", "ids").out.split() == ["M-1", "M-2"]
    stages = Run("completion", "--words", "stages").out.split()
    assert stages == ["proposed", "ready", "building", "deployed", "retired"]
    assert Run("completion", "--words", "goals").out.split() == ["G1"]
    criteria = Run("completion", "--words", "criteria").out.split()
    assert criteria == ["value", "feasibility", "effort"]


def test_no_words_and_no_new_store_without_one(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    run = Run("--file", str(missing), "completion", "--words", "ids")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert not missing.exists()
    broken = tmp_path / "broken.toml"
    broken.write_text("version = [", encoding="utf-8")
    assert Run("--file", str(broken), "completion", "--words", "ids").out == ""


def _on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose `modelboard` (which the scripts run) is this test's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "modelboard"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m modelboard "$@"\n')
    command.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


TRIES = {
    "modelboard li": "list",
    "modelboard export --format ": "json csv md jira",
    "modelboard move ": "M-1 M-2",
    "modelboard move M-1 b": "building",
    "modelboard list --stage re": "ready retired",
    "modelboard help rev": "review reviewed",
    "modelboard goal edit ": "G1",  # a goal's id, not an item's
    "modelboard add Churn --goal ": "G1",
    "modelboard matrix --x ": "value feasibility effort",
}


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash here")
def test_bash_completes_commands_formats_ids_and_stages(store: Path, tmp_path: Path) -> None:
    script = tmp_path / "modelboard.bash"
    script.write_text(Run("completion", "bash").out, encoding="utf-8")
    probe = "\n".join(
        f"COMP_WORDS=({line}{' ' + repr('') if line.endswith(' ') else ''}); "
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _shtab_modelboard; "
        'echo "${COMPREPLY[*]}"'
        for line in TRIES
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", f"source {script}\n{probe}"],
        capture_output=True,
        text=True,
        env=_on_path(tmp_path),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == list(TRIES.values())


@pytest.mark.skipif(shutil.which("fish") is None, reason="no fish here")
def test_fish_completes_commands_formats_ids_and_stages(store: Path, tmp_path: Path) -> None:
    script = tmp_path / "modelboard.fish"
    script.write_text(Run("completion", "fish").out, encoding="utf-8")
    probe = "; ".join(
        f"complete -C {line!r} | cut -f1 | string join ' '" for line in TRIES
    )  # `complete -C` prints what fish offers for a command line, as if tab were pressed
    result = subprocess.run(
        ["fish", "--no-config", "-c", f"source {script}; {probe}"],
        capture_output=True,
        text=True,
        env=_on_path(tmp_path),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == list(TRIES.values())
