"""The `modelboard` command: parse, call the core, print. Exit codes are mapped here alone.

Listings never import Textual: the board is imported only when it opens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from tui import __version__
from tui.core.actor import Actor
from tui.core.errors import (
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    ModelboardError,
    OperationError,
    UsageError,
)
from tui.core.export import (
    export_csv,
    export_json,
    export_markdown,
    item_details,
    item_summary,
    to_json,
)
from tui.core.locations import Location, resolve
from tui.core.model import Board, Item, require_item
from tui.core.review import Include, review_queue
from tui.core.sorting import SortOrder, sorted_items
from tui.core.staleness import is_stale
from tui.core.store import Store, create_store, ensure_default_store
from tui.core.text import for_terminal
from tui.output import item_page, item_table

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
        return Store.open(location.path)

    def json(self, value: object) -> None:
        """Data as JSON on stdout: indented for a person at a terminal, compact for programs."""
        self.out(to_json(value, pretty=self.stdout.isatty()))

    def out(self, text: str) -> None:
        """Data, on stdout."""
        self.stdout.write(text if text.endswith("\n") or not text else text + "\n")

    def say(self, message: str) -> None:
        """A message for the person, on stderr."""
        self.stderr.write(f"modelboard: {for_terminal(message)}\n")


# ---- commands -------------------------------------------------------------------------


def cmd_board(args: argparse.Namespace, ctx: Context) -> int:
    """Open the board (the TUI)."""
    return _open_tui(ctx, review=None)


def _open_tui(ctx: Context, review: frozenset[Include] | None) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the board needs a terminal; for scripts use `modelboard list`")
    location = ctx.location()
    for note in location.skipped:
        ctx.say(f"ignored {note}")
    if location.is_default and ensure_default_store(location.path):
        ctx.say(f"created a new backlog at {location.path}")
    from tui.app import ModelboardApp  # Textual loads only when the board opens

    ModelboardApp(location.path, review=review).run()
    return EXIT_OK


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    """List the review queue, or open review mode."""
    include = _includes(args.include)
    if not args.list and not args.json:
        return _open_tui(ctx, review=frozenset(include))
    store = ctx.store()
    queue = review_queue(store.backlog, ctx.now, include)
    _print_items(ctx, queue, store.backlog.board, args.json, empty="nothing to review")
    return EXIT_OK


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add an item; print its new id."""
    from tui.core import operations  # loaded only when something changes

    store = ctx.store()
    values = _field_values(args, store)
    values["title"] = args.title
    change = store.save(operations.add_item(store.backlog, values, ctx.actor))
    new_id = change.steps[0].item_id
    ctx.out(str(new_id))
    return EXIT_OK


def cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    """Change fields of an item."""
    from tui.core import operations  # loaded only when something changes

    store = ctx.store()
    values = _field_values(args, store)
    if args.title is not None:
        values["title"] = args.title
    if not values:
        raise UsageError("nothing to change: give at least one option (see edit --help)")
    change = operations.edit_item(store.backlog, args.id, values, ctx.actor)
    if not change.steps:
        ctx.say(f"{args.id}: nothing changed")
        return EXIT_OK
    store.save(change)
    for step in change.steps:
        if isinstance(step, operations.ItemEdit):
            ctx.say(f"{args.id}: " + "; ".join(entry.change for entry in step.history))
    return EXIT_OK


def cmd_move(args: argparse.Namespace, ctx: Context) -> int:
    """Move an item to another stage."""
    from tui.core import operations  # loaded only when something changes

    store = ctx.store()
    change = operations.move_item(store.backlog, args.id, args.stage, ctx.actor)
    if not change.steps:
        ctx.say(f"{args.id} is in {args.stage} already")
        return EXIT_OK
    store.save(change)
    ctx.say(change.summary)
    return EXIT_OK


