"""Waiting for the lock: a queue of saves is progress, only a stuck holder is given up on,
and a wait of over a second is said."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from modelboard.core import atomic, model, operations, splice, toml_layout
from modelboard.core import store as store_module
from modelboard.core.actor import Actor
from modelboard.core.change import ItemEdit
from modelboard.core.errors import LockTimeoutError
from modelboard.core.store import Store, _Parsed
from tests.conftest import NOW


def hold_in_turns(target: Path, turns: int, seconds: float, started: threading.Event) -> None:
    """Several saves one after the other, each holding the lock a while (as a queue does)."""
    for turn in range(turns):
        with atomic.locked(target, timeout=30):
            if turn == 0:
                started.set()
            time.sleep(seconds)


def holding(target: Path, turns: int, seconds: float) -> threading.Thread:
    """A thread already holding the lock, for `turns` saves of `seconds` each."""
    started = threading.Event()
    holder = threading.Thread(target=hold_in_turns, args=(target, turns, seconds, started))
    holder.start()
    started.wait(5)
    return holder


def test_a_queue_of_saves_longer_than_the_timeout_is_waited_for(store_file: Path) -> None:
    holder = holding(store_file, 5, 0.3)
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
    holder = holding(store_file, 1, 1.5)
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


def test_many_processes_saving_at_once_lose_nothing_and_none_gives_up(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight writer processes, six saves each, with a patience of a third of a second: far
    shorter than the queue, so only waiting on progress lets every save through."""
    import multiprocessing

    monkeypatch.setattr(atomic, "LOCK_TIMEOUT_SECONDS", 0.3)  # the forked children inherit it

    def write(number: int) -> None:
        store, actor = Store.open(store_file), Actor(f"user{number}", NOW)
        for n in range(6):
            store.save(operations.add_item(store.backlog, {"title": f"{number}-{n}"}, actor))
            mine = f"M-{number + 1}"  # each their own item: a conflict is not what is tested
            store.save(operations.edit_item(store.backlog, mine, {"owner": f"u{n}"}, actor))

    first = Store.open(store_file)
    for number in range(8):
        first.save(operations.add_item(first.backlog, {"title": f"own {number}"}, Actor("t", NOW)))
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=write, args=(n,)) for n in range(8)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
    assert [p.exitcode for p in writers] == [0] * 8
    titles = {item.title for item in Store.open(store_file).backlog.items.values()}
    owned = {f"own {w}" for w in range(8)}
    assert titles == owned | {f"{w}-{n}" for w in range(8) for n in range(6)}


