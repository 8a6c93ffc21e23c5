"""The parse cache of a large store is written as a command ends and on leaving the board,
never while opening. It is used for exactly the bytes it was made from, and for those bytes
changed in a few item tables (parsing only those); anything else is parsed whole."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from modelboard import cli
from modelboard.core import operations, parse_cache
from modelboard.core import store as store_module
from modelboard.core.actor import Actor
from modelboard.core.errors import StoreUnreadableError
from modelboard.core.store import Store, parse_store
from modelboard.core.toml_layout import lex
from tests.bench.sample import store_text
from tests.conftest import NOW

ACTOR = Actor("t", NOW)


@pytest.fixture
def large_store(tmp_path: Path) -> Path:
    """A store large enough to be worth caching."""
    path = tmp_path / "large.toml"
    path.write_text(store_text(300))
    assert path.stat().st_size >= parse_cache.WORTH_CACHING
    return path


def _whole_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the whole-file parses the store makes from now on."""
    counted: list[int] = []
    original = store_module.parse_store

    def counting(raw: bytes, path: Path) -> dict[str, object]:
        counted.append(len(raw))
        return original(raw, path)

    monkeypatch.setattr(store_module, "parse_store", counting)
    return counted


def test_opening_does_not_write_the_cache_remember_does(large_store: Path) -> None:
    target = large_store.resolve()
    store = Store.open(large_store, cached=True)
    assert not parse_cache.entry_path(target).exists()
    store.remember()
    entry = parse_cache.cached_parse(target)
    assert entry is not None
    raw, data, lexed = entry
    assert (raw, data) == (large_store.read_bytes(), dict(store.data))
    assert lexed is None or lexed == lex(raw.decode())


def test_a_small_store_is_never_cached(store_file: Path) -> None:
    Store.open(store_file, cached=True).remember()
    assert not parse_cache.entry_path(store_file.resolve()).exists()


