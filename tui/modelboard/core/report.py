"""The digest a team lead sends after a review: what changed in a period, and where things stand.

Built from the items' history and the `[[deleted]]` records; pure, with the clock passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from modelboard.core.errors import UsageError
from modelboard.core.flags import item_flags
from modelboard.core.history import ADDED, EventKind, deletion_from_data
from modelboard.core.ids import id_order
from modelboard.core.markdown import md_line
from modelboard.core.model import MAX_REVIEW_DAYS, Backlog, Item
from modelboard.core.ranking import open_items, scored_ranking
from modelboard.core.text import whole_number
from modelboard.core.times import day, iso, midnight

TOP = 10
_DAYS = re.compile(r"(\d+)\s*d\Z")


def default_since(backlog: Backlog, now: dt.datetime) -> dt.datetime:
    """Where a report starts unless told: at the last update recorded, else one review
    cadence back."""
    log = backlog.log
    if log.updates:
        return log.updates[-1].at
    return now - dt.timedelta(days=log.rhythm.review_every)


def period_start(text: str, now: dt.datetime) -> dt.datetime:
    """`14d` (days back from now) or a date `YYYY-MM-DD` (its midnight, UTC)."""
    text = text.strip().lower()
    days = _DAYS.match(text)
    if days:
        count = whole_number(days.group(1))
        if count is None or count > MAX_REVIEW_DAYS:
            raise UsageError(f"--since takes at most {MAX_REVIEW_DAYS} days (got {text!r})")
        return now - dt.timedelta(days=count)
    try:
        return midnight(dt.date.fromisoformat(text))
    except ValueError:
        raise UsageError(
            f"--since takes a number of days like 14d, or a date (got {text!r})"
        ) from None


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
        **dict.fromkeys(ADDED, report.added),
    }
    for item in backlog.items.values():
        for entry in item.history:
            section = sections.get(entry.kind)
            if section is None or not since <= entry.at <= now:
                continue
            if entry.kind in ADDED and any(e.item_id == item.id for e in report.added):
                continue  # created elsewhere and imported here in one period: added once
            section.append(Event(entry.at, item.id, item.title, entry.by, entry.detail))
    for record in deleted:
        gone = deletion_from_data(record)
        if gone is not None and since <= gone.at <= now:
            report.deleted.append(
                Event(gone.at, gone.item_id, gone.title, gone.by, f"from {gone.stage}")
            )
    for events in (report.added, report.moved, report.rescored, report.reviewed, report.deleted):
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


def markdown(report: Report) -> str:
    """The digest as Markdown that reads well pasted into an e-mail or a wiki."""
    lines = [
        f"# {md_line(report.board_name)}: update {day(report.since)} to {day(report.now)}",
        "",
    ]

    def section(title: str, events: list[Event], show_detail: bool) -> None:
        lines.append(f"## {title} ({len(events)})")
        lines.append("")
        if not events:
            lines.extend(["None.", ""])
            return
        for e in events:
            detail = f": {md_line(e.detail)}" if show_detail else ""
            lines.append(f"- {e.item_id} {md_line(e.title)}{detail} ({md_line(e.by)}, {day(e.at)})")
        lines.append("")

    section("Added", report.added, show_detail=False)
    section("Moved", report.moved, show_detail=True)
    section("Re-scored", report.rescored, show_detail=True)
    section("Reviewed", report.reviewed, show_detail=False)
    section("Deleted", report.deleted, show_detail=True)
    lines += [f"## Top {len(report.top)} by priority", ""]
    if report.top:
        lines += ["| # | id | title | stage | priority |", "| --- | --- | --- | --- | --- |"]
        for rank, (item, value) in enumerate(report.top, start=1):
            title, stage = md_line(item.title), md_line(item.stage)
            lines.append(f"| {rank} | {item.id} | {title} | {stage} | {value:.0f} |")
    else:
        lines.append("No scored items.")
    lines += ["", "## Health", ""]
    health = {"Stale": report.stale, "Incomplete": report.incomplete, "Unscored": report.unscored}
    for label, ids in health.items():
        lines.append(f"- {label}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
    lines += ["", "## Items per stage", ""]
    lines += [f"- {md_line(stage)}: {count}" for stage, count in report.per_stage.items()]
    return "\n".join(lines) + "\n"


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
    }
