"""One scoring criterion in the editor: digits 1-5 set it, 0 or backspace clears it,
left/right step it. Shown as dots and the number, so it reads without colour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from modelboard.core.model import SCORE_MAX, SCORE_MIN, Criterion


class ScoreField(Widget, can_focus=True):
    """A 1-5 score for one criterion, or none."""

    # Keys are handled in on_key rather than as bindings: a binding is looked up only after
    # the key bubbles back to the app, when a fast next `tab` may have moved the focus on.
    STEPS: ClassVar[dict[str, int]] = {"left": -1, "minus": -1, "right": 1, "plus": 1}

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
        cursor = "▌" if self.has_focus else " "  # the cursor shows without colour too
        return Content(f"{cursor}{label} {dots} {number}{note}")

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def on_key(self, event: Key) -> None:
        if event.character is not None and event.character in "012345":
            self.value = int(event.character) or None
        elif event.key in ("backspace", "delete"):
            self.value = None
        elif event.key in ("up", "down"):  # choose the criterion (as in review), not scroll
            if event.key == "up":
                self.screen.focus_previous()
            else:
                self.screen.focus_next()
        elif event.key in self.STEPS:
            step = self.STEPS[event.key]
            current = self.value or (SCORE_MIN - 1 if step > 0 else SCORE_MAX + 1)
            self.value = max(SCORE_MIN, min(SCORE_MAX, current + step))
        else:
            return
        event.stop()
        event.prevent_default()
