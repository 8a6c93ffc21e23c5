"""The commands that print: `list`, `show`, `export`, `report`, `status`, `check`, `path` and
`review --list`. They read the store and never load the save path (except `report --record`).
"""

from __future__ import annotations

import argparse

from modelboard.commands import open_tui
from modelboard.context import Context
from modelboard.core import operations
from modelboard.core.errors import EXIT_FAILED, EXIT_OK, OperationError, UsageError
from modelboard.core.export import (
    export_csv,
    export_jira_csv,
    export_json,
    export_markdown,
    item_details,
    item_summary,
)
from modelboard.core.model import Backlog, Item, require_item
from modelboard.core.ranking import NO_RANK, ranks_now
from modelboard.core.review import Include, review_queue
from modelboard.core.sorting import SortOrder, sorted_items
from modelboard.core.staleness import is_stale
from modelboard.core.text import plural
from modelboard.core.times import day
from modelboard.output import item_page, item_table


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    """List the review queue, or open review mode."""
    include = _includes(args.include)
    if not args.list and not args.json:
        return open_tui(ctx, review=frozenset(include))
    store = ctx.store()
    queue = review_queue(store.backlog, ctx.now, include)
    _print_items(ctx, queue, store.backlog, args.json, empty="nothing to review")
    return EXIT_OK


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    """List items, in board order, highest priority first within a stage."""
    store = ctx.store()
    backlog = store.backlog
    board = backlog.board
    if args.stage is not None and args.stage not in board.stages:
        raise OperationError(
            f"unknown stage {args.stage!r}; the board's stages are: {', '.join(board.stages)}"
        )
    items = [
        item
        for stage in board.stages
        if args.stage in (None, stage)
        for item in sorted_items(
            (i for i in backlog.items.values() if i.stage == stage), SortOrder.PRIORITY, board
        )
    ]
    orphans = [i for i in backlog.items.values() if i.stage not in board.stages]
    if args.stage is None:
        items += orphans
    if args.stale:
        items = [i for i in items if is_stale(i, board, ctx.now)]
    _print_items(ctx, items, backlog, args.json, empty="no items")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    """Show one item in full."""
    store = ctx.store()
    item = require_item(store.backlog, args.id)
    board = store.backlog.board
    if args.json:
        ctx.json(item_details(item, board, ctx.now))
    else:
        ctx.out(item_page(item, board, ctx.now, store.backlog.log.rhythm.rescore_after))
    return EXIT_OK


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    """Print the whole backlog as JSON, CSV (ours, or shaped for Jira) or Markdown."""
    backlog = ctx.store().backlog
    render = {
        "json": export_json,
        "csv": export_csv,
        "jira": export_jira_csv,
        "md": export_markdown,
    }[args.format]
    ctx.out(render(backlog, ctx.now))
    return EXIT_OK


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    """Print the digest of a period: what changed, the top items, the backlog's health."""
    from modelboard.core.report import (
        as_json,
        build_report,
        default_since,
        markdown,
        period_start,
    )

    store = ctx.store()
    backlog = store.backlog
    since = period_start(args.since, ctx.now) if args.since else default_since(backlog, ctx.now)
    report = build_report(backlog, store.deleted_records(), since, ctx.now)
    if args.format == "json":
        ctx.json(as_json(report))
    else:
        ctx.out(markdown(report, plain=args.format == "text"))
    if args.record:
        to = tuple(args.to) if args.to else backlog.log.rhythm.audience
        store.save(operations.record_update(backlog, since, to, ctx.actor))
        ctx.say(f"recorded this update as sent to {', '.join(to) or 'nobody named'}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    """Print the rhythm: the last and next review and update, and what needs attention."""
    from modelboard.core.status import status

    backlog = ctx.store().backlog
    now = status(backlog, ctx.now)
    if args.json:
        ctx.json(now.as_json())
        return EXIT_OK
    review, update = now.last_review, now.last_update
    lines = [
        "last review  "
        + (
            f"{day(review.at)} by {review.by}, {plural(review.counts.get('reviewed', 0), 'item')}"
            " reviewed"
            if review
            else "none recorded"
        ),
        "last update  " + (f"{day(update.at)} by {update.by}" if update else "none recorded"),
        *(
            [f"last session {day(s.at)} by {s.by}: {s.summary()}"]
            if (s := now.last_session)
            else []
        ),
        *now.due(),
        f"stale {now.stale}  ·  incomplete {now.incomplete}  ·  unscored {now.unscored}",
    ]
    ctx.out("\n".join(lines))
    return EXIT_OK


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    """Validate the store: exit 0 when sound, 1 with every problem listed (values of the
    wrong kind, and items sitting in a stage whose gate they do not meet); a file that does
    not parse exits 3 before this runs."""
    from modelboard.core.gates import breaches, gate_problems

    store = ctx.store()
    backlog = store.backlog
    problems = [
        *(p.message for p in backlog.problems),
        *gate_problems(backlog.board),
        *(str(b) for b in breaches(backlog)),
    ]
    for problem in problems:
        ctx.out(problem)
    if problems:
        ctx.say(f"{store.path}: {plural(len(problems), 'problem')}")
        return EXIT_FAILED
    ctx.say(f"{store.path}: ok, {plural(len(backlog.items), 'item')}")
    return EXIT_OK


def cmd_path(args: argparse.Namespace, ctx: Context) -> int:
    """Print which store file is used, and why."""
    location = ctx.location()
    ctx.out(str(location.path))
    reason = location.reason
    if location.is_default and not location.path.exists():
        reason += " (created on first use)"
    ctx.say(reason)
    for note in location.skipped:
        ctx.say(f"ignored {note}")
    return EXIT_OK


def _print_items(
    ctx: Context, items: list[Item], backlog: Backlog, as_json: bool, empty: str
) -> None:
    board = backlog.board
    if as_json:  # with each item's rank and its move since the last recorded ranking
        ranks = ranks_now(backlog)
        ctx.json([{**item_summary(i, board, ctx.now), **ranks.get(i.id, NO_RANK)} for i in items])
    elif items:
        ctx.out(item_table(items, board, ctx.now))
    else:
        ctx.say(empty)


def _includes(raw: str | None) -> list[Include]:
    if not raw:
        return []
    result = []
    for word in raw.split(","):
        try:
            result.append(Include(word.strip()))
        except ValueError:
            raise UsageError(
                f"--include takes {', '.join(i.value for i in Include)} (got {word!r})"
            ) from None
    return result
