"""The rhythm of the method: how often the team reviews and updates, and what it did.

`[rhythm]` holds the cadence; `[[reviews]]` and `[[updates]]` record each review session and
each update sent, with a one-line snapshot of the ranking (`"M-6=89.3 M-1=85.7"`), so the
rankings can be compared over time. Reading never fails: odd values are problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from modelboard.core.history import HistoryEntry, entry_from_data
from modelboard.core.ids import is_id
from modelboard.core.text import text_list
from modelboard.core.times import as_utc

DEFAULT_EVERY = 14
MAX_EVERY = 3650
KEEP_SNAPSHOTS = 52  # the records older than the last 52 keep their counts, not their ranking
RECORD_ARRAYS = ("reviews", "updates", "history", "sessions")
"""The store's logs: arrays of tables that only grow, merged by adding the other side's."""

Ranking = tuple[tuple[str, float], ...]
"""Ids in ranking order, each with its priority."""


@dataclass(frozen=True)
class Rhythm:
    """The team's cadence: days between reviews, days between updates, and who gets them."""

    review_every: int = DEFAULT_EVERY
    update_every: int = DEFAULT_EVERY
    audience: tuple[str, ...] = ()

    @property
    def rescore_after(self) -> int:
        """Days after which unchanged scores are worth a second look: three review cycles."""
        return 3 * self.review_every


@dataclass(frozen=True)
class ReviewRecord:
    """One review session: when, who, what was done, and the ranking at its end."""

    at: dt.datetime
    by: str
    counts: Mapping[str, int] = field(default_factory=dict)
    ranking: Ranking = ()
    index: int = 0
    """Its place in `[[reviews]]`, where a trim finds it."""


@dataclass(frozen=True)
class UpdateRecord:
    """One update sent to stakeholders: when, who, the period, to whom, the ranking."""

    at: dt.datetime
    by: str
    since: dt.datetime | None = None
    to: tuple[str, ...] = ()
    ranking: Ranking = ()
    index: int = 0
    """Its place in `[[updates]]`, where a trim finds it."""


@dataclass(frozen=True)
class SessionRecord:
    """One prioritisation session: who led it, who took part, what was agreed."""

    at: dt.datetime
    by: str
    participants: tuple[str, ...] = ()
    items: int = 0
    agreed: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    """`M-6 89 -> 86, rank 1 -> 2`, the biggest change of priority first."""
    disagreements: tuple[str, ...] = ()

    def summary(self) -> str:
        """`12 items, 4 people, 10 agreed`."""
        people = len(self.participants)
        return (
            f"{self.items} item{'s' * (self.items != 1)}, "
            f"{people} {'person' if people == 1 else 'people'}, {len(self.agreed)} agreed"
        )


@dataclass(frozen=True)
class Log:
    """Everything the store remembers of the rhythm."""

    rhythm: Rhythm = Rhythm()
    reviews: tuple[ReviewRecord, ...] = ()
    updates: tuple[UpdateRecord, ...] = ()
    changes: tuple[HistoryEntry, ...] = ()
    """The board's own history (`[[history]]`): changes of the scoring weights."""
    sessions: tuple[SessionRecord, ...] = ()

    def beyond_kept(self) -> list[tuple[str, int]]:
        """(array, index) of the records whose rankings are older than the newest
        KEEP_SNAPSHOTS - 1: a new snapshot makes KEEP_SNAPSHOTS again."""
        kept: list[tuple[dt.datetime, str, int]] = [
            (r.at, "reviews", r.index) for r in self.reviews if r.ranking
        ] + [(u.at, "updates", u.index) for u in self.updates if u.ranking]
        kept.sort()
        return [
            (array, index) for _, array, index in kept[: max(0, len(kept) - KEEP_SNAPSHOTS + 1)]
        ]

    def snapshot_before(self, moment: dt.datetime) -> Ranking:
        """The newest ranking recorded at or before `moment`, if any."""
        records: list[ReviewRecord | UpdateRecord] = [*self.reviews, *self.updates]
        dated = [(r.at, r.ranking) for r in records if r.ranking and r.at <= moment]
        return max(dated, key=lambda pair: pair[0])[1] if dated else ()

    def last_snapshot(self) -> Ranking:
        """The newest ranking recorded by a review or an update, if any."""
        records: list[ReviewRecord | UpdateRecord] = [*self.reviews, *self.updates]
        dated = [(r.at, r.ranking) for r in records if r.ranking]
        return max(dated, key=lambda pair: pair[0])[1] if dated else ()


