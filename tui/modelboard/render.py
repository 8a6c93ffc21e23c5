"""User text fitted to terminal cells: one line, no control characters, cut with an ellipsis.

Widths are counted in cells (Rich's table of wide characters), so a title in Chinese or with
emoji lines up like any other.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from modelboard.core.text import for_terminal


def plain(text: str) -> str:
    """User text for one line: no control characters, no line breaks, no tabs."""
    return for_terminal(text).replace("\n", " ").replace("\t", " ")


def fit(text: str, width: int) -> str:
    """Cut (with an ellipsis) or pad text to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def two_lines(text: str, width: int) -> tuple[str, str]:
    """Text wrapped at spaces onto two lines of `width` cells, the rest cut off with `…`;
    a word longer than a line is cut with `…` too, never broken onto the next."""
    first = ""
    words = text.split()
    while words and cell_len(f"{first} {words[0]}".lstrip()) <= width:
        first = f"{first} {words.pop(0)}".lstrip()
    if not first and words:
        first = words.pop(0)
    return fit(first, width), fit(" ".join(words), width)


def sentence(text: str) -> str:
    """A change's summary or an error as a notice: first letter up, ids left as they are."""
    return text[:1].upper() + text[1:]
