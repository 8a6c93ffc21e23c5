"""Cleaning text on its way in (store) and out (terminal)."""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls and lone surrogates (from undecodable argv bytes).
_CONTROL_KEEP_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Shown nowhere: direction overrides and marks, zero-width characters. They would reorder
# or hide text on a terminal, and a column's width would no longer be its cells.
_INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


_FORMULA_STARTS = frozenset("=+-@\t\r'")


def clean_text(value: str) -> str:
    """Multi-line text as typed, minus control characters; line breaks become `\\n`."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_KEEP_LAYOUT.sub("", value)


def clean_line(value: str) -> str:
    """One-line text as typed, minus control characters.

    Raises ValueError when the text holds a line break: a title is one line.
    """
    if "\n" in value or "\r" in value:
        raise ValueError("must be one line (it contains a line break)")
    return _CONTROL_ALL.sub("", value)


def text_list(value: object, where: str, notes: list[str]) -> tuple[str, ...]:
    """A list of text read from the file; anything else is noted as a problem (and empty)."""
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    notes.append(f"{where}: must be a list of text")
    return ()


def one_line(text: str) -> str:
    """Text on one line: line breaks and runs of white space become single spaces."""
    return " ".join(text.split())


def plural(count: int, word: str, many: str = "") -> str:
    """`1 item`, `2 items` (or the plural given)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def days_ago(days: int) -> str:
    """`today`, `yesterday`, `12 days ago`."""
    return {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")


def whole_number(text: str) -> int | None:
    """A whole number written in ASCII digits (at most nine), else None: `３` and `1e3` are
    not numbers here, and no length of digits can make converting them slow or fail."""
    text = text.strip()
    digits = text.removeprefix("-").removeprefix("+")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        return None
    return int(text)


def sheet_cell(value: str) -> str:
    """A cell as a spreadsheet must show it: text that would start a formula gets a `'`
    in front (and so does text that starts with `'`, so `from_sheet` can take it off)."""
    return "'" + value if value[:1] in _FORMULA_STARTS else value


def from_sheet(value: str) -> str:
    """A cell as `sheet_cell` wrote it, back to the text it was."""
    return value[1:] if value[:1] == "'" and value[1:2] in _FORMULA_STARTS else value


def for_terminal(value: str) -> str:
    """Text safe to print: no escape sequence, direction override or invisible character
    reaches the terminal (line breaks and tabs stay)."""
    return _INVISIBLE.sub("", _CONTROL_KEEP_LAYOUT.sub("", value.replace("\r", "")))


def field_label(name: str) -> str:
    """A template field's name for people: `success_metric` -> `Success metric`."""
    return name.replace("_", " ").capitalize()
