"""Messages the app sends to its screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class BacklogChanged(Message, bubble=False):
    """The backlog is not what the screens last drew: a commit, an undo, or a teammate's save.

    `item_id` is the item the change was about (a cursor may follow it); None for a save
    from elsewhere or a change of settings.
    """

    item_id: str | None = None
    undone: bool = False
    """True when the change took back an earlier one (`u`)."""
    item_ids: tuple[str, ...] = ()
    """When only these items changed (nothing else since the last message): a screen may
    redraw just them. Empty: anything may have changed."""
