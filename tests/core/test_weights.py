"""Changing the scoring weights: the ranking by hand, and the store's settings edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelboard.core.actor import Actor
from modelboard.core.errors import ConflictError, OperationError
from modelboard.core.model import backlog_from_data
from modelboard.core.operations import set_weights
from modelboard.core.scoring import priority
from modelboard.core.session import Session
from modelboard.core.store import Store
from tests.conftest import NOW

ACTOR = Actor("tester", NOW)
FIXTURE = Path(__file__).parent.parent / "fixtures" / "handwritten.toml"


def test_new_weights_reorder_as_computed_by_hand() -> None:
    data = {
        "scoring": {
            "criteria": {
                "value": {"weight": 3},
                "feasibility": {"weight": 2},
                "effort": {"weight": 2, "higher_is_worse": True},
            }
        },
        "items": {
            "A": {
                "title": "a",
                "stage": "proposed",
                "scores": {"value": 5, "feasibility": 1, "effort": 3},
            },
            "B": {
                "title": "b",
                "stage": "proposed",
                "scores": {"value": 1, "feasibility": 5, "effort": 3},
            },
        },
    }
    board = backlog_from_data(data).board
    a, b = data["items"]["A"]["scores"], data["items"]["B"]["scores"]  # type: ignore[index]
    # A: (3*100 + 2*0 + 2*50) / 7 = 57.1; B: (3*0 + 2*100 + 2*50) / 7 = 42.9
    assert (priority(a, board.criteria), priority(b, board.criteria)) == (57.1, 42.9)
    data["scoring"]["criteria"]["value"]["weight"] = 1  # type: ignore[index]
    data["scoring"]["criteria"]["feasibility"]["weight"] = 4  # type: ignore[index]
    board = backlog_from_data(data).board
    # A: (1*100 + 4*0 + 2*50) / 7 = 28.6; B: (1*0 + 4*100 + 2*50) / 7 = 71.4
    assert (priority(a, board.criteria), priority(b, board.criteria)) == (28.6, 71.4)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    shutil.copy(FIXTURE, path)
    return path


def test_a_weight_is_saved_changing_only_its_line(store_path: Path) -> None:
    before = store_path.read_text().splitlines()
    session = Session(Store.open(store_path), lambda: NOW)
    session.commit(set_weights(session.backlog, {"value": 5}, ACTOR))
    after = store_path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert changed == [("weight = 3", "weight = 5")]
    added = "\n".join(after[len(before) :])  # who changed the weight, and when: a record
    assert "[[history]]" in added and 'change = "weights: value 3 -> 5"' in added
    assert session.backlog.board.criterion("value").weight == 5  # type: ignore[union-attr]
    session.undo()
    assert store_path.read_text().splitlines()[: len(before)] == before


def test_a_teammates_different_weight_is_a_conflict(store_path: Path) -> None:
    mine = Store.open(store_path)
    theirs = Store.open(store_path)
    theirs.save(set_weights(theirs.backlog, {"value": 1}, ACTOR))
    with pytest.raises(ConflictError):
        mine.save(set_weights(mine.backlog, {"value": 5}, ACTOR))
    other = Store.open(store_path)
    other_change = set_weights(mine.backlog, {"feasibility": 4}, ACTOR)  # another weight: merged
    other.save(other_change)
    board = Store.open(store_path).backlog.board
    assert (board.criterion("value").weight, board.criterion("feasibility").weight) == (1, 4)  # type: ignore[union-attr]


def test_bad_weights_are_refused() -> None:
    backlog = backlog_from_data({"scoring": {"criteria": {"value": {"weight": 3}}}})
    with pytest.raises(OperationError):
        set_weights(backlog, {"value": -1}, ACTOR)
    with pytest.raises(OperationError):
        set_weights(backlog, {"speed": 2}, ACTOR)
    assert set_weights(backlog, {"value": 3}, ACTOR).steps == ()
