"""The application: opens the store, owns the one path by which the backlog changes, and
tells every screen when it did (a commit, an undo, a teammate's save)."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from modelboard.core.actor import os_user
from modelboard.core.change import Change
from modelboard.core.errors import ConflictError, ModelboardError, StoreUnreadableError
from modelboard.core.merge import overruling
from modelboard.core.model import Item
from modelboard.core.operations import record_review
from modelboard.core.review import Include, Outcome, review_queue
from modelboard.core.session import Session
from modelboard.core.store import Snapshot, Store, shown_early
from modelboard.core.text import for_terminal
from modelboard.core.times import utc_now
from modelboard.external_editor import Launcher
from modelboard.item_actions import Saved, nothing_more
from modelboard.messages import BacklogChanged
from modelboard.render import sentence
from modelboard.save_queue import SaveQueue
from modelboard.screens.backlog_screen import ItemsScreen
from modelboard.screens.board import BoardScreen
from modelboard.screens.store_error import StoreErrorScreen

POLL_SECONDS = 2.0
TERMINAL_CHECK_SECONDS = 1.0


def _terminal_in_use() -> bool:
    """True while this process's input is a live terminal (a hung-up one is not a tty)."""
    try:
        return os.isatty(sys.__stdin__.fileno()) if sys.__stdin__ is not None else False
    except (OSError, ValueError):
        return False


EXIT_GRACE_SECONDS = 0.8
SAVE_ALLOWANCE_SECONDS = 40.0  # a hang-up waits this long for saves shown but not yet written


