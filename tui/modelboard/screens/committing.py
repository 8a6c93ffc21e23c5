"""Saving a change from any screen: one place that shows conflicts and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from modelboard.core.errors import ConflictError, ModelboardError
from modelboard.core.model import Item
from modelboard.core.operations import Change
from modelboard.core.session import Session


def commit_change(
    screen: Screen[Any],
    session: Session,
    change: Change,
    base: Item | None = None,
    after_conflict: Callable[[], None] = lambda: None,
) -> Change | None:
    """Save through the session; on a conflict open the conflict dialog (and call
    `after_conflict` when it closes), on any other failure say why. None when not saved."""
    if not change.steps:
        return None
    try:
        return session.commit(change, base)
    except ConflictError as conflict:
        from modelboard.screens.conflict import ConflictScreen

        screen.app.push_screen(
            ConflictScreen(conflict, session, change), lambda _: after_conflict()
        )
    except ModelboardError as error:
        screen.notify(error.message, title="Not saved", severity="error", timeout=8)
    return None


def sentence(text: str) -> str:
    """A change's summary as a notice: first letter up, ids left as they are."""
    return text[:1].upper() + text[1:]


def undo_last(screen: Screen[Any], session: Session) -> Change | None:
    """Take back the session's last change, saying what happened; None when nothing was."""
    if not session.can_undo:
        screen.notify("Nothing to undo.")
        return None
    try:
        applied = session.undo()
    except ModelboardError as error:
        screen.notify(error.message, title="Undo not saved", severity="error", timeout=8)
        return None
    if applied is not None:
        screen.notify(sentence(applied.summary))
    return applied
