"""The filter field at the foot of the board: typing filters at once; enter keeps the
filter and goes back to the cards; escape clears it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


@dataclass
class FilterBarChanged(Message):
    """The filter text changed."""

    text: str


@dataclass
class FilterBarClosed(Message):
    """The person left the field: keeping the filter, or clearing it."""

    cleared: bool


class FilterBar(Input):
    """A one-line filter; posts FilterBarChanged and FilterBarClosed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear", "Clear filter")]

    def __init__(self) -> None:
        super().__init__(placeholder="filter by title, id, owner or tag", id="filter")

    def open(self, text: str) -> None:
        """Show the field with `text` in it, and focus it."""
        self.display = True
        self.value = text
        self.focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(FilterBarChanged(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.display = bool(event.value.strip())
        self.post_message(FilterBarClosed(cleared=False))

    def action_clear(self) -> None:
        self.value = ""
        self.display = False
        self.post_message(FilterBarClosed(cleared=True))
