"""The digest a team lead sends after a review: what changed in a period, and where things stand.

Built from the items' history and the `[[deleted]]` records; pure, with the clock passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from modelboard.core.errors import UsageError
from modelboard.core.flags import item_flags
from modelboard.core.goals import GoalStanding, standings
from modelboard.core.history import (
    ADDED,
    EventKind,
    HistoryEntry,
    deletion_from_data,
    score_changes,
)
from modelboard.core.ids import id_order
from modelboard.core.markdown import md_line
from modelboard.core.model import MAX_REVIEW_DAYS, Backlog, Item
from modelboard.core.ranking import current_ranking, open_items, scored_ranking
from modelboard.core.rhythm import ReviewRecord, SessionRecord, rank_moves
from modelboard.core.text import one_line, whole_number
from modelboard.core.times import day, iso, whole_seconds

TOP = 10
RANK_MOVES = 5
_SPAN = re.compile(r"([0-9]+)\s*([dw])\Z")
_SPAN_DAYS = {"d": 1, "w": 7}


def default_since(backlog: Backlog, now: dt.datetime) -> dt.datetime:
    """Where a report starts unless told: at the last update recorded, else one review
    cadence back."""
    log = backlog.log
    if log.updates:
        return log.updates[-1].at
    return now - dt.timedelta(days=log.rhythm.review_every)


def period_start(text: str, now: dt.datetime) -> dt.datetime:
    """`14d` or `2w` back from now, or a date (its midnight, UTC) or date-time: a moment in
    the last hundred years up to now, else a usage error (a report cannot start later)."""
    raw = text.strip()
    span = _SPAN.match(raw.lower())
    if span:
        count = whole_number(span.group(1))
        days = None if count is None else count * _SPAN_DAYS[span.group(2)]
        if days is None or days > MAX_REVIEW_DAYS:
            raise UsageError(f"--since goes back at most {MAX_REVIEW_DAYS} days (got {raw!r})")
        return now - dt.timedelta(days=days)
    try:
        # a date is its midnight, UTC; a date-time without an offset is taken as UTC
        start = whole_seconds(dt.datetime.fromisoformat(raw))
    except (ValueError, OverflowError):
        raise UsageError(
            f"--since takes days like 14d, weeks like 2w, or a date like 2026-11-01 (got {raw!r})"
        ) from None
    if start > now:
        raise UsageError(f"--since {raw} is in the future; a report covers a past period")
    if now - start > dt.timedelta(days=MAX_REVIEW_DAYS):
        raise UsageError(f"--since goes back at most {MAX_REVIEW_DAYS} days (got {raw!r})")
    return start


@dataclass(frozen=True)
class Event:
    """One thing that happened to an item."""

    at: dt.datetime
    item_id: str
    title: str
    by: str
    detail: str


@dataclass(frozen=True)
class Report:
    """Everything the digest says, as data; `markdown` and `as_json` lay it out."""

    board_name: str
    since: dt.datetime
    now: dt.datetime
    added: list[Event] = field(default_factory=list)
    moved: list[Event] = field(default_factory=list)
    rescored: list[Event] = field(default_factory=list)
    reviewed: list[Event] = field(default_factory=list)
    deleted: list[Event] = field(default_factory=list)
    top: list[tuple[Item, float]] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)
    per_stage: dict[str, int] = field(default_factory=dict)
    notes: list[Event] = field(default_factory=list)
    """Review notes, and snoozes with their reasons."""
    sessions: list[ReviewRecord] = field(default_factory=list)
    settings: list[HistoryEntry] = field(default_factory=list)
    rank_moves: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(id, title, places gained, rank now), the biggest moves since the period began."""
    voting_sessions: list[SessionRecord] = field(default_factory=list)
    goal_changes: list[HistoryEntry] = field(default_factory=list)
    goals: list[GoalStanding] = field(default_factory=list)
    """The goals in force with their open items; those with none say where plans are missing."""


