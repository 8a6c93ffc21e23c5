"""The scoring screen: the criteria's weights, changed with the keys, the ranking live."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Key
from textual.widgets import Footer, Static

from modelboard.core.model import Board, Criterion, Item
from modelboard.core.ranking import open_items, scored_ranking
from modelboard.render import fit, plain
from modelboard.screens.backlog_screen import HELP_KEY, BacklogScreen

SHOWN = 15
MAX_WEIGHT = 10


@dataclass(frozen=True)
class ChosenWeights:
    """The weights the person set, and the ones they started from (for the merge)."""

    weights: dict[str, float]
    previous: dict[str, float]


class ScoringScreen(BacklogScreen[ChosenWeights | None]):
    """Dismisses with the weights that changed, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: digits are handled in on_key, so a choice must not wait behind them
        Binding("up,k", "choose(-1)", "Previous criterion", show=False, priority=True),
        Binding("down,j", "choose(1)", "Next criterion", show=False, priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        HELP_KEY,
        Binding("escape", "cancel", "Cancel"),
    ]
    HELP_TITLE = "Scoring"

    def __init__(self) -> None:
        super().__init__()
        self.board = Board()
        self.items: list[Item] = []
        self.weights: dict[str, float] = {}
        self.started: dict[str, float] = {}
        self.chosen = 0
        self.before: dict[str, int] = {}

    def _take_backlog(self) -> None:
        """The items and saved weights as they are now; weights changed here stay changed."""
        mine = self.changed()
        backlog = self.session.backlog
        self.board = backlog.board
        self.items = open_items(backlog)
        self.weights = {c.key: mine.get(c.key, c.weight) for c in self.board.criteria}
        self.started = {c.key: self.started.get(c.key, c.weight) for c in self.board.criteria}
        self.chosen = min(self.chosen, max(0, len(self.board.criteria) - 1))
        ranked = scored_ranking(self.items, self.board.criteria)
        self.before = {item.id: rank for rank, (item, _) in enumerate(ranked, start=1)}

    def compose(self) -> ComposeResult:
        yield Static(Content("Scoring: the weights that set every priority"), id="scoring-title")
        with VerticalScroll(id="scoring-body", can_focus=False):
            yield Static(id="scoring-criteria")
            yield Static(
                "↑↓ choose a criterion   ←→ or -/+ change its weight   0-9 set it   "
                "ctrl+s save   esc cancel",
                classes="hint",
            )
            yield Static(id="scoring-ranking")
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def on_mount(self) -> None:
        self._take_backlog()
        self.show()

    def redraw(self, item_id: str | None) -> None:
        self._take_backlog()
        self.show()

    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria with the weights as set on this screen."""
        return tuple(replace(c, weight=self.weights[c.key]) for c in self.board.criteria)

    def ranking(self) -> list[tuple[Item, float]]:
        """The open scored items ranked with the weights as set on this screen."""
        return scored_ranking(self.items, self.criteria())

    def show(self) -> None:
        """Draw the weights and the ranking they give."""
        lines = ["   criterion             weight   direction"]
        for index, criterion in enumerate(self.board.criteria):
            marker = "▌" if index == self.chosen else " "
            weight = self.weights[criterion.key]
            shown = f"{weight:g}"
            if weight != criterion.weight:
                shown += f" (was {criterion.weight:g})"
            direction = "higher is worse" if criterion.higher_is_worse else "higher is better"
            lines.append(f" {marker} {fit(criterion.label, 20)}  {shown:<11} {direction}")
        self.query_one("#scoring-criteria", Static).update(Content("\n".join(lines)))
        rows = ["", f"Ranking with these weights (top {SHOWN} of {len(self.items)} open items):"]
        for rank, (item, value) in enumerate(self.ranking()[:SHOWN], start=1):
            was = self.before.get(item.id, rank)
            move = (
                "  ·"
                if was == rank
                else (f"▲{was - rank:>2}" if was > rank else f"▼{rank - was:>2}")
            )
            rows.append(
                f" {rank:>3} {move} {item.id:<6} {value:>5.1f}  {fit(plain(item.title), 44)}"
            )
        self.query_one("#scoring-ranking", Static).update(Content("\n".join(rows)))

    def action_choose(self, step: int) -> None:
        self.chosen = (self.chosen + step) % max(1, len(self.board.criteria))
        self.show()

    def on_key(self, event: Key) -> None:
        if not self.board.criteria:
            return
        key = self.board.criteria[self.chosen].key
        if event.character is not None and event.character.isdigit():
            self.weights[key] = float(event.character)
        elif event.key in ("left", "minus", "h"):
            self.weights[key] = max(0.0, self.weights[key] - 1)
        elif event.key in ("right", "plus", "l"):
            self.weights[key] = min(float(MAX_WEIGHT), self.weights[key] + 1)
        else:
            return
        event.stop()
        self.show()

    def changed(self) -> dict[str, float]:
        """The weights set here: those that differ from where the person started."""
        return {k: w for k, w in self.weights.items() if w != self.started.get(k, w)}

    def action_save(self) -> None:
        if not any(self.weights.values()):
            self.notify("At least one criterion needs a weight above 0.", severity="error")
            return
        changed = self.changed()
        previous = {key: self.started[key] for key in changed}
        self.dismiss(ChosenWeights(changed, previous) if changed else None)

    def action_cancel(self) -> None:
        from modelboard.screens.confirm import dismiss_unless_kept

        dismiss_unless_kept(self, bool(self.changed()), "Discard the new weights?")
