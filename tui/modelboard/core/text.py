"""Cleaning text on its way in (store) and out (terminal)."""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls and lone surrogates (from undecodable argv bytes).
_CONTROL_KEEP_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


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
    """Text safe to print: no escape sequences can reach the terminal."""
    return _CONTROL_KEEP_LAYOUT.sub("", value.replace("\r", ""))
