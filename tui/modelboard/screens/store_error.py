"""The store cannot be read: say why, touch nothing, offer to try again."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from modelboard.core.text import for_terminal


class StoreErrorScreen(Screen[None]):
    """Shown instead of the board when the file does not parse; `r` tries again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Try again"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message
        self.retry: Callable[[], None] | None = None
        """What `r` does when this is the first screen (it cannot be dismissed)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Static("The backlog cannot be opened", classes="dialog-title")
            yield Static(for_terminal(self.message), markup=False, classes="dialog-text")
            yield Static(
                "The file was not changed. Fix it in an editor (or `modelboard check`), "
                "then press r.",
                markup=False,
            )
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def action_retry(self) -> None:
        if self.retry is not None:
            self.retry()
        else:
            self.dismiss(None)
