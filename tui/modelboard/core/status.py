"""Where the rhythm stands: the last and next review and update, and the backlog's health.

`modelboard status` prints it, and the board's title bar says what is due, in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from modelboard.core.flags import item_flags
from modelboard.core.model import Backlog
from modelboard.core.rhythm import Log, ReviewRecord, SessionRecord, UpdateRecord
from modelboard.core.text import plural
from modelboard.core.times import iso


@dataclass(frozen=True)
class Status:
    """The rhythm now: the last records, when the next are due, and the counts."""

    now: dt.datetime
    last_review: ReviewRecord | None
    next_review: dt.datetime
    last_update: UpdateRecord | None
    next_update: dt.datetime
    stale: int
    incomplete: int
    unscored: int
    last_session: SessionRecord | None = None

    def due(self) -> list[str]:
        """What is due, in words: `review due in 2 days`, `update overdue by 3 days`."""
        return [
            _due("review", self.next_review, self.now),
            _due("update", self.next_update, self.now),
        ]

    def as_json(self) -> dict[str, Any]:
        """The status as data for tools."""
        review, update = self.last_review, self.last_update
        return {
            "last_review": None
            if review is None
            else {"at": iso(review.at), "by": review.by, **review.counts},  # fmt: skip
            "next_review": iso(self.next_review),
            "review_overdue": self.next_review < self.now,
            "last_update": None
            if update is None
            else {"at": iso(update.at), "by": update.by, "to": list(update.to)},  # fmt: skip
            "next_update": iso(self.next_update),
            "update_overdue": self.next_update < self.now,
            "stale": self.stale,
            "incomplete": self.incomplete,
            "unscored": self.unscored,
            "last_session": None
            if self.last_session is None
            else {
                "at": iso(self.last_session.at),
                "by": self.last_session.by,
                "participants": list(self.last_session.participants),
                "items": self.last_session.items,
                "agreed": list(self.last_session.agreed),
                "disagreements": list(self.last_session.disagreements),
            },
        }


def status(backlog: Backlog, now: dt.datetime) -> Status:
    """The rhythm of `backlog` at `now`: nothing recorded yet means due now."""
    log, board = backlog.log, backlog.board
    next_review, next_update = next_due(log, now)
    flags = [item_flags(item, board, now) for item in backlog.items.values()]
    return Status(
        now,
        log.reviews[-1] if log.reviews else None,
        next_review,
        log.updates[-1] if log.updates else None,
        next_update,
        sum(f.stale for f in flags),
        sum(f.incomplete for f in flags),
        sum(bool(f.unscored) for f in flags),
        log.sessions[-1] if log.sessions else None,
    )


def next_due(log: Log, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """When the next review and the next update are due (now, if none was recorded)."""
    review = log.reviews[-1].at + dt.timedelta(days=log.rhythm.review_every) if log.reviews else now
    update = log.updates[-1].at + dt.timedelta(days=log.rhythm.update_every) if log.updates else now
    return review, update


def due_words(log: Log, now: dt.datetime, within: int = 2) -> list[str]:
    """What is due within `within` days or overdue, in words, counting nothing (for the
    board's title bar, redrawn on every change)."""
    return [
        _due(what, when, now)
        for what, when in zip(("review", "update"), next_due(log, now), strict=True)
        if (when.date() - now.date()).days <= within
    ]


def _due(what: str, when: dt.datetime, now: dt.datetime) -> str:
    days = (when.date() - now.date()).days
    if days > 0:
        return f"{what} due in {plural(days, 'day')}"
    if days == 0:
        return f"{what} due today"
    return f"{what} overdue by {plural(-days, 'day')}"
