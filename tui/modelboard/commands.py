"""The commands of the command line: each opens the store, calls the core and prints.

Data goes to stdout, messages to stderr; errors are raised and mapped to exit codes by `cli`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from modelboard.core import operations
from modelboard.core.actor import Actor
from modelboard.core.change import Change, ItemEdit
from modelboard.core.defaults import PRESETS
from modelboard.core.errors import (
    EXIT_FAILED,
    EXIT_OK,
    OperationError,
    UsageError,
)
from modelboard.core.export import (
    export_csv,
    export_jira_csv,
    export_json,
    export_markdown,
    item_details,
    item_summary,
    to_json,
)
from modelboard.core.gates import GateError
from modelboard.core.locations import Location, resolve
from modelboard.core.model import TEXT_FIELDS, Backlog, Board, Item, require_item
from modelboard.core.ranking import NO_RANK, ranks_now
from modelboard.core.review import Include, review_queue
from modelboard.core.sorting import SortOrder, sorted_items
from modelboard.core.staleness import is_stale
from modelboard.core.store import Store, create_store, ensure_default_store
from modelboard.core.text import for_terminal, plural, whole_number
from modelboard.core.times import day
from modelboard.output import item_page, item_table

Handler = Callable[[argparse.Namespace, "Context"], int]


class Context:
    """What a command needs: where the store is, the clock, and the output streams."""

    def __init__(
        self, file: str | None, now: dt.datetime | None, stdout: TextIO, stderr: TextIO
    ) -> None:
        self.file = file
        self.actor = Actor.current(now)
        self.stdout = stdout
        self.stderr = stderr

    @property
    def now(self) -> dt.datetime:
        """The moment this command runs."""
        return self.actor.now

    def location(self) -> Location:
        """Which store file this command uses."""
        return resolve(self.file)

    def store(self) -> Store:
        """Open the store, creating the per-user default on first use."""
        location = self.location()
        for note in location.skipped:
            self.say(f"ignored {note}")
        if location.is_default and ensure_default_store(location.path):
            self.say(f"created a new backlog at {location.path}")
        store = Store.open(location.path)
        store.on_wait = lambda holder: self.say(f"saving: waiting for {holder} to finish saving")
        return store

    def json(self, value: object) -> None:
        """Data as JSON on stdout: indented for a person at a terminal, compact for programs."""
        self._write(to_json(value, pretty=self.stdout.isatty()))

    def out(self, text: str) -> None:
        """Data for people (tables, Markdown, CSV) on stdout: no control character of the file
        reaches the terminal, whichever field it came in."""
        self._write(for_terminal(text))

    def _write(self, text: str) -> None:
        self.stdout.write(text if text.endswith("\n") or not text else text + "\n")

    def say(self, message: str) -> None:
        """A message for the person, on stderr."""
        self.stderr.write(f"modelboard: {for_terminal(message)}\n")


# ---- commands -------------------------------------------------------------------------


def cmd_board(args: argparse.Namespace, ctx: Context) -> int:
    """Open the board (the TUI)."""
    return open_tui(ctx, review=None)


def open_tui(ctx: Context, review: frozenset[Include] | None, voting: bool = False) -> int:
    """The board (or review mode, or the prioritisation session) on the store in use."""
    from modelboard.serve import runs_in_browser

    if not (runs_in_browser() or (sys.stdin.isatty() and sys.stdout.isatty())):
        raise UsageError("the board needs a terminal; for scripts use `modelboard list`")
    location = ctx.location()
    for note in location.skipped:
        ctx.say(f"ignored {note}")
    if location.is_default and ensure_default_store(location.path):
        ctx.say(f"created a new backlog at {location.path}")
    from modelboard.app import ModelboardApp  # Textual loads only when the board opens

    app = ModelboardApp(location.path, review=review, voting=voting)
    app.run()
    return app.return_code or EXIT_OK  # a crash (Textual printed why) is not a success


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    """List the review queue, or open review mode."""
    include = _includes(args.include)
    if not args.list and not args.json:
        return open_tui(ctx, review=frozenset(include))
    store = ctx.store()
    queue = review_queue(store.backlog, ctx.now, include)
    _print_items(ctx, queue, store.backlog, args.json, empty="nothing to review")
    return EXIT_OK


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add an item; print its new id."""
    store = ctx.store()
    values = _field_values(args, store)
    values["title"] = args.title
    change = store.save(_gated(operations.add_item, store.backlog, values, ctx.actor, args.force))
    new_id = change.steps[0].item_id
    ctx.out(str(new_id))
    return EXIT_OK


def cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    """Change fields of an item."""
    store = ctx.store()
    values = _field_values(args, store)
    if args.title is not None:
        values["title"] = args.title
    if not values:
        raise UsageError("nothing to change: give at least one option (see edit --help)")
    change = _gated(operations.edit_item, store.backlog, args.id, values, ctx.actor, args.force)
    if not change.steps:
        ctx.say(f"{args.id}: nothing changed")
        return EXIT_OK
    store.save(change)
    for step in change.steps:
        if isinstance(step, ItemEdit):
            ctx.say(f"{args.id}: " + "; ".join(entry.change for entry in step.history))
    return EXIT_OK


def cmd_move(args: argparse.Namespace, ctx: Context) -> int:
    """Move an item to another stage."""
    store = ctx.store()
    change = _gated(operations.move_item, store.backlog, args.id, args.stage, ctx.actor, args.force)
    if not change.steps:
        ctx.say(f"{args.id} is in {args.stage} already")
        return EXIT_OK
    store.save(change)
    ctx.say(change.summary)
    return EXIT_OK


