"""Cleaning text on its way in (store) and out (terminal)."""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls and lone surrogates (from undecodable argv bytes).
_CONTROL_KEEP_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Shown nowhere: direction overrides and marks, zero-width characters. They would reorder
# or hide text on a terminal, and a column's width would no longer be its cells.
_INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


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


def for_terminal(value: str) -> str:
    """Text safe to print: no escape sequence, direction override or invisible character
    reaches the terminal (line breaks and tabs stay)."""
    return _INVISIBLE.sub("", _CONTROL_KEEP_LAYOUT.sub("", value.replace("\r", "")))
