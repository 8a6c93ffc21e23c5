"""The filter field at the foot of the board and the ranked list: typing filters at once;
enter keeps the filter and goes back to the cards; escape clears it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input


class FilterBar(Input):
    """A one-line filter; posts FilterBar.Edited and FilterBar.Closed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "clear", "Clear filter")]

    @dataclass
    class Edited(Message):
        """The filter text changed (a name of its own: Input.Changed is the field's)."""

        text: str

    @dataclass
    class Closed(Message):
        """The person left the field: keeping the filter, or clearing it."""

        cleared: bool

    def __init__(self) -> None:
        super().__init__(placeholder="filter by title, id, owner or tag", id="filter")

    @classmethod
    def open_on(cls, screen: Screen[Any], text: str) -> None:
        """Show the screen's filter field (mounted above its footer the first time)."""
        bars = screen.query(cls)
        bar = bars.first() if bars else cls()
        if not bars:
            screen.mount(bar, before=screen.query_one(Footer))
        bar.open(text)

    def open(self, text: str) -> None:
        """Show the field with `text` in it, and focus it."""
        self.display = True
        self.value = text
        self.focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.display = bool(event.value.strip())
        self.post_message(self.Closed(cleared=False))

    def action_clear(self) -> None:
        self.value = ""
        self.display = False
        self.post_message(self.Closed(cleared=True))
