"""A hang-up (a dropped SSH connection) or SIGTERM closes the board cleanly: exit 0, the
terminal's alternate screen left, the file whole."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
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


def _board_in_a_session(store: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The board in a new session whose controlling terminal is a fresh pseudo-terminal, the
    way tmux or sshd starts it: closing the terminal sends the session SIGHUP."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def own_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelboard", "--file", str(store)],
        stdin=secondary, stdout=secondary, stderr=secondary, env=env,
        preexec_fn=own_terminal,
    )  # fmt: skip
    os.close(secondary)
    return proc, primary


def test_closing_the_terminal_at_any_moment_ends_the_process(tmp_path: Path) -> None:
    """20 hang-ups from 0 to 1 s after start (most where start-up and first paint happen):
    every process is gone within a second and a half, and the file is whole."""
    store = tmp_path / "backlog.toml"
    store.write_text(demo_store_text(NOW))
    before = store.read_bytes()
    delays = [0.0, 0.05, 0.1, 0.15, 0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.32, 0.35, 0.38,
              0.42, 0.46, 0.5, 0.6, 0.8, 1.0]  # fmt: skip
    survivors = []
    for delay in delays:
        proc, primary = _board_in_a_session(store)
        _read_until(primary, b"never", delay)  # a terminal reads what the board draws
        os.close(primary)  # the terminal goes away: tmux kill-session, a dropped SSH link
        try:
            proc.wait(timeout=1.5)
        except subprocess.TimeoutExpired:
            survivors.append(delay)
            proc.kill()
            proc.wait()
    assert survivors == []
    assert store.read_bytes() == before


def test_a_terminal_gone_without_a_hang_up_still_ends_the_board(tmp_path: Path) -> None:
    """Started through `su` or `runuser`, the board is not told when its terminal closes (the
    wrapper keeps the SIGHUP): it notices the terminal is gone and leaves, instead of spinning
    on an endless end of input."""
    store = tmp_path / "backlog.toml"
    store.write_text(demo_store_text(NOW))
    before = store.read_bytes()
    primary, secondary = pty.openpty()  # not the board's controlling terminal: no SIGHUP
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelboard", "--file", str(store)],
        stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True,
    )  # fmt: skip
    os.close(secondary)
    try:
        assert b"Acme model backlog" in _read_until(primary, b"Acme model backlog", 20)
        os.close(primary)  # the terminal window closes
        primary = -1
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        if primary >= 0:
            os.close(primary)
    assert store.read_bytes() == before
