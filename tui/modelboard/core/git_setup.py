"""`modelboard git-setup`: teach a git repository to merge the store by item and field.

It adds the store to `.gitattributes` with `merge=modelboard`, its lock files to `.gitignore`
(never a line twice), and the driver to the repository's own git config.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
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


def configure(store: Path, cwd: Path, say: Callable[[str], None]) -> None:
    """Set the repository up for the store, saying each thing done (or found done)."""
    top = work_tree(cwd)
    if top is None:
        raise OperationError(
            f"{cwd} is not in a git work tree; run git-setup inside the repository of the store"
        )
    try:
        relative = Path(store).resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        relative = store.name
        say(f"note: {store} is not in this repository; set up for files named {relative}")
    try:
        say(_add_line(top / ".gitattributes", f"{_attributes_pattern(relative)} merge=modelboard"))
        for name in (f"{relative}.lock", f"{relative}.lock.held"):
            say(_add_line(top / ".gitignore", _ignore_pattern(name)))
        for key, value in (
            ("merge.modelboard.name", DRIVER_NAME),
            ("merge.modelboard.driver", DRIVER),
        ):
            subprocess.run(
                ["git", "-C", str(top), "config", key, value], check=True, capture_output=True
            )
            say(f"git config {key} = {value!r}")
    except (OSError, UnicodeDecodeError) as error:
        raise OperationError(f"git-setup stopped: {error}; what it said above was done") from None
    except subprocess.CalledProcessError as error:
        said = error.stderr.decode("utf-8", "replace").strip() if error.stderr else ""
        raise OperationError(f"git config failed: {said or error}; try again") from None


def _glob(relative: str) -> str:
    """A path as a git pattern that matches only itself: wildcards in brackets."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in relative)


def _attributes_pattern(relative: str) -> str:
    """For .gitattributes, where a pattern ends at white space unless C-quoted."""
    pattern = _glob(relative)
    if any(c in pattern for c in ' \t"\\'):
        return '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return pattern


def _ignore_pattern(relative: str) -> str:
    """For .gitignore: a leading `#` or `!` would change the line's meaning."""
    pattern = _glob(relative)
    return "\\" + pattern if pattern[:1] in "#!" else pattern


def _add_line(path: Path, line: str) -> str:
    """Add `line` unless the file has it (spacing aside); the file's line ends are kept."""
    text = ""
    if path.exists():
        with open(path, encoding="utf-8", newline="") as handle:  # line ends as they are
            text = handle.read()
    wanted = " ".join(line.split())
    if wanted in (" ".join(existing.split()) for existing in text.splitlines()):
        return f"{path.name} has already: {line}"
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text + line + newline)
    return f"{path.name}: added {line}"
