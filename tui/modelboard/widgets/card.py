"""A card's four lines as (text, role) runs; the column turns roles into styles.

Markers are words, never colour alone: the priority reads `--` when unscored, and the third
line says `stale` and `incomplete`.
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len, set_cell_size

from modelboard.core.model import Board, Item, is_incomplete, unscored_criteria
from modelboard.core.scoring import priority
from modelboard.core.staleness import is_stale
from modelboard.core.text import for_terminal

Run = tuple[str, str]
"""A piece of text and its role: id, priority, title, owner, stale, incomplete, unscored."""

CARD_LINES = 4


def plain(text: str) -> str:
    """User text for one line of a card: no control characters, no line breaks."""
    return for_terminal(text).replace("\n", " ").replace("\t", " ")


def fit(text: str, width: int) -> str:
    """Cut (with an ellipsis) or pad text to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def two_lines(text: str, width: int) -> tuple[str, str]:
    """Text wrapped at word boundaries onto two lines of `width` cells, the rest cut off."""
    first = ""
    words = text.split(" ")
    while words and cell_len(f"{first} {words[0]}".lstrip()) <= width:
        first = f"{first} {words.pop(0)}".lstrip()
    if not first and words:  # one word longer than the line: cut it
        first = set_cell_size(words[0], width)
        words[0] = words[0][len(first) :]
    return fit(first, width), fit(" ".join(words).strip(), width)


def card_lines(item: Item, board: Board, now: dt.datetime, width: int) -> list[list[Run]]:
    """The card of an item in `width` cells: id and priority; the title on two lines;
    owner and markers."""
    value = priority(item.scores, board.criteria)
    score = "--" if value is None else f"{value:.0f}"
    first = [(fit(item.id, width - len(score) - 1), "id"), (" " + score, "priority")]
    markers: list[Run] = []
    if is_stale(item, board, now):
        markers.append(("stale", "stale"))
    if is_incomplete(item, board):
        markers.append(("incomplete" if width >= 24 else "incompl", "incomplete"))
    if unscored_criteria(item, board) and width >= 30:
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
