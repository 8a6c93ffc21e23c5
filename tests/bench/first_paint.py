"""The baseline app of the benchmarks: `first_paint.py bare` runs a bare Textual app with one
Static, in whatever terminal it is started in (the benchmark's pseudo-terminal)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    """The baseline: Textual itself, one widget."""

    def compose(self) -> ComposeResult:
        yield Static("hello")


if __name__ == "__main__":
    Bare().run()