def test_a_teammates_save_is_taken_whole_and_an_editors_write_is_waited_for(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save notes in the lock file what it wrote; the next saver finds exactly that file
    and need not wait for it to settle. A write by anything else is waited for."""

    settled: list[int] = []
    original = Store._settled

    def counting(self: Store, raw: bytes, info: object, note: object) -> object:
        settled.append(1)
        return original(self, raw, info, note)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_settled", counting)
    mine, theirs, actor = Store.open(store_file), Store.open(store_file), Actor("t", NOW)
    theirs.save(operations.add_item(theirs.backlog, {"title": "theirs"}, actor))
    mine.save(operations.add_item(mine.backlog, {"title": "mine"}, actor))
    assert settled == []  # a whole file, written by a save: taken as it is
    with open(store_file, "a", encoding="utf-8") as editor:  # an editor writes in place
        editor.write('\n[items.M-9]\ntitle = "by hand"\n')
    mine.save(operations.add_item(mine.backlog, {"title": "again"}, actor))
    assert settled  # waited for the editor's write to settle
    titles = {i.title for i in Store.open(store_file).backlog.items.values()}
    assert titles == {"theirs", "mine", "by hand", "again"}


def test_a_save_read_ahead_while_the_next_holder_works_is_taken_whole(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next holder keeps the note of the file on disk until it writes its own, so a
    saver reading ahead meanwhile needs no settling (under contention, that is every one)."""

    def no_settling(*args: object) -> object:
        raise AssertionError("settled a file a save wrote whole")

    mine, theirs, actor = Store.open(store_file), Store.open(store_file), Actor("t", NOW)
    theirs.save(operations.add_item(theirs.backlog, {"title": "theirs"}, actor))
    monkeypatch.setattr(Store, "_settled", no_settling)
    with atomic.locked(store_file) as held:  # the next saver holds the lock, still working
        assert held.previous.splitlines()[2:] == atomic.last_note(store_file).splitlines()[2:]
        ahead = mine._read_ahead(_Parsed(mine._raw, dict(mine.data), None))
        held.note("wrote nothing yet")
        assert "wrote nothing yet" in atomic.last_note(store_file)
        assert atomic.last_note(store_file).count("wrote") == 1  # the carried note replaced
    assert ahead is not None and "theirs" in ahead.raw.decode()


def test_a_save_holds_the_lock_only_to_compare_and_write(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate's file is parsed and lexed before the lock; under it the save compares
    bytes, splices and writes. The backlog after a merge is built only when read (a command
    that saved and ends never builds it)."""

    holding: list[bool] = [False]
    done_under_lock: list[str] = []
    original_locked, original_lex = atomic.locked, toml_layout.lex
    original_parse = store_module.parse_store

    @contextlib.contextmanager
    def watched(*args: object, **kwargs: object) -> Iterator[atomic.Held]:
        with original_locked(*args, **kwargs) as held:  # type: ignore[arg-type]
            holding[0] = True
            try:
                yield held
            finally:
                holding[0] = False

    def noted(name: str, work: Callable[..., object]) -> Callable[..., object]:
        def run(*args: object) -> object:
            if holding[0]:
                done_under_lock.append(name)
            return work(*args)

        return run

    monkeypatch.setattr(atomic, "locked", watched)
    monkeypatch.setattr(toml_layout, "lex", noted("lex", original_lex))
    monkeypatch.setattr(splice, "lex", noted("lex", original_lex))
    monkeypatch.setattr(store_module, "parse_store", noted("parse", original_parse))
    built: list[int] = []

    def building(data: dict[str, object]) -> model.Backlog:
        built.append(1)
        return model.backlog_from_data(data)

    monkeypatch.setattr(store_module, "backlog_from_data", building)
    actor = Actor("t", NOW)
    first = Store.open(store_file)
    first.save(operations.add_item(first.backlog, {"title": "first"}, actor))
    mine, theirs = Store.open(store_file), Store.open(store_file)
    theirs.save(operations.add_item(theirs.backlog, {"title": "theirs"}, actor))
    built.clear()
    mine.save(operations.edit_item(mine.backlog, "M-1", {"owner": "mine"}, actor))
    assert mine.merged and done_under_lock == []
    assert built == []  # not yet: nobody has read it
    assert mine.backlog.items["M-1"].owner == "mine" and len(built) == 1
    assert {i.title for i in mine.backlog.items.values()} >= {"theirs"} and len(built) == 1


def test_a_save_waiting_in_a_queue_keeps_up_with_the_saves_ahead(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While it waits, a save catches up with the saves ahead of it as they land (every
    KEEP_UP_EVERY of them; here each), so that the lock finds it only a few saves behind."""

    actor = Actor("t", NOW)
    first = Store.open(store_file)
    for n in range(4):
        first.save(operations.add_item(first.backlog, {"title": f"item {n}"}, actor))
    main = threading.main_thread()
    original_write = atomic.write_atomically

    def slow_for_theirs(*args: object, **kwargs: object) -> None:
        if threading.current_thread() is not main:
            time.sleep(0.4)  # a teammate's save that holds the lock a while before writing
        original_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic, "write_atomically", slow_for_theirs)
    original_note = atomic.Held.note

    def lingering(self: atomic.Held, line: str) -> None:
        original_note(self, line)
        if threading.current_thread() is not main:
            time.sleep(0.2)  # their save has landed and still holds the lock: mine sees it

    monkeypatch.setattr(atomic.Held, "note", lingering)
    kept_up: list[bytes] = []
    original_kept_up = Store._kept_up

    def watching(self: Store, latest: _Parsed, note: str) -> _Parsed:
        found = original_kept_up(self, latest, note)
        if found is not latest:
            kept_up.append(found.raw)
        return found

    monkeypatch.setattr(Store, "_kept_up", watching)
    monkeypatch.setattr(store_module, "KEEP_UP_EVERY", 1)
    mine, theirs = Store.open(store_file), Store.open(store_file)
    started = threading.Event()

    def teammate() -> None:
        for n in range(3):
            started.set()
            theirs.save(operations.edit_item(theirs.backlog, f"M-{n + 1}", {"owner": "bo"}, actor))

    thread = threading.Thread(target=teammate)
    thread.start()
    started.wait(5)
    time.sleep(0.1)  # their first save holds the lock
    mine.save(operations.edit_item(mine.backlog, "M-4", {"owner": "me"}, actor))
    thread.join(10)
    assert len(kept_up) >= 1  # caught up while waiting, not only under the lock
    owners = {i.id: i.owner for i in Store.open(store_file).backlog.items.values()}
    assert owners["M-4"] == "me" and sum(o == "bo" for o in owners.values()) == 3


def test_a_save_renders_its_blocks_before_it_takes_the_lock(
    store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering a block with tomlkit was most of a save's work holding the lock: it is done
    before, on the file as read ahead, and reused holding the lock when nobody changed that
    item meanwhile; when somebody did, it is rendered again (and both changes are kept)."""
    actor = Actor("t", NOW)
    first = Store.open(store_file)
    first.save(operations.add_item(first.backlog, {"title": "one"}, actor))
    held: list[bool] = []
    original_locked = atomic.locked

    @contextlib.contextmanager
    def flagged(*args: object, **kwargs: object) -> Iterator[atomic.Held]:
        with original_locked(*args, **kwargs) as lock:  # type: ignore[arg-type]
            held.append(True)
            try:
                yield lock
            finally:
                held.pop()

    monkeypatch.setattr(atomic, "locked", flagged)
    renders: list[bool] = []  # for each block rendered: was the lock held?
    original_render = splice._edited_block

    def counted(block: str, edit: ItemEdit) -> str:
        renders.append(bool(held))
        return original_render(block, edit)

    monkeypatch.setattr(splice, "_edited_block", counted)
    mine, theirs = Store.open(store_file), Store.open(store_file)
    mine.save(operations.edit_item(mine.backlog, "M-1", {"owner": "me"}, actor))
    assert renders == [False]

    original_rehearse = Store._rehearse

    def then_theirs(self: Store, *args: object) -> None:
        original_rehearse(self, *args)  # type: ignore[arg-type]
        if self is mine:
            theirs.save(operations.edit_item(theirs.backlog, "M-1", {"title": "theirs"}, actor))

    monkeypatch.setattr(Store, "_rehearse", then_theirs)
    renders.clear()
    mine.save(operations.edit_item(mine.backlog, "M-1", {"owner": "me again"}, actor))
    assert renders == [False, False, True]  # mine, theirs ahead of the lock; mine again in it
    item = Store.open(store_file).backlog.items["M-1"]
    assert (item.title, item.owner) == ("theirs", "me again")
