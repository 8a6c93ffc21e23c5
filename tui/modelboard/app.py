"""The application: opens the store, shows the board, keeps it in step with the file."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.screen import Screen

from modelboard.core.actor import utc_now
from modelboard.core.errors import ModelboardError, StoreUnreadableError
from modelboard.core.review import Include
from modelboard.core.session import Session
from modelboard.core.store import Snapshot, Store
from modelboard.external_editor import Launcher
from modelboard.screens.board import BoardScreen
from modelboard.screens.store_error import StoreErrorScreen

POLL_SECONDS = 2.0


class ModelboardApp(App[None]):
    """modelboard in the terminal: the board of one store file."""

    # Every sheet loads here: the board, as the default screen, would not load a CSS_PATH of its
    # own, and sheets given to pushed screens (tried) arrive after their first layout.
    CSS_PATH = [
        "styles/app.tcss",
        "styles/board.tcss",
        "styles/editor.tcss",
        "styles/review.tcss",
        "styles/dialogs.tcss",
    ]
    TITLE = "modelboard"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        poll_seconds: float = POLL_SECONDS,
        launcher: Launcher | None = None,
        review: frozenset[Include] | None = None,
    ) -> None:
        super().__init__()
        self.start_review = review
        self.path = path
        self.clock = clock
        self.launcher = launcher
        self.poll_seconds = poll_seconds
        self.session: Session | None = None
        self._broken_on_disk = ""

    def get_default_screen(self) -> Screen[Any]:
        """The board itself (no screen switch at start), or why the store cannot be read."""
        try:
            store = Store.open(self.path, cached=True)
        except StoreUnreadableError as error:
            return StoreErrorScreen(error.message)
        self.session = Session(store, self.clock)
        return BoardScreen(self.session, self.edit_externally)

    def on_mount(self) -> None:
        if isinstance(self.screen, StoreErrorScreen):
            self.screen.retry = self.open_store
        elif self.start_review is not None and self.board is not None:
            self.board.start_review(self.start_review)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            # Every change is already saved; leaving cleanly restores the terminal.
            loop.add_signal_handler(signum, self.exit)
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.check_disk)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        if self.session is not None:
            self.session.store.remember()

    def open_store(self) -> None:
        """Open the store and show the board, or say why it cannot be opened."""
        try:
            store = Store.open(self.path, cached=True)
        except StoreUnreadableError as error:
            self.push_screen(StoreErrorScreen(error.message), lambda _: self.open_store())
            return
        self.session = Session(store, self.clock)
        self.push_screen(BoardScreen(self.session, self.edit_externally))

    def edit_externally(self, text: str) -> str | None:
        """Edit text in the person's $VISUAL/$EDITOR, the board suspended meanwhile."""
        from modelboard.external_editor import edit_text, run_in_terminal

        if self.launcher is not None:
            return edit_text(text, self.launcher)
        try:
            with self.suspend():
                return edit_text(text, run_in_terminal)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
            return None

    @property
    def board(self) -> BoardScreen | None:
        """The board screen, when it is open."""
        return next((s for s in self.screen_stack if isinstance(s, BoardScreen)), None)

    def check_disk(self) -> None:
        """Pick up a teammate's save: read it in a worker, show it without losing the cursor."""
        if self.session is not None and self.session.changed_on_disk():
            self.read_disk(self.session)

    @work(thread=True, exclusive=True, group="disk")
    def read_disk(self, session: Session) -> None:
        """Read and parse the changed file away from the event loop."""
        try:
            snapshot = session.store.read_snapshot()
        except ModelboardError as error:
            self.call_from_thread(self._disk_broken, error.message)
            return
        self.call_from_thread(self._disk_read, session, snapshot)

    def _disk_read(self, session: Session, snapshot: Snapshot) -> None:
        self._broken_on_disk = ""
        if session.store.adopt(snapshot) and self.board is not None:
            self.board.refresh_board()

    def _disk_broken(self, message: str) -> None:
        if message != self._broken_on_disk:
            self._broken_on_disk = message
            self.notify(
                f"{message}. The board shows the last good version; saves wait until the "
                "file is fixed.",
                title="The file on disk does not parse",
                severity="error",
                timeout=15,
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        board = self.board
        if board is None:
            return
        for title, help_text, action in (
            ("Add item", "Add an item to the focused column (a)", board.action_add),
            ("Edit item", "Edit the item under the cursor (enter, e)", board.action_edit),
            ("Delete item", "Delete the item under the cursor (d)", board.action_delete),
            ("Move to next stage", "Move the item one column right (L)", board.action_move_right),
            ("Move to previous stage", "Move the item one column left (H)", board.action_move_left),
            ("Filter", "Filter the board by title, id, owner or tag (/)", board.action_filter),
            ("Cycle sort order", "Priority, stalest first, newest, title (s)", board.action_sort),
            (
                "Ranked list",
                "All open items by priority, or back to the board (v)",
                board.action_toggle_view,
            ),
            ("Scoring", "The criteria's weights, with the ranking live (w)", board.action_scoring),
            (
                "Report",
                "The digest for stakeholders; w writes it to a file (R)",
                board.action_report,
            ),
            ("Undo", "Take back the last change (u)", board.action_undo),
            ("Review", "Walk the stale items one by one (r)", board.action_review),
            ("Board keys", "Every key of the board (?)", board.action_help),
        ):
            yield SystemCommand(title, help_text, action)
        for goal in board.session.backlog.board.goals:
            yield SystemCommand(
                f"Filter by goal: {goal.title}",
                f"Only the items serving {goal.id} (escape clears)",
                lambda goal_id=goal.id: board.filter_by(f"goal:{goal_id}"),
            )
