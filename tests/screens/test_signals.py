"""A hang-up (a dropped SSH connection) or SIGTERM closes the board cleanly: exit 0, the
terminal's alternate screen left, the file whole."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from modelboard.demo import demo_store_text
from tests.conftest import NOW

ROOT = Path(__file__).parent.parent.parent


def _read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_signal_closes_the_board_cleanly(tmp_path: Path, signum: int) -> None:
    store = tmp_path / "backlog.toml"
    store.write_text(demo_store_text(NOW))
    before = store.read_bytes()
    primary, secondary = pty.openpty()
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "80",
        "LINES": "24",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelboard", "--file", str(store)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    try:
        started = _read_until(primary, b"Acme model backlog", 20)
        assert b"Acme model backlog" in started, started[-300:]
        proc.send_signal(signum)
        rest = b""
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            rest += _read_until(primary, b"never", 0.2)  # keep reading, as a terminal does
        assert proc.wait(timeout=1) == 0
        assert b"\x1b[?1049l" in rest  # back from the alternate screen
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
    assert store.read_bytes() == before
    tomllib.loads(store.read_text())
