"""Editing one text field in the person's own editor ($VISUAL, then $EDITOR, then vi).

The command is split with shlex and run without a shell; the text goes through a private
temporary file, never named after anything a teammate typed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from modelboard.core.locations import private_directory, state_directory

Launcher = Callable[[list[str]], int]
"""Runs an editor command (with the file as its last argument) and returns its exit code."""


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """The editor to run, as an argument list."""
    environ = os.environ if environ is None else environ
    raw = environ.get("VISUAL") or environ.get("EDITOR") or "vi"
    return shlex.split(raw)


def edit_text(text: str, launch: Launcher, environ: Mapping[str, str] | None = None) -> str | None:
    """The text after the person edited it, or None when they gave up (the editor failed,
    or the file came back unchanged)."""
    folder = private_directory(state_directory() / "edit")
    fd, name = tempfile.mkstemp(prefix="modelboard-", suffix=".md", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if launch([*editor_command(environ), str(path)]) != 0:
            return None
        edited = path.read_text(encoding="utf-8", errors="replace")
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
    return None if edited == text else edited.rstrip("\n")


def run_in_terminal(argv: list[str]) -> int:
    """The real launcher: the editor takes over the terminal until it exits."""
    try:
        return subprocess.run(argv, check=False).returncode
    except OSError:
        return 127