def test_the_same_bytes_are_not_parsed_again(
    large_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(large_store).remember()
    parses = _whole_parses(monkeypatch)
    store = Store.open(large_store, cached=True)
    assert parses == []
    assert dict(store.data) == parse_store(large_store.read_bytes(), large_store)


def test_a_teammates_saves_since_are_caught_up_with(
    large_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mine was cached a few saves ago: the open parses only the items they changed, and
    knows where the tables are (the save that follows lexes nothing)."""
    actor = Actor("t", NOW)
    mine = Store.open(large_store)
    mine.save(operations.edit_item(mine.backlog, "M-3", {"owner": "me"}, actor))
    mine.remember()
    theirs = Store.open(large_store)
    for item_id in ("M-7", "M-150", "M-299"):
        theirs.save(operations.edit_item(theirs.backlog, item_id, {"owner": "bo"}, actor))
    theirs.save(operations.add_item(theirs.backlog, {"title": "theirs"}, actor))
    parses = _whole_parses(monkeypatch)
    store = Store.open(large_store, cached=True)
    assert parses == []
    monkeypatch.undo()
    assert dict(store.data) == parse_store(large_store.read_bytes(), large_store)
    lexings: list[str] = []
    monkeypatch.setattr(store_module, "_lexing", lambda text: lexings.append(text))
    store.save(operations.edit_item(store.backlog, "M-9", {"owner": "me"}, actor))
    assert lexings == []


def test_a_change_of_the_settings_is_parsed_whole(
    large_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(large_store).remember()
    text = large_store.read_text()
    large_store.write_text(text.replace("review_days = 14", "review_days = 9", 1))
    parses = _whole_parses(monkeypatch)
    store = Store.open(large_store, cached=True)
    assert len(parses) == 1
    assert store.data["board"]["review_days"] == 9


@pytest.mark.parametrize(
    "content", [b"", b"garbage", b"modelboard parse 2\n" + b"\x80not a pickle", b"x" * 40]
)
def test_a_damaged_or_older_entry_is_a_miss(large_store: Path, content: bytes) -> None:
    Store.open(large_store).remember()
    parse_cache.entry_path(large_store.resolve()).write_bytes(content)
    assert parse_cache.cached_parse(large_store.resolve()) is None
    store = Store.open(large_store, cached=True)
    assert dict(store.data) == parse_store(large_store.read_bytes(), large_store)


def test_an_entry_others_may_write_is_not_used(large_store: Path) -> None:
    """A pickle is code to whoever can write it: an entry readable or writable by others,
    or in a folder that is, is a miss."""
    Store.open(large_store).remember()
    entry = parse_cache.entry_path(large_store.resolve())
    entry.chmod(0o644)
    assert parse_cache.cached_parse(large_store.resolve()) is None
    entry.chmod(0o600)
    entry.parent.chmod(0o755)
    assert parse_cache.cached_parse(large_store.resolve()) is None


def test_a_command_keeps_its_parse_for_the_next(large_store: Path) -> None:
    """In a meeting each command is a process of its own: the next one's open starts from
    the parse the last one saved (caught up with whatever was saved in between)."""
    code = cli.main(
        ["--file", str(large_store), "edit", "M-4", "--owner", "me"],
        now=NOW,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert code == 0
    entry = parse_cache.cached_parse(large_store.resolve())
    assert entry is not None and entry[0] == large_store.read_bytes()
    assert entry[2] == lex(large_store.read_text())


def test_a_cache_that_cannot_be_written_fails_nothing(large_store: Path) -> None:
    unpicklable = {"items": {"M-1": {"title": lambda: "no"}}}
    parse_cache.remember(large_store.resolve(), large_store.read_bytes(), unpicklable, None)
    folder = parse_cache.entry_path(large_store.resolve()).parent
    assert list(folder.iterdir()) == []  # no entry, and no half-written one


async def test_the_board_caches_its_parse_on_leaving_not_before(large_store: Path) -> None:
    from modelboard.app import ModelboardApp

    app = ModelboardApp(large_store, poll_seconds=0)
    entry = parse_cache.entry_path(large_store.resolve())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not entry.exists()
    assert entry.exists()


def test_a_command_keeps_its_parse_again_only_when_far_behind(large_store: Path) -> None:
    """Keeping a parse costs more than catching up with a few differences: a command keeps
    it again only once its open caught up with KEEP_AGAIN_BEHIND of them."""

    def edit(owner: str) -> int:
        return cli.main(
            ["--file", str(large_store), "edit", "M-4", "--owner", owner],
            now=NOW,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    def kept() -> bytes:
        entry = parse_cache.cached_parse(large_store.resolve())
        assert entry is not None
        return entry[0]

    def teammate_saves(count: int) -> None:
        theirs = Store.open(large_store)
        for n in range(count):
            item_id = f"M-{10 + 7 * n}"
            theirs.save(operations.edit_item(theirs.backlog, item_id, {"owner": "bo"}, ACTOR))

    assert edit("me") == 0 and kept() == large_store.read_bytes()  # parsed whole: kept
    teammate_saves(3)
    before = kept()
    assert edit("me too") == 0 and kept() == before  # caught up with 4: not kept again
    teammate_saves(parse_cache.KEEP_AGAIN_BEHIND)
    assert edit("me at last") == 0 and kept() == large_store.read_bytes()


def test_a_carriage_return_alone_is_refused_as_without_the_cache(large_store: Path) -> None:
    """Found by an adversarial test: in a CRLF file, a line ending in "\\r\\r\\n" read as a
    CRLF once the line ends were made "\\n"; tomllib refuses the file, so must the open."""
    large_store.write_bytes(large_store.read_bytes().replace(b"\n", b"\r\n"))
    store = Store.open(large_store)
    store.save(operations.edit_item(store.backlog, "M-7", {"owner": "me"}, ACTOR))
    store.remember()
    raw = large_store.read_bytes()
    at = raw.index(b'owner = "me"')
    large_store.write_bytes(raw[:at] + b'note = """\r\none\r\r\ntwo"""\r\n' + raw[at:])
    with pytest.raises(StoreUnreadableError, match="Illegal character"):
        parse_store(large_store.read_bytes(), large_store)
    with pytest.raises(StoreUnreadableError, match="Illegal character"):
        Store.open(large_store, cached=True)


def test_a_fifo_where_the_entry_was_is_a_miss_not_a_hang(large_store: Path) -> None:
    """Found by an adversarial test: every command on the store hung on opening it."""
    entry = parse_cache.entry_path(large_store.resolve())
    entry.parent.mkdir(parents=True, mode=0o700)
    os.mkfifo(entry, 0o600)
    found: list[object] = []
    reader = threading.Thread(
        target=lambda: found.append(parse_cache.cached_parse(large_store.resolve())), daemon=True
    )
    reader.start()
    reader.join(5)
    assert found == [None]


def test_a_listing_keeps_a_parse_a_later_open_can_catch_up_from(
    large_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry kept by a command that only read the file holds its lexing too: without
    it, no later open could catch up from it."""
    code = cli.main(
        ["--file", str(large_store), "list"], stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert code == 0
    entry = parse_cache.cached_parse(large_store.resolve())
    assert entry is not None and entry[2] == lex(large_store.read_text())
    theirs = Store.open(large_store)
    theirs.save(operations.edit_item(theirs.backlog, "M-8", {"owner": "bo"}, ACTOR))
    parses = _whole_parses(monkeypatch)
    Store.open(large_store, cached=True)
    assert parses == []
