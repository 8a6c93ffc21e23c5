"""What a review session did, shown when it ends."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from modelboard.core.review import Outcome
from modelboard.core.text import plural


def summary_text(counts: dict[Outcome, int]) -> str:
    """One line per outcome, in the order a review produces them."""
    width = max(len(outcome.value) for outcome in Outcome)
    return "\n".join(f"{o.value:<{width}}  {counts.get(o, 0):>3}" for o in Outcome)


class ReviewSummaryScreen(ModalScreen[None]):
    """The end of a review; any of enter, escape or q goes back to the board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,q", "close", "Back to the board")
    ]

    def __init__(self, counts: dict[Outcome, int], remaining: int) -> None:
        super().__init__()
        self.counts = counts
        self.remaining = remaining

    def compose(self) -> ComposeResult:
        left = (
            f"{plural(self.remaining, 'item')} still due for review."
            if self.remaining
            else "Nothing left to review."
        )
        with Vertical(classes="dialog summary"):
            yield Static("Review finished", classes="dialog-title")
            yield Static(summary_text(self.counts), classes="dialog-text")
            yield Static(left)
            yield Static("enter  back to the board", classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)
