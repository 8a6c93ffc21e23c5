"""The main screens as pictures, compared with the SVGs in `tests/snapshots/svg/`.

Run `UPDATE_SNAPSHOTS=1 pytest tests/snapshots` after looking at a changed screen, to accept it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.scenes import SCENES, render_scene

STORED = Path(__file__).parent / "svg"


@pytest.mark.parametrize("name", sorted(SCENES))
async def test_screen_matches_its_snapshot(name: str, tmp_path: Path) -> None:
    """board: all five columns, cards with id, priority, title, owner and markers, footer keys.
    board-160x48: the same with room to spare. help: every key of the board."""
    svg = await render_scene(name, tmp_path)
    stored = STORED / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS") or not stored.exists():
        STORED.mkdir(exist_ok=True)
        stored.write_text(svg, encoding="utf-8")
    assert svg == stored.read_text(encoding="utf-8"), f"{name} changed; see {stored}"