def cmd_reviewed(args: argparse.Namespace, ctx: Context) -> int:
    """Mark an item reviewed now."""
    from tui.core import operations  # loaded only when something changes

    store = ctx.store()
    store.save(operations.mark_reviewed(store.backlog, args.id, ctx.actor))
    ctx.say(f"{args.id} marked reviewed")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    """Delete an item."""
    from tui.core import operations  # loaded only when something changes

    store = ctx.store()
    item = require_item(store.backlog, args.id)
    store.save(operations.delete_item(store.backlog, args.id, ctx.actor))
    ctx.say(f"deleted {args.id} ({item.title}); a copy of the file before is in the backups")
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
    _print_items(ctx, items, board, args.json, empty="no items")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    """Show one item in full."""
    store = ctx.store()
    item = require_item(store.backlog, args.id)
    board = store.backlog.board
    if args.json:
        ctx.json(item_details(item, board, ctx.now))
    else:
        ctx.out(item_page(item, board, ctx.now))
    return EXIT_OK


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    """Print the whole backlog as JSON, CSV or Markdown."""
    backlog = ctx.store().backlog
    render = {"json": export_json, "csv": export_csv, "md": export_markdown}[args.format]
    ctx.out(render(backlog, ctx.now))
    return EXIT_OK


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    """Print the digest of a period: what changed, the top items, the backlog's health."""
    from tui.core.report import as_json, build_report, markdown, period_start

    store = ctx.store()
    since = period_start(args.since or f"{store.backlog.board.review_days}d", ctx.now)
    report = build_report(store.backlog, store.deleted_records(), since, ctx.now)
    if args.format == "json":
        ctx.json(as_json(report))
    else:
        ctx.out(for_terminal(markdown(report)))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    """Open the board on a sample backlog in a temporary copy; nothing of yours is touched."""
    import tempfile

    from tui.demo import demo_store_text

    with tempfile.TemporaryDirectory(prefix="modelboard-demo-") as folder:
        path = Path(folder) / "backlog.toml"
        path.write_text(demo_store_text(ctx.now), encoding="utf-8")
        ctx.say(f"demo backlog in {path} (removed when you quit)")
        ctx.file = str(path)
        return _open_tui(ctx, review=None)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    """Import items from a JSON or CSV export, merged by id; --dry-run only says what."""
    from tui.core.importing import plan_import

    source = Path(args.source)
    kind = args.format or ("csv" if source.suffix.lower() == ".csv" else "json")
    try:
        text = sys.stdin.read() if args.source == "-" else source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OperationError(f"cannot read {source}: {error}") from None
    store = ctx.store()
    plan = plan_import(store.backlog, text, kind, ctx.actor)
    for line in plan.lines:
        ctx.out(for_terminal(line))
    if args.dry_run:
        ctx.say(f"dry run: {len(plan.lines)} item(s) would change; nothing was written")
        return EXIT_OK
    applied = store.save(plan.change)
    ctx.say(f"imported: {len(applied.steps)} item(s) changed")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    """Validate the store: exit 0 when sound, 3 with every problem listed."""
    store = ctx.store()
    problems = store.backlog.problems
    for problem in problems:
        ctx.out(for_terminal(problem))
    if problems:
        ctx.say(f"{store.path}: {len(problems)} problem(s)")
        return EXIT_UNREADABLE
    ctx.say(f"{store.path}: ok, {len(store.backlog.items)} items")
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
    create_store(path)
    ctx.out(str(path))
    ctx.say(f"created {path}; add items with: modelboard add TITLE")
    return EXIT_OK


def _print_items(ctx: Context, items: list[Item], board: Board, as_json: bool, empty: str) -> None:
    if as_json:
        ctx.json([item_summary(i, board, ctx.now) for i in items])
    elif items:
        ctx.out(item_table(items, board, ctx.now))
    else:
        ctx.say(empty)


# ---- argument parsing ------------------------------------------------------------------


def _field_values(args: argparse.Namespace, store: Store) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("stage", "owner", "kind", "description", "benefit", "resources"):
        value = getattr(args, name, None)
        if value is not None:
            values[name] = sys.stdin.read() if value == "-" else value
    if args.tag:
        values["tags"] = args.tag
    if args.goal:
        values["goals"] = args.goal
    if args.score:
        values["scores"] = dict(_score(text) for text in args.score)
    return values


def _score(text: str) -> tuple[str, int | None]:
    name, equals, number = text.partition("=")
    if not equals or not name:
        raise UsageError(f"--score takes NAME=N, for example value=4 (got {text!r})")
    if not number.strip():
        return name.strip(), None
    try:
        return name.strip(), int(number)
    except ValueError:
        raise OperationError(
            f"score {name}: {number!r} is not a whole number from 1 to 5"
        ) from None


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


