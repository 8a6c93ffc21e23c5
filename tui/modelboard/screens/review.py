"""Review mode: the stale items, one at a time, each decided with one key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from modelboard import item_actions
from modelboard.core import operations
from modelboard.core.change import Change
from modelboard.core.errors import ModelboardError
from modelboard.core.flags import item_flags
from modelboard.core.model import Item
from modelboard.core.review import Include, Outcome, ReviewWalk, changes_since_review, review_queue
from modelboard.core.scoring import priority
from modelboard.core.staleness import days_since_looked_at
from modelboard.core.text import days_ago, field_label, plural
from modelboard.messages import BacklogChanged
from modelboard.render import plain
from modelboard.screens.backlog_screen import HELP_KEY, UNDO_KEY, BacklogScreen
from modelboard.widgets.score_field import ScoreField

EVERYTHING = frozenset({Include.INCOMPLETE, Include.UNSCORED})


class ReviewScreen(BacklogScreen[dict[Outcome, int]]):
    """Walks a review queue; dismisses with the walk's summary."""

    HELP_TITLE = "Review"
    HELP_NOTES = (
        "1-5 set the focused criterion's score (up and down choose it). Every action is saved "
        "at once; leave any time and come back to what is left."
    )
    AUTO_FOCUS = "ScoreField"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "reviewed", "Reviewed", id="reviewed",
                tooltip="Mark the item reviewed and show the next"),
        Binding("n", "skip", "Skip", id="skip", tooltip="Leave the item as it is for now"),
        Binding("p", "back", "Back", id="back", show=False, tooltip="The item before"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit the item, then come back"),
        Binding("H,shift+left", "move(-1)", "Previous stage", show=False,
                tooltip="Move the item one stage left"),
        Binding("L,shift+right", "move(1)", "Next stage", show=False,
                tooltip="Move the item one stage right"),
        Binding("z", "snooze", "Snooze", id="snooze", tooltip="Not stale for 7 days, or longer"),
        Binding("c", "note", "Note", id="note", show=False, tooltip="A one-line note on the item"),
        Binding("d", "delete", "Delete", id="delete", show=False, tooltip="Delete the item"),
        UNDO_KEY,
        Binding("i", "include", "Incomplete too", id="include", show=False,
                tooltip="Also walk incomplete and unscored items (again: stale only)"),
        # priority: the scrolling body would otherwise take up/down to scroll
        Binding("up", "app.focus_previous", "Previous criterion", show=False, priority=True),
        Binding("down", "app.focus_next", "Next criterion", show=False, priority=True),
        HELP_KEY,
        Binding("q,escape", "leave", "Leave", id="leave", tooltip="Leave, with a summary"),
    ]  # fmt: skip

    def __init__(self, include: frozenset[Include] = frozenset()) -> None:
        super().__init__()
        self.include = include
        self.walk = ReviewWalk(())
        self._done = False
        self._shown_id: str | None = None

    def _now(self) -> dt.datetime:
        return self.session.actor().now

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        # pinned: which item is under review, and why it is due, whatever the body scrolls
        yield Static(id="review-head")
        yield Static(id="review-facts")
        with VerticalScroll(id="review-body", can_focus=False):
            yield Static(id="review-priority", classes="label")
            for criterion in self.session.backlog.board.criteria:
                yield ScoreField(criterion, None)
            yield Static(id="review-text")
            yield Static(id="review-changes")
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def on_mount(self) -> None:
        self.walk = ReviewWalk(self._queue())
        self.show_item()

    def _queue(self) -> list[str]:
        return [item.id for item in review_queue(self.session.backlog, self._now(), self.include)]

    def on_backlog_changed(self, message: BacklogChanged) -> None:
        """An undo of something done here no longer counts, and shows its item again (the
        base class then redraws)."""
        if message.undone and message.item_id is not None:
            self.walk.undone(message.item_id)

    def redraw(self, item_id: str | None) -> None:
        """A change here or a teammate's save: show the item as it is now."""
        if item_id is not None and self.session.backlog.item(item_id) is not None:
            self.walk.restore(item_id)  # back in the walk only if it was dropped (a delete undone)
        self.show_item()

    def item(self) -> Item | None:
        """The item under review, skipping any that a teammate deleted meanwhile."""
        while (item_id := self.walk.current) is not None:
            item = self.session.backlog.item(item_id)
            if item is not None:
                return item
            self.walk.drop(item_id)
        return None

    def show_item(self) -> None:
        """Draw the current item, or finish when the queue is done."""
        item = self.item()
        if item is None:
            self.action_leave()
            return
        if item.id != self._shown_id:
            self._shown_id = item.id
            self.query_one("#review-body").scroll_home(animate=False)  # its title first
        board = self.session.backlog.board
        number, total = self.walk.progress()
        scope = "stale, incomplete and unscored" if self.include else "stale"
        self._text("#review-title", f"Review  ·  {number} of {total}  ·  {scope} items")
        self._text("#review-head", f"{item.id}  {plain(item.title)}")
        flags = item_flags(item, board, self._now())
        facts = [f"stage {plain(item.stage)}", f"kind {plain(item.kind) or '-'}"]
        facts.append(f"owner {plain(item.owner) or '-'}")
        if item.tags:
            facts.append("tags " + plain(", ".join(item.tags)))
        if flags.no_goal:
            facts.append("serves no goal")
        elif item.goals:
            facts.append("goals " + plain(", ".join(item.goals)))
        days = days_since_looked_at(item, self._now())
        interval = board.review_interval(item.stage)
        when = "never reviewed" if item.reviewed is None else f"last reviewed {days_ago(days or 0)}"
        if item.reviewed is None and days is not None:
            when += f" (created {days_ago(days)})"
        if interval:
            when += f"; {plain(item.stage)} items are due every {plural(interval, 'day')}"
        goal = board.goal(flags.goal_changed)
        if goal is not None:
            what = "retired" if goal.retired else "changed"
            when += f"\ngoal {what}: {goal.id} {plain(goal.title)} (does it still serve it?)"
        self._text("#review-facts", "  ·  ".join(facts) + f"\n{when}")
        for field in self.query(ScoreField):
            field.set_reactive(ScoreField.value, item.scores.get(field.criterion.key))
            field.refresh()
        self._show_priority(item)
        self._text("#review-text", self._template_text(item, flags.missing))
        changes = changes_since_review(item)
        lines = [f"{e.at:%Y-%m-%d}  {plain(e.by)}  {plain(e.change)}" for e in changes[:8]]
        heading = "Since the last review" if item.reviewed else "History"
        self._text("#review-changes", f"{heading}:\n" + ("\n".join(lines) or "  nothing"))

    def _template_text(self, item: Item, missing: tuple[str, ...]) -> str:
        parts = []
        for name in self.session.backlog.board.template_fields:
            body = "\n".join(plain(line) for line in item.text(name).strip().splitlines())
            label = f"{field_label(name)}{'  (missing)' if name in missing else ''}"
            parts.append(f"{label}\n{body or '-'}")
        return "\n\n".join(parts)

    def _show_priority(self, item: Item) -> None:
        value = priority(item.scores, self.session.backlog.board.criteria)
        shown = "-- (unscored)" if value is None else f"{value:.0f}"
        self._text("#review-priority", f"Priority {shown}   ↑↓ choose a criterion, 1-5 sets it")

    def _text(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(Content(text))

    # ---- actions --------------------------------------------------------------------------

    def _commit(self, build: Callable[[Item], Change], outcome: Outcome, advance: bool) -> None:
        """Build a change for the current item, save it, note the outcome, and go on."""
        item = self.item()
        if item is None:
            return
        try:
            change = build(item)
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return
        self.modelboard.commit(change, then=lambda _: self._done_with(outcome, advance, item.id))

    def _done_with(self, outcome: Outcome, advance: bool, item_id: str) -> None:
        """Note what the person did to the item (once it is saved), and go on from it."""
        self.walk.record(outcome, item_id)
        if advance and self.walk.current == item_id:
            self.walk.advance()
        self.show_item()

    def action_reviewed(self) -> None:
        session = self.session
        self._commit(
            lambda item: operations.mark_reviewed(session.backlog, item.id, session.actor()),
            Outcome.REVIEWED,
            advance=True,
        )

    def action_skip(self) -> None:
        self.walk.record(Outcome.SKIPPED)
        self.walk.advance()
        self.show_item()

    def action_back(self) -> None:
        self.walk.back()
        self.show_item()

    def action_move(self, offset: int) -> None:
        item = self.item()
        if item is not None:
            moved = partial(self._done_with, Outcome.MOVED, False, item.id)
            item_actions.move(self.modelboard, item, offset, lambda _: moved())

    @on(ScoreField.Changed)
    def rescore(self, event: ScoreField.Changed) -> None:
        session, key = self.session, event.field.criterion.key
        item = self.item()
        if item is None or item.scores.get(key) == event.value:
            return  # drawn, not typed
        self._commit(
            lambda item: operations.edit_item(
                session.backlog, item.id, {"scores": {key: event.value}}, session.actor()
            ),
            Outcome.RESCORED,
            advance=False,
        )

    def action_edit(self) -> None:
        item = self.item()
        if item is not None:
            item_actions.open_editor(
                self.modelboard,
                item,
                item.stage,
                lambda _: self._done_with(Outcome.EDITED, False, item.id),
            )

    def action_snooze(self) -> None:
        from modelboard.screens.snooze import SnoozeScreen

        session = self.session

        def chosen(text: str | None) -> None:
            if text is None:
                return
            when, _, reason = text.strip().partition(" ")  # "14 waiting for the Q1 data"
            self._commit(
                lambda item: operations.snooze_item(
                    session.backlog,
                    item.id,
                    operations.snooze_date(when, self._now().date()),
                    session.actor(),
                    reason,
                ),
                Outcome.SNOOZED,
                advance=True,
            )

        self.app.push_screen(SnoozeScreen(), chosen)

    def action_note(self) -> None:
        """A one-line note on the item, kept in its history with the review."""
        from modelboard.screens.note import NoteScreen

        session = self.session

        def typed(text: str | None) -> None:
            if text:
                self._commit(
                    lambda item: operations.note_item(
                        session.backlog, item.id, text, session.actor()
                    ),
                    Outcome.NOTED,
                    advance=False,
                )

        self.app.push_screen(NoteScreen(), typed)

    def action_delete(self) -> None:
        item = self.item()
        if item is None:
            return

        def deleted(_: Change) -> None:
            self.walk.record(Outcome.DELETED, item.id)
            self.walk.drop(item.id)
            self.show_item()

        item_actions.delete(self.modelboard, item, deleted)

    def action_include(self) -> None:
        self.include = frozenset() if self.include else EVERYTHING
        self.walk.requeue(self._queue())
        self.notify(
            "Also walking incomplete and unscored items." if self.include else "Stale items only."
        )
        self.show_item()

    def action_leave(self) -> None:
        if not self._done:
            self._done = True
            self.dismiss(self.walk.summary())
