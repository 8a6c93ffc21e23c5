"""The `modelboard` command line: the parser, and exit codes mapped here alone.

Listings never import Textual: the board is imported only when it opens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import TextIO, cast

from modelboard import __version__
from modelboard.context import Context, Handler
from modelboard.core.errors import EXIT_OK, EXIT_USAGE, ModelboardError, UsageError
from modelboard.shell import SHELLS, WORDS, Parser, cmd_completion, cmd_help


def _lazy(module: str, name: str) -> Handler:
    """A command's handler, loaded when it runs: a command loads only its own modules (in a
    busy meeting every command is a process of its own, and its start is most of its cost)."""

    def run(args: argparse.Namespace, ctx: Context) -> int:
        from importlib import import_module

        handler: Handler = getattr(import_module(f"modelboard.{module}"), name)
        return handler(args, ctx)

    return run


def _changing(name: str) -> Handler:
    return _lazy("commands", f"cmd_{name}")


def _listing(name: str) -> Handler:
    return _lazy("listing_commands", f"cmd_{name}")


def _planning(name: str) -> Handler:
    return _lazy("planning_commands", f"cmd_{name}")


def _session(name: str) -> Handler:
    return _lazy("session_commands", f"cmd_session_{name}")


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535."""
    port = int(text) if text.isascii() and text.isdigit() and len(text) <= 5 else 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535 (got {text!r})")
    return port


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
    parser.add_argument(
        "--set",
        action="append",
        metavar="FIELD=TEXT",
        help="any field of the board's template, such as success_metric (repeatable; "
        "FIELD= clears it)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="into a stage whose gate the item does not meet (history records what it lacked)",
    )


Action = Callable[[str, Handler, str], argparse.ArgumentParser]


