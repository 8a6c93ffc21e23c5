"""A teammate changed the same field: show both values and let the person decide."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from modelboard.core.errors import ConflictError
from modelboard.render import plain


class ConflictScreen(ModalScreen[bool]):
    """Nothing was written; dismisses with True to write this change over theirs (`m`), or
    False to keep the file as it is (`t`); the app does what was chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t,escape", "keep_theirs", "Keep theirs"),
        Binding("m", "keep_mine", "Keep mine"),
    ]

    def __init__(self, conflict: ConflictError, undoing: bool = False) -> None:
        super().__init__()
        self.conflict = conflict
        self.undoing = undoing

    def compose(self) -> ComposeResult:
        lines = []
        for c in self.conflict.conflicts:
            lines.append(f"{c.item_id} {c.field}")
            yours = "undone:  " if self.undoing else "yours:   "
            lines += [f"  on disk: {_shown(c.theirs)}", f"  {yours}{_shown(c.mine)}"]
        with Vertical(classes="dialog conflict"):
            yield Static("Someone else changed the same thing", classes="dialog-title")
            what = "Your undo was not" if self.undoing else "Nothing of yours was"
            yield Static(f"The file was saved by someone else since. {what} written.", markup=False)
            yield Static("\n".join(lines), markup=False, classes="dialog-text")
            mine = "undo anyway" if self.undoing else "keep mine"
            yield Static(f"t  keep theirs      m  {mine}", markup=False, classes="dialog-keys")

    def action_keep_theirs(self) -> None:
        self.dismiss(False)

    def action_keep_mine(self) -> None:
        self.dismiss(True)


def _shown(value: object) -> str:
    if value is None:
        return "(nothing)"
    return plain(str(value))[:60]
