"""A file that changed in a few item tables, read by parsing only those tables.

Under contention every save finds the file changed by the save just before it: parsing and
lexing it whole, holding the lock, is what kept twenty savers waiting (70 ms of work at
1,000 items, stretched tenfold on a busy machine). What changed is almost always a few item
blocks: the common start and end of the old and new text are compared, the difference is
widened to whole item blocks, and only those are parsed. Anything else (a setting, a record,
an item split over distant headers, a table defined twice) returns None: the caller parses
the whole file, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modelboard.core import toml_reader
from modelboard.core.store import MAX_DEPTH, too_deep
from modelboard.core.toml_layout import Lexed, UnusualLayout, headers, layout, shifted

_STEP = 1 << 16  # characters compared at a time while looking for the first difference


def caught_up(
    old_text: str, old_data: Mapping[str, Any], old_lexed: Lexed, new_text: str
) -> tuple[dict[str, Any], Lexed] | None:
    """The data and lexing of `new_text`, made from those of `old_text` by parsing only the
    item blocks that differ; None when the difference is anything but whole item blocks."""
    old_items = old_data.get("items")
    if not isinstance(old_items, dict):
        return None
    start = _common_start(old_text, new_text)
    end = _common_end(old_text, new_text, start)
    try:
        where = layout(old_text, frozenset(old_items), old_lexed)
    except UnusualLayout:
        return None
    # Widen the difference to the item blocks it touches (an insertion between two blocks
    # widens to nothing); it must touch no header but items'.
    low, high = start, len(old_text) - end
    for block_start, block_end in where.spans.values():
        if block_start < high and low < block_end:  # overlaps, or holds the insertion point
            low, high = min(low, block_start), max(high, block_end)
    if any(low <= h.start < high and h.path[:1] != ("items",) for h in old_lexed.headers):
        return None
    # Outside item blocks the difference must start and end where the lexer saw a line at
    # the top level (a header, a comment line, a block's end): an edit inside a multi-line
    # string of a setting must not pass for a blank line.
    top = {0, len(old_text), *(h.start for h in old_lexed.headers), *old_lexed.comment_lines}
    top.update(end for _, end in where.spans.values())
    if low not in top or high not in top:
        return None
    # Before the first item lies the settings' text: a difference reaching into it is parsed
    # whole, for a key of a setting taken away there would not show in the items.
    first = min((block_start for block_start, _ in where.spans.values()), default=len(old_text))
    if low < first:
        return None
    new_piece = new_text[low : high + len(new_text) - len(old_text)]
    if not _stands_alone(new_piece, old_text, high, old_lexed):
        return None
    new_part = _items_of(new_piece)
    if new_part is None:
        return None
    # The items the old text holds there are known from its layout: only the new is parsed.
    kept = {i for i, (block_start, _) in where.spans.items() if not low <= block_start < high}
    if kept & new_part.keys():
        return None  # a table defined twice: only the whole file's reader says how
    try:
        new_lexed = shifted(old_lexed, [(low, high, new_piece)])
        # every item one block, none twice; in the order of the text, as a parse has them
        order = layout(new_text, frozenset(kept | new_part.keys()), new_lexed).spans
    except UnusualLayout:
        return None
    items = {i: new_part[i] if i in new_part else old_items[i] for i in order}
    if not items:
        return None  # no items left: whether the file still has an `items` table is the parse's
    return {**old_data, "items": items}, new_lexed


def _stands_alone(piece: str, old_text: str, high: int, old_lexed: Lexed) -> bool:
    """True when the piece reads in the whole text as it reads on its own: whole lines, no
    key before its first header (that key would belong to the table above), and nothing
    but comments between it and the next header (keys there would fall into its last
    table)."""
    if piece and not piece.endswith("\n") and high < len(old_text):
        return False
    try:
        found, _ = headers(piece)
    except UnusualLayout:
        return False
    if not _only_comments(piece[: found[0].start] if found else piece):
        return False
    following = next((h.start for h in old_lexed.headers if h.start >= high), len(old_text))
    return _only_comments(old_text[high:following])


def _only_comments(text: str) -> bool:
    """True for text of blank lines and comment lines only."""
    return all(
        not line.strip(" \t") or line.lstrip(" \t").startswith("#") for line in text.split("\n")
    )


def _items_of(piece: str) -> dict[str, Any] | None:
    """The item tables a piece of text holds on its own; None when it holds anything else."""
    if not piece:
        return {}
    try:
        data = toml_reader.loads(piece)
    except Exception:  # the piece is not whole tables: the whole file decides
        return None
    if not data:
        return {}  # blank lines and comments
    items = data.get("items")
    if set(data) != {"items"} or not isinstance(items, dict) or too_deep(data, MAX_DEPTH):
        return None  # not items alone, or nested too deep (the whole parse says where)
    return items


def _common_start(old: str, new: str) -> int:
    """How many characters the two texts share from their start."""
    limit = min(len(old), len(new))
    position = 0
    while position < limit:
        step = min(_STEP, limit - position)
        if old[position : position + step] != new[position : position + step]:
            break
        position += step
    low, high = position, min(limit, position + _STEP)
    while low < high:  # the texts agree up to `low`; the first difference is by `high`
        middle = (low + high + 1) // 2
        if old[position:middle] == new[position:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_end(old: str, new: str, start: int) -> int:
    """How many characters the two texts share at their end, not reaching into `start`."""
    return _common_start(old[start:][::-1], new[start:][::-1])
