"""Every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "esc",
    "shift+left": "shift+←",
    "shift+right": "shift+→",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "ctrl+s": "ctrl+s",
}


def key_list(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for each binding, keys as a person reads them."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = " ".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))
        rows.append((keys, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys of one screen; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
    ]

    def __init__(self, title: str, bindings: Iterable[BindingType], notes: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.rows = key_list(bindings)
        self.notes = notes

    def compose(self) -> ComposeResult:
        width = max(len(keys) for keys, _ in self.rows) + 2
        lines = [f"{keys:<{width}}{description}" for keys, description in self.rows]
        with Vertical(classes="dialog help"):
            yield Static(f"Keys: {self.title_text}", markup=False, classes="dialog-title")
            with VerticalScroll(id="help-keys", can_focus=False):
                yield Static("\n".join(lines), markup=False)
                if self.notes:
                    yield Static(self.notes, markup=False, classes="dialog-note")
            # outside the scrolling part: how to leave is always in view
            yield Static(
                "j k  scroll      ctrl+p  all commands      esc  close",
                markup=False,
                classes="dialog-keys",
            )

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-keys").scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