def build_report(
    backlog: Backlog, deleted: Sequence[Mapping[str, Any]], since: dt.datetime, now: dt.datetime
) -> Report:
    """The digest of `backlog` for the period from `since` to `now`."""
    board = backlog.board
    report = Report(board.name, since, now)
    sections = {
        EventKind.MOVED: report.moved,
        EventKind.RESCORED: report.rescored,
        EventKind.REVIEWED: report.reviewed,
        EventKind.NOTE: report.notes,
        EventKind.SNOOZED: report.notes,
        **dict.fromkeys(ADDED, report.added),
    }
    netted: dict[tuple[str, EventKind], list[HistoryEntry]] = {}
    for item in backlog.items.values():
        for entry in item.history:
            section = sections.get(entry.kind)
            if section is None or not since <= entry.at <= now:
                continue
            if entry.kind in ADDED and any(e.item_id == item.id for e in report.added):
                continue  # created elsewhere and imported here in one period: added once
            if entry.kind in (EventKind.MOVED, EventKind.RESCORED):
                netted.setdefault((item.id, entry.kind), []).append(entry)
                continue
            section.append(Event(entry.at, item.id, item.title, entry.by, entry.detail))
    for (item_id, kind), entries in netted.items():
        # netted: a move there and back, a re-score undone, within the period is nothing
        last, title = entries[-1], backlog.items[item_id].title
        if kind is EventKind.MOVED:
            start, end = entries[0].extra.get("from"), last.extra.get("to")
            if start != end:
                report.moved.append(Event(last.at, item_id, title, last.by, f"{start} -> {end}"))
            continue
        first: dict[str, str] = {}
        latest: dict[str, str] = {}
        for entry in entries:
            for key, (before, after) in score_changes(entry).items():
                first.setdefault(key, before)
                latest[key] = after
        parts = [f"{k} {first[k]} -> {latest[k]}" for k in sorted(first) if first[k] != latest[k]]
        if parts:
            report.rescored.append(Event(last.at, item_id, title, last.by, ", ".join(parts)))
    log = backlog.log
    report.sessions.extend(r for r in log.reviews if since <= r.at <= now)
    report.voting_sessions.extend(r for r in log.sessions if since <= r.at <= now)
    in_period = [e for e in log.changes if since <= e.at <= now]
    report.settings.extend(e for e in in_period if e.kind is not EventKind.GOAL)
    report.goal_changes.extend(e for e in in_period if e.kind is EventKind.GOAL)
    report.goals.extend(s for s in standings(backlog) if s.goal.retired is None)
    earlier = log.snapshot_before(since)
    if earlier:
        ranked = current_ranking(backlog)
        gained = rank_moves([item_id for item_id, _ in ranked], earlier)
        biggest = sorted(
            ((i, places, rank) for rank, (i, places) in enumerate(gained.items(), 1) if places),
            key=lambda move: -abs(move[1]),
        )[:RANK_MOVES]
        report.rank_moves.extend(
            (i, backlog.items[i].title, places, rank) for i, places, rank in biggest
        )
    for record in deleted:
        gone = deletion_from_data(record)
        if gone is not None and since <= gone.at <= now:
            report.deleted.append(
                Event(gone.at, gone.item_id, gone.title, gone.by, f"from {gone.stage}")
            )
    lists = (report.added, report.moved, report.rescored, report.reviewed, report.deleted)
    for events in (*lists, report.notes):
        events.sort(key=lambda e: (e.at, id_order(e.item_id)))
    report.top.extend(scored_ranking(open_items(backlog), board.criteria)[:TOP])
    for item in sorted(backlog.items.values(), key=lambda i: id_order(i.id)):
        flags = item_flags(item, board, now)
        if flags.stale:
            report.stale.append(item.id)
        if flags.incomplete:
            report.incomplete.append(item.id)
        if flags.unscored:
            report.unscored.append(item.id)
    report.per_stage.update({s: 0 for s in board.stages})
    for item in backlog.items.values():
        report.per_stage[item.stage] = report.per_stage.get(item.stage, 0) + 1
    return report


