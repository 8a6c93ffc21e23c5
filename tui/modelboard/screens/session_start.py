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
        Binding("c", "scope('column')", "This column"),
        Binding("u", "scope('unscored')", "Unscored"),
        Binding("s", "scope('stale')", "Stale"),
        Binding("escape,n", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Start a prioritisation session", classes="dialog-title")
            yield Static(
                "You lead; others join with P. Which items will the team rate?",
                classes="dialog-text",
                markup=False,
            )
            column = f"c  the open items of {self.stage}\n" if self.stage else ""
            yield Static(
                f"o  every open item\n{column}u  the unscored\ns  the stale\nesc  not now",
                classes="dialog-keys",
                markup=False,
            )

    def __init__(self, stage: str | None = None) -> None:
        super().__init__()
        self.stage = stage
        """The board's focused column, offered as the scope."""

    def action_scope(self, which: str) -> None:
        if which == "column" and not self.stage:
            return
        self.dismiss(
            {
                "unscored": which == "unscored",
                "stale": which == "stale",
                "stage": self.stage if which == "column" else None,
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
