"""A working session on one store: commit changes, undo them, notice teammates' saves.

The TUI's screens hold a session; it holds the store. No Textual here, so every rule of
committing and undoing is tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from modelboard.core.actor import Actor, login_name
from modelboard.core.change import Change
from modelboard.core.model import Backlog, Item
from modelboard.core.store import Store
from modelboard.core.times import utc_now, whole_seconds
from modelboard.core.undo import inverse

UNDO_DEPTH = 100


@dataclass(frozen=True)
class Committed:
    """A change as saved, and the backlog just before it (what undo restores)."""

    change: Change
    before: Backlog


class Session:
    """One person's work on one store: every change saved at once, undo several steps."""

    def __init__(self, store: Store, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.store = store
        self._clock = clock
        self._name = login_name()
        self._undo: list[Committed] = []

    @property
    def backlog(self) -> Backlog:
        """The backlog as last read or saved."""
        return self.store.backlog

    def actor(self) -> Actor:
        """Who is changing things, and now."""
        return Actor(self._name, whole_seconds(self._clock()))

    @property
    def can_undo(self) -> bool:
        """True when there is a change to take back."""
        return bool(self._undo)

    def commit(self, change: Change, base: Item | None = None) -> Change:
        """Save a change (see Store.save for the errors); remember it for undo.

        `base` is the item as the person saw it when they began the change, if that was
        before the backlog last moved on; their teammates' changes since then are merged.
        """
        before = self.store.backlog
        bases = {base.id: base.data} if base is not None else None
        applied = self.store.save(change, bases)
        if applied.steps:
            self._undo.append(Committed(applied, before))
            del self._undo[:-UNDO_DEPTH]
        return applied

    def undo(self) -> Change | None:
        """Take back the last change, saved like any change; None when there is none.

        If the undo cannot be saved (a conflict, a full disk), it stays on the stack.
        """
        if not self._undo:
            return None
        last = self._undo[-1]
        change = inverse(last.change, last.before, self.store.backlog, self.actor())
        applied = self.store.save(change)
        self._undo.pop()
        return applied

    def changed_on_disk(self) -> bool:
        """True when someone else saved the store since it was read or saved here."""
        return self.store.changed_on_disk()
