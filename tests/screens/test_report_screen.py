"""The report screen: the same digest as the command, and a key that writes it."""

from __future__ import annotations

from pathlib import Path

from modelboard.app import ModelboardApp
from modelboard.demo import demo_store_text
from modelboard.screens.board import BoardScreen
from modelboard.screens.report import ReportScreen
from tests.conftest import NOW

EXPECTED = Path(__file__).parent.parent / "fixtures" / "report_demo_14d.md"


async def test_the_report_screen_writes_the_digest(tmp_path: Path) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(demo_store_text(NOW))
    app = ModelboardApp(path, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        assert "update 2026-11-13 to 2026-11-24" in screen.text  # since the last update
        await pilot.press("minus", "plus", "plus")  # 11 days, 4, 11, 18: back to 14 below
        screen.days = 14
        screen.show()
        assert screen.text == EXPECTED.read_text()
        await pilot.press("w", "w")
        written = sorted(Path.cwd().glob("modelboard-report-*.md"))
        assert [p.name for p in written] == [
            "modelboard-report-2026-11-24-2.md",
            "modelboard-report-2026-11-24.md",
        ]
        assert written[1].read_text() == EXPECTED.read_text()
        await pilot.press("plus")
        assert "update 2026-11-03 to 2026-11-24" in screen.text
        await pilot.press("S")  # recorded as sent: the next report starts here
        assert "[[updates]]" in path.read_text().split("[items.")[-1]
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)
