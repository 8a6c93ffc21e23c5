"""A file that changed in a few item tables, read by parsing only those tables.

Under contention every save finds the file changed by the saves just before it: parsing and
lexing it whole, holding the lock, is what kept twenty savers waiting (70 ms of work at
1,000 items, stretched tenfold on a busy machine). What changed is almost always a few item
blocks, often far apart (a waiter a few saves behind sees an edit near the top and an add at
the end): the texts are walked together, each difference is widened to the whole item
blocks it touches and the old text is found again after it, and only the new text of those
blocks is parsed. Anything else (a setting, a record, an item split over distant headers, a
table defined twice) returns None: the caller parses the whole file, as before.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from modelboard.core import toml_reader
from modelboard.core.store import MAX_DEPTH, too_deep
from modelboard.core.toml_layout import Layout, Lexed, UnusualLayout, headers, layout, shifted

_STEP = 1 << 16  # characters compared at a time while looking for the first difference
_PROBE = 256  # characters of the old text looked for where it goes on after a difference
_RESUME_TRIES = 16  # block ends tried as where one difference ends
_MOST_PIECES = 64  # more differences than this: one piece from the first to the last

Edit = tuple[int, int, int, int]
"""One difference: old text [low, high) became new text [new low, new high)."""


class CaughtUp(NamedTuple):
    """A text read from an older one: its data, its lexing, where its items are, and how
    far behind the older one was (the differences parsed; for one piece from the first
    difference to the last, the item blocks it spans)."""

    data: dict[str, Any]
    lexed: Lexed
    where: Layout
    behind: int


def caught_up(
    old_text: str,
    old_data: Mapping[str, Any],
    old_lexed: Lexed,
    new_text: str,
    old_where: Layout | None = None,
) -> CaughtUp | None:
    """The data and lexing of `new_text`, made from those of `old_text` (and where its
    items are, if known) by parsing only the item blocks that differ; None when a
    difference is anything but whole item blocks."""
    old_items = old_data.get("items")
    if not isinstance(old_items, dict):
        return None
    try:
        where = (old_where or layout(old_text, frozenset(old_items), old_lexed)).spans
    except UnusualLayout:
        return None
    spans = sorted(where.values())
    many = _differences(old_text, new_text, spans)
    if many is not None:
        found = _read(old_text, old_data, old_lexed, new_text, where, spans, many, len(many))
        if found is not None:
            return found
    one = [_one_difference(old_text, new_text, spans)]
    if one == many:
        return None
    low, high, _, _ = one[0]
    blocks = sum(low <= block_start < high for block_start, _ in spans)
    return _read(old_text, old_data, old_lexed, new_text, where, spans, one, max(1, blocks))


def _read(
    old_text: str,
    old_data: Mapping[str, Any],
    old_lexed: Lexed,
    new_text: str,
    where: Mapping[str, tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    edits: Sequence[Edit],
    behind: int,
) -> CaughtUp | None:
    """The new text read from the old by parsing the new text of each edit alone (`spans`:
    the old item blocks, in order); None when some piece might read differently inside the
    whole text."""
    old_items: dict[str, Any] = old_data["items"]
    starts = [h.start for h in old_lexed.headers]
    # Outside item blocks a difference must start and end where the lexer saw a line at
    # the top level (a header, a comment line, a block's end): an edit inside a multi-line
    # string of a setting must not pass for a blank line.
    top = {0, len(old_text), *starts, *old_lexed.comment_lines, *(end for _, end in spans)}
    # Before the first item lies the settings' text: a difference reaching into it is parsed
    # whole, for a key of a setting taken away there would not show in the items.
    first = spans[0][0] if spans else len(old_text)
    for low, high, _, _ in edits:
        if low < first or low not in top or high not in top:
            return None
        if low and old_text[low - 1] != "\n":
            return None  # the end of a last line without its line break
        # it must touch no header but items'
        headers_in = old_lexed.headers[bisect_left(starts, low) : bisect_left(starts, high)]
        if any(h.path[:1] != ("items",) for h in headers_in):
            return None
        # and outside item blocks hold only comments: a comment line of a table between
        # two items (or one inside its array) is followed by that table's keys
        if not _only_comments_between(old_text, low, high, spans):
            return None
    try:
        new_lexed = shifted(old_lexed, [(low, high, new_text[a:b]) for low, high, a, b in edits])
    except UnusualLayout:
        return None
    new_starts = [h.start for h in new_lexed.headers]
    new_part: dict[str, Any] = {}
    for _, _, new_low, new_high in edits:
        piece = new_text[new_low:new_high]
        k = bisect_left(new_starts, new_high)
        following = new_starts[k] if k < len(new_starts) else len(new_text)
        if not _stands_alone(piece, new_text, new_high, following):
            return None
        found = _items_of(piece)
        if found is None or new_part.keys() & found.keys():
            return None  # not items alone, or a table defined twice
        new_part.update(found)
    # The items the old text holds outside the edits are known from its layout.
    lows = [low for low, _, _, _ in edits]
    kept = {i for i, (block_start, _) in where.items() if not _inside(block_start, lows, edits)}
    if kept & new_part.keys():
        return None  # a table defined twice: only the whole file's reader says how
    try:
        # every item one block, none twice; in the order of the text, as a parse has them
        new_where = layout(new_text, frozenset(kept | new_part.keys()), new_lexed)
    except UnusualLayout:
        return None
    items = {i: new_part[i] if i in new_part else old_items[i] for i in new_where.spans}
    if not items:
        return None  # no items left: whether the file still has an `items` table is the parse's
    if _tables_before_items(old_lexed) != _tables_before_items(new_lexed):
        return None  # the first item moved past a table: the order of the tables changed
    return CaughtUp({**old_data, "items": items}, new_lexed, new_where, behind)


def _differences(old: str, new: str, spans: Sequence[tuple[int, int]]) -> list[Edit] | None:
    """Where the texts differ, in order, each difference widened to the item blocks it
    touches; None when the old text is not found again after a difference (or there are
    very many): the caller then takes one piece from the first difference to the last."""
    starts = [block_start for block_start, _ in spans]
    ends = [block_end for _, block_end in spans]
    edits: list[Edit] = []
    o = n = 0
    while len(edits) <= _MOST_PIECES:
        run = _common_run(old, o, new, n)
        o, n = o + run, n + run
        if o == len(old) and n == len(new):
            return edits
        i = bisect_right(starts, o) - 1
        inside = i >= 0 and starts[i] < o < ends[i]
        low = starts[i] if inside else old.rfind("\n", 0, o) + 1  # a block, or a line
        new_low = n - (o - low)
        resumed = _resumed(old, new, low, new_low, ends, inside)
        if resumed is None:
            return None
        high, new_high = resumed
        edits.append((low, high, new_low, new_high))
        o, n = high, new_high
    return None


def _resumed(
    old: str, new: str, low: int, new_low: int, ends: Sequence[int], inside: bool
) -> tuple[int, int] | None:
    """Where the old text goes on in the new after a difference that starts at `low` (old)
    and `new_low` (new): right there (new text inserted, unless the difference is inside a
    block) or after one of the next few blocks."""
    tries = [] if inside else [low]
    tries += ends[bisect_right(ends, low) :][:_RESUME_TRIES]
    for high in tries:
        if high == len(old):
            return high, len(new)
        # An insertion must insert something; after a block (deleted, perhaps) the old text
        # goes on anywhere from where the difference starts.
        found = new.find(old[high : high + _PROBE], new_low + 1 if high == low else new_low)
        if found >= 0:
            return high, found
    return None


def _one_difference(old: str, new: str, spans: Sequence[tuple[int, int]]) -> Edit:
    """The texts' common start and end, and between them one difference widened to the
    item blocks it touches (an insertion between two blocks widens to nothing)."""
    start = _common_run(old, 0, new, 0)
    end = _common_run(old[start:][::-1], 0, new[start:][::-1], 0)
    low, high = start, len(old) - end
    for block_start, block_end in spans:
        if block_start < high and low < block_end:  # overlaps, or holds the insertion point
            low, high = min(low, block_start), max(high, block_end)
    return low, high, low, high + len(new) - len(old)


def _inside(position: int, lows: Sequence[int], edits: Sequence[Edit]) -> bool:
    """True when the position lies in the old text an edit replaces (`lows`: their starts)."""
    i = bisect_right(lows, position) - 1
    return i >= 0 and position < edits[i][1]


def _stands_alone(piece: str, new_text: str, new_high: int, following: int) -> bool:
    """True when the piece reads in the whole text as it reads on its own: whole lines, no
    key before its first header (that key would belong to the table above), and nothing
    but comments between it and the next header (keys there would fall into its last
    table)."""
    if piece and not piece.endswith("\n") and new_high < len(new_text):
        return False
    try:
        found, _ = headers(piece)
    except UnusualLayout:
        return False
    if not _only_comments(piece[: found[0].start] if found else piece):
        return False
    return _only_comments(new_text[new_high:following])


def _only_comments_between(
    text: str, low: int, high: int, spans: Sequence[tuple[int, int]]
) -> bool:
    """True when the text from `low` to `high`, item blocks left out, is only comments."""
    position = low
    for block_start, block_end in spans[max(0, bisect_right(spans, (low, -1)) - 1) :]:
        if block_start >= high:
            break
        if block_end <= position:
            continue
        if block_start > position and not _only_comments(text[position:block_start]):
            return False
        position = max(position, block_end)
    return position >= high or _only_comments(text[position:high])


def _tables_before_items(lexed: Lexed) -> list[str]:
    """The top-level tables whose headers come before the first item's, in order (they
    come before `items` in the parsed data too)."""
    names: list[str] = []
    for header in lexed.headers:
        if header.path[:1] == ("items",):
            break
        if header.path and header.path[0] not in names:
            names.append(header.path[0])
    return names


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


def _common_run(old: str, o: int, new: str, n: int) -> int:
    """How many characters the texts share from `old[o]` and `new[n]` on."""
    limit = min(len(old) - o, len(new) - n)
    run = 0
    while run < limit:
        step = min(_STEP, limit - run)
        if old[o + run : o + run + step] != new[n + run : n + run + step]:
            break
        run += step
    low, high = run, min(limit, run + _STEP)
    while low < high:  # the texts agree up to `low`; the first difference is by `high`
        middle = (low + high + 1) // 2
        if old[o + run : o + middle] == new[n + run : n + middle]:
            low = middle
        else:
            high = middle - 1
    return low
