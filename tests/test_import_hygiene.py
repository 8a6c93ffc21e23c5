"""The core and the command line never import Textual or Rich: listings must start fast."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_cli_import_no_textual() -> None:
    code = (
        "import sys, tui.cli, tui.core.store, tui.core.splice, tui.core.export;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tomlkit')];"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
