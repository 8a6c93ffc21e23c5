"""The goals: what the team steers by, the open items serving each, and the goals no item
serves. Add, edit and retire them here; `enter` filters the board by the goal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from modelboard.core.change import Change
from modelboard.core.errors import ModelboardError
from modelboard.core.goals import (
    GoalStanding,
    add_goal,
    edit_goal,
    goal_history,
    retire_goal,
    standings,
)
from modelboard.core.model import MAX_WEIGHT, Backlog, Goal
from modelboard.core.scoring import priority
from modelboard.core.text import plural
from modelboard.render import fit, plain, sentence
from modelboard.screens.backlog_screen import HELP_KEY, UNDO_KEY, BacklogScreen


def goal_line(standing: GoalStanding, width: int) -> str:
    """One goal in the list: id, weight, open items (or why none), title."""
    goal = standing.goal
    weight = "-" if goal.weight is None else f"{goal.weight:g}"
    if goal.retired is not None:
        state = "retired"
    elif standing.unserved:
        state = "NO ITEMS"  # strategy without a plan: said in words, not colour
    else:
        state = f"{len(standing.items)} open"
    head = f"{goal.id:<4} w {weight:<4} {state:<9} "
    return head + fit(plain(goal.title), max(1, width - len(head)))


class GoalsScreen(BacklogScreen[str | None]):
    """Dismisses with the goal chosen with enter (the board filters by it), else None."""

    HELP_TITLE = "Goals"
    HELP_NOTES = "A changed or retired goal puts its open items up for review."
    AUTO_FOCUS = "#goal-list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor('down')", "Next goal", show=False),
        Binding("k", "cursor('up')", "Previous goal", show=False),
        Binding("enter", "choose", "Filter board", id="choose",
                tooltip="The board with only this goal's items"),
        Binding("a", "add", "Add", id="add", tooltip="Add a goal"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Change the goal's title, weight, text"),
        Binding("x", "retire", "Retire", id="retire", tooltip="Retire the goal (asks first)"),
        UNDO_KEY,
        HELP_KEY,
        Binding("escape,q,o", "back", "Board", id="back", tooltip="Back to the board"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.standings: list[GoalStanding] = []
        self.lines: dict[str, str] = {}
        self._marked: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="board-title", markup=False)
        yield OptionList(id="goal-list")
        with VerticalScroll(id="goal-detail", can_focus=False):
            yield Static(id="goal-text", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.redraw(None)

    def redraw(self, item_id: str | None) -> None:
        """List the goals again, the cursor kept on the goal it was on."""
        chosen = self.chosen()
        keep = chosen.id if chosen else None
        self.standings = standings(self.session.backlog)
        listing = self.query_one(OptionList)
        width = max(20, (self.size.width or 80) - 4)
        self.lines = {s.goal.id: goal_line(s, width) for s in self.standings}
        self._marked = None
        listing.set_options(Option(Content(" " + line), id=key) for key, line in self.lines.items())
        ids = list(self.lines)
        if ids:
            listing.highlighted = ids.index(keep) if keep in ids else 0
        in_force = [s for s in self.standings if s.goal.retired is None]
        parts = [self.session.backlog.board.name, plural(len(in_force), "goal") + " in force"]
        unserved = sum(s.unserved for s in in_force)
        if unserved:
            parts.append(f"{unserved} with no open item")
        self.query_one("#board-title", Static).update(Content("  ·  ".join(parts)))
        self._show_detail()

    def chosen(self) -> Goal | None:
        """The goal under the cursor."""
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.standings):
            return None
        return self.standings[index].goal

    def _mark(self, goal_id: str | None) -> None:
        """The cursor is a ▌ as well as a colour (NO_COLOR shows no highlight at all)."""
        listing = self.query_one(OptionList)
        for key, marker in ((self._marked, " "), (goal_id, "▌")):
            if key is not None and key in self.lines:
                listing.replace_option_prompt(key, Content(marker + self.lines[key]))
        self._marked = goal_id

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_choose()

    @on(OptionList.OptionHighlighted)
    def _show_detail(self) -> None:
        goal = self.chosen()
        self._mark(goal.id if goal else None)
        text = self.query_one("#goal-text", Static)
        if goal is None:
            text.update("No goals yet. Press a to add the first: what should the models serve?")
            return
        standing = next(s for s in self.standings if s.goal.id == goal.id)
        criteria = self.session.backlog.board.criteria
        lines = [plain(goal.description) or "(no description: e adds one)", ""]
        if goal.retired is not None:
            lines += [f"retired {goal.retired:%Y-%m-%d}", ""]
        if standing.items:
            lines.append(f"Open items ({len(standing.items)}), highest priority first:")
            for item in standing.items:
                value = priority(item.scores, criteria)
                shown = "--" if value is None else f"{value:.0f}"
                lines.append(
                    f"  {item.id:<6} {shown:>3}  {plain(item.stage):<9} {plain(item.title)}"
                )
        else:
            lines.append("No open item serves this goal.")
        events = goal_history(self.session.backlog, goal.id)
        if events:
            lines += ["", "History (newest first):"]
            lines += [f"  {e.at:%Y-%m-%d}  {plain(e.by)}  {plain(e.change)}" for e in events[:8]]
        text.update("\n".join(lines))

    # ---- keys -------------------------------------------------------------------------

    def action_cursor(self, way: str) -> None:
        listing = self.query_one(OptionList)
        listing.action_cursor_down() if way == "down" else listing.action_cursor_up()

    def action_choose(self) -> None:
        goal = self.chosen()
        if goal is not None:
            self.dismiss(goal.id)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_add(self) -> None:
        def done(values: dict[str, Any] | None) -> None:
            if values:
                self._commit(lambda backlog, actor: add_goal(backlog, values, actor), fresh=True)

        self.app.push_screen(GoalFormScreen(None), done)

    def action_edit(self) -> None:
        goal = self.chosen()
        if goal is None:
            self.notify("No goal to edit: a adds one.")
            return

        def done(values: dict[str, Any] | None) -> None:
            if values:
                self._commit(lambda backlog, actor: edit_goal(backlog, goal.id, values, actor))

        self.app.push_screen(GoalFormScreen(goal), done)

    def action_retire(self) -> None:
        from modelboard.screens.confirm import ConfirmScreen

        goal = self.chosen()
        if goal is None:
            return
        if goal.retired is not None:
            self.notify(f"{goal.id} was retired on {goal.retired:%Y-%m-%d}.")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._commit(lambda backlog, actor: retire_goal(backlog, goal.id, actor))

        question = f"Retire {goal.id} “{plain(goal.title)}”? Its open items come up for review."
        self.app.push_screen(ConfirmScreen(question), confirmed)

    def _commit(self, make: Callable[[Backlog, Any], Change], fresh: bool = False) -> None:
        session = self.session
        try:
            change = make(session.backlog, session.actor())
        except ModelboardError as error:
            self.notify(error.message, title="Not saved", severity="error", timeout=8)
            return
        again = (lambda: make(session.backlog, session.actor())) if fresh else None
        self.modelboard.commit(change, then=lambda c: self.notify(sentence(c.summary)), fresh=again)


class GoalFormScreen(ModalScreen[dict[str, Any] | None]):
    """A goal's title, weight and description; enter goes to the next field, then saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, goal: Goal | None) -> None:
        super().__init__()
        self.goal = goal

    def compose(self) -> ComposeResult:
        goal = self.goal
        with Vertical(classes="dialog"):
            yield Static(f"Edit {goal.id}" if goal else "New goal", classes="dialog-title")
            yield Input(goal.title if goal else "", placeholder="title", id="goal-title")
            weight = "" if goal is None or goal.weight is None else f"{goal.weight:g}"
            yield Input(weight, placeholder="weight (how much it counts; blank: none)",
                        id="goal-weight")  # fmt: skip
            yield Input(goal.description if goal else "", placeholder="description",
                        id="goal-description")  # fmt: skip
            yield Static("enter  next field, then save      esc  cancel", classes="dialog-keys")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "goal-description":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        title = self.query_one("#goal-title", Input).value
        raw_weight = self.query_one("#goal-weight", Input).value.strip()
        try:
            weight = float(raw_weight) if raw_weight else None
        except ValueError:
            weight = -1.0
        if weight is not None and not 0 <= weight <= MAX_WEIGHT:  # nan and inf fail too
            self.notify(f"The weight is a number from 0 to {MAX_WEIGHT}.", severity="error")
            self.query_one("#goal-weight", Input).focus()
            return
        if not title.strip():
            self.notify("A goal needs a title.", severity="error")
            self.query_one("#goal-title", Input).focus()
            return
        values: dict[str, Any] = {
            "title": title,
            "weight": weight,
            "description": self.query_one("#goal-description", Input).value,
        }
        if self.goal is None:
            values = {k: v for k, v in values.items() if v not in (None, "")}
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
