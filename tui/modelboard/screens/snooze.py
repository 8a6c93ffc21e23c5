"""Ask how long to snooze an item: days (default 7) or a date."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SnoozeScreen(ModalScreen[str | None]):
    """The answer as typed (the caller reads it), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Snooze: not stale before", classes="dialog-title")
            yield Input("7", placeholder="days or YYYY-MM-DD, then a reason", id="snooze")
            yield Static(
                "days (7 if empty) or a date, then why if you like: 14 waiting for the Q1 data\n"
                "enter  snooze      esc  cancel",
                classes="dialog-keys",
            )

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