class ModelboardApp(App[None]):
    """modelboard in the terminal: the board of one store file."""

    # Every sheet loads here: the board, as the default screen, would not load a CSS_PATH of its
    # own, and sheets given to pushed screens (tried) arrive after their first layout.
    CSS_PATH = [
        "styles/app.tcss",
        "styles/board.tcss",
        "styles/ranked.tcss",
        "styles/matrix.tcss",
        "styles/goals.tcss",
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
        voting: bool = False,
    ) -> None:
        # NO_COLOR: Textual's NoColor filter (no colour codes at all) needs ANSI colour mode;
        # otherwise it only turns the colours grey.
        super().__init__(ansi_color=True if "NO_COLOR" in os.environ else None)
        self.start_review = review
        self.start_voting = voting
        self.voter = os_user()
        """Who this board votes as in a prioritisation session (tests set another)."""
        self.path = path
        self.clock = clock
        self.launcher = launcher
        self.poll_seconds = poll_seconds
        self.session: Session | None = None
        self._broken_on_disk = ""
        self._saves = SaveQueue(self)
        self._refused = 0  # saves refused so far (quit stays open to say why)

    def get_default_screen(self) -> Screen[Any]:
        """The board itself (no screen switch at start), or why the store cannot be read."""
        try:
            store = Store.open(self.path, cached=True)
        except StoreUnreadableError as error:
            return StoreErrorScreen(error.message)
        self.session = Session(store, self.clock)
        store.on_wait = self._saving_waits
        return BoardScreen()

    def on_mount(self) -> None:
        if isinstance(self.screen, StoreErrorScreen):
            self.screen.retry = self.open_store
        elif self.start_review is not None:
            self.open_review(self.start_review)
        elif self.start_voting:
            self.action_voting()
        else:
            self.call_later(self._offer_session)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self.hang_up)
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.check_disk)
        self.call_after_refresh(gc.freeze)  # see _disk_read
        if _terminal_in_use():
            self.set_interval(TERMINAL_CHECK_SECONDS, self._check_terminal)

    def _check_terminal(self) -> None:
        """A terminal can go without a SIGHUP reaching us (started through `su`, `runuser`
        or `sudo`, which keep the hang-up to themselves): then Textual reads an endless end of
        input and spins. Once the terminal is gone, leave as on a hang-up."""
        if not _terminal_in_use():
            self.hang_up()

    def hang_up(self) -> None:
        """The terminal went away, or we were asked to stop: every change shown is saved or
        being saved, so leave cleanly once it is, and for certain within a second of the last
        save (Textual's shutdown can wait forever on output to a terminal that is gone)."""
        self._saves.leaving = True
        self._saves.start_now()
        threading.Thread(target=self._exit_for_certain, daemon=True).start()
        self._keep_drafts()
        self.run_worker(self._leave_when_saved(), group="leave")

    def _exit_for_certain(self) -> None:
        """End the process once every change made is on disk (shown means saved), however
        stuck the event loop is."""
        deadline = time.monotonic() + SAVE_ALLOWANCE_SECONDS
        while self.pending_saves and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(EXIT_GRACE_SECONDS)
        os._exit(0)

    def _keep_drafts(self) -> None:
        """Text typed in an open editor is kept, and offered when that item is opened again."""
        from modelboard.core.drafts import NEW_ITEM, keep_draft
        from modelboard.screens.editor import EditorScreen

        for screen in self.screen_stack:
            if isinstance(screen, EditorScreen) and self.session is not None:
                values = screen.unsaved()
                if values is not None:
                    key = screen.item.id if screen.item else NEW_ITEM
                    keep_draft(self.session.store.target, key, values)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        if self.session is not None:
            self.session.store.remember()
        gc.unfreeze()  # what was kept from collection may go now (an app run in a test)

    def open_store(self) -> None:
        """Open the store and show the board, or say why it cannot be opened."""
        try:
            store = Store.open(self.path, cached=True)
        except StoreUnreadableError as error:
            self.push_screen(StoreErrorScreen(error.message), lambda _: self.open_store())
            return
        self.session = Session(store, self.clock)
        store.on_wait = self._saving_waits
        self.push_screen(BoardScreen())

    def _saving_waits(self, holder: str) -> None:
        """A save waits for a teammate's: say for whom (from a saving thread, too)."""
        message = f"Saving: waiting for {holder.partition('@')[0]}'s save ({holder})."
        if threading.get_ident() == self._thread_id:
            self.notify(message, timeout=4)
        else:
            self.call_from_thread(self.notify, message, timeout=4)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notice is plain text: they quote the file and what people typed, and a `[`
        in a title must not be read as markup (whatever a caller passes for `markup`)."""
        super().notify(
            for_terminal(message),
            title=for_terminal(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def require_session(self) -> Session:
        """The session; only screens shown on a readable store ask for it."""
        assert self.session is not None, "no store is open"
        return self.session

    # ---- the one way the backlog changes ---------------------------------------------------

    def commit(
        self,
        change: Change,
        base: Item | None = None,
        then: Saved = nothing_more,
        fresh: Callable[[], Change] | None = None,
    ) -> None:
        """Show a change at once, save it in the background after every earlier change, then
        tell every screen and call `then` with the change as saved.

        `base` is the item as the person saw it when they began (an editor opened before a
        teammate's save). A conflict puts the screen back and opens the dialog that resolves
        it (`then` runs once the person kept their version); any other failure puts the
        screen back and says why in a notice, the file untouched. `fresh` makes a change that
        names a new id (a goal) again from the file as it is now, for when a teammate took
        that id meanwhile: tried once before anyone is asked.
        """
        if not change.steps:
            return
        session = self.require_session()
        if session.expect(change):
            self.backlog_changed(change)
        self.in_order(
            partial(self._save, session, change, base, fresh),
            partial(self._committed, session, change, then),
        )

    @staticmethod
    def _save(
        session: Session, change: Change, base: Item | None, fresh: Callable[[], Change] | None
    ) -> Change:
        """In the background: the save, made afresh once when its new id was taken meanwhile."""
        try:
            return session.commit(change, base)
        except ConflictError:
            if fresh is None:
                raise
            session.store.reload()
            return session.commit(fresh(), base)

    def _committed(
        self,
        session: Session,
        change: Change,
        then: Saved,
        applied: Change | None,
        error: ModelboardError | None,
    ) -> None:
        session.settled(change)
        if error is not None or applied is None:
            self._refused += 1
            self.backlog_changed(None)  # the screen as the file is
            if isinstance(error, ConflictError):
                from modelboard.screens.conflict import ConflictScreen

                self.push_screen(ConflictScreen(error), partial(self._resolve, change, then))
            elif error is not None:
                self.notify(error.message, title="Not saved", severity="error", timeout=8)
            return
        merged = session.store.merged  # a teammate's save came in with it: redraw it all
        if merged or not (shown_early(change) and applied == change):
            self.backlog_changed(applied, whole=merged)
        then(applied)

    def _resolve(self, change: Change, then: Saved, keep_mine: bool | None) -> None:
        session = self.require_session()

        def resolve() -> Change | None:
            session.store.reload()
            return session.commit(overruling(change, session.store.data)) if keep_mine else None

        def done(applied: Change | None, error: ModelboardError | None) -> None:
            if error is not None:
                self.notify(error.message, title="Not saved", severity="error", timeout=8)
            elif applied is None:
                self.notify("Kept the version on disk.")
            else:
                self.notify("Saved your version.")
            self.backlog_changed(applied)
            if applied is not None:
                then(applied)

        self.in_order(resolve, done)

    def action_undo(self) -> None:
        """Take back the last change (once the saves before it ended), merged like any save;
        a teammate's later change of the same thing opens the conflict dialog."""
        session = self.require_session()
        if not session.can_undo and not self.pending_saves:
            self.notify("Nothing to undo.")
            return
        self._undo(overrule=False)

    def _undo(self, overrule: bool) -> None:
        session = self.require_session()
        self.in_order(partial(session.undo, overrule), self._undone)

    def _undone(self, applied: Change | None, error: ModelboardError | None) -> None:
        if isinstance(error, ConflictError):
            from modelboard.screens.conflict import ConflictScreen

            self.push_screen(ConflictScreen(error, undoing=True), self._resolve_undo)
        elif error is not None:
            self.notify(error.message, title="Undo not saved", severity="error", timeout=8)
        elif applied is None:
            self.notify("Nothing to undo.")
        else:
            self.notify(sentence(applied.summary))
            self.backlog_changed(applied, undone=True)

    def _resolve_undo(self, keep_mine: bool | None) -> None:
        session = self.require_session()

        def reloaded(_: None, error: ModelboardError | None) -> None:
            if error is not None:
                self.notify(error.message, title="Undo not saved", severity="error", timeout=8)
            elif keep_mine:
                self._undo(overrule=True)
            else:
                session.forget_last()
                self.notify("Kept the version on disk; nothing was undone.")
                self.backlog_changed(None)

        self.in_order(session.store.reload, reloaded)

    # ---- saving in the background, in order -------------------------------------------------

    @property
    def saving(self) -> bool:
        """True while saves are queued, running, or their outcome is not yet shown."""
        return self._saves.busy

    @property
    def pending_saves(self) -> int:
        """Saves queued or running whose file write has not ended yet."""
        return self._saves.pending

    def in_order(self, job: Callable[[], Any], done: Callable[[Any, Any], None]) -> None:
        """Run `job` (a save, an undo, a reload) in a worker after every earlier one, then
        `done(result, error)` on the event loop (see `SaveQueue`)."""
        self._saves.add(job, done)

    async def action_quit(self) -> None:
        """Leave once every change made here is saved; a save refused meanwhile (a conflict,
        a full disk) keeps the board open to say so."""
        refused = self._refused
        if self.saving:
            self.notify("Saving…", timeout=2)
            while self.saving:
                await asyncio.sleep(0.02)
        if self._refused == refused:
            self.exit()

    async def _leave_when_saved(self) -> None:
        while self.pending_saves:
            await asyncio.sleep(0.02)
        self.exit()

    def backlog_changed(
        self, change: Change | None, undone: bool = False, whole: bool = False
    ) -> None:
        """Tell every screen that the backlog moved on (and which item, if one); unless
        `whole`, a change to items only says which, so screens redraw just those."""
        item_id = change.item_ids[0] if change is not None and change.item_ids else None
        only: tuple[str, ...] = ()
        if change is not None and not whole and all(s.item_id for s in change.steps):
            only = change.item_ids
        for screen in self.screen_stack:
            screen.post_message(BacklogChanged(item_id, undone, only))

    # ---- teammates' saves ------------------------------------------------------------------

    def check_disk(self) -> None:
        """Pick up a teammate's save: read it in a worker, then tell the screens."""
        if self.session is not None and not self.saving and self.session.changed_on_disk():
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
        if session.store.adopt(snapshot):
            # The backlog just read lives until the next read: later collections need not
            # walk it (a full one takes 1.4 s at 50,000 items and holds up the screen).
            gc.freeze()
            session.reshow()
            self.backlog_changed(None)

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

    # ---- screens every backlog screen opens -----------------------------------------------

    def action_review(self) -> None:
        """Review mode on the stale items."""
        self.open_review(frozenset())

    def open_review(self, include: frozenset[Include]) -> None:
        """Open review mode on the queue; its summary when it ends."""
        from modelboard.screens.review import ReviewScreen
        from modelboard.screens.summary import ReviewSummaryScreen

        session = self.require_session()
        everything = frozenset(Include)
        if not review_queue(session.backlog, session.actor().now, include):
            if include == everything or not review_queue(
                session.backlog, session.actor().now, everything
            ):
                self.notify("Nothing to review: every item is current, complete and scored.")
                return
            self.notify("Nothing is stale: walking the incomplete and unscored items instead.")
            include = everything

        def finished(counts: dict[Outcome, int] | None) -> None:
            done = {outcome.value: count for outcome, count in (counts or {}).items()}
            if any(n for what, n in done.items() if what != "skipped"):  # something was done
                self.commit(record_review(session.backlog, done, session.actor()))
            left = len(review_queue(session.backlog, session.actor().now, include))
            self.push_screen(ReviewSummaryScreen(counts or {}, left))

        self.push_screen(ReviewScreen(include), finished)

    def action_voting(self) -> None:
        """Join the running prioritisation session, or start one (you lead it)."""
        from modelboard.core.voting_file import read_session
        from modelboard.screens.voting import VotingScreen

        session = self.require_session()
        try:
            running = read_session(session.store.target)
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return
        if running is not None:
            self.push_screen(VotingScreen())
            return
        from modelboard.screens.session_start import SessionStartScreen

        stage = getattr(self.screen, "focused_stage", lambda: None)()
        self.push_screen(SessionStartScreen(stage), self._start_voting)

    def _start_voting(self, scope: dict[str, Any] | None) -> None:
        from modelboard.core import voting
        from modelboard.core.voting_file import start_session
        from modelboard.screens.voting import VotingScreen

        if scope is None:
            return
        session = self.require_session()
        actor = session.actor()
        try:
            item_ids = voting.plan(session.backlog, actor.now, **scope)
            start_session(session.store, item_ids, actor, self.voter)
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return
        self.push_screen(VotingScreen())

    def _offer_session(self) -> None:
        """On opening the board: say so when a session is running that this person could join."""
        from modelboard.core.voting_file import read_session

        if self.session is None:
            return
        try:
            running = read_session(self.session.store.target)
        except ModelboardError:
            return
        if running is not None and not running.abandoned(self.session.actor().now):
            self.notify(
                f"{running.facilitator} is running a prioritisation session: P joins it.",
                timeout=10,
            )

    def action_scoring(self) -> None:
        """The scoring screen; saved weights re-rank every view at once."""
        from modelboard.core.operations import set_weights
        from modelboard.screens.scoring import ChosenWeights, ScoringScreen

        def done(chosen: ChosenWeights | None) -> None:
            if chosen is None:
                return
            session = self.require_session()
            try:
                change = set_weights(
                    session.backlog, chosen.weights, session.actor(), chosen.previous
                )
            except ModelboardError as error:
                self.notify(error.message, severity="error")
                return
            self.commit(change, then=lambda c: self.notify(sentence(c.summary) + ". u undoes."))

        self.push_screen(ScoringScreen(), done)

    def action_report(self) -> None:
        """The report since the last update recorded (else the last review cadence)."""
        from modelboard.core.report import default_since
        from modelboard.screens.report import ReportScreen

        session = self.require_session()
        now = session.actor().now
        days = max(1, round((now - default_since(session.backlog, now)).total_seconds() / 86400))
        self.push_screen(ReportScreen(days))

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

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands, then every named key of the screen (from its bindings)."""
        yield from super().get_system_commands(screen)
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.tooltip:
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip} ({binding.key_display or binding.key.split(',')[0]})",
                    partial(screen.run_action, binding.action),
                )
        if isinstance(screen, ItemsScreen) and self.session is not None:
            for goal in self.session.backlog.board.goals:
                yield SystemCommand(
                    f"Filter by goal: {goal.title}",
                    f"Only the items serving {goal.id} (escape clears)",
                    partial(screen.filter_by, f"goal:{goal.id}"),
                )
