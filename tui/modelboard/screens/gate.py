"""Asked before a move into a stage whose gate the item does not meet: fill in what is
missing (the editor opens on it), move anyway (the history records what was missing), or
leave the item where it is."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from modelboard.core.gates import Gap, describe
from modelboard.render import plain


class GateAnswer(Enum):
    """What the person chose."""

    FILL_IN = "fill in"
    FORCE = "force"


class GateScreen(ModalScreen[GateAnswer | None]):
    """Say what the stage needs and the item lacks; answer with e, m or escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e,enter", "answer('FILL_IN')", "Fill in"),
        Binding("m", "answer('FORCE')", "Move anyway"),
        Binding("escape,n", "answer('')", "Cancel"),
    ]

    def __init__(self, who: str, stage: str, gaps: tuple[Gap, ...]) -> None:
        super().__init__()
        self.who = who
        self.stage = stage
        self.gaps = gaps

    def compose(self) -> ComposeResult:
        first = str(self.gaps[0]) if self.gaps else "it"
        with Vertical(classes="dialog"):
            yield Static(f"{plain(self.stage)} needs more", markup=False, classes="dialog-title")
            yield Static(
                f"{plain(self.who)} lacks what {plain(self.stage)} asks for: "
                f"{describe(list(self.gaps))}.",
                markup=False,
                classes="dialog-text",
            )
            yield Static(
                f"e  fill in {first}\nm  move anyway (the history says what was missing)\n"
                "esc  leave it where it is",
                markup=False,
                classes="dialog-keys",
            )

    def action_answer(self, name: str) -> None:
        self.dismiss(GateAnswer[name] if name else None)
