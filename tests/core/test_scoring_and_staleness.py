"""Priority arithmetic, staleness rules and the review queue, with a fixed clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from modelboard.core.model import Backlog, Board, Criterion, backlog_from_data, missing_fields
from modelboard.core.review import Include, review_queue
from modelboard.core.scoring import priority
from modelboard.core.staleness import is_stale
from tests.conftest import NOW

CRITERIA = (
    Criterion("value", "Business value", 3),
    Criterion("feasibility", "Feasibility", 2),
    Criterion("effort", "Resources needed", 2, higher_is_worse=True),
)


def test_priority_is_the_weighted_mean_with_inverted_effort() -> None:
    # value 4 -> 75, feasibility 3 -> 50, effort 2 -> 25 inverted = 75
    # (3*75 + 2*50 + 2*75) / 7 = 475 / 7 = 67.857...
    assert priority({"value": 4, "feasibility": 3, "effort": 2}, CRITERIA) == 67.9


def test_priority_extremes() -> None:
    assert priority({"value": 5, "feasibility": 5, "effort": 1}, CRITERIA) == 100.0
    assert priority({"value": 1, "feasibility": 1, "effort": 5}, CRITERIA) == 0.0


def test_unscored_criterion_means_no_priority() -> None:
    assert priority({"value": 5, "feasibility": 5}, CRITERIA) is None


def test_zero_weights_do_not_count_and_all_zero_means_none() -> None:
    criteria = (Criterion("a", "A", 0), Criterion("b", "B", 1))
    assert priority({"a": 1, "b": 5}, criteria) == 100.0
    assert priority({"a": 3}, (Criterion("a", "A", 0),)) is None
    assert priority({}, ()) is None


def _backlog(items: dict[str, dict[str, Any]], **board: Any) -> Backlog:
    data: dict[str, Any] = {
        "board": {"review_days": 14, "review_days_by_stage": {"retired": 0, "deployed": 30}},
        "scoring": {
            "criteria": {
                "value": {"weight": 3},
                "feasibility": {"weight": 2},
                "effort": {"weight": 2, "higher_is_worse": True},
            }
        },
        "items": items,
    }
    data["board"].update(board)
    return backlog_from_data(data)


def _ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_staleness_counts_from_reviewed_else_created() -> None:
    backlog = _backlog(
        {
            "M-1": {"title": "a", "stage": "ready", "created": _ago(30), "reviewed": _ago(3)},
            "M-2": {"title": "b", "stage": "ready", "created": _ago(15)},
            "M-3": {"title": "c", "stage": "ready", "created": _ago(14)},
            "M-4": {"title": "d", "stage": "ready"},
        }
    )
    stale = {i.id for i in backlog.items.values() if is_stale(i, backlog.board, NOW)}
    # exactly 14 days is not yet *older than* 14; no dates at all means never looked at.
    assert stale == {"M-2", "M-4"}


def test_per_stage_intervals_and_zero_means_never() -> None:
    backlog = _backlog(
        {
            "M-1": {"title": "a", "stage": "deployed", "created": _ago(20)},
            "M-2": {"title": "b", "stage": "deployed", "created": _ago(31)},
            "M-3": {"title": "c", "stage": "retired", "created": _ago(900)},
        }
    )
    stale = {i.id for i in backlog.items.values() if is_stale(i, backlog.board, NOW)}
    assert stale == {"M-2"}


def test_snooze_hides_until_its_date() -> None:
    backlog = _backlog(
        {
            "M-1": {
                "title": "a",
                "stage": "ready",
                "created": _ago(40),
                "snoozed_until": dt.date(2026, 11, 25),
            },
            "M-2": {
                "title": "b",
                "stage": "ready",
                "created": _ago(40),
                "snoozed_until": dt.date(2026, 11, 24),
            },
        }
    )
    stale = {i.id for i in backlog.items.values() if is_stale(i, backlog.board, NOW)}
    assert stale == {"M-2"}


def test_review_queue_orders_by_priority_then_stalest() -> None:
    low = {"value": 1, "feasibility": 1, "effort": 5}
    high = {"value": 5, "feasibility": 5, "effort": 1}
    backlog = _backlog(
        {
            "M-1": {"title": "a", "stage": "ready", "created": _ago(20), "scores": low},
            "M-2": {"title": "b", "stage": "ready", "created": _ago(20), "scores": high},
            "M-3": {"title": "c", "stage": "ready", "created": _ago(50), "scores": high},
            "M-4": {"title": "d", "stage": "ready", "created": _ago(60)},
            "M-5": {"title": "e", "stage": "ready", "created": _ago(1)},
        }
    )
    assert [i.id for i in review_queue(backlog, NOW)] == ["M-3", "M-2", "M-1", "M-4"]


def test_review_queue_includes_incomplete_and_unscored_on_request() -> None:
    scored = {"value": 3, "feasibility": 3, "effort": 3}
    complete = {"description": "d", "benefit": "b", "resources": "r"}
    backlog = _backlog(
        {
            "M-1": {"title": "fresh, unscored", "stage": "ready", "created": _ago(1), **complete},
            "M-2": {
                "title": "fresh, incomplete",
                "stage": "ready",
                "created": _ago(1),
                "scores": scored,
            },
            "M-3": {
                "title": "fresh, fine",
                "stage": "ready",
                "created": _ago(1),
                "scores": scored,
                **complete,
            },
            "M-5": {"title": "retired, unscored", "stage": "retired", "created": _ago(1)},
            "M-4": {
                "title": "snoozed, unscored",
                "stage": "ready",
                "created": _ago(1),
                "snoozed_until": dt.date(2026, 12, 1),
            },
        }
    )
    assert review_queue(backlog, NOW) == []
    assert [i.id for i in review_queue(backlog, NOW, [Include.UNSCORED])] == ["M-1"]
    assert [i.id for i in review_queue(backlog, NOW, [Include.INCOMPLETE])] == ["M-2"]
    both = review_queue(backlog, NOW, [Include.INCOMPLETE, Include.UNSCORED])
    assert sorted(i.id for i in both) == ["M-1", "M-2"]


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({}, ["description", "benefit", "resources"]),
        ({"description": "  \n ", "benefit": "b", "resources": "r"}, ["description"]),
        ({"description": "d", "benefit": "b", "resources": "r"}, []),
    ],
)
def test_blank_required_fields_are_missing(fields: dict[str, str], missing: list[str]) -> None:
    backlog = _backlog({"M-1": {"title": "a", "stage": "ready", **fields}})
    assert missing_fields(backlog.items["M-1"], backlog.board) == missing


def test_bad_values_are_reported_not_fatal() -> None:
    backlog = _backlog(
        {
            "M-1": {"title": 5, "stage": "nowhere", "scores": {"value": 9, "speed": 2}},
            "M-2": "not a table",  # type: ignore[dict-item]
        }
    )
    problems = "\n".join(p.message for p in backlog.problems)
    for expected in ("M-1.title", "M-1.stage", "M-1.scores.value", "M-1.scores.speed", "M-2"):
        assert expected in problems
    assert backlog.items["M-1"].scores == {}
    assert Board().stages[0] == "proposed"
