"""`modelboard git-setup`: teach a git repository to merge the store by item and field.

It adds the store to `.gitattributes` with `merge=modelboard`, its lock files to `.gitignore`
(never a line twice), and the driver to the repository's own git config.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from modelboard.core.errors import OperationError

DRIVER = "modelboard merge %O %A %B"
DRIVER_NAME = "modelboard: backlog items merged field by field"


def work_tree(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, or None (not in one, or no git)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    top = result.stdout.strip()
    return Path(top) if result.returncode == 0 and top else None


def configure(store: Path, cwd: Path) -> list[str]:
    """Set the repository up for the store; return one line per thing done (or found done)."""
    top = work_tree(cwd)
    if top is None:
        raise OperationError(
            f"{cwd} is not in a git work tree; run git-setup inside the repository of the store"
        )
    try:
        pattern = Path(store).resolve().relative_to(top.resolve()).as_posix()
        done = []
    except ValueError:
        pattern = store.name
        done = [f"note: {store} is not in this repository; set up for files named {pattern}"]
    done.append(_add_line(top / ".gitattributes", f"{pattern} merge=modelboard"))
    for name in (f"{pattern}.lock", f"{pattern}.lock.held"):
        done.append(_add_line(top / ".gitignore", name))
    for key, value in (("merge.modelboard.name", DRIVER_NAME), ("merge.modelboard.driver", DRIVER)):
        subprocess.run(["git", "-C", str(top), "config", key, value], check=True)
        done.append(f"git config {key} = {value!r}")
    return done


def _add_line(path: Path, line: str) -> str:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if line in (existing.strip() for existing in text.splitlines()):
        return f"{path.name} has already: {line}"
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return f"{path.name}: added {line}"
