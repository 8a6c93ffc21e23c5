"""A working session on one store: commit changes, undo them, notice teammates' saves.

The app holds a session; it holds the store. No Textual here, so every rule of
committing and undoing is tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from modelboard.core.actor import Actor, login_name
from modelboard.core.change import Change
from modelboard.core.model import Backlog, Item
from modelboard.core.store import Store, shown_early
from modelboard.core.times import utc_now, whole_seconds
from modelboard.core.undo import inverse

UNDO_DEPTH = 100


@dataclass(frozen=True)
class Committed:
    """A change as saved, the backlog just before it (what undo restores), and the tables of
    its items just after it (what undo merges against: a teammate's later change is theirs)."""

    change: Change
    before: Backlog
    after: dict[str, Mapping[str, Any]]


class Session:
    """One person's work on one store: every change saved at once, undo several steps."""

    def __init__(self, store: Store, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.store = store
        self._clock = clock
        self._name = login_name()
        self._undo: list[Committed] = []
        self._expected: list[Change] = []  # shown, their saves not yet ended
        self._shown: Backlog | None = None

    @property
    def backlog(self) -> Backlog:
        """The backlog as last read or saved, with the changes still being saved in it."""
        shown = self._shown
        return shown if shown is not None else self.store.backlog

    def expect(self, change: Change) -> bool:
        """Show a change at once, while its save runs elsewhere (see `Store.previewed`);
        True when it shows (edits and deletions of items do, additions wait for their id)."""
        self._expected.append(change)
        self.reshow()
        return shown_early(change)

    def settled(self, change: Change) -> None:
        """The change's save ended (saved, failed or conflicted): stop showing it early."""
        self._expected = [c for c in self._expected if c is not change]
        self.reshow()

    def reshow(self) -> None:
        """Show the store's state with the changes still being saved (after a disk read)."""
        self._shown = self.store.previewed(self._expected) if self._expected else None

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
        _ = self.store.backlog  # built here, in the save's worker, not on screen
        if applied.steps:
            self._wrote(applied)
            self._undo.append(Committed(applied, before, self.store.item_tables(applied.item_ids)))
            del self._undo[:-UNDO_DEPTH]
        return applied

    def _wrote(self, applied: Change) -> None:
        """Our own later saves move the base of earlier undos on (a teammate's do not)."""
        tables = self.store.item_tables(applied.item_ids)
        for committed in self._undo:
            for item_id in committed.after.keys() & tables.keys():
                committed.after[item_id] = tables[item_id]

    def undo(self, overrule: bool = False) -> Change | None:
        """Take back the last change, saved like any change; None when there is none.

        The reverse is merged with what is on disk as it would be for any save, taking the
        state right after the change as its base: a teammate's later change of the same field
        is a ConflictError, and an item added here and edited by a teammate since is not
        deleted without asking. With `overrule` (the person chose to), the reverse is merged
        against the file as it is now, and wins. If the undo cannot be saved, it stays.
        """
        if not self._undo:
            return None
        last = self._undo[-1]
        change = inverse(last.change, last.before, self.store.backlog, self.actor())
        applied = self.store.save(change, None if overrule else last.after)
        _ = self.store.backlog  # built here, in the save's worker, not on screen
        self._undo.pop()
        self._wrote(applied)
        return applied

    def forget_last(self) -> None:
        """Drop the change undo would take back next (the person kept a teammate's version)."""
        if self._undo:
            self._undo.pop()

    def changed_on_disk(self) -> bool:
        """True when someone else saved the store since it was read or saved here."""
        return self.store.changed_on_disk()
