"""Backups are cheap (a hard link of the file as read) without promising less: each holds
the file exactly as it was before a save, readable by its owner only, the store's own mode
untouched, and a save that did not happen leaves no link to the live file behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from modelboard.core import atomic, operations
from modelboard.core.actor import Actor
from modelboard.core.backups import backups
from modelboard.core.errors import SaveError
from modelboard.core.store import Store
from tests.conftest import NOW

FIXTURE = Path(__file__).parent.parent / "fixtures" / "handwritten.toml"
ACTOR = Actor("tester", NOW)


@pytest.fixture
def shared_store(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    shutil.copy(FIXTURE, path)
    path.chmod(0o664)  # a team's store: group-writable
    return path


def moved(store: Store) -> None:
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))


def test_a_backup_is_the_old_file_linked_then_made_private(shared_store: Path) -> None:
    before = shared_store.read_bytes()
    inode = shared_store.stat().st_ino
    store = Store.open(shared_store)
    moved(store)
    assert store.last_backup is not None
    kept = store.last_backup.stat()
    assert kept.st_ino == inode  # no copy was made
    assert store.last_backup.read_bytes() == before
    assert kept.st_mode & 0o777 == 0o600
    assert shared_store.stat().st_mode & 0o777 == 0o664  # the store keeps its mode
    assert kept.st_nlink == 1


def test_a_file_with_another_link_is_copied_not_linked(shared_store: Path) -> None:
    other = shared_store.with_name("elsewhere.toml")
    os.link(shared_store, other)
    before = shared_store.read_bytes()
    store = Store.open(shared_store)
    moved(store)
    assert store.last_backup is not None
    assert store.last_backup.stat().st_ino != other.stat().st_ino
    assert store.last_backup.read_bytes() == before
    assert other.stat().st_mode & 0o777 == 0o664  # the other name's mode is left alone
    assert other.read_bytes() == before


def test_a_save_that_fails_leaves_no_link_to_the_live_file(
    shared_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(shared_store)

    def full_disk(*_: object, **__: object) -> None:
        raise SaveError("could not save: no space left on device; the file is unchanged")

    monkeypatch.setattr(atomic, "write_atomically", full_disk)
    with pytest.raises(SaveError):
        moved(store)
    assert shared_store.stat().st_nlink == 1
    assert backups(Path(os.path.realpath(shared_store))) == []


def test_a_write_during_the_save_discards_that_attempts_backup(
    shared_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(shared_store)
    real = atomic.write_atomically
    calls = []

    def changed_once(target: Path, data: bytes, unchanged: object) -> None:
        calls.append(target)
        if len(calls) == 1:
            raise atomic.ChangedMeanwhile(str(target))
        real(target, data)

    monkeypatch.setattr(atomic, "write_atomically", changed_once)
    moved(store)
    kept = backups(Path(os.path.realpath(shared_store)))
    assert len(kept) == 1 and kept[0] == store.last_backup
    assert shared_store.stat().st_nlink == 1
