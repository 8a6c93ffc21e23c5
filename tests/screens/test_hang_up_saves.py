"""A hang-up while a save is still running loses nothing that was shown: the process
finishes writing every change it showed, then ends (a real process, a real SIGHUP)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tests.screens.test_saving_in_background import held
from tests.screens.test_signals import _read_until

ROOT = Path(__file__).parent.parent.parent


def test_a_hang_up_during_a_save_still_writes_it(board_file: Path) -> None:
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT / "tui")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelboard", "--file", str(board_file)],
        stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True,
    )  # fmt: skip
    os.close(secondary)
    try:
        assert b"sort: priority" in _read_until(primary, b"sort: priority", 20)
        with held(board_file) as release:
            os.write(primary, b"L")
            _read_until(primary, b"never", 0.5)  # the move is shown; its save waits
            proc.send_signal(signal.SIGHUP)
            _read_until(primary, b"never", 1.5)
            assert proc.poll() is None  # still writing what it showed
            release.set()
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            _read_until(primary, b"never", 0.2)
        assert proc.wait(timeout=1) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
    items = tomllib.loads(board_file.read_text())["items"]
    assert items["M-1"]["stage"] == "ready"
