"""The store on a real disk: nothing is ever lost, whatever happens around a save."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from modelboard.core import operations
from modelboard.core.actor import Actor
from modelboard.core.atomic import lock_path, locked
from modelboard.core.backups import KEEP, backups
from modelboard.core.errors import ConflictError, LockTimeoutError, SaveError, StoreUnreadableError
from modelboard.core.store import Store
from tests.bench.sample import store_text
from tests.conftest import NOW

FIXTURE = Path(__file__).parent.parent / "fixtures" / "handwritten.toml"
ACTOR = Actor("tester", NOW)
ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def handwritten(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    shutil.copy(FIXTURE, path)
    return path


def test_open_reads_the_handwritten_fixture(handwritten: Path) -> None:
    backlog = Store.open(handwritten).backlog
    assert set(backlog.items) == {"M-1", "M-2", "M-3"}
    assert backlog.board.name == "Risk models"
    assert backlog.board.review_days_by_stage == {"retired": 0, "deployed": 30}
    assert backlog.problems == ()


def test_a_change_that_changes_nothing_does_not_touch_the_file(handwritten: Path) -> None:
    before = handwritten.read_bytes()
    inode = handwritten.stat().st_ino
    store = Store.open(handwritten)
    change = operations.edit_item(store.backlog, "M-2", {"title": "Fraud scoring"}, ACTOR)
    assert change.steps == ()
    store.save(change)
    # an edit whose values equal what is there already
    store.save(operations.move_item(store.backlog, "M-2", "proposed", ACTOR))
    assert handwritten.read_bytes() == before
    assert handwritten.stat().st_ino == inode


def test_an_edit_changes_only_the_lines_of_that_item(handwritten: Path) -> None:
    before = handwritten.read_text().splitlines()
    store = Store.open(handwritten)
    store.save(operations.edit_item(store.backlog, "M-3", {"owner": "carl"}, ACTOR))
    after = handwritten.read_text().splitlines()
    start = before.index('[items."M-3"]')
    assert after[:start] == before[:start]
    assert 'owner = "carl"' in after[start:]
    reread = Store.open(handwritten).backlog
    assert reread.items["M-3"].owner == "carl"
    assert reread.items["M-3"].history[-1].change == "owner: - -> carl"
    assert reread.items["M-3"].updated == NOW


def test_saves_through_a_symlink_keep_the_link(handwritten: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(handwritten)
    store = Store.open(link)
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    assert link.is_symlink()
    assert tomllib.loads(handwritten.read_text())["items"]["M-2"]["stage"] == "ready"


def test_mode_and_group_are_kept(handwritten: Path) -> None:
    os.chmod(handwritten, 0o640)
    group = handwritten.stat().st_gid
    store = Store.open(handwritten)
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    info = handwritten.stat()
    assert (info.st_mode & 0o777, info.st_gid) == (0o640, group)


@pytest.mark.skipif(os.getuid() != 0, reason="changing a file's group needs root here")
def test_a_shared_group_is_kept(handwritten: Path) -> None:
    os.chown(handwritten, -1, 12345)
    os.chmod(handwritten, 0o664)
    store = Store.open(handwritten)
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    assert (handwritten.stat().st_gid, handwritten.stat().st_mode & 0o777) == (12345, 0o664)


def test_a_teammates_edit_to_another_field_is_merged(handwritten: Path) -> None:
    mine = Store.open(handwritten)
    theirs = Store.open(handwritten)
    theirs.save(operations.edit_item(theirs.backlog, "M-1", {"owner": "bea"}, ACTOR))
    mine.save(operations.edit_item(mine.backlog, "M-1", {"title": "Churn v3"}, ACTOR))
    item = Store.open(handwritten).backlog.items["M-1"]
    assert (item.title, item.owner) == ("Churn v3", "bea")
    assert [e.change for e in item.history][-2:] == [
        "owner: anna -> bea",
        "title: Churn prediction v2 -> Churn v3",
    ]
    assert mine.backlog.items["M-1"].owner == "bea"


def test_different_scores_merge_per_criterion(handwritten: Path) -> None:
    mine = Store.open(handwritten)
    theirs = Store.open(handwritten)
    theirs.save(operations.edit_item(theirs.backlog, "M-1", {"scores": {"value": 5}}, ACTOR))
    mine.save(operations.edit_item(mine.backlog, "M-1", {"scores": {"effort": 4}}, ACTOR))
    scores = Store.open(handwritten).backlog.items["M-1"].scores
    assert scores == {"value": 5, "feasibility": 3, "effort": 4}


def test_the_same_field_is_a_conflict_and_nothing_is_written(handwritten: Path) -> None:
    mine = Store.open(handwritten)
    theirs = Store.open(handwritten)
    theirs.save(operations.edit_item(theirs.backlog, "M-1", {"owner": "bea"}, ACTOR))
    after_theirs = handwritten.read_bytes()
    with pytest.raises(ConflictError) as caught:
        mine.save(operations.edit_item(mine.backlog, "M-1", {"owner": "carl"}, ACTOR))
    assert handwritten.read_bytes() == after_theirs
    (conflict,) = caught.value.conflicts
    assert (conflict.item_id, conflict.field, conflict.theirs, conflict.mine) == (
        "M-1",
        "owner",
        "bea",
        "carl",
    )
    assert caught.value.exit_code == 4


def test_editing_an_item_a_teammate_deleted_is_a_conflict(handwritten: Path) -> None:
    mine = Store.open(handwritten)
    theirs = Store.open(handwritten)
    theirs.save(operations.delete_item(theirs.backlog, "M-2", ACTOR))
    with pytest.raises(ConflictError):
        mine.save(operations.move_item(mine.backlog, "M-2", "ready", ACTOR))


def test_a_hand_edit_elsewhere_is_kept(handwritten: Path) -> None:
    store = Store.open(handwritten)
    text = handwritten.read_text().replace("answer = 42", "answer = 43  # edited by hand")
    handwritten.write_text(text)
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    assert "answer = 43  # edited by hand" in handwritten.read_text()


def test_a_store_that_does_not_parse_is_never_written(handwritten: Path) -> None:
    broken = handwritten.read_text().replace('stage = "proposed"', "stage = proposed", 1)
    handwritten.write_text(broken)
    with pytest.raises(StoreUnreadableError) as caught:
        Store.open(handwritten)
    line = broken.splitlines().index("stage = proposed") + 1
    assert f"{handwritten}:{line}:9:" in caught.value.message
    assert handwritten.read_text() == broken


def test_a_teammate_leaving_a_broken_file_stops_the_save(handwritten: Path) -> None:
    store = Store.open(handwritten)
    handwritten.write_text("version = 1\n[items.M-1\n")
    with pytest.raises(StoreUnreadableError):
        store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    assert handwritten.read_text() == "version = 1\n[items.M-1\n"


def test_a_newer_format_version_is_refused(make_store: object) -> None:
    path = make_store("version = 2\n")  # type: ignore[operator]
    with pytest.raises(StoreUnreadableError, match="version 2"):
        Store.open(path)


def test_a_full_disk_leaves_the_file_whole(
    handwritten: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = handwritten.read_bytes()
    store = Store.open(handwritten)

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(SaveError, match="No space left on device"):
        store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    monkeypatch.undo()
    assert handwritten.read_bytes() == before
    assert [p.name for p in handwritten.parent.iterdir() if p.suffix == ".tmp"] == []
    # the store still knows the old state and can save once there is room
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    assert Store.open(handwritten).backlog.items["M-2"].stage == "ready"


def test_backups_keep_the_previous_versions_bounded(handwritten: Path) -> None:
    original = handwritten.read_bytes()
    store = Store.open(handwritten)
    for n in range(KEEP + 5):
        store.save(operations.edit_item(store.backlog, "M-2", {"owner": f"o{n}"}, ACTOR))
    kept = backups(Path(os.path.realpath(handwritten)))
    assert len(kept) == KEEP
    assert original not in {p.read_bytes() for p in kept}  # the oldest were pruned
    assert all(p.stat().st_mode & 0o077 == 0 for p in kept)


def test_a_held_lock_times_out_with_the_holders_name(handwritten: Path) -> None:
    store = Store.open(handwritten)
    from modelboard.core import atomic

    with locked(Path(os.path.realpath(handwritten))):
        original = atomic.LOCK_TIMEOUT_SECONDS
        atomic.LOCK_TIMEOUT_SECONDS = 0.2
        try:
            with pytest.raises(LockTimeoutError, match="tester@"):
                with locked(Path(os.path.realpath(handwritten)), timeout=0.2):
                    pass
        finally:
            atomic.LOCK_TIMEOUT_SECONDS = original
    assert lock_path(handwritten).exists()
    store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))


def test_a_lock_file_that_is_a_link_is_refused(handwritten: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    lock_path(handwritten).symlink_to(victim)
    store = Store.open(handwritten)
    with pytest.raises(SaveError, match="lock"):
        store.save(operations.move_item(store.backlog, "M-2", "ready", ACTOR))
    assert victim.read_text() == "precious"


ADDER = """
import sys
from pathlib import Path
from modelboard.core import operations
from modelboard.core.actor import Actor
from modelboard.core.store import Store
path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for n in range(count):
    store = Store.open(path)
    change = operations.add_item(store.backlog, {"title": f"{name} {n}"}, Actor.current())
    store.save(change)