def read_log(data: Mapping[str, Any], notes: list[str]) -> Log:
    """The rhythm and the records of a parsed store; odd values noted, never raised."""
    table = data.get("rhythm", {})
    if not isinstance(table, dict):
        notes.append("'rhythm' must be a table")
        table = {}
    rhythm = Rhythm(
        _days(table, "review_every", notes),
        _days(table, "update_every", notes),
        text_list(table.get("audience"), "rhythm.audience", notes),
    )
    reviews = [
        ReviewRecord(at, _text(r.get("by")), _counts(r), parse_ranking(r.get("ranking")), i)
        for r, at, i in _records(data, "reviews", notes)
    ]
    updates = [
        UpdateRecord(
            at,
            _text(r.get("by")),
            _moment(r.get("since")),
            text_list(r.get("to"), "updates.to", notes),
            parse_ranking(r.get("ranking")),
            i,
        )
        for r, at, i in _records(data, "updates", notes)
    ]
    raw = data.get("history", [])
    changes = [e for e in map(entry_from_data, raw if isinstance(raw, list) else []) if e]
    sessions = [
        SessionRecord(
            at,
            _text(r.get("by")),
            text_list(r.get("participants"), "sessions.participants", notes),
            len(r["items"]) if isinstance(r.get("items"), list) else 0,
            text_list(r.get("agreed"), "sessions.agreed", notes),
            text_list(r.get("changes"), "sessions.changes", notes),
            text_list(r.get("disagreements"), "sessions.disagreements", notes),
        )
        for r, at, _ in _records(data, "sessions", notes)
    ]
    return Log(
        rhythm,
        tuple(sorted(reviews, key=_at)),
        tuple(sorted(updates, key=_at)),
        tuple(sorted(changes, key=lambda e: e.at)),
        tuple(sorted(sessions, key=lambda r: r.at)),
    )


def ranking_text(ranking: Ranking) -> str:
    """A ranking as the store keeps it: one line, `id=priority` in order."""
    return " ".join(f"{item_id}={value:g}" for item_id, value in ranking)


def parse_ranking(text: object) -> Ranking:
    """A stored ranking back; parts that are not `id=number` are left out."""
    if not isinstance(text, str):
        return ()
    pairs = []
    for part in text.split()[:100_000]:
        item_id, _, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            continue
        if is_id(item_id) and 0 <= number <= 100:
            pairs.append((item_id, number))
    return tuple(pairs)


def rank_moves(now: Sequence[str], before: Ranking) -> dict[str, int | None]:
    """Places each id gained since `before` (positive: up); None for ids new to the ranking."""
    old = {item_id: rank for rank, (item_id, _) in enumerate(before, start=1)}
    return {
        item_id: (old[item_id] - rank if item_id in old else None)
        for rank, item_id in enumerate(now, start=1)
    }


def _at(record: ReviewRecord | UpdateRecord) -> dt.datetime:
    return record.at


def _records(
    data: Mapping[str, Any], name: str, notes: list[str]
) -> list[tuple[Mapping[str, Any], dt.datetime, int]]:
    raw = data.get(name, [])
    if not isinstance(raw, list):
        return []  # model.py names the problem with the other arrays of tables
    found = []
    for index, record in enumerate(raw):
        at = _moment(record.get("at")) if isinstance(record, dict) else None
        if at is None:
            notes.append(f"{name}: a record needs 'at' (a date-time)")
        else:
            found.append((record, at, index))
    return found


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    try:
        return as_utc(value)
    except OverflowError:
        return None


def _days(table: Mapping[str, Any], name: str, notes: list[str]) -> int:
    value = table.get(name, DEFAULT_EVERY)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EVERY:
        notes.append(f"rhythm.{name}: must be a whole number of days, 1 to {MAX_EVERY}")
        return DEFAULT_EVERY
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _counts(record: Mapping[str, Any]) -> dict[str, int]:
    return {
        key: value
        for key, value in record.items()
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9
    }
