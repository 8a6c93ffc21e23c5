"""The rhythm's records: snapshots kept to the newest 52, and merged through git like items."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from modelboard.core.actor import Actor
from modelboard.core.defaults import DEFAULT_STORE
from modelboard.core.gitmerge import merge
from modelboard.core.operations import record_review
from modelboard.core.rhythm import KEEP_SNAPSHOTS
from modelboard.core.store import Store
from tests.conftest import NOW

ITEM = (
    '\n[items.M-1]\ntitle = "a"\nstage = "ready"\n'
    "scores = { value = 4, feasibility = 3, effort = 2 }\n"
)


def reviews(count: int) -> str:
    return "".join(
        f"\n[[reviews]]\nat = {(NOW - dt.timedelta(days=count - n)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
        f'\nby = "anna"\nreviewed = 1\nranking = "M-1=60"\n'
        for n in range(count)
    )


def test_only_the_newest_rankings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    path.write_text(DEFAULT_STORE + ITEM + reviews(KEEP_SNAPSHOTS + 3))
    store = Store.open(path)
    store.save(record_review(store.backlog, {"reviewed": 2}, Actor("bea", NOW)))
    records = tomllib.loads(path.read_text())["reviews"]
    assert len(records) == KEEP_SNAPSHOTS + 4  # every session is kept...
    assert sum("ranking" in r for r in records) == KEEP_SNAPSHOTS  # ...its ranking, the newest
    assert "ranking" not in records[0] and "ranking" in records[-1]


def test_review_records_of_the_other_branch_are_merged() -> None:
    base_text = DEFAULT_STORE + ITEM
    ours_text = base_text + reviews(1)
    theirs_text = base_text + reviews(2)
    base, ours, theirs = (tomllib.loads(t) for t in (base_text, ours_text, theirs_text))
    result = merge(base, ours_text, ours, theirs, Actor("git", NOW))
    assert not result.conflicts
    assert len(tomllib.loads(result.text)["reviews"]) == 2  # theirs had ours' one, and one more