"""


def test_two_processes_adding_at_once_lose_nothing(handwritten: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(handwritten), who, "100"], env=env)
        for who in ("anna", "bea")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    items = tomllib.loads(handwritten.read_text())["items"]
    titles = sorted(item["title"] for item in items.values())
    expected = sorted([f"anna {n}" for n in range(100)] + [f"bea {n}" for n in range(100)])
    assert titles == sorted(["Churn prediction v2", "Fraud scoring", "Demand forecast", *expected])
    assert len(items) == 203  # ids are unique: a clash would have merged two into one


SAVER = """
import sys
from pathlib import Path
from modelboard.core import operations
from modelboard.core.actor import Actor
from modelboard.core.store import Store
store = Store.open(Path(sys.argv[1]))
print("ready", flush=True)
n = 0
while True:
    n += 1
    text = "x" * (n % 5000)
    change = operations.edit_item(store.backlog, "M-1", {"description": text}, Actor.current())
    store.save(change)
"""


def test_a_kill_during_saves_leaves_the_old_or_the_new_file(handwritten: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    original = tomllib.loads(handwritten.read_text())["items"]["M-1"]["description"]
    for delay in (0.05, 0.13, 0.31, 0.5):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(handwritten)], env=env, stdout=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = tomllib.loads(handwritten.read_text())  # whole and parseable, every time
        assert set(data["items"]) == {"M-1", "M-2", "M-3"}
        description = data["items"]["M-1"]["description"]
        assert description == original or set(description) <= {"x"}  # the old or a new one


def test_a_command_changing_one_item_builds_only_that_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building a thousand items to edit one cost 20 ms a command; an id the file lacks gets
    the whole backlog (so that the error lists the ids there are)."""
    from modelboard.core import model

    path = tmp_path / "b.toml"
    path.write_text(store_text(30))
    built: list[str] = []
    original = model.item_from_table

    def counting(item_id: str, *args: Any) -> Any:
        built.append(item_id)
        return original(item_id, *args)

    monkeypatch.setattr(model, "item_from_table", counting)
    store = Store.open(path, build=False)
    assert built == []
    some = store.backlog_of(("M-4",))
    assert built == ["M-4"] and list(some.items) == ["M-4"]
    assert some.board == store.backlog.board  # (this builds them all)
    store.save(operations.edit_item(store.backlog_of(("M-4",)), "M-4", {"owner": "z"}, ACTOR))
    assert Store.open(path).backlog.items["M-4"].owner == "z"
    fresh = Store.open(path, build=False)
    assert len(fresh.backlog_of(("M-99",)).items) == 30
