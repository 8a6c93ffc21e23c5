"""A view updated for the items a change touched is the view built from scratch: in every
sort order, with and without a filter, after moves, re-scores, renames, new and deleted
items; and the columns the change did not touch are the very same objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from modelboard.core.board_view import BoardView
from modelboard.core.model import Backlog, backlog_from_data
from modelboard.core.sorting import SortOrder
from modelboard.core.toml_reader import loads
from tests.bench.sample import store_text

BACKLOG = backlog_from_data(loads(store_text(40)))
STAGES = BACKLOG.board.stages
IDS = sorted(BACKLOG.items)

edits = st.tuples(
    st.sampled_from([*IDS, "M-99"]),
    st.sampled_from(["stage", "score", "title", "created", "delete", "elsewhere"]),
    st.integers(0, 40),
)


def edited(backlog: Backlog, item_id: str, what: str, n: int) -> Backlog:
    items = dict(backlog.items)
    item = items.get(item_id) or replace(BACKLOG.items["M-1"], id=item_id)
    if what == "delete":
        items.pop(item_id, None)
        return replace(backlog, items=items)
    if what == "stage":
        item = replace(item, stage=STAGES[n % len(STAGES)])
    elif what == "elsewhere":
        item = replace(item, stage="not a stage")  # shown in the first column
    elif what == "score":
        item = replace(item, scores={"value": 1 + n % 5, "effort": 1 + n % 3})
    elif what == "title":
        item = replace(item, title=f"{'churn' if n % 2 else 'fraud'} {n}")
    else:
        item = replace(item, created=dt.datetime(2026, 1, 1 + n % 28, tzinfo=dt.UTC))
    items[item_id] = item
    return replace(backlog, items=items)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(list(SortOrder)),
    st.sampled_from(["", "churn", "anna"]),
    st.lists(st.lists(edits, min_size=1, max_size=3), min_size=1, max_size=5),
)
def test_an_updated_view_is_the_view_built_from_scratch(
    order: SortOrder, text: str, changes: list[list[tuple[str, str, int]]]
) -> None:
    backlog = BACKLOG
    view = BoardView.of(backlog, order, text)
    for change in changes:
        for item_id, what, n in change:
            backlog = edited(backlog, item_id, what, n)
        touched = {item_id for item_id, _, _ in change}
        updated = view.updated(backlog, order, touched, text)
        assert updated == BoardView.of(backlog, order, text)
        for before, after in zip(view.columns, updated.columns, strict=True):
            if not any(item.id in touched for item in (*before, *after)):
                assert after is before
        view = updated
