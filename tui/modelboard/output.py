"""Plain-text views for the command line: the item table and one item in full.

Every piece of item text passes through `for_terminal`, so a title cannot move the cursor,
change colours or set the window title of whoever lists the backlog.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable

from modelboard.core.flags import item_flags
from modelboard.core.model import Board, Item
from modelboard.core.scoring import priority
from modelboard.core.staleness import days_since_looked_at, days_since_rescored
from modelboard.core.text import for_terminal


def item_table(items: Iterable[Item], board: Board, now: dt.datetime, width: int = 0) -> str:
    """One line per item: id, stage, priority, title, flags; titles cut to the width."""
    rows = []
    for item in items:
        value = priority(item.scores, board.criteria)
        rows.append(
            (
                item.id,
                item.stage,
                "-" if value is None else f"{value:.0f}",
                for_terminal(item.title).replace("\t", " "),
                ",".join(item_flags(item, board, now).words()),
            )
        )
    if not rows:
        return ""
    id_width = max(2, *(len(r[0]) for r in rows))
    stage_width = max(5, *(len(r[1]) for r in rows))
    flag_width = max(len(r[4]) for r in rows)
    width = width or shutil.get_terminal_size((100, 24)).columns
    title_width = max(20, width - id_width - stage_width - flag_width - 12)
    header = f"{'ID':<{id_width}}  {'STAGE':<{stage_width}}  PRIO  {'TITLE':<{title_width}}  FLAGS"
    lines = [header.rstrip()]
    for item_id, stage, prio, title, marks in rows:
        if len(title) > title_width:
            title = title[: title_width - 1] + "…"
        line = f"{item_id:<{id_width}}  {stage:<{stage_width}}  {prio:>4}  {title:<{title_width}}"
        lines.append(f"{line}  {marks}".rstrip())
    return "\n".join(lines) + "\n"


def _goal_names(item: Item, board: Board) -> str:
    """`G1 Keep more customers, G3 (retired) Run leaner`."""
    names = []
    for goal_id in item.goals:
        goal = board.goal(goal_id)
        retired = " (retired)" if goal is not None and goal.retired else ""
        names.append(f"{goal_id}{retired} {goal.title}" if goal else f"{goal_id} (no such goal)")
    return ", ".join(names)


def item_page(item: Item, board: Board, now: dt.datetime, rescore_after: int = 42) -> str:
    """Everything about one item, as `show` prints it."""
    flags = item_flags(item, board, now)
    value = priority(item.scores, board.criteria)
    scores = ", ".join(f"{c.label} {item.scores.get(c.key, '-')}/5" for c in board.criteria)
    days = days_since_looked_at(item, now)
    reviewed = f"{_when(item.reviewed)} ({days} days ago)" if item.reviewed else "never reviewed"
    lines = [
        f"{item.id}  {for_terminal(item.title)}",
        "",
        f"stage     {item.stage}",
        f"kind      {item.kind or '-'}",
        f"owner     {for_terminal(item.owner) or '-'}",
        f"tags      {for_terminal(', '.join(item.tags)) or '-'}",
        f"goals     {for_terminal(_goal_names(item, board)) or '-'}",
        f"priority  {'-' if value is None else f'{value:.0f}'}  ({scores or 'no criteria'})",
        f"created   {_when(item.created)}",
        f"updated   {_when(item.updated)}",
        f"reviewed  {reviewed}",
    ]
    if item.snoozed_until:
        lines.append(f"snoozed   until {item.snoozed_until.isoformat()}")
    status = ",".join(flags.words())
    if flags.missing:
        status += f" (missing: {', '.join(flags.missing)})"
    lines.append(f"status    {status or 'complete, scored, not due for review'}")
    scored = days_since_rescored(item, now)
    if item.scores and scored is not None and scored > rescore_after:
        lines.append(f"scores    unchanged for {scored} days: worth a second look")
    for name in board.template_fields:
        lines += ["", f"{name}:"]
        text = for_terminal(item.text(name)).strip()
        lines += [_indent(text) if text else "  (blank)"]
    if item.history:
        lines += ["", "history:"]
        for entry in reversed(item.history):
            lines.append(
                f"  {_when(entry.at)}  {for_terminal(entry.by)}  {for_terminal(entry.change)}"
            )
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    import textwrap

    width = max(40, shutil.get_terminal_size((100, 24)).columns - 2)
    wrapped = []
    for paragraph in text.split("\n"):
        wrapped += textwrap.wrap(paragraph, width - 2) or [""]
    return "\n".join("  " + line for line in wrapped)


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"
