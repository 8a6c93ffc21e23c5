"""Starting a prioritisation session from the board: which items the team will rate."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class SessionStartScreen(ModalScreen[dict[str, Any] | None]):
    """Dismisses with the scope `voting.plan` takes, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "scope('open')", "All open items"),
        Binding("u", "scope('unscored')", "Unscored"),
        Binding("s", "scope('stale')", "Stale"),
        Binding("escape,n", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Start a prioritisation session", classes="dialog-title")
            yield Static(
                "You lead it: everyone else joins with P on their board or with "
                "`modelboard session join`, votes in private, and sees the spread when you "
                "reveal it. Which items will the team rate?",
                classes="dialog-text",
                markup=False,
            )
            yield Static(
                "o  every open item\nu  the unscored ones\ns  the stale ones\nesc  not now",
                classes="dialog-keys",
                markup=False,
            )

    def action_scope(self, which: str) -> None:
        self.dismiss({"unscored": which == "unscored", "stale": which == "stale"})

    def action_cancel(self) -> None:
        self.dismiss(None)
