"""The store keeps where the tables are between saves and shifts it after each splice
instead of lexing the whole file again: after any run of saves, what it keeps is exactly
what lexing the file afresh finds (fake headers in descriptions, comments, CRLF, adds,
deletes, settings and records included)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelboard.core import operations
from modelboard.core.actor import Actor
from modelboard.core.errors import ModelboardError
from modelboard.core.store import Store, text_of
from modelboard.core.toml_layout import lex
from tests.bench.sample import store_text
from tests.conftest import NOW

FIXTURE = Path(__file__).parent.parent / "fixtures" / "handwritten.toml"
ACTOR = Actor("tester", NOW)
TRICKY = "line one\n[items.M-1]\n# not a comment\ntitle = 'not a key'\n"

steps = st.lists(
    st.tuples(
        st.sampled_from(["move", "edit", "tricky", "add", "delete", "weight", "review"]),
        st.integers(0, 1000),
    ),
    min_size=1,
    max_size=8,
)


def apply(store: Store, what: str, n: int) -> None:
    backlog = store.backlog
    ids = sorted(backlog.items)
    item_id = ids[n % len(ids)] if ids else None
    stages = backlog.board.stages
    try:
        if what == "add" or item_id is None:
            change = operations.add_item(backlog, {"title": f"new {n}"}, ACTOR)
        elif what == "move":
            change = operations.move_item(backlog, item_id, stages[n % len(stages)], ACTOR)
        elif what == "edit":
            change = operations.edit_item(backlog, item_id, {"owner": f"o{n}"}, ACTOR)
        elif what == "tricky":
            change = operations.edit_item(backlog, item_id, {"description": TRICKY}, ACTOR)
        elif what == "delete":
            change = operations.delete_item(backlog, item_id, ACTOR)
        elif what == "weight" and backlog.board.criteria:
            key = backlog.board.criteria[n % len(backlog.board.criteria)].key
            change = operations.set_weights(backlog, {key: 1 + n % 3}, ACTOR)
        else:
            change = operations.record_review(backlog, {"reviewed": n % 5}, ACTOR)
    except ModelboardError:
        return
    store.save(change)


def start_file(tmp_path: Path, start: str) -> Path:
    """A store to begin with: the handwritten fixture, a sample, or a sample with CRLF."""
    path = tmp_path / f"{start}.toml"
    if start == "fixture":
        shutil.copy(FIXTURE, path)
    else:
        text = store_text(12)
        path.write_bytes((text.replace("\n", "\r\n") if start == "crlf" else text).encode())
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(["fixture", "sample", "crlf"]), steps)
def test_the_kept_lexing_is_the_lexing_of_the_file(
    tmp_path: Path, start: str, actions: list[tuple[str, int]]
) -> None:
    path = start_file(tmp_path, start)
    store = Store.open(path)
    for what, n in actions:
        apply(store, what, n)
        kept = store._lexed
        if kept is not None:  # None: the whole-document path was taken; it lexes afresh
            assert kept == lex(text_of(path.read_bytes())[0])