def cmd_reviewed(args: argparse.Namespace, ctx: Context) -> int:
    """Mark an item reviewed now."""
    store = ctx.store()
    store.save(operations.mark_reviewed(store.backlog, args.id, ctx.actor))
    ctx.say(f"{args.id} marked reviewed")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    """Delete an item."""
    store = ctx.store()
    item = require_item(store.backlog, args.id)
    store.save(operations.delete_item(store.backlog, args.id, ctx.actor))
    if store.last_backup is not None:
        ctx.say(f"deleted {args.id} ({item.title}); the file before is in {store.last_backup}")
    else:
        ctx.say(f"deleted {args.id} ({item.title}); warning: no backup of the file could be kept")
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


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    """Open the board on a sample backlog in a temporary copy; nothing of yours is touched."""
    import tempfile

    from modelboard.demo import demo_store_text

    with tempfile.TemporaryDirectory(prefix="modelboard-demo-") as folder:
        path = Path(folder) / "backlog.toml"
        path.write_text(demo_store_text(ctx.now), encoding="utf-8")
        ctx.say(f"demo backlog in {path} (removed when you quit)")
        ctx.file = str(path)
        return open_tui(ctx, review=None)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    """Import items from a JSON or CSV export, merged by id; --dry-run only says what."""
    from modelboard.core.importing import plan_import

    source = Path(args.source)
    kind = args.format or ("csv" if source.suffix.lower() == ".csv" else "json")
    try:
        text = sys.stdin.read() if args.source == "-" else source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OperationError(f"cannot read {source}: {error}") from None
    store = ctx.store()
    plan = plan_import(store.backlog, text, kind, ctx.actor)
    for line in plan.lines:
        ctx.out(line)
    if args.dry_run:
        ctx.say(f"dry run: {plural(len(plan.lines), 'item')} would change; nothing was written")
        return EXIT_OK
    applied = store.save(plan.change)
    ctx.say(f"imported: {plural(len(applied.steps), 'item')} changed")
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


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    """Create a new store with commented defaults."""
    path = Path(os.path.abspath(args.path or "backlog.toml"))
    create_store(path, PRESETS[args.preset])
    ctx.out(str(path))
    ctx.say(f"created {path}; add items with: modelboard add TITLE")
    from modelboard.core.git_setup import work_tree

    if work_tree(path.parent) is not None:
        ctx.say("this folder is in git: `modelboard git-setup` makes git merge the store by item")
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


def _field_values(args: argparse.Namespace, store: Store) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("stage", "owner", "kind", *TEXT_FIELDS):
        value = getattr(args, name, None)
        if value is not None:
            values[name] = sys.stdin.read() if value == "-" else value
    if args.tag:
        values["tags"] = args.tag
    if args.goal:
        values["goals"] = args.goal
    if args.score:
        values["scores"] = dict(score_option(text) for text in args.score)
    for text in args.set or ():
        name, value = _template_value(text, store.backlog.board)
        values[name] = value
    return values


def _template_value(text: str, board: Board) -> tuple[str, str | None]:
    """`--set FIELD=TEXT`: a template field and its text ('-' reads stdin; blank clears)."""
    name, equals, value = text.partition("=")
    name = name.strip()
    if not equals or not name:
        raise UsageError(f"--set takes FIELD=TEXT, for example success_metric=AUC (got {text!r})")
    if name not in board.template_fields:
        raise OperationError(
            f"--set: {name!r} is not a field of the template; it has: "
            + ", ".join(board.template_fields)
        )
    value = sys.stdin.read() if value == "-" else value
    return name, value if value.strip() else None


def _gated(operation: Callable[..., Change], *args: Any) -> Change:
    """Run an operation that may enter a gated stage; a refusal says how to go anyway."""
    try:
        return operation(*args)
    except GateError as error:
        raise OperationError(
            f"{error.message}. Fill them in first, or add --force to go anyway "
            "(the history records what was missing)"
        ) from None


def score_option(text: str) -> tuple[str, int | None]:
    name, equals, number = text.partition("=")
    if not equals or not name:
        raise UsageError(f"--score takes NAME=N, for example value=4 (got {text!r})")
    if not number.strip():
        return name.strip(), None
    value = whole_number(number)
    if value is None:
        raise OperationError(f"score {name}: {number!r} is not a whole number from 1 to 5")
    return name.strip(), value


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


def cmd_merge(args: argparse.Namespace, ctx: Context) -> int:
    """The git merge driver: merge THEIRS into OURS by item and field; 1 when a person must
    decide (the conflicting lines are marked in OURS, as git does)."""
    from modelboard.core.gitmerge import merge_files

    ours = Path(args.ours)
    result = merge_files(Path(args.base), ours, Path(args.theirs), ctx.actor)
    for old, new in result.renumbered:
        ctx.say(f"{ours}: both branches added {old}; theirs is now {new}")
    write_merged(ours, result.text)
    for c in result.conflicts:
        ctx.say(f"conflict: {c.item_id} {c.field}: ours {c.theirs!r}, theirs {c.mine!r}")
    return EXIT_FAILED if result.conflicts else EXIT_OK


def write_merged(path: Path, text: str) -> None:
    """Write the merge result where git expects it, atomically."""
    from modelboard.core.atomic import write_atomically

    write_atomically(Path(os.path.realpath(path)), text.encode("utf-8"))


def cmd_git_setup(args: argparse.Namespace, ctx: Context) -> int:
    """Make git merge the store with `modelboard merge`, and ignore its lock file."""
    from modelboard.core import git_setup

    git_setup.configure(ctx.location().path, Path.cwd(), ctx.say)
    return EXIT_OK
