"""What a person can do to one item from any screen (the board, the ranked list, review):
edit or add it, move it a stage, delete it. One implementation, committed through the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from modelboard.core import operations
from modelboard.core.change import Change
from modelboard.core.drafts import NEW_ITEM, take_draft
from modelboard.core.errors import ModelboardError
from modelboard.core.flags import item_flags
from modelboard.core.gates import GateError
from modelboard.core.model import Item
from modelboard.render import plain

if TYPE_CHECKING:
    from modelboard.app import ModelboardApp
    from modelboard.screens.editor import EditorResult

Saved = Callable[[Change], None]


def nothing_more(_: Change) -> None:
    """After a save every screen redraws on BacklogChanged: often nothing more to do."""


def open_editor(
    app: ModelboardApp,
    item: Item | None,
    stage: str,
    saved: Saved = nothing_more,
    gate: GateError | None = None,
) -> None:
    """Edit `item` (or add one in `stage`); once saved, say what it still lacks. After a
    stage's gate refused a move (`gate`), the editor starts on the first missing field with
    the new stage set, so saving the filled-in item moves it."""
    from modelboard.screens.editor import EditorScreen

    def done(result: EditorResult | None) -> None:
        if result is None or not result.values:
            return
        session = app.require_session()
        try:
            if result.base is None:
                change = operations.add_item(
                    session.backlog, result.values, session.actor(), result.force
                )
            else:
                change = operations.edit_item(
                    session.backlog, result.base.id, result.values, session.actor(), result.force
                )
        except ModelboardError as error:
            app.notify(error.message, title="Not saved", severity="error", timeout=8)
            return

        def said(applied: Change) -> None:
            _say_what_is_missing(app, applied.item_ids[0] if applied.item_ids else None)
            saved(applied)

        app.commit(change, base=result.base, then=said)

    session = app.require_session()
    draft = take_draft(session.store.target, item.id if item else NEW_ITEM)
    editor = EditorScreen(
        session.backlog.board,
        item,
        stage,
        app.edit_externally,
        draft,
        focus=gate.gaps[0] if gate and gate.gaps else None,
        move_to=gate.stage if gate else None,
    )
    app.push_screen(editor, done)


def _say_what_is_missing(app: ModelboardApp, item_id: str | None) -> None:
    session = app.require_session()
    item = session.backlog.item(item_id or "")
    if item is None:
        return
    flags = item_flags(item, session.backlog.board, session.actor().now)
    board = session.backlog.board
    labels = [c.label for key in flags.unscored if (c := board.criterion(key)) is not None]
    gaps = [*flags.missing, *(f"a score for {label}" for label in labels)]
    if gaps:
        app.notify(f"Saved {item.id}; still missing: {', '.join(gaps)}.", severity="warning")
    else:
        app.notify(f"Saved {item.id}.")


def move(app: ModelboardApp, item: Item, offset: int, moved: Saved = nothing_more) -> None:
    """Move the item `offset` stages right (negative: left), if there is a stage there; an
    item in a stage the board does not list goes to the first."""
    session = app.require_session()
    stages = session.backlog.board.stages
    # from a stage the board does not list, either key puts it where it is shown: the first
    index = stages.index(item.stage) + offset if item.stage in stages else 0
    if not 0 <= index < len(stages):
        app.notify(f"{item.id} is in the {'first' if offset < 0 else 'last'} stage.")
        return
    stage = stages[index]
    try:
        change = operations.move_item(session.backlog, item.id, stage, session.actor())
    except GateError as gate:
        _ask_at_the_gate(app, item, gate, moved)
        return
    except ModelboardError as error:
        app.notify(error.message, severity="error")
        return
    app.commit(change, then=moved)


def _ask_at_the_gate(app: ModelboardApp, item: Item, gate: GateError, moved: Saved) -> None:
    """The stage asks for what the item lacks: fill it in, move anyway, or leave it."""
    from modelboard.screens.gate import GateAnswer, GateScreen

    def answered(answer: GateAnswer | None) -> None:
        if answer is GateAnswer.FILL_IN:
            open_editor(app, item, item.stage, moved, gate)
        elif answer is GateAnswer.FORCE:
            session = app.require_session()
            try:
                change = operations.move_item(
                    session.backlog, item.id, gate.stage, session.actor(), force=True
                )
            except ModelboardError as error:
                app.notify(error.message, severity="error")
                return
            app.commit(change, then=moved)

    app.push_screen(GateScreen(item.id, gate.stage, gate.gaps), answered)


def delete(app: ModelboardApp, item: Item, deleted: Saved = nothing_more) -> None:
    """Ask, then delete the item; `u` brings it back."""
    from modelboard.screens.confirm import ConfirmScreen

    def confirmed(yes: bool | None) -> None:
        if not yes:
            return
        session = app.require_session()
        try:
            change = operations.delete_item(session.backlog, item.id, session.actor())
        except ModelboardError as error:
            app.notify(error.message, severity="error")
            return

        def said(applied: Change) -> None:
            app.notify(f"Deleted {item.id}. Press u to undo.")
            deleted(applied)

        app.commit(change, then=said)

    app.push_screen(ConfirmScreen(f"Delete {item.id} “{plain(item.title)}”?"), confirmed)
