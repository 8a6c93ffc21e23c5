"""The review session as pure state, and snoozes, with a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest

from modelboard.core.actor import Actor
from modelboard.core.errors import OperationError
from modelboard.core.model import backlog_from_data
from modelboard.core.operations import snooze_date, snooze_item
from modelboard.core.review import Outcome, ReviewWalk, changes_since_review
from tests.conftest import NOW

TODAY = NOW.date()


def test_walk_forward_back_and_summary() -> None:
    session = ReviewWalk(["M-1", "M-2", "M-3"])
    assert (session.current, session.progress()) == ("M-1", (1, 3))
    session.record(Outcome.MOVED)
    session.record(Outcome.REVIEWED)
    session.advance()
    session.record(Outcome.SKIPPED)
    session.advance()
    session.back()
    assert session.current == "M-2"
    session.record(Outcome.RESCORED)  # came back and re-scored: no longer just skipped
    session.advance()
    session.record(Outcome.SKIPPED)
    session.advance()
    assert session.finished and session.current is None
    summary = session.summary()
    assert (summary[Outcome.REVIEWED], summary[Outcome.MOVED], summary[Outcome.RESCORED]) == (
        1,
        1,
        1,
    )
    assert summary[Outcome.SKIPPED] == 1


def test_dropping_an_item_keeps_the_place() -> None:
    session = ReviewWalk(["M-1", "M-2", "M-3"])
    session.advance()
    session.drop("M-1")
    assert session.current == "M-2" and session.progress() == (1, 2)
    session.drop("M-2")
    assert session.current == "M-3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", TODAY + dt.timedelta(days=7)),
        ("3", TODAY + dt.timedelta(days=3)),
        ("14d", TODAY + dt.timedelta(days=14)),
        ("2026-12-24", dt.date(2026, 12, 24)),
    ],
)
def test_snooze_dates(text: str, expected: dt.date) -> None:
    assert snooze_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["0", "soon", "2026-13-01", "99999"])
def test_bad_snoozes_are_refused(text: str) -> None:
    with pytest.raises(OperationError):
        snooze_date(text, TODAY)


def test_snooze_must_be_in_the_future() -> None:
    backlog = backlog_from_data({"items": {"M-1": {"title": "a", "stage": "proposed"}}})
    with pytest.raises(OperationError):
        snooze_item(backlog, "M-1", TODAY, Actor("t", NOW))
    change = snooze_item(backlog, "M-1", TODAY + dt.timedelta(days=1), Actor("t", NOW))
    assert change.summary == "snoozed M-1 until 2026-11-25"


def test_changes_since_the_last_review() -> None:
    day = dt.timedelta(days=1)
    history = [
        {"at": NOW - 9 * day, "by": "a", "change": "created in proposed"},
        {"at": NOW - 5 * day, "by": "a", "change": "reviewed"},
        {"at": NOW - 3 * day, "by": "b", "change": "stage: proposed -> ready"},
        {"at": NOW - 1 * day, "by": "c", "change": "owner: a -> c"},
    ]
    item = {"title": "a", "stage": "ready", "reviewed": NOW - 5 * day, "history": history}
    backlog = backlog_from_data({"items": {"M-1": item}})
    changes = [e.change for e in changes_since_review(backlog.items["M-1"])]
    assert changes == ["owner: a -> c", "stage: proposed -> ready"]


def test_restoring_an_item_that_came_back_never_lists_it_twice() -> None:
    walk = ReviewWalk(["M-1", "M-2", "M-3"])
    walk.drop("M-2")
    walk.requeue(["M-1", "M-2", "M-3"])
    walk.restore("M-2")
    assert walk.item_ids == ("M-1", "M-2", "M-3")
    walk.restore("M-9")  # never in this walk
    assert walk.item_ids == ("M-1", "M-2", "M-3")


def test_an_undone_action_no_longer_counts_and_its_item_is_current_again() -> None:
    walk = ReviewWalk(["M-1", "M-2"])
    walk.record(Outcome.REVIEWED)
    walk.advance()
    walk.undone("M-1")
    assert walk.current == "M-1" and walk.summary()[Outcome.REVIEWED] == 0
