"""Item ids: `M-<n>`, never reused; how they are read, ordered and handed out."""

from __future__ import annotations

import re
from collections.abc import Iterable

ID_PREFIX = "M-"
_ID_NUMBER = re.compile(r"M-(\d+)\Z")
_NO_NUMBER = 10**12  # ids of another shape sort after every numbered one


def id_number(item_id: str) -> int | None:
    """The number in an id of the form `M-<n>`, else None."""
    match = _ID_NUMBER.match(item_id)
    return int(match.group(1)) if match else None


def id_order(item_id: str) -> tuple[int, str]:
    """The sort key of an id: M-2 before M-10 (by number, not as text)."""
    number = id_number(item_id)
    return (_NO_NUMBER if number is None else number, item_id)


def next_id(taken: Iterable[str]) -> str:
    """The next free `M-<n>` id: one past the highest ever used, deleted ids included."""
    numbers = [n for n in (id_number(i) for i in taken) if n is not None]
    return f"{ID_PREFIX}{max(numbers, default=0) + 1}"


def known_ids(ids: Iterable[str]) -> str:
    """A short phrase listing ids in order, for error messages."""
    ordered = sorted(ids, key=id_order)
    if not ordered:
        return "the backlog is empty"
    shown = ", ".join(ordered[:20])
    more = len(ordered) - 20
    return f"items are: {shown}" + (f" and {more} more" if more > 0 else "")
