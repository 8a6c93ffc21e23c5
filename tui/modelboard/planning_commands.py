"""The planning commands: `goal add|list|edit|retire` and `matrix`.

Like every command they open the store, call the core and print; data on stdout, messages
on stderr, errors raised for `cli` to map to exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from modelboard.context import Context
from modelboard.core.change import Change
from modelboard.core.errors import EXIT_OK, ConflictError, OperationError, UsageError
from modelboard.core.goals import (
    add_goal,
    edit_goal,
    goals_unwritable,
    retire_goal,
    standings,
)
from modelboard.core.model import Backlog
from modelboard.core.scoring import priority
from modelboard.core.times import iso

ADD_ATTEMPTS = 3  # a teammate adding a goal at the same moment takes the id: pick the next


def cmd_goal_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add a goal; print its id."""
    values = {"title": args.title, **_goal_values(args)}
    store = ctx.store()
    for attempt in range(ADD_ATTEMPTS):
        try:
            applied = store.save(add_goal(store.backlog, values, ctx.actor))
            break
        except ConflictError:  # the same new id, added by someone else meanwhile
            if attempt == ADD_ATTEMPTS - 1:
                raise
            store.reload()
    ctx.out(applied.summary.rpartition(" ")[2])
    return EXIT_OK


def cmd_goal_edit(args: argparse.Namespace, ctx: Context) -> int:
    """Change a goal's title, description or weight."""
    values = _goal_values(args)
    if args.title is not None:
        values["title"] = args.title
    if not values:
        raise UsageError("nothing to change: give --title, --description or --weight")
    return _save(ctx, args.id, lambda backlog: edit_goal(backlog, args.id, values, ctx.actor))


def cmd_goal_retire(args: argparse.Namespace, ctx: Context) -> int:
    """Retire a goal: its items come up for review."""
    return _save(ctx, args.id, lambda backlog: retire_goal(backlog, args.id, ctx.actor))


def _save(ctx: Context, goal_id: str, change_of: Callable[[Backlog], Change]) -> int:
    """Save a change of a goal and say which open items it puts up for review."""
    store = ctx.store()
    change = change_of(store.backlog)
    if not change.steps:
        ctx.say(change.summary)
        return EXIT_OK
    store.save(change)
    due = [
        item.id
        for standing in standings(store.backlog)
        if standing.goal.id.upper() == goal_id.upper()
        for item in standing.items
    ]
    shown = ", ".join(due[:10]) + (f" and {len(due) - 10} more" if len(due) > 10 else "")
    ctx.say(change.summary + (f"; up for review: {shown}" if due else ""))
    return EXIT_OK


def cmd_goal_list(args: argparse.Namespace, ctx: Context) -> int:
    """Every goal with its open items; goals in force that no open item serves are said."""
    backlog = ctx.store().backlog
    criteria = backlog.board.criteria
    found = standings(backlog)
    why = goals_unwritable(backlog)
    if why:
        ctx.say(why.partition(";")[0])
    if args.json:
        ctx.json(
            [
                {
                    "id": s.goal.id,
                    "title": s.goal.title,
                    "description": s.goal.description,
                    "weight": s.goal.weight,
                    "retired": s.goal.retired and iso(s.goal.retired),
                    "changed": s.goal.changed and iso(s.goal.changed),
                    "open_items": [
                        {"id": i.id, "title": i.title, "priority": priority(i.scores, criteria)}
                        for i in s.items
                    ],
                    "unserved": s.unserved,
                }
                for s in found
            ]
        )
        return EXIT_OK
    if not found:
        ctx.say("no goals yet; add one with: modelboard goal add TITLE")
        return EXIT_OK
    lines = []
    for s in found:
        weight = "-" if s.goal.weight is None else f"{s.goal.weight:g}"
        state = (
            "retired"
            if s.goal.retired
            else "no open items"
            if s.unserved
            else f"{len(s.items)} open"
        )
        lines.append(f"{s.goal.id:<5} weight {weight:<4} {state:<14} {s.goal.title}")
        for item in s.items[:5]:
            value = priority(item.scores, criteria)
            shown = "--" if value is None else f"{value:.0f}"
            lines.append(f"        {item.id:<7} {shown:>3}  {item.title}")
        if len(s.items) > 5:
            lines.append(f"        … and {len(s.items) - 5} more")
    ctx.out("\n".join(lines))
    return EXIT_OK


def _goal_values(args: argparse.Namespace) -> dict[str, object]:
    values: dict[str, object] = {}
    if args.description is not None:
        values["description"] = sys.stdin.read() if args.description == "-" else args.description
    if args.weight is not None:
        if not args.weight.strip():
            values["weight"] = None
        else:
            try:
                values["weight"] = float(args.weight)
            except ValueError:
                raise OperationError(f"weight: {args.weight!r} is not a number") from None
    return values


def cmd_matrix(args: argparse.Namespace, ctx: Context) -> int:
    """Print the open items on a 5 x 5 grid of two criteria (value against effort)."""
    from modelboard.core import matrix

    backlog = ctx.store().backlog
    x, y = matrix.axes(backlog.board, args.x, args.y)
    grid = matrix.build_matrix(backlog, x, y)
    if args.json:
        ctx.json(matrix.as_json(grid, backlog.board))
    else:
        ctx.out(matrix.as_text(grid))
    return EXIT_OK
