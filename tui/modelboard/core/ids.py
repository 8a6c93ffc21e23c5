"""Item ids: `M-<n>`, never reused; how they are read, ordered and handed out."""

from __future__ import annotations

import re
from collections.abc import Iterable

ID_PREFIX = "M-"
_ID_NUMBER = re.compile(r"M-([0-9]{1,9})\Z")
# What an id may be, from any source: letters, a dash, a number of sensible size.
_ID = re.compile(r"[A-Za-z]{1,16}-[0-9]{1,9}\Z")
_NO_NUMBER = 10**12  # ids of another shape sort after every numbered one


def id_number(item_id: str) -> int | None:
    """The number in an id of the form `M-<n>`, else None."""
    match = _ID_NUMBER.match(item_id)
    return int(match.group(1)) if match else None


def is_id(text: object) -> bool:
    """True for text of the ids' grammar (`M-12`, `ML-3`); nothing else is taken as an id."""
    return isinstance(text, str) and _ID.match(text) is not None


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