def _item_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stage", help="the stage (column)")
    parser.add_argument(
        "--score",
        action="append",
        metavar="NAME=N",
        help="a score from 1 to 5 for a criterion (repeatable; NAME= clears it)",
    )
    parser.add_argument("--owner", help="who owns the item")
    parser.add_argument(
        "--tag", action="append", metavar="T", help="a tag (repeatable; replaces the tags)"
    )
    parser.add_argument(
        "--goal", action="append", metavar="G", help="a goal it serves (repeatable; replaces)"
    )
    parser.add_argument("--description", help="what the model is ('-' reads stdin)")
    parser.add_argument("--benefit", help="the expected benefit ('-' reads stdin)")
    parser.add_argument("--resources", help="data, compute, people, time ('-' reads stdin)")
    parser.add_argument("--kind", help="new, revision, deployment, or a kind of the board")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; `--file` works before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--file", metavar="PATH", default=argparse.SUPPRESS, help="the store file to use"
    )
    parser = argparse.ArgumentParser(
        prog="modelboard",
        description="A terminal kanban board for an AI model backlog, kept in one TOML file.",
        epilog="Without a command, modelboard opens the board (press ? there for its keys). "
        "Exit codes: 0 ok, 1 failed, 2 wrong usage, 3 store unreadable, 4 conflict.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"modelboard {__version__}")
    parser.set_defaults(handler=cmd_board)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    review = command("review", cmd_review, "review stale items one by one (or --list them)")
    review.add_argument("--list", action="store_true", help="print the queue")
    review.add_argument("--json", action="store_true", help="print the queue as JSON")
    review.add_argument(
        "--include", metavar="WHAT", help="also incomplete and/or unscored items, comma-separated"
    )
    add = command("add", cmd_add, "add an item; prints its new id")
    add.add_argument("title")
    _item_options(add)
    listing = command("list", cmd_list, "list items")
    listing.add_argument("--stage", help="only this stage")
    listing.add_argument("--stale", action="store_true", help="only stale items")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = command("show", cmd_show, "show one item in full")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print JSON")
    move = command("move", cmd_move, "move an item to a stage")
    move.add_argument("id")
    move.add_argument("stage")
    edit = command("edit", cmd_edit, "change an item's fields")
    edit.add_argument("id")
    edit.add_argument("--title", help="the new title")
    _item_options(edit)
    reviewed = command("reviewed", cmd_reviewed, "mark an item reviewed now")
    reviewed.add_argument("id")
    delete = command("delete", cmd_delete, "delete an item")
    delete.add_argument("id")
    export = command("export", cmd_export, "print the whole backlog")
    export.add_argument("--format", choices=("json", "csv", "md"), default="json")
    report = command("report", cmd_report, "the digest of a period, for stakeholders")
    report.add_argument(
        "--since",
        metavar="14d|DATE",
        help="days back (14d) or a date (default: the review interval)",
    )
    report.add_argument("--format", choices=("md", "json"), default="md")
    command("demo", cmd_demo, "the board on a sample backlog, in a temporary copy")
    importing = command("import", cmd_import, "import items from a JSON or CSV export")
    importing.add_argument("source", metavar="FILE", help="the export to read ('-' for stdin)")
    importing.add_argument("--format", choices=("json", "csv"), help="default: by extension")
    importing.add_argument("--dry-run", action="store_true", help="say what would change")
    command("check", cmd_check, "validate the store; exit 0, or 3 listing the problems")
    command("path", cmd_path, "print which store file is used, and why")
    init = command("init", cmd_init, "create a new store with commented defaults")
    init.add_argument("path", nargs="?", help="where (default: ./backlog.toml)")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    now: dt.datetime | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    ctx = Context(getattr(args, "file", None), now, stdout, stderr)
    try:
        return int(args.handler(args, ctx))
    except UsageError as error:
        ctx.say(error.message)
        return EXIT_USAGE
    except ModelboardError as error:
        ctx.say(error.message)
        return error.exit_code
    except BrokenPipeError:
        # `modelboard list | head`: the reader left; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def main_entry() -> None:
    """The console script: exit with main's code."""
    raise SystemExit(main())
