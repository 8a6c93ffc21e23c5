"""The merge rules, as pure data: who changed what, and what wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from modelboard.core.change import Change, ItemAdd, ItemDelete, ItemEdit
from modelboard.core.errors import ConflictError
from modelboard.core.merge import rebase
from tests.conftest import NOW

BASE: dict[str, dict[str, Any]] = {
    "M-1": {"title": "a", "owner": "x", "scores": {"value": 1}},
    "M-2": {"title": "b"},
}


def _change(*steps: ItemAdd | ItemEdit | ItemDelete) -> Change:
    return Change(tuple(steps), "test")


def test_fields_we_did_not_change_are_left_to_theirs() -> None:
    theirs = {**BASE, "M-1": {**BASE["M-1"], "owner": "y"}}
    edit = ItemEdit("M-1", {"owner": "x", "title": "new"})  # owner as we read it
    (step,) = rebase(_change(edit), BASE, theirs, frozenset()).steps
    assert isinstance(step, ItemEdit) and dict(step.values) == {"title": "new"}


def test_both_setting_the_same_value_is_no_conflict() -> None:
    theirs = {**BASE, "M-1": {**BASE["M-1"], "owner": "z"}}
    change = rebase(_change(ItemEdit("M-1", {"owner": "z"})), BASE, theirs, frozenset())
    assert change.steps == ()


def test_later_times_win_for_updated_and_reviewed() -> None:
    earlier, later = NOW, NOW + dt.timedelta(hours=1)
    theirs = {**BASE, "M-1": {**BASE["M-1"], "reviewed": later}}
    change = rebase(_change(ItemEdit("M-1", {"reviewed": earlier})), BASE, theirs, frozenset())
    assert change.steps == ()


def test_delete_of_an_item_they_changed_is_a_conflict() -> None:
    theirs = {**BASE, "M-2": {"title": "changed"}}
    with pytest.raises(ConflictError):
        rebase(_change(ItemDelete("M-2", {"id": "M-2"})), BASE, theirs, frozenset())


def test_delete_of_an_item_they_deleted_is_nothing_to_do() -> None:
    theirs = {"M-1": BASE["M-1"]}
    assert rebase(_change(ItemDelete("M-2", {"id": "M-2"})), BASE, theirs, frozenset()).steps == ()


def test_new_ids_skip_items_and_deleted_ids() -> None:
    theirs = {**BASE, "M-7": {"title": "theirs"}}
    change = rebase(
        _change(ItemAdd({"title": "c"}), ItemAdd({"title": "d"})), BASE, theirs, frozenset({"M-9"})
    )
    assert [s.item_id for s in change.steps if isinstance(s, ItemAdd)] == ["M-10", "M-11"]


def test_restoring_an_id_that_exists_again_is_a_conflict() -> None:
    with pytest.raises(ConflictError):
        rebase(_change(ItemAdd({"title": "c"}, "M-2")), BASE, BASE, frozenset())
