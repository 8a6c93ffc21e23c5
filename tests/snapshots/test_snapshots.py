"""The main screens as pictures, compared with the SVGs in `tests/snapshots/svg/`.

Run `UPDATE_SNAPSHOTS=1 pytest tests/snapshots` after looking at a changed screen, to accept it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.scenes import SCENES, render_scene

STORED = Path(__file__).parent / "svg"
ACCEPT = "look at it, then accept it with UPDATE_SNAPSHOTS=1 pytest tests/snapshots"


def check_snapshot(svg: str, stored: Path) -> None:
    """Fail unless `svg` is the stored picture; a missing picture fails too (never written
    quietly), and so does a changed one; both say how to accept it."""
    if os.environ.get("UPDATE_SNAPSHOTS"):
        stored.parent.mkdir(exist_ok=True)
        stored.write_text(svg, encoding="utf-8")
    assert stored.exists(), f"no snapshot {stored.name} yet: {ACCEPT}"
    assert svg == stored.read_text(encoding="utf-8"), f"{stored} changed: {ACCEPT}"


@pytest.mark.parametrize("name", sorted(SCENES))
async def test_screen_matches_its_snapshot(name: str, tmp_path: Path) -> None:
    """board: all five columns, cards with id, priority, title, owner and markers, footer keys.
    board-160x48: the same with room to spare. help: every key of the board."""
    check_snapshot(await render_scene(name, tmp_path), STORED / f"{name}.svg")


def test_a_missing_snapshot_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UPDATE_SNAPSHOTS", raising=False)
    stored = tmp_path / "new-scene.svg"
    with pytest.raises(AssertionError, match="UPDATE_SNAPSHOTS=1"):
        check_snapshot("<svg/>", stored)
    assert not stored.exists()
    stored.write_text("<svg>old</svg>")
    with pytest.raises(AssertionError, match="changed"):
        check_snapshot("<svg/>", stored)
