"""Saving a store that a team shares: every member can lock it, nothing written by an editor
or git during a save is lost, and the small holes stay closed."""

from __future__ import annotations

import errno
import fcntl
import io
import os
import socket
import stat
import time
import tomllib
from pathlib import Path

import pytest

from modelboard.cli import main
from modelboard.core import atomic, operations
from modelboard.core.actor import Actor
from modelboard.core.atomic import lock_path
from modelboard.core.backups import backups
from modelboard.core.defaults import DEFAULT_STORE
from modelboard.core.errors import LockTimeoutError, SaveError
from modelboard.core.store import Store
from tests.conftest import NOW, UNGATED_STORE
from tests.shared.users import ALICE, BOB, IS_ROOT, TEAM_GID, run_as, team_folder

ACTOR = Actor("tester", NOW)


def add(path: Path, title: str) -> int:
    return main(["--file", str(path), "add", title], now=NOW, stdout=io.StringIO(),
                stderr=io.StringIO())  # fmt: skip


@pytest.mark.skipif(not IS_ROOT, reason="needs root to act as two users; see the mode test")
def test_two_members_of_the_group_save_one_after_the_other(tmp_path: Path) -> None:
    with team_folder() as folder:
        store = folder / "backlog.toml"
        store.write_text(DEFAULT_STORE)
        os.chown(store, ALICE, TEAM_GID)
        os.chmod(store, 0o664)
        assert run_as(ALICE, lambda: add(store, "From alice"), folder / "alice") == 0
        lock = lock_path(store)
        assert stat.S_IMODE(lock.stat().st_mode) == 0o664 and lock.stat().st_gid == TEAM_GID
        assert run_as(BOB, lambda: add(store, "From bob"), folder / "bob") == 0
        assert run_as(ALICE, lambda: add(store, "Alice again"), folder / "alice") == 0
        titles = [i.title for i in Store.open(store).backlog.items.values()]
        assert titles == ["From alice", "From bob", "Alice again"]


@pytest.mark.skipif(not IS_ROOT, reason="needs root to act as another user")
def test_a_store_the_user_may_not_write_is_refused(tmp_path: Path) -> None:
    with team_folder() as folder:
        store = folder / "backlog.toml"
        store.write_text(DEFAULT_STORE)
        os.chmod(store, 0o644)  # root's; bob may write the folder, not the file
        before = store.read_bytes()
        assert run_as(BOB, lambda: add(store, "Sneaky"), folder / "bob") == 1
        assert store.read_bytes() == before


def test_a_new_lock_file_gets_the_store_mode_whatever_the_umask(store_file: Path) -> None:
    os.chmod(store_file, 0o664)
    old = os.umask(0o022)
    try:
        Store.open(store_file).save(operations.add_item(Store.open(store_file).backlog,
                                                        {"title": "x"}, ACTOR))  # fmt: skip
    finally:
        os.umask(old)
    assert stat.S_IMODE(lock_path(store_file).stat().st_mode) == 0o664


def test_a_lock_file_that_is_not_writable_is_still_locked(store_file: Path) -> None:
    lock = lock_path(store_file)
    lock.write_text("")
    lock.chmod(0o444)
    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "x"}, ACTOR))
    assert "M-1" in Store.open(store_file).backlog.items


def test_read_only_stores_are_refused_by_the_store(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(store_file)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(SaveError, match="read-only"):
        store.save(operations.add_item(store.backlog, {"title": "x"}, ACTOR))


def test_a_hand_edit_during_a_save_is_merged_not_overwritten(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "Mine"}, ACTOR))
    original_still = Store._still
    edits: list[str] = []

    def editor_writes_first(self: Store, raw: bytes, info: os.stat_result) -> bool:
        if not edits:  # between the splice and the rename, an editor saves the file
            text = store_file.read_text() + '\n[items.M-7]\ntitle = "By hand"\nstage = "ready"\n'
            store_file.write_text(text)
            edits.append(text)
        return original_still(self, raw, info)

    monkeypatch.setattr(Store, "_still", editor_writes_first)
    applied = store.save(operations.edit_item(store.backlog, "M-1", {"owner": "anna"}, ACTOR))
    assert applied.steps
    items = Store.open(store_file).backlog.items
    assert items["M-7"].title == "By hand" and items["M-1"].owner == "anna"


def test_a_file_that_keeps_changing_is_not_written(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(store_file)
    monkeypatch.setattr(Store, "_still", lambda self, raw, info: False)
    with pytest.raises(SaveError, match="kept changing"):
        store.save(operations.add_item(store.backlog, {"title": "x"}, ACTOR))
    assert store_file.read_text() == UNGATED_STORE


def _no_flock(fd: int, operation: int) -> None:
    raise OSError(errno.ENOLCK, "No locks available")


def test_without_flock_an_exclusive_lock_file_stands_in(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fcntl, "flock", _no_flock)
    held = store_file.with_name(store_file.name + ".lock.held")
    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "x"}, ACTOR))
    assert not held.exists()
    held.write_text(f"someone@{socket.gethostname()} pid {os.getpid()}\n")  # alive: us
    with pytest.raises(LockTimeoutError, match="someone@"), atomic.locked(store_file, 0.1):
        pass
    held.write_text(f"someone@{socket.gethostname()} pid 999999999\n")  # gone
    with atomic.locked(store_file, 0.1):
        assert "pid" in held.read_text()
    assert not held.exists()