def _actions(parent: argparse.ArgumentParser, common: argparse.ArgumentParser) -> Action:
    """A maker of `parent`'s actions (`goal add`, `session vote`), each with its own --help
    and `--file` anywhere."""
    actions = parent.add_subparsers(title="actions", metavar="ACTION")

    def action(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    return action


def _goal_commands(goal: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """`goal add|list|edit|retire`."""
    action = _actions(goal, common)

    def goal_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--description", help="what reaching it means ('-' reads stdin)")
        parser.add_argument(
            "--weight", metavar="N", help="how much it counts (goals list heaviest first)"
        )

    add = action("add", _planning("goal_add"), "add a goal; prints its new id")
    add.add_argument("title")
    goal_options(add)
    listing = action("list", _planning("goal_list"), "every goal with its open items")
    listing.add_argument("--json", action="store_true", help="print JSON")
    edit = action("edit", _planning("goal_edit"), "change a goal; its items come up for review")
    edit.add_argument("id")
    edit.add_argument("--title", help="the new title")
    goal_options(edit)
    retire = action(
        "retire", _planning("goal_retire"), "retire a goal; its items come up for review"
    )
    retire.add_argument("id")


def _session_commands(session: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """`session start|join|vote|reveal|agree|status|end`."""
    action = _actions(session, common)

    def scores(parser: argparse.ArgumentParser, help_text: str) -> None:
        parser.add_argument("--score", action="append", metavar="NAME=N", help=help_text)

    start = action("start", _session("start"), "start a session; you facilitate it")
    start.add_argument("--stage", help="only the open items of this stage")
    start.add_argument("--unscored", action="store_true", help="only items missing a score")
    start.add_argument("--stale", action="store_true", help="only stale items")
    action("join", _session("join"), "follow the session on screen (and lead it, if yours)")
    vote = action("vote", _session("vote"), "vote on an item, as the current user")
    vote.add_argument("id")
    scores(vote, "your score from 1 to 5 for a criterion (repeatable)")
    reveal = action("reveal", _session("reveal"), "reveal the votes: per person, median, spread")
    reveal.add_argument("id")
    reveal.add_argument("--json", action="store_true", help="print JSON")
    agree = action("agree", _session("agree"), "save the agreed scores (default: the medians)")
    agree.add_argument("id")
    scores(agree, "the agreed score instead of the median (repeatable)")
    status = action("status", _session("status"), "who runs the session, who is in, where it is")
    status.add_argument("--json", action="store_true", help="print JSON")
    action("end", _session("end"), "end the session; it is recorded in the store")


def _session_usage(args: argparse.Namespace, ctx: Context) -> int:
    raise UsageError(
        "session needs an action: start, join, vote, reveal, agree, status or end "
        "(see session --help)"
    )


def _goal_usage(args: argparse.Namespace, ctx: Context) -> int:
    raise UsageError("goal needs an action: add, list, edit or retire (see goal --help)")


class _Unbuilt:
    """Stands in for the parsers of the commands not run: `build_parser(only=...)` builds
    one command's parser in a millisecond, all of them in seven."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return lambda *args, **kwargs: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` the parser of just that command (the others
    are left out, so it knows no other); `--file` works before or after the subcommand."""
    common = Parser(add_help=False)
    common.add_argument(
        "--file", metavar="PATH", default=argparse.SUPPRESS, help="the store file to use"
    )
    parser = Parser(
        prog="modelboard",
        description="A terminal kanban board for an AI model backlog, kept in one TOML file.",
        epilog="Without a command, modelboard opens the board (press ? there for its keys). "
        "Exit codes: 0 ok, 1 failed, 2 wrong usage, 3 store unreadable, 4 conflict.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"modelboard {__version__}")
    parser.set_defaults(handler=_changing("board"))
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return cast(argparse.ArgumentParser, _Unbuilt())
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    review = command("review", _listing("review"), "review stale items one by one (or --list them)")
    review.add_argument("--list", action="store_true", help="print the queue")
    review.add_argument("--json", action="store_true", help="print the queue as JSON")
    review.add_argument(
        "--include", metavar="WHAT", help="also incomplete and/or unscored items, comma-separated"
    )
    add = command("add", _changing("add"), "add an item; prints its new id")
    add.add_argument("title", help="the new item's title")
    _item_options(add)
    listing = command("list", _listing("list"), "list items")
    listing.add_argument("--stage", help="only this stage")
    listing.add_argument("--stale", action="store_true", help="only stale items")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = command("show", _listing("show"), "show one item in full")
    show.add_argument("id", help="the item's id, like M-1")
    show.add_argument("--json", action="store_true", help="print JSON")
    move = command("move", _changing("move"), "move an item to a stage")
    move.add_argument("id", help="the item's id, like M-1")
    move.add_argument("stage", help="the stage to move it to")
    move.add_argument(
        "--force",
        action="store_true",
        help="even when the item lacks what the stage's gate asks (history records what)",
    )
    edit = command("edit", _changing("edit"), "change an item's fields")
    edit.add_argument("id", help="the item's id, like M-1")
    edit.add_argument("--title", help="the new title")
    _item_options(edit)
    reviewed = command("reviewed", _changing("reviewed"), "mark an item reviewed now")
    reviewed.add_argument("id", help="the item's id, like M-1")
    delete = command("delete", _changing("delete"), "delete an item")
    delete.add_argument("id", help="the item's id, like M-1")
    export = command("export", _listing("export"), "print the whole backlog")
    export.add_argument(
        "--format",
        choices=("json", "csv", "md", "jira"),
        default="json",
        help="json (default), csv (spreadsheets, import), md, or jira (CSV for Jira)",
    )
    report = command("report", _listing("report"), "the digest of a period, for stakeholders")
    report.add_argument(
        "--since",
        metavar="14d|2w|DATE",
        help="days (14d) or weeks (2w) back, or a date (default: since the last update recorded)",
    )
    report.add_argument(
        "--format",
        choices=("md", "json", "text"),
        default="md",
        help="md for mail and wikis (default), text for chat, json for tools",
    )
    report.add_argument("--record", action="store_true", help="record that this update was sent")
    report.add_argument(
        "--to", action="append", metavar="WHO", help="to whom (repeatable; default the audience)"
    )
    status = command("status", _listing("status"), "the rhythm: last and next review and update")
    status.add_argument("--json", action="store_true", help="print JSON")
    command("demo", _changing("demo"), "the board on a sample backlog, in a temporary copy")
    importing = command("import", _changing("import"), "import items from a JSON or CSV export")
    importing.add_argument("source", metavar="FILE", help="the export to read ('-' for stdin)")
    importing.add_argument("--format", choices=("json", "csv"), help="default: by extension")
    importing.add_argument("--dry-run", action="store_true", help="say what would change")
    merge = command("merge", _changing("merge"), "git merge driver: merge THEIRS into OURS by item")
    merge.add_argument("base", metavar="BASE", help="the common ancestor (git's %%O)")
    merge.add_argument("ours", metavar="OURS", help="our version, merged in place (git's %%A)")
    merge.add_argument("theirs", metavar="THEIRS", help="their version (git's %%B)")
    goal = command("goal", _goal_usage, "strategic goals: add, list, edit, retire")
    _goal_commands(goal, common)
    session = command("session", _session_usage, "a prioritisation session: the team votes")
    _session_commands(session, common)
    matrix = command(
        "matrix", _planning("matrix"), "open items on a grid of two criteria (value, effort)"
    )
    matrix.add_argument("--x", metavar="CRITERION", help="across (default: effort)")
    matrix.add_argument("--y", metavar="CRITERION", help="up (default: value)")
    matrix.add_argument("--json", action="store_true", help="print JSON")
    command("git-setup", _changing("git_setup"), "make git merge the store with `modelboard merge`")
    command(
        "check",
        _listing("check"),
        "validate the store and the stage gates; exit 0 clean, 1 listing the problems",
    )
    command("path", _listing("path"), "print which store file is used, and why")
    init = command("init", _changing("init"), "create a new store with commented defaults")
    init.add_argument("path", nargs="?", help="where (default: ./backlog.toml)")
    init.add_argument(
        "--preset",
        choices=("basic", "ml"),
        default="basic",
        help="the template: basic (description, benefit, resources) or ml (also "
        "success_metric, data_sources, risks)",
    )
    helping = command("help", partial(cmd_help, parser), "show the help of a command")
    helping.add_argument("command", nargs="?", metavar="COMMAND", help="the command")
    completion = command("completion", partial(cmd_completion, parser), "a shell completion script")
    completion.add_argument(
        "shell", nargs="?", choices=SHELLS, metavar="bash|zsh|fish", help="the shell"
    )
    completion.add_argument("--words", choices=WORDS, help=argparse.SUPPRESS)
    serve = command(
        "serve", _lazy("serve", "cmd_serve"), "the board in a web browser, on 127.0.0.1 only"
    )
    serve.add_argument(
        "--port", type=port_number, default=8000, metavar="N", help="the port (default: 8000)"
    )
    if only is None:  # `help` takes any command's name (and completes them): known only now
        helping._actions[-1].choices = list(commands.choices)
    return parser


SELF_CONTAINED = frozenset(
    {"add", "edit", "move", "reviewed", "delete", "list", "show", "export", "report", "status"}
    | {"review", "import", "merge", "check", "path", "init", "demo", "git-setup", "serve"}
    | {"goal", "session", "matrix"}
)
"""Every command but `help` and `completion`, which read all the others: these are parsed by
their own parser alone."""


def _command_run(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, when it is one of SELF_CONTAINED; else None (all are built,
    for a mistyped command's suggestion, `--help` and the rest)."""
    words = iter(argv)
    for word in words:
        if word == "--file":
            next(words, None)
        elif not word.startswith("-"):
            return word if word in SELF_CONTAINED else None
        elif not word.startswith("--file="):
            return None
    return None


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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=_command_run(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    ctx = Context(getattr(args, "file", None), now, stdout, stderr)
    try:
        code = int(args.handler(args, ctx))
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
    ctx.finish()
    return code


def main_entry() -> None:
    """The console script: exit with main's code."""
    raise SystemExit(main())
