"""The built wheel holds the `modelboard` package and nothing else at the top level: the name
`tui` belongs to another distribution on the package index, and sharing it breaks installs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_installs_only_modelboard(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("modelboard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    release = "-".join(wheel.name.split("-")[:2])
    assert tops == {"modelboard", f"{release}.dist-info", f"{release}.data"}
    # the .data folder installs beside the venv's bin/, where `man` looks; nothing importable
    assert {n for n in names if n.startswith(f"{release}.data/")} == {
        f"{release}.data/data/share/man/man1/modelboard.1"
    }
    assert "modelboard/data/demo.toml" in names
    assert "modelboard/styles/board.tcss" in names


def test_the_module_runs_as_the_command() -> None:
    from modelboard import __version__

    result = subprocess.run(
        [sys.executable, "-m", "modelboard", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"modelboard {__version__}"


def test_users_get_ranges_and_ci_gets_exact_versions() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    for requirement in [*project["dependencies"], *extras["web"], *extras["test"]]:
        versions = requirement.partition(";")[0]  # a marker may compare with ==
        assert "==" not in versions, requirement  # an exact pin belongs to the constraints
        if not requirement.startswith("modelboard["):
            assert "<" in versions, f"{requirement}: bound it, or a new major breaks CI"
    pins = [
        line
        for line in (ROOT / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert all(line.count("==") == 1 for line in pins)
    assert {line.split("==")[0].lower() for line in pins} >= {"textual", "ruff", "mypy", "pytest"}
    assert "Operating System :: POSIX" in project["classifiers"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-e '.[test]' -c .ci/constraints.txt" in ci
    assert "-e '.[test]' -c .ci/constraints.txt" in (ROOT / "README.md").read_text("utf-8")
