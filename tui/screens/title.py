"""A one-line form for a title: enter saves, escape cancels."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class TitleScreen(ModalScreen[str | None]):
    """Ask for a title; the result is the text, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, heading: str, title: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.initial = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.heading, markup=False, classes="dialog-title")
            yield Input(self.initial, placeholder="title", id="title")
            yield Static("enter  save      esc  cancel", markup=False, classes="dialog-keys")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value)
        else:
            self.notify("A title cannot be empty.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