def markdown(report: Report, plain: bool = False) -> str:
    """The digest as Markdown that reads well pasted into an e-mail or a wiki; `plain` is
    the same as text for chat tools that show Markdown as it is (no escapes, no table)."""
    esc = one_line if plain else md_line
    heading, sub = ("", "") if plain else ("# ", "## ")
    title = f"{esc(report.board_name)}: update {day(report.since)} to {day(report.now)}"
    lines = [f"{heading}{title}", ""]

    def section(title: str, events: list[Event], show_detail: bool) -> None:
        lines.extend([f"{sub}{title} ({len(events)})", ""])
        if not events:
            lines.extend(["None.", ""])
            return
        for e in events:
            detail = f": {esc(e.detail)}" if show_detail else ""
            lines.append(f"- {e.item_id} {esc(e.title)}{detail} ({esc(e.by)}, {day(e.at)})")
        lines.append("")

    section("Added", report.added, show_detail=False)
    section("Moved", report.moved, show_detail=True)
    section("Re-scored", report.rescored, show_detail=True)
    section("Reviewed", report.reviewed, show_detail=False)
    section("Deleted", report.deleted, show_detail=True)
    if report.notes:
        section("Notes and snoozes", report.notes, show_detail=True)
    if report.sessions:
        lines.extend([f"{sub}Review sessions ({len(report.sessions)})", ""])
        for session in report.sessions:
            done = ", ".join(f"{n} {what}" for what, n in session.counts.items() if n)
            lines.append(f"- {day(session.at)} by {esc(session.by)}: {done or 'nothing done'}")
        lines.append("")

    def listed(title: str, rows: list[str]) -> None:
        """A section of one line each, left out when there is nothing to say."""
        if rows:
            lines.extend([f"{sub}{title} ({len(rows)})", "", *(f"- {row}" for row in rows), ""])

    def changed(entries: list[HistoryEntry]) -> list[str]:
        return [f"{esc(e.change)} ({esc(e.by)}, {day(e.at)})" for e in entries]

    listed("Scoring changes", changed(report.settings))
    listed("Prioritisation sessions", [_session_line(r, esc) for r in report.voting_sessions])
    listed("Goal changes", changed(report.goal_changes))
    if report.rank_moves:
        lines.extend([f"{sub}Biggest moves in the ranking", ""])
        for item_id, title, places, rank in report.rank_moves:
            way = f"up {places}" if places > 0 else f"down {-places}"
            lines.append(f"- {item_id} {esc(title)}: {way}, now #{rank}")
        lines.append("")
    lines += [f"{sub}Top {len(report.top)} by priority", ""]
    if report.top and plain:
        for rank, (item, value) in enumerate(report.top, start=1):
            lines.append(f"{rank}. {item.id} {esc(item.title)} ({esc(item.stage)}) {value:.0f}")
    elif report.top:
        lines += ["| # | id | title | stage | priority |", "| --- | --- | --- | --- | --- |"]
        for rank, (item, value) in enumerate(report.top, start=1):
            title, stage = md_line(item.title), md_line(item.stage)
            lines.append(f"| {rank} | {item.id} | {title} | {stage} | {value:.0f} |")
    else:
        lines.append("No scored items.")
    if report.goals:
        lines += ["", f"{sub}Goals", ""]
        for standing in report.goals:
            lines.append(f"- {_goal_line(standing, esc)}")
    lines += ["", f"{sub}Health", ""]
    health = {"Stale": report.stale, "Incomplete": report.incomplete, "Unscored": report.unscored}
    for label, ids in health.items():
        lines.append(f"- {label}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
    lines += ["", f"{sub}Items per stage", ""]
    lines += [f"- {esc(stage)}: {count}" for stage, count in report.per_stage.items()]
    return "\n".join(lines) + "\n"


def _session_line(record: SessionRecord, esc: Callable[[str], str]) -> str:
    """`2026-12-01 by anna: 12 items, 4 people, 10 agreed; biggest changes: …; open
    disagreements: M-5`."""
    line = f"{day(record.at)} by {esc(record.by)}: {record.summary()}"
    if record.changes:
        line += "; biggest changes: " + "; ".join(esc(c) for c in record.changes[:3])
    if record.disagreements:
        line += "; disagreements: " + ", ".join(record.disagreements)
    return line


def _goal_line(standing: GoalStanding, esc: Callable[[str], str]) -> str:
    """`G1 Keep more customers (weight 3): 7 open items, first M-1 Churn (86), …`."""
    goal = standing.goal
    weight = f" (weight {goal.weight:g})" if goal.weight is not None else ""
    head = f"{goal.id} {esc(goal.title)}{weight}"
    if not standing.items:
        return f"{head}: no open items"
    first = ", ".join(f"{i.id} {esc(i.title)}" for i in standing.items[:3])
    return f"{head}: {len(standing.items)} open, first {first}"


def as_json(report: Report) -> dict[str, Any]:
    """The digest as data for tools."""

    def events(items: list[Event]) -> list[dict[str, str | None]]:
        return [
            {"at": iso(e.at), "id": e.item_id, "title": e.title, "by": e.by, "change": e.detail}
            for e in items
        ]

    return {
        "board": report.board_name,
        "since": iso(report.since),
        "until": iso(report.now),
        "added": events(report.added),
        "moved": events(report.moved),
        "rescored": events(report.rescored),
        "reviewed": events(report.reviewed),
        "deleted": events(report.deleted),
        "top": [
            {"id": i.id, "title": i.title, "stage": i.stage, "priority": v} for i, v in report.top
        ],
        "stale": report.stale,
        "incomplete": report.incomplete,
        "unscored": report.unscored,
        "per_stage": report.per_stage,
        "notes": events(report.notes),
        "review_sessions": [{"at": iso(r.at), "by": r.by, **r.counts} for r in report.sessions],
        "scoring_changes": [
            {"at": iso(e.at), "by": e.by, "change": e.change} for e in report.settings
        ],
        "rank_moves": [
            {"id": i, "title": t, "places": p, "rank": r} for i, t, p, r in report.rank_moves
        ],
        "prioritisation_sessions": [
            {
                "at": iso(r.at),
                "by": r.by,
                "participants": list(r.participants),
                "items": r.items,
                "agreed": list(r.agreed),
                "changes": list(r.changes),
                "disagreements": list(r.disagreements),
            }
            for r in report.voting_sessions
        ],
        "goal_changes": [
            {"at": iso(e.at), "by": e.by, "goal": e.extra.get("goal"), "change": e.change}
            for e in report.goal_changes
        ],
        "goals": [
            {
                "id": s.goal.id,
                "title": s.goal.title,
                "weight": s.goal.weight,
                "open_items": [i.id for i in s.items],
            }
            for s in report.goals
        ],
    }
