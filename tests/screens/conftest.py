"""The board's three items, for every screen test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import UNGATED_STORE
from tests.screens.test_board import ITEMS


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    """A store with the default settings and the board tests' items."""
    path = tmp_path / "backlog.toml"
    path.write_text(UNGATED_STORE + ITEMS, encoding="utf-8")
    return path
