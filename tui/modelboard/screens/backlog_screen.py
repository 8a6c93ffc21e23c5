"""The bases of the screens that show the backlog: they redraw when the backlog changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.binding import Binding, BindingType
from textual.screen import Screen

from modelboard import item_actions
from modelboard.core.model import Item
from modelboard.messages import BacklogChanged
from modelboard.widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from modelboard.app import ModelboardApp
    from modelboard.core.session import Session

ResultT = TypeVar("ResultT")


class BacklogScreen(Screen[ResultT]):
    """Redraws on BacklogChanged: at once when on top, else as soon as it is shown again."""

    _outdated = False
    HELP_TITLE = ""
    """What `?` calls this screen."""
    HELP_NOTES = ""
    """A line under the keys in `?`, if the screen needs one."""

    @property
    def modelboard(self) -> ModelboardApp:
        """The app: its one `commit` and `undo`, and the session."""
        return cast("ModelboardApp", self.app)

    @property
    def session(self) -> Session:
        """The working session on the store this screen shows."""
        session = self.modelboard.session
        assert session is not None, "backlog screens open only on a readable store"
        return session

    def redraw(self, item_id: str | None) -> None:
        """Draw the backlog again; `item_id` is the item a change was about, if any."""
        raise NotImplementedError

    def action_help(self) -> None:
        """Every key of this screen, with what it does."""
        from modelboard.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.HELP_TITLE, self.BINDINGS, self.HELP_NOTES))

    changed_only: tuple[str, ...] = ()
    """During `redraw`: the only items that changed, when that is known (empty: anything)."""

    def on_backlog_changed(self, message: BacklogChanged) -> None:
        if self.is_current:
            self.changed_only = message.item_ids
            try:
                self.redraw(message.item_id)
            finally:
                self.changed_only = ()
        else:
            self._outdated = True

    def on_screen_suspend(self) -> None:
        """Notices belong to the screen they were about: they go when it is left."""
        self.app.clear_notifications()

    def on_screen_resume(self) -> None:
        if self._outdated:
            self._outdated = False
            self.redraw(None)


UNDO_KEY = Binding("u", "app.undo", "Undo", id="undo", tooltip="Take back the last change")
HELP_KEY = Binding("question_mark", "help", "Help", key_display="?")
"""`?` on a screen that lists its keys (the screens of items also offer it in the palette)."""

# The keys of every screen of items, in the order the footer and `?` show them; a tooltip
# puts a key in the command palette.
ITEM_KEYS: list[BindingType] = [
    Binding("H,shift+left", "move(-1)", "Move to previous stage", show=False,
            tooltip="Move the item one stage left"),
    Binding("L,shift+right", "move(1)", "Move to next stage", show=False,
            tooltip="Move the item one stage right"),
    Binding("a", "add", "Add", id="add", tooltip="Add an item (to the focused column)"),
    Binding("enter,e", "edit", "Edit", id="edit", tooltip="Edit the item under the cursor"),
    Binding("d", "delete", "Delete", id="delete", tooltip="Delete the item under the cursor"),
    Binding("slash", "filter", "Filter", id="filter", key_display="/",
            tooltip="Filter by title, id, owner or tag (goal:G1 for a goal)"),
    Binding("escape", "clear_filter", "Clear filter", show=False),
]  # fmt: skip
APP_KEYS: list[BindingType] = [
    Binding("w", "app.scoring", "Weights", id="scoring", show=False,
            tooltip="The criteria's weights, with the ranking live"),
    Binding("R", "app.report", "Report", id="report", show=False,
            tooltip="The digest for stakeholders; w writes it to a file"),
    Binding("r", "app.review", "Review", id="review", tooltip="Walk the stale items one by one"),
    Binding("P", "app.voting", "Session", id="voting", show=False,
            tooltip="A prioritisation session: the team votes (join it, or start one)"),
    UNDO_KEY,
    Binding("question_mark", "help", "Help", id="help", key_display="?",
            tooltip="Every key of this screen"),
    Binding("q", "app.quit", "Quit", id="quit"),
]  # fmt: skip


class ItemsScreen(BacklogScreen[ResultT]):
    """A screen of items with a cursor (the board, the ranked list): the same keys act on
    the item under the cursor, and `/` filters."""

    filter_text = ""

    def focused_item(self) -> Item | None:
        """The item under the cursor, if any."""
        raise NotImplementedError

    def stage_for_new_item(self) -> str:
        """Where `a` adds an item."""
        return self.session.backlog.board.stages[0]

    def filter_by(self, text: str) -> None:
        """Show only the items matching `text` (as typed after `/`)."""
        self.filter_text = text
        self.redraw(None)

    def action_move(self, offset: int) -> None:
        item = self.focused_item()
        if item is not None:
            item_actions.move(self.modelboard, item, offset)

    def action_add(self) -> None:
        item_actions.open_editor(self.modelboard, None, self.stage_for_new_item())

    def action_edit(self) -> None:
        item = self.focused_item()
        if item is not None:
            item_actions.open_editor(self.modelboard, item, item.stage)

    def action_delete(self) -> None:
        item = self.focused_item()
        if item is not None:
            item_actions.delete(self.modelboard, item)

    def action_filter(self) -> None:
        self.app.clear_notifications()  # a notice would cover the field being typed in
        FilterBar.open_on(self, self.filter_text)

    def on_filter_bar_edited(self, event: FilterBar.Edited) -> None:
        self.filter_by(event.text.strip())

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.set_focus(None)
        if event.cleared:
            self.action_clear_filter()

    def action_clear_filter(self) -> None:
        for bar in self.query(FilterBar):
            bar.display = False
        self.set_focus(None)
        if self.filter_text:
            self.filter_by("")
