"""One scoring criterion in the editor: digits 1-5 set it, 0 or backspace clears it,
left/right step it. Shown as dots and the number, so it reads without colour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.core.model import SCORE_MAX, SCORE_MIN, Criterion


class ScoreField(Widget, can_focus=True):
    """A 1-5 score for one criterion, or none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"set({n})", f"Score {n}", show=False) for n in range(1, 6)),
        Binding("0,backspace,delete", "set(0)", "Clear the score", show=False),
        Binding("left,minus", "step(-1)", "Lower", show=False),
        Binding("right,plus", "step(1)", "Higher", show=False),
    ]

    value: reactive[int | None] = reactive(None)
    """The score, or None while unscored."""

    @dataclass
    class Changed(Message):
        """The score changed."""

        field: ScoreField
        value: int | None

    def __init__(self, criterion: Criterion, value: int | None) -> None:
        super().__init__(id=f"score-{criterion.key}")
        self.criterion = criterion
        self.set_reactive(ScoreField.value, value)

    def render(self) -> Content:
        value = self.value
        dots = "●" * (value or 0) + "○" * (SCORE_MAX - (value or 0))
        number = str(value) if value else "-"
        note = "  (5 = needs the most)" if self.criterion.higher_is_worse else ""
        label = f"{self.criterion.label[:22]:<22}"
        return Content(f"{label} {dots} {number}{note}")

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def action_set(self, value: int) -> None:
        self.value = value or None

    def action_step(self, step: int) -> None:
        current = self.value or (SCORE_MIN - 1 if step > 0 else SCORE_MAX + 1)
        self.value = max(SCORE_MIN, min(SCORE_MAX, current + step))