def test_leftovers_of_killed_saves_are_removed(store_file: Path) -> None:
    dead = store_file.with_name(f".{store_file.name}.999999999.abc.tmp")
    old = store_file.with_name(f".{store_file.name}.{os.getpid()}.def.tmp")
    fresh = store_file.with_name(f".{store_file.name}.{os.getpid()}.ghi.tmp")
    for path in (dead, old, fresh):
        path.write_text("x" * 100)
    an_hour_ago = time.time() - 3600
    os.utime(dead, (an_hour_ago, an_hour_ago))
    os.utime(old, (an_hour_ago, an_hour_ago))
    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "x"}, ACTOR))
    assert not dead.exists() and not old.exists() and fresh.exists()


def test_a_crlf_store_keeps_its_line_endings(store_file: Path) -> None:
    store_file.write_bytes(DEFAULT_STORE.replace("\n", "\r\n").encode())
    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "x", "description": "a\nb"}, ACTOR))
    raw = store_file.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert Store.open(store_file).backlog.items["M-1"].text("description") == "a\nb"


def test_backup_names_sort_in_time_at_a_second_boundary(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([1_800_000_000_999_999_999, 1_800_000_001_000_000_001])
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    for title in ("a", "b"):
        store = Store.open(store_file)
        store.save(operations.add_item(store.backlog, {"title": title}, ACTOR))
    kept = backups(Path(os.path.realpath(store_file)))
    assert [len(tomllib.loads(p.read_text()).get("items", {})) for p in kept] == [0, 1]


def test_delete_names_the_backup_only_when_one_was_kept(
    store_file: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELBOARD_FILE", str(store_file))
    for title in ("a", "b"):
        assert add(store_file, title) == 0
    err = io.StringIO()
    assert main(["delete", "M-1"], now=NOW, stdout=io.StringIO(), stderr=err) == 0
    assert "the file before is in" in err.getvalue()
    state = isolated_home / ".local" / "state"
    elsewhere = isolated_home / "elsewhere"
    elsewhere.mkdir()
    (state / "modelboard").rename(elsewhere / "modelboard")
    (state / "modelboard").symlink_to(elsewhere / "modelboard")  # a folder on the way is a link
    err = io.StringIO()
    assert main(["delete", "M-2"], now=NOW, stdout=io.StringIO(), stderr=err) == 0
    assert "warning: no backup" in err.getvalue()


def test_a_file_an_editor_is_writing_in_place_is_waited_for(store_file: Path) -> None:
    import threading

    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "a"}, ACTOR))
    whole = store_file.read_text() + '\n[items.M-7]\ntitle = "By hand"\nstage = "ready"\n'
    store_file.write_text("")  # the editor empties the file first...

    def editor_finishes() -> None:
        time.sleep(0.5)
        store_file.write_text(whole)  # ...and writes it whole a moment later

    writer = threading.Thread(target=editor_finishes)
    writer.start()
    store.save(operations.add_item(store.backlog, {"title": "b"}, ACTOR))
    writer.join()
    items = Store.open(store_file).backlog.items
    assert {i.title for i in items.values()} == {"a", "By hand", "b"}
    assert "[board]" in store_file.read_text()


@pytest.mark.parametrize("written_so_far", ["", "half"])
def test_a_command_opening_a_file_an_editor_is_writing_reads_it_once_written(
    store_file: Path, written_so_far: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an adversarial test: a command started while a teammate's editor rewrote
    the file in place said "no item 'M-1'; the backlog is empty" (or a parse error)."""
    store = Store.open(store_file)
    store.save(operations.add_item(store.backlog, {"title": "a"}, ACTOR))
    whole = store_file.read_text()
    store_file.write_text(whole[: len(whole) // 2] if written_so_far else "")
    real_sleep = time.sleep

    def editor_finishes_meanwhile(seconds: float) -> None:
        store_file.write_text(whole)  # the editor's second write, while the command looks away
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", editor_finishes_meanwhile)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--file", str(store_file), "show", "M-1"], now=NOW, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert "a" in out.getvalue()


def test_a_store_that_stays_broken_is_said_after_a_second_look(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that does not change between two looks is what it is: its error is said."""
    store_file.write_text("version = 1\n[items.M-1\n")
    looks: list[float] = []
    monkeypatch.setattr(time, "sleep", looks.append)
    err = io.StringIO()
    code = main(["--file", str(store_file), "list"], now=NOW, stdout=io.StringIO(), stderr=err)
    assert code == 3 and ":2:" in err.getvalue()
    assert len(looks) == 1


def test_a_file_left_empty_is_refused(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from modelboard.core import store as store_module

    monkeypatch.setattr(store_module, "SETTLE_SECONDS", 0.3)
    store = Store.open(store_file)
    store_file.write_text("")
    with pytest.raises(SaveError, match="empty on disk"):
        store.save(operations.add_item(store.backlog, {"title": "x"}, ACTOR))
    assert store_file.read_text() == ""


def test_a_fifo_where_the_store_was_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "backlog.toml"
    os.mkfifo(fifo)
    run = main(["--file", str(fifo), "list"], now=NOW, stdout=io.StringIO(), stderr=io.StringIO())
    assert run == 3
