"""A teammate changed the same field: show both values and let the person decide."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from modelboard.core.errors import ConflictError, ModelboardError
from modelboard.core.operations import Change
from modelboard.core.session import Session
from modelboard.widgets.card import plain


class ConflictScreen(ModalScreen[None]):
    """Nothing was written; `t` keeps the file as it is, `m` writes this change over it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t,escape", "keep_theirs", "Keep theirs"),
        Binding("m", "keep_mine", "Keep mine"),
    ]

    def __init__(self, conflict: ConflictError, session: Session, change: Change) -> None:
        super().__init__()
        self.conflict = conflict
        self.session = session
        self.change = change

    def compose(self) -> ComposeResult:
        lines = []
        for c in self.conflict.conflicts:
            lines += [f"{c.item_id} {c.field}", f"  on disk: {_shown(c.theirs)}",
                      f"  yours:   {_shown(c.mine)}"]  # fmt: skip
        with Vertical(classes="dialog conflict"):
            yield Static("Someone else changed the same thing", classes="dialog-title")
            yield Static(
                "The file was saved by someone else since you opened it. Nothing of yours "
                "was written.",
                markup=False,
            )
            yield Static("\n".join(lines), markup=False, classes="dialog-text")
            yield Static("t  keep theirs      m  keep mine", markup=False, classes="dialog-keys")

    def action_keep_theirs(self) -> None:
        self.session.store.reload()
        self.notify("Kept the version on disk.")
        self.dismiss(None)

    def action_keep_mine(self) -> None:
        try:
            self.session.store.reload()
            self.session.commit(self.change)
        except ModelboardError as error:
            self.notify(error.message, title="Not saved", severity="error", timeout=8)
        else:
            self.notify("Saved your version.")
        self.dismiss(None)


def _shown(value: object) -> str:
    if value is None:
        return "(nothing)"
    return plain(str(value))[:60]
