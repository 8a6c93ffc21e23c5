"""A card's four lines as (text, role) runs; the column turns roles into styles.

Markers are words, never colour alone: the priority reads `--` when unscored, and the third
line says `stale` and `incomplete`.
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len

from modelboard.core.flags import item_flags
from modelboard.core.model import Board, Item
from modelboard.core.scoring import priority
from modelboard.render import fit, plain, two_lines

Run = tuple[str, str]
"""A piece of text and its role: id, priority, title, owner, stale, incomplete, unscored."""

CARD_LINES = 4


def card_lines(item: Item, board: Board, now: dt.datetime, width: int) -> list[list[Run]]:
    """The card of an item in `width` cells: id and priority; the title on two lines;
    owner and markers."""
    value = priority(item.scores, board.criteria)
    score = "--" if value is None else f"{value:.0f}"
    first = [(fit(item.id, width - len(score) - 1), "id"), (" " + score, "priority")]
    flags = item_flags(item, board, now)
    markers: list[Run] = []
    if flags.unknown_stage:
        markers.append(("stage?", "incomplete"))
    if flags.stale:
        markers.append(("stale", "stale"))
    if flags.incomplete:
        markers.append(("incomplete" if width >= 24 else "incompl", "incomplete"))
    if flags.unscored and width >= 30:
        markers.append(("unscored", "unscored"))
    marks = " ".join(text for text, _ in markers)
    owner_width = width - cell_len(marks) - (1 if marks else 0)
    third: list[Run] = [(fit(plain(item.owner), owner_width), "owner")] if owner_width > 0 else []
    for index, marker in enumerate(markers):
        if index or third:
            third.append((" ", "space"))
        third.append(marker)
    title_1, title_2 = two_lines(plain(item.title), width)
    return [first, [(title_1, "title")], [(title_2, "title")], third]
