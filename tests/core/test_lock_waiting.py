"""Waiting for the lock: a queue of saves is progress, only a stuck holder is given up on,
and a wait of over a second is said."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from modelboard.core import atomic
from modelboard.core.errors import LockTimeoutError


def hold_in_turns(target: Path, turns: int, seconds: float, started: threading.Event) -> None:
    """Several saves one after the other, each holding the lock a while (as a queue does)."""
    for turn in range(turns):
        with atomic.locked(target, timeout=30):
            if turn == 0:
                started.set()
            time.sleep(seconds)


def test_a_queue_of_saves_longer_than_the_timeout_is_waited_for(store_file: Path) -> None:
    started = threading.Event()
    holder = threading.Thread(target=hold_in_turns, args=(store_file, 5, 0.3, started))
    holder.start()
    started.wait(5)
    told: list[str] = []
    begun = time.monotonic()
    try:
        with atomic.locked(store_file, timeout=0.5, on_wait=told.append):
            waited = time.monotonic() - begun
    finally:
        holder.join()
    assert waited > 0.5  # longer than the timeout, and no give-up: each holder made progress
    if waited > atomic.TELL_AFTER_SECONDS:
        assert told and "@" in told[0] and "pid" in told[0] and "\n" not in told[0]


def test_one_holder_that_does_not_let_go_is_given_up_on_by_name(store_file: Path) -> None:
    started = threading.Event()
    holder = threading.Thread(target=hold_in_turns, args=(store_file, 1, 1.5, started))
    holder.start()
    started.wait(5)
    told: list[str] = []
    try:
        with (
            pytest.raises(LockTimeoutError, match=r"tester@.* pid \d+, which has held it"),
            atomic.locked(store_file, timeout=1.2, on_wait=told.append),
        ):
            pass
    finally:
        holder.join()
    assert told == [told[0]] and told[0].startswith("tester@")  # said once, by name
