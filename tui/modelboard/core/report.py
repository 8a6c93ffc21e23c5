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
from modelboard.core.model import Backlog, Item, is_incomplete, unscored_criteria
from modelboard.core.scoring import priority
from modelboard.core.staleness import is_stale

TOP = 10
_DAYS = re.compile(r"(\d+)\s*d\Z")


def period_start(text: str, now: dt.datetime) -> dt.datetime:
    """`14d` (days back from now) or a date `YYYY-MM-DD` (its midnight, UTC)."""
    text = text.strip().lower()
    days = _DAYS.match(text)
    if days:
        return now - dt.timedelta(days=int(days.group(1)))
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since takes a number of days like 14d, or a date (got {text!r})"
        ) from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


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
    for item in backlog.items.values():
        for entry in item.history:
            if not since <= entry.at <= now:
                continue
            event = Event(entry.at, item.id, item.title, entry.by, entry.change)
            if entry.change.startswith("created in "):
                report.added.append(event)
            elif entry.change.startswith("stage: "):
                report.moved.append(Event(entry.at, item.id, item.title, entry.by,
                                          entry.change.removeprefix("stage: ")))  # fmt: skip
            elif entry.change.startswith("scores: "):
                report.rescored.append(Event(entry.at, item.id, item.title, entry.by,
                                             entry.change.removeprefix("scores: ")))  # fmt: skip
            elif entry.change == "reviewed":
                report.reviewed.append(event)
    for record in deleted:
        at = record.get("at")
        if isinstance(at, dt.datetime) and since <= at <= now:
            report.deleted.append(
                Event(
                    at,
                    str(record.get("id", "?")),
                    str(record.get("title", "")),
                    str(record.get("by", "")),
                    f"from {record.get('stage', '?')}",
                )  # fmt: skip
            )
    for events in (report.added, report.moved, report.rescored, report.reviewed, report.deleted):
        events.sort(key=lambda e: (e.at, e.item_id))
    open_stages = [s for s in board.stages if board.review_days_by_stage.get(s, 1) != 0]
    ranked = [
        (item, value)
        for item in backlog.items.values()
        if item.stage in open_stages
        and (value := priority(item.scores, board.criteria)) is not None
    ]
    ranked.sort(key=lambda pair: (-pair[1], _number(pair[0].id)))
    report.top.extend(ranked[:TOP])
    for item in sorted(backlog.items.values(), key=lambda i: _number(i.id)):
        if is_stale(item, board, now):
            report.stale.append(item.id)
        if is_incomplete(item, board):
            report.incomplete.append(item.id)
        if unscored_criteria(item, board):
            report.unscored.append(item.id)
    report.per_stage.update({s: 0 for s in board.stages})
    for item in backlog.items.values():
        report.per_stage[item.stage] = report.per_stage.get(item.stage, 0) + 1
    return report


def _number(item_id: str) -> int:
    tail = item_id.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 10**12


def _day(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _md(text: str) -> str:
    """Item text as plain Markdown: no line breaks, no accidental emphasis or tables."""
    text = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]|<])", r"\\\1", text)


def markdown(report: Report) -> str:
    """The digest as Markdown that reads well pasted into an e-mail or a wiki."""
    lines = [
        f"# {_md(report.board_name)}: update {_day(report.since)} to {_day(report.now)}",
        "",
    ]

    def section(title: str, events: list[Event], show_detail: bool) -> None:
        lines.append(f"## {title} ({len(events)})")
        lines.append("")
        if not events:
            lines.extend(["None.", ""])
            return
        for e in events:
            detail = f": {_md(e.detail)}" if show_detail else ""
            lines.append(f"- {e.item_id} {_md(e.title)}{detail} ({_md(e.by)}, {_day(e.at)})")
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
            lines.append(f"| {rank} | {item.id} | {_md(item.title)} | {item.stage} | {value:.0f} |")
    else:
        lines.append("No scored items.")
    lines += ["", "## Health", ""]
    for label, ids in (("Stale", report.stale), ("Incomplete", report.incomplete),
                       ("Unscored", report.unscored)):  # fmt: skip
        lines.append(f"- {label}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
    lines += ["", "## Items per stage", ""]
    lines += [f"- {stage}: {count}" for stage, count in report.per_stage.items()]
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> dict[str, Any]:
    """The digest as data for tools."""

    def events(items: list[Event]) -> list[dict[str, str]]:
        return [
            {
                "at": e.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "id": e.item_id,
                "title": e.title,
                "by": e.by,
                "change": e.detail,
            }  # fmt: skip
            for e in items
        ]

    return {
        "board": report.board_name,
        "since": report.since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "until": report.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
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
