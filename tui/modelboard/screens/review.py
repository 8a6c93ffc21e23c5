"""Review mode: the stale items, one at a time, each decided with one key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from modelboard.core import operations
from modelboard.core.errors import ModelboardError
from modelboard.core.model import Item, missing_fields, serves_no_goal
from modelboard.core.operations import Change
from modelboard.core.review import Include, ReviewSession, changes_since_review, review_queue
from modelboard.core.scoring import priority
from modelboard.core.session import Session
from modelboard.core.staleness import days_since_looked_at, review_interval
from modelboard.screens.committing import commit_change, undo_last
from modelboard.widgets.card import plain
from modelboard.widgets.score_field import ScoreField

EVERYTHING = frozenset({Include.INCOMPLETE, Include.UNSCORED})


class ReviewScreen(Screen[dict[str, int]]):
    """Walks a review queue; dismisses with the session's summary."""

    AUTO_FOCUS = "ScoreField"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "reviewed", "Reviewed", id="reviewed"),
        Binding("n", "skip", "Skip", id="skip"),
        Binding("p", "back", "Back", id="back", show=False),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("H,shift+left", "move(-1)", "Previous stage", show=False),
        Binding("L,shift+right", "move(1)", "Next stage", show=False),
        Binding("z", "snooze", "Snooze", id="snooze"),
        Binding("d", "delete", "Delete", id="delete", show=False),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("i", "include", "Incomplete too", id="include", show=False),
        # priority: the scrolling body would otherwise take up/down to scroll
        Binding("up", "app.focus_previous", "Previous criterion", show=False, priority=True),
        Binding("down", "app.focus_next", "Next criterion", show=False, priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q,escape", "leave", "Leave", id="leave"),
    ]

    def __init__(
        self,
        session: Session,
        include: frozenset[Include] = frozenset(),
        edit_externally: Callable[[str], str | None] = lambda _: None,
    ) -> None:
        super().__init__()
        self.session = session
        self.include = include
        self.edit_externally = edit_externally
        self.walk = ReviewSession(i.id for i in review_queue(session.backlog, self._now(), include))

    def _now(self) -> dt.datetime:
        return self.session.actor().now

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        with VerticalScroll(id="review-body", can_focus=False):
            yield Static(id="review-head")
            yield Static(id="review-facts")
            yield Static(id="review-priority", classes="label")
            for criterion in self.session.backlog.board.criteria:
                yield ScoreField(criterion, None)
            yield Static(id="review-text")
            yield Static(id="review-changes")
        yield Footer()

    def on_mount(self) -> None:
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
            self.dismiss(self.walk.summary())
            return
        board = self.session.backlog.board
        number, total = self.walk.progress()
        scope = "stale, incomplete and unscored" if self.include else "stale"
        self._text("#review-title", f"Review  ·  {number} of {total}  ·  {scope} items")
        self._text("#review-head", f"{item.id}  {plain(item.title)}")
        facts = [f"stage {item.stage}", f"kind {item.kind or '-'}",
                 f"owner {plain(item.owner) or '-'}"]  # fmt: skip
        if item.tags:
            facts.append("tags " + plain(", ".join(item.tags)))
        if serves_no_goal(item, board):
            facts.append("serves no goal")
        elif item.goals:
            facts.append("goals " + plain(", ".join(item.goals)))
        days = days_since_looked_at(item, self._now())
        interval = review_interval(board, item.stage)
        when = "never reviewed" if item.reviewed is None else f"last reviewed {days} days ago"
        if item.reviewed is None and days is not None:
            when += f" (created {days} days ago)"
        due = f"{item.stage} items are due every {interval} days" if interval else ""
        self._text("#review-facts", "  ·  ".join(facts) + f"\n{when}; {due}")
        for field in self.query(ScoreField):
            field.set_reactive(ScoreField.value, item.scores.get(field.criterion.key))
            field.refresh()
        self._show_priority(item)
        self._text("#review-text", self._template_text(item))
        changes = changes_since_review(item)
        lines = [f"{e.at:%Y-%m-%d}  {plain(e.by)}  {plain(e.change)}" for e in changes[:8]]
        heading = "Since the last review" if item.reviewed else "History"
        self._text("#review-changes", f"{heading}:\n" + ("\n".join(lines) or "  nothing"))

    def _template_text(self, item: Item) -> str:
        board = self.session.backlog.board
        missing = missing_fields(item, board)
        parts = []
        for name in dict.fromkeys(("description", "benefit", "resources", *board.required)):
            body = "\n".join(plain(line) for line in item.text(name).strip().splitlines())
            label = f"{name.capitalize()}{'  (missing)' if name in missing else ''}"
            parts.append(f"{label}\n{body or '-'}")
        return "\n\n".join(parts)

    def _show_priority(self, item: Item) -> None:
        value = priority(item.scores, self.session.backlog.board.criteria)
        shown = "-- (unscored)" if value is None else f"{value:.0f}"
        self._text("#review-priority", f"Priority {shown}   ↑↓ choose a criterion, 1-5 sets it")

    def _text(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(Content(text))

    # ---- actions --------------------------------------------------------------------------

    def _commit(self, change: Change, outcome: str, advance: bool) -> bool:
        item = self.item()
        applied = commit_change(self, self.session, change, after_conflict=self.show_item)
        if applied is None or item is None:
            return False
        self.walk.record(outcome)
        if advance:
            self.walk.advance()
        self.show_item()
        return True

    def _build(self, build: Callable[[Item], Change]) -> Change | None:
        item = self.item()
        if item is None:
            return None
        try:
            return build(item)
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return None

    def action_reviewed(self) -> None:
        change = self._build(
            lambda item: operations.mark_reviewed(
                self.session.backlog, item.id, self.session.actor()
            )
        )
        if change is not None:
            self._commit(change, "reviewed", advance=True)

    def action_skip(self) -> None:
        self.walk.record("skipped")
        self.walk.advance()
        self.show_item()

    def action_back(self) -> None:
        self.walk.back()
        self.show_item()

    def action_move(self, offset: int) -> None:
        def build(item: Item) -> Change:
            stages = self.session.backlog.board.stages
            index = stages.index(item.stage) + offset if item.stage in stages else -1
            if not 0 <= index < len(stages):
                raise ModelboardError(
                    f"{item.id} is in the {'first' if offset < 0 else 'last'} stage"
                )
            return operations.move_item(
                self.session.backlog, item.id, stages[index], self.session.actor()
            )

        change = self._build(build)
        if change is not None:
            self._commit(change, "moved", advance=False)

    @on(ScoreField.Changed)
    def rescore(self, event: ScoreField.Changed) -> None:
        change = self._build(
            lambda item: operations.edit_item(
                self.session.backlog,
                item.id,
                {"scores": {event.field.criterion.key: event.value}},
                self.session.actor(),
            )
        )
        if change is not None and change.steps:
            self._commit(change, "rescored", advance=False)

    def action_edit(self) -> None:
        item = self.item()
        if item is None:
            return
        from modelboard.screens.editor import EditorResult, EditorScreen

        def done(result: EditorResult | None) -> None:
            if result is None or not result.values:
                return
            change = self._build(
                lambda item: operations.edit_item(
                    self.session.backlog, item.id, result.values, self.session.actor()
                )
            )
            if change is not None:
                self._commit(change, "edited", advance=False)

        board = self.session.backlog.board
        self.app.push_screen(EditorScreen(board, item, item.stage, self.edit_externally), done)

    def action_snooze(self) -> None:
        from modelboard.screens.snooze import SnoozeScreen

        def chosen(text: str | None) -> None:
            if text is None:
                return
            today = self._now().date()
            change = self._build(
                lambda item: operations.snooze_item(
                    self.session.backlog,
                    item.id,
                    operations.snooze_date(text, today),
                    self.session.actor(),
                )
            )
            if change is not None:
                self._commit(change, "snoozed", advance=True)

        self.app.push_screen(SnoozeScreen(), chosen)

    def action_delete(self) -> None:
        item = self.item()
        if item is None:
            return
        from modelboard.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            change = operations.delete_item(self.session.backlog, item.id, self.session.actor())
            if commit_change(self, self.session, change, after_conflict=self.show_item):
                self.walk.record("deleted")
                self.walk.drop(item.id)
                self.show_item()

        self.app.push_screen(ConfirmScreen(f"Delete {item.id} “{plain(item.title)}”?"), confirmed)

    def action_undo(self) -> None:
        applied = undo_last(self, self.session)
        if applied is not None:
            for item_id in (s.item_id for s in applied.steps if s.item_id):
                if item_id not in self.walk.item_ids and item_id in self.session.backlog.items:
                    self.walk.item_ids.insert(self.walk.position, item_id)  # a delete undone
            self.show_item()

    def action_include(self) -> None:
        current = self.walk.current
        self.include = frozenset() if self.include else EVERYTHING
        queue = [i.id for i in review_queue(self.session.backlog, self._now(), self.include)]
        outcomes = self.walk.outcomes
        self.walk = ReviewSession(queue)
        self.walk.outcomes = outcomes
        if current in queue:
            self.walk.position = queue.index(current)
        self.notify(
            "Also walking incomplete and unscored items." if self.include else "Stale items only."
        )
        self.show_item()

    def action_help(self) -> None:
        from modelboard.screens.help import HelpScreen

        notes = "Every action is saved at once; leave any time and come back to what is left."
        self.app.push_screen(HelpScreen("Review", self.BINDINGS, notes))

    def action_leave(self) -> None:
        self.dismiss(self.walk.summary())
