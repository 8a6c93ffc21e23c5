"""A yes/no question, answered with y or n (escape is no)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that needs a second thought."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="dialog-text")
            yield Static("y  yes      n  no", markup=False, classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def dismiss_unless_kept(screen: Screen[Any], changed: bool, question: str) -> None:
    """Close `screen` with None at once, or, when something changed, after asking `question`."""
    if not changed:
        screen.dismiss(None)
        return

    def answered(discard: bool | None) -> None:
        if discard:
            screen.dismiss(None)

    screen.app.push_screen(ConfirmScreen(question), answered)
