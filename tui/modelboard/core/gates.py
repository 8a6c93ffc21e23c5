"""Stage gates: what an item must have to enter a stage (`[template.required_by_stage]`).

The template says what every item should have; a gate says what it must have before it
may go further, so "use the template consistently" is enforced where it matters: a move
into a gated stage with something missing is refused (the command line) or asked about
(the board), and forcing it is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from modelboard.core.errors import OperationError
from modelboard.core.ids import id_order
from modelboard.core.model import Backlog, Board, Item, is_blank, is_score

# Names a gate may list besides text fields: the whole template, every criterion's score,
# an owner, at least one goal.
TEMPLATE = "template"
SCORES = "scores"
SPECIAL = (TEMPLATE, SCORES, "owner", "goals")


@dataclass(frozen=True)
class Gap:
    """One thing an item lacks for a stage: a field to fill in, or a criterion to score."""

    field: str
    """The item's field (`benefit`, `owner`, `goals`, or `scores` for a missing score)."""
    criterion: str = ""
    """The criterion without a score, for `scores`."""

    def __str__(self) -> str:
        return f"score for {self.criterion}" if self.criterion else self.field


class GateError(OperationError):
    """A move into a stage whose gate the item does not meet; nothing was saved."""

    def __init__(self, item_id: str | None, stage: str, gaps: tuple[Gap, ...]) -> None:
        who = item_id or "a new item"
        super().__init__(f"{who} cannot enter {stage}; it lacks: {describe(list(gaps))}")
        self.item_id = item_id
        self.stage = stage
        self.gaps = gaps


def checked_gate(
    board: Board, stage: str, data: Mapping[str, Any], item_id: str | None, force: bool
) -> str:
    """What the item lacks for `stage`, in words for the history ('' when nothing); raises
    GateError when it lacks something and the person did not force the move."""
    gaps = gaps_for(board, stage, data)
    if gaps and not force:
        raise GateError(item_id, stage, tuple(gaps))
    return describe(gaps)


def gaps_for(board: Board, stage: str, data: Mapping[str, Any]) -> list[Gap]:
    """What an item with these fields lacks to enter `stage`, in the gate's order (none
    when the stage has no gate)."""
    gaps: list[Gap] = []
    for name in _expanded(board, board.required_by_stage.get(stage, ())):
        if name == SCORES:
            scores = data.get(SCORES)
            scored = scores if isinstance(scores, Mapping) else {}
            gaps.extend(
                Gap(SCORES, c.key) for c in board.criteria if not is_score(scored.get(c.key))
            )
        elif not _filled(board, name, data.get(name)):
            gaps.append(Gap(name))
    return gaps


def _filled(board: Board, name: str, value: object) -> bool:
    """Filled in as the format says: text that is not blank, goals the board has, tags; a
    value of the wrong type (a list for a description, a number for an owner) is not."""
    if name == "goals":
        return isinstance(value, list) and any(
            isinstance(g, str) and board.goal(g) is not None for g in value
        )
    if name == "tags":
        return isinstance(value, list) and any(isinstance(t, str) and t.strip() for t in value)
    return isinstance(value, str) and not is_blank(value)


def _expanded(board: Board, names: tuple[str, ...]) -> list[str]:
    """`template` replaced by the template's fields, each name once."""
    expanded: list[str] = []
    for name in names:
        expanded.extend(board.required if name == TEMPLATE else (name,))
    return list(dict.fromkeys(expanded))


def describe(gaps: list[Gap]) -> str:
    """The gaps in a few words: `benefit, resources, scores (value, effort)`."""
    words = [gap.field for gap in gaps if not gap.criterion]
    unscored = [gap.criterion for gap in gaps if gap.criterion]
    if unscored:
        words.append(f"scores ({', '.join(unscored)})")
    return ", ".join(words)


def gate_problems(board: Board) -> list[str]:
    """Gates that name something no item can have (a typo would block every move)."""
    known = {*SPECIAL, *board.template_fields, "title", "kind", "tags"}
    return [
        f"template.required_by_stage.{stage}: {name!r} is neither a template field nor one "
        f"of {', '.join(SPECIAL)}"
        for stage, names in board.required_by_stage.items()
        for name in names
        if name not in known
    ]


@dataclass(frozen=True)
class Breach:
    """An item that sits in a stage whose gate it does not meet (`check` lists these)."""

    item: Item
    gaps: tuple[Gap, ...]

    def __str__(self) -> str:
        return f"{self.item.id} is in {self.item.stage} but lacks: {describe(list(self.gaps))}"


def breaches(backlog: Backlog) -> list[Breach]:
    """Every item short of its own stage's gate, in id order."""
    found = []
    for item in sorted(backlog.items.values(), key=lambda i: id_order(i.id)):
        gaps = gaps_for(backlog.board, item.stage, item.data)
        if gaps:
            found.append(Breach(item, tuple(gaps)))
    return found
