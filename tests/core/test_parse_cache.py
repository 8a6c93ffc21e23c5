"""The parse cache is written on leaving the board (by `remember`), never while opening,
and is used only for exactly the bytes it was made from."""

from __future__ import annotations

from pathlib import Path

from modelboard.core import parse_cache
from modelboard.core.store import Store


def test_opening_does_not_write_the_cache_remember_does(store_file: Path) -> None:
    target = Path(store_file).resolve()
    store = Store.open(store_file, cached=True)
    assert not parse_cache.entry_path(target).exists()
    store.remember()
    assert parse_cache.cached_data(target, store_file.read_bytes()) == dict(store.data)


def test_the_cache_is_used_only_for_the_same_bytes(store_file: Path) -> None:
    target = Path(store_file).resolve()
    Store.open(store_file).remember()
    store_file.write_text(store_file.read_text() + "\n# changed\n")
    assert parse_cache.cached_data(target, store_file.read_bytes()) is None


async def test_the_board_caches_its_parse_on_leaving_not_before(store_file: Path) -> None:
    from modelboard.app import ModelboardApp

    app = ModelboardApp(store_file, poll_seconds=0)
    entry = parse_cache.entry_path(store_file.resolve())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not entry.exists()
    assert entry.exists()
