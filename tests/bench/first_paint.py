"""One headless process that exits right after its first paint: `first_paint.py board FILE`
opens the board on FILE; `first_paint.py bare` is a bare Textual app with one Static."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static


class Bare(App[None]):
    """The baseline: Textual itself, one widget."""

    def compose(self) -> ComposeResult:
        yield Static("hello")


async def leave_after_first_paint(pilot: Pilot[object]) -> None:
    await pilot.pause()
    pilot.app.exit()


def main() -> None:
    if sys.argv[1] == "bare":
        Bare().run(headless=True, auto_pilot=leave_after_first_paint)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
    from modelboard.app import ModelboardApp

    app = ModelboardApp(Path(sys.argv[2]), poll_seconds=0)
    app.run(headless=True, auto_pilot=leave_after_first_paint)


if __name__ == "__main__":
    main()
