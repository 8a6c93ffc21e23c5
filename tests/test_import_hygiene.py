"""The core and the command line never import Textual or Rich; listings never load tomlkit."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import modelboard.core


def _imported(code: str) -> list[str]:
    tops = "sorted({m.split('.')[0] for m in sys.modules})"
    probe = f"{code}\nimport json, sys\nprint(json.dumps({tops}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_no_core_module_imports_textual_or_rich() -> None:
    modules = [f"modelboard.core.{m.name}" for m in pkgutil.iter_modules(modelboard.core.__path__)]
    assert len(modules) > 15
    loaded = _imported(
        "\n".join(f"import {m}" for m in [*modules, "modelboard.cli", "modelboard.output"])
    )
    assert not {"textual", "rich"} & set(loaded)


def test_a_listing_loads_neither_textual_nor_tomlkit() -> None:
    code = (
        "import io, tempfile, pathlib, contextlib\n"
        "from modelboard.cli import main\n"
        "from modelboard.core.defaults import DEFAULT_STORE\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'b.toml'\n"
        "path.write_text(DEFAULT_STORE)\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--file', str(path), 'list', '--json']) == 0\n"
    )
    assert not {"textual", "rich", "tomlkit"} & set(_imported(code))


def _modules_after(command: str) -> set[str]:
    code = (
        "import io, tempfile, pathlib, contextlib, sys\n"
        "from modelboard.core.defaults import DEFAULT_STORE\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'b.toml'\n"
        "path.write_text(DEFAULT_STORE)\n"
        "before = set(sys.modules)\n"
        "from modelboard.cli import main\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        f"    assert main(['--file', str(path), {command}]) == 0\n"
        "loaded = sorted(set(sys.modules) - before)\n"
        "import json\n"
        "print(json.dumps(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_a_save_from_the_command_line_loads_only_the_save_path() -> None:
    """In a review meeting twenty people's commands share two cores: each loads what its
    own work needs, and nothing of the listings, the board, the shell or the web."""
    loaded = _modules_after("'add', 'a model'")
    assert "modelboard.core.splice" in loaded  # it did save
    unneeded = {
        "modelboard.listing_commands",
        "modelboard.planning_commands",
        "modelboard.session_commands",
        "modelboard.serve",
        "modelboard.output",
        "modelboard.core.export",
        "modelboard.core.review",
        "modelboard.core.report",
        "textual",
        "json",
        "csv",
        "socket",
        "tempfile",
    }
    assert not unneeded & loaded, sorted(unneeded & loaded)
