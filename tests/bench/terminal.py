"""A real pseudo-terminal for the benchmarks: start a Textual app in it, answer its
synchronized-output query (DECRQM mode 2026) so every frame it draws arrives between
begin/end markers, and time frames and keys the way a person sees them.

`pilot.press` costs about 43 ms per key on a bare app, and headless apps draw nothing, so
neither can time a first paint or a key; this can.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # supported, currently reset
FRAME_BEGIN = b"\x1b[?2026h"
FRAME_END = b"\x1b[?2026l"
COLUMNS, LINES = 120, 40


@dataclass
class Frame:
    """One synchronized update: when its end marker arrived, and what it drew."""

    at: float
    data: bytes


@dataclass
class Terminal:
    """A process under a pty; frames are collected by a reader thread."""

    pid: int
    fd: int
    started: float
    frames: list[Frame] = field(default_factory=list)
    chunks: list[Frame] = field(default_factory=list)  # all output, as it arrived
    _buffer: bytearray = field(default_factory=bytearray)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: threading.Event = field(default_factory=threading.Event)
    maxrss_kb: int = 0

    @classmethod
    def start(cls, argv: Sequence[str], env: dict[str, str] | None = None) -> Terminal:
        """Start `argv` in a new 120x40 pseudo-terminal."""
        environment = {**os.environ, **(env or {}), "TERM": "xterm-256color"}
        environment.pop("TEXTUAL", None)
        started = time.perf_counter()
        pid, fd = os.forkpty()
        if pid == 0:  # the child: a terminal of a known size, then the app
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            os.execvpe(argv[0], list(argv), environment)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        terminal = cls(pid, fd, started)
        threading.Thread(target=terminal._read, daemon=True).start()
        return terminal

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.5)
                if not ready:
                    continue
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            now = time.perf_counter()
            with self._lock:
                self.chunks.append(Frame(now, chunk))
            pending += chunk
            if SYNC_QUERY in pending:
                os.write(self.fd, SYNC_REPLY)
                pending = pending.replace(SYNC_QUERY, b"")
            while True:
                begin = pending.find(FRAME_BEGIN)
                end = pending.find(FRAME_END, begin + 1 if begin >= 0 else 0)
                if end < 0:
                    break
                with self._lock:
                    self.frames.append(Frame(now, pending[max(begin, 0) : end]))
                pending = pending[end + len(FRAME_END) :]
            if len(pending) > 1 << 24:  # never synchronized: keep memory bounded
                pending = pending[-(1 << 20) :]
        self._done.set()

    def frame_count(self) -> int:
        """How many frames have ended so far."""
        with self._lock:
            return len(self.frames)

    def wait_frame(self, after: int, marker: bytes = b"", timeout: float = 120.0) -> Frame:
        """The first frame past index `after` (that shows `marker`, if given)."""
        deadline = time.perf_counter() + timeout
        index = after
        while time.perf_counter() < deadline:
            with self._lock:
                frames = self.frames[index:]
            for frame in frames:
                index += 1
                if marker in frame.data:
                    return frame
            if after == 0 and marker and time.perf_counter() - self.started > 5:
                unsynced = self._unsynchronized(marker)
                if unsynced is not None:
                    return unsynced
            if self._done.is_set():
                break
            time.sleep(0.001)
        raise TimeoutError(f"no frame showing {marker!r} within {timeout} s")

    def _unsynchronized(self, marker: bytes) -> Frame | None:
        """Under heavy load our answer to the query can come after the first paint, which
        then has no markers: the first paint ends with the output chunk showing `marker`."""
        with self._lock:
            chunks = list(self.chunks)
        seen = b""
        for chunk in chunks:
            seen = seen[-len(marker) :] + chunk.data
            if marker in seen:
                return chunk
        return None

    def settle(self, quiet: float = 0.3, timeout: float = 30.0) -> None:
        """Wait until no frame has come for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        count = self.frame_count()
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.02)
            now_count = self.frame_count()
            if now_count != count:
                count, last = now_count, time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                return

    def key_to_frame(self, key: bytes, marker: bytes = b"") -> float:
        """Seconds from writing `key` to the end of the next frame (showing `marker`)."""
        count = self.frame_count()
        sent = time.perf_counter()
        os.write(self.fd, key)
        return self.wait_frame(count, marker).at - sent

    def send(self, key: bytes) -> None:
        """Write a key without waiting."""
        os.write(self.fd, key)

    def stop(self, grace: float = 5.0) -> int:
        """End the process (SIGTERM, then SIGKILL); returns its peak memory in KiB."""
        with_signal = signal.SIGTERM
        deadline = time.perf_counter() + grace
        while True:
            try:
                os.kill(self.pid, with_signal)
            except ProcessLookupError:
                pass
            while time.perf_counter() < deadline:
                pid, _, usage = os.wait4(self.pid, os.WNOHANG)
                if pid:
                    self.maxrss_kb = usage.ru_maxrss
                    os.close(self.fd)
                    return self.maxrss_kb
                time.sleep(0.01)
            with_signal, deadline = signal.SIGKILL, time.perf_counter() + grace
