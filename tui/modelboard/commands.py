"""The commands that change the store (`add`, `edit`, `move`, `reviewed`, `delete`, `import`,
`init`, `merge`, `git-setup`) and those that open the board.

They load only what a save needs: in a busy meeting every command is a process of its own,
and its start is most of its cost. The commands that print live in `listing_commands`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelboard.context import Context
from modelboard.core import operations
from modelboard.core.change import Change, ItemEdit
from modelboard.core.errors import EXIT_FAILED, EXIT_OK, OperationError, UsageError
from modelboard.core.gates import GateError
from modelboard.core.model import TEXT_FIELDS, Board, require_item
from modelboard.core.store import Store, ensure_default_store
from modelboard.core.text import plural, whole_number

if TYPE_CHECKING:
    from modelboard.core.review import Include


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


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add an item; print its new id."""
    store = ctx.store()
    values = _field_values(args, store)
    values["title"] = args.title
    backlog = store.backlog_of(())
    change = store.save(_gated(operations.add_item, backlog, values, ctx.actor, args.force))
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
    backlog = store.backlog_of((args.id,))
    change = _gated(operations.edit_item, backlog, args.id, values, ctx.actor, args.force)
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
    backlog = store.backlog_of((args.id,))
    change = _gated(operations.move_item, backlog, args.id, args.stage, ctx.actor, args.force)
    if not change.steps:
        ctx.say(f"{args.id} is in {args.stage} already")
        return EXIT_OK
    store.save(change)
    ctx.say(change.summary)
    return EXIT_OK


def cmd_reviewed(args: argparse.Namespace, ctx: Context) -> int:
    """Mark an item reviewed now."""
    store = ctx.store()
    store.save(operations.mark_reviewed(store.backlog_of((args.id,)), args.id, ctx.actor))
    ctx.say(f"{args.id} marked reviewed")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    """Delete an item."""
    store = ctx.store()
    backlog = store.backlog_of((args.id,))
    item = require_item(backlog, args.id)
    store.save(operations.delete_item(backlog, args.id, ctx.actor))
    if store.last_backup is not None:
        ctx.say(f"deleted {args.id} ({item.title}); the file before is in {store.last_backup}")
    else:
        ctx.say(f"deleted {args.id} ({item.title}); warning: no backup of the file could be kept")
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


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    """Create a new store with commented defaults."""
    from modelboard.core.defaults import PRESETS
    from modelboard.core.store import create_store

    path = Path(os.path.abspath(args.path or "backlog.toml"))
    create_store(path, PRESETS[args.preset])
    ctx.out(str(path))
    ctx.say(f"created {path}; add items with: modelboard add TITLE")
    from modelboard.core.git_setup import work_tree

    if work_tree(path.parent) is not None:
        ctx.say("this folder is in git: `modelboard git-setup` makes git merge the store by item")
    return EXIT_OK


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
        name, value = _template_value(text, store.backlog_of(()).board)
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
