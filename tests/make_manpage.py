"""Write the manual page from the command line's own parser: `python tests/make_manpage.py`.

argparse-manpage turns the parser into roff, so the page and `modelboard --help` cannot say
different things; `tests/test_toolbox.py` fails when the committed page is out of date. The page
is package data, and the wheel also installs it as share/man/man1/modelboard.1.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tui" / "modelboard" / "data" / "modelboard.1"
sys.path.insert(0, str(ROOT / "tui"))

from argparse_manpage.manpage import Manpage  # noqa: E402

from modelboard import __version__  # noqa: E402
from modelboard.cli import build_parser  # noqa: E402

SECTIONS = {
    "exit status": """\
.TP
.B 0
success
.TP
.B 1
a failed operation: an unknown id or stage, a bad value
.TP
.B 2
wrong usage
.TP
.B 3
the store cannot be read: it does not parse, or has a newer version
.TP
.B 4
a conflict that needs a person""",
    "environment": """\
.TP
.B MODELBOARD_FILE
the store to use when no \\-\\-file is given
.TP
.B NO_COLOR
set to any value: the board shows no colour
.TP
.B VISUAL, EDITOR
the editor that ctrl+e opens for a text field""",
    "files": """\
.TP
.I backlog.toml
the store: found walking up from the current folder (up to a folder holding .git, or $HOME),
else in the user data folder, ~/.local/share/modelboard/ on Linux;
.B modelboard path
says which and why
.TP
.I ~/.local/state/modelboard/backups/
the previous versions of a store, the newest 20 of each""",
    "see also": """\
README.md of the distribution: the board's keys, the store's format, sharing with git,
shell completion and the board in a browser.""",
}


def manpage_text(date: dt.date) -> str:
    """The whole page, in roff."""
    parser = build_parser()
    page = Manpage(
        parser,
        _data={
            "date": date.isoformat(),
            "version": __version__,
            "manual_title": "modelboard manual",
            "description": "a terminal kanban board for an AI model backlog",
        },
    )
    for heading, content in SECTIONS.items():
        page.add_section(heading, ">", content)
    return str(page)


def main() -> None:
    PAGE.write_text(manpage_text(dt.date.today()), encoding="utf-8")
    print(PAGE.relative_to(ROOT))


if __name__ == "__main__":
    main()
