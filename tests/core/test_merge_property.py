"""Property: two people editing different fields of the same items both keep their changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelboard.core.actor import Actor
from modelboard.core.operations import edit_item
from modelboard.core.store import Store
from tests.conftest import NOW

FIXTURE = Path(__file__).parent.parent / "fixtures" / "handwritten.toml"
FIELDS = ("owner", "benefit", "resources", "kind", "title")
VALUES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda s: s.strip() != "")


@settings(max_examples=40, deadline=None)
@given(
    item=st.sampled_from(["M-1", "M-2", "M-3"]),
    split=st.integers(min_value=1, max_value=len(FIELDS) - 1),
    values=st.lists(VALUES, min_size=len(FIELDS), max_size=len(FIELDS)),
)
def test_disjoint_edits_both_survive(
    tmp_path_factory: pytest.TempPathFactory, item: str, split: int, values: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("merge")
    path = Path(folder) / "backlog.toml"
    shutil.copy(FIXTURE, path)
    kinds = {"kind": "new"}  # kind must be one the board knows
    mine_fields = {f: kinds.get(f, v) for f, v in zip(FIELDS[:split], values, strict=False)}
    their_fields = {
        f: kinds.get(f, v) for f, v in zip(FIELDS[split:], values[split:], strict=False)
    }
    mine, theirs = Store.open(path), Store.open(path)
    actor = Actor("t", NOW)
    theirs.save(edit_item(theirs.backlog, item, their_fields, actor))
    mine.save(edit_item(mine.backlog, item, mine_fields, actor))
    saved = Store.open(path).backlog.items[item]
    for name, value in {**mine_fields, **their_fields}.items():
        expected = value.strip() if name == "owner" else value
        assert saved.data[name] in (value, expected), name
