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
OWNER_CELLS = 4  # the owner is shortened to this before the markers are
# The markers' words, longest first: the longest that leave room for the owner are used.
MARKER_FORMS = (
    {"stage?": "stage?", "stale": "stale", "goal": "goal changed", "incomplete": "incomplete",
     "unscored": "unscored"},
    {"stage?": "stage?", "stale": "stale", "goal": "goal chg", "incomplete": "incompl",
     "unscored": "unscrd"},
    {"stage?": "stg?", "stale": "stale", "goal": "goal", "incomplete": "inc", "unscored": "uns"},
    {"stage?": "?", "stale": "stl", "goal": "g!", "incomplete": "inc", "unscored": "uns"},
)  # fmt: skip
# The style each marker takes: an unknown stage looks like a gap, a changed goal is due.
MARKER_STYLES = {"stage?": "incomplete", "goal": "stale"}


def card_lines(item: Item, board: Board, now: dt.datetime, width: int) -> list[list[Run]]:
    """The card of an item in `width` cells: id and priority; the title on two lines;
    owner and markers."""
    value = priority(item.scores, board.criteria)
    score = "--" if value is None else f"{value:.0f}"
    first = [(fit(item.id, width - len(score) - 1), "id"), (" " + score, "priority")]
    flags = item_flags(item, board, now)
    wanted = {
        "stage?": flags.unknown_stage,
        "stale": flags.stale,
        "goal": bool(flags.goal_changed) and not flags.stale,  # due either way: one word
        "incomplete": flags.incomplete,
        "unscored": bool(flags.unscored) and width >= 30,  # narrow: `--` says it already
    }
    shown = [role for role, on in wanted.items() if on]
    owner = plain(item.owner)
    keep = min(OWNER_CELLS, cell_len(owner))  # a few letters of the owner always stay
    markers: list[Run] = []
    for forms in MARKER_FORMS:
        markers = [(forms[role], MARKER_STYLES.get(role, role)) for role in shown]
        marks = " ".join(text for text, _ in markers)
        if cell_len(marks) + (keep + 1 if keep else 0) <= width:
            break
    owner_width = width - cell_len(marks) - (1 if marks else 0)
    third: list[Run] = [(fit(owner, owner_width), "owner")] if owner_width > 0 else []
    for index, marker in enumerate(markers):
        if index or third:
            third.append((" ", "space"))
        third.append(marker)
    title_1, title_2 = two_lines(plain(item.title), width)
    return [first, [(title_1, "title")], [(title_2, "title")], third]
