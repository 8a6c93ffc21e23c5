"""Every view that ranks agrees on the order, ties included: the ranked list, the scoring
screen, the report's top list, `list --json` and the review queue."""

from __future__ import annotations

import json
import random
from pathlib import Path

from modelboard.app import ModelboardApp
from modelboard.core.defaults import DEFAULT_STORE
from modelboard.core.report import build_report
from modelboard.core.store import Store
from modelboard.screens.ranked import RankedScreen
from modelboard.screens.scoring import ScoringScreen
from tests.conftest import NOW
from tests.test_cli import Run

# Three priorities, four items each: every item ties with three others. Written to the file
# in a shuffled order, with ids whose text order (M-1, M-10, M-11, M-2) is not their number's.
SCORES = [(4, 4, 2), (3, 3, 3), (5, 2, 4)]


def tied_store(path: Path) -> Path:
    numbers = list(range(1, 13))
    random.Random(7).shuffle(numbers)
    blocks = [
        f'\n[items.M-{n}]\ntitle = "Model {n}"\nstage = "ready"\n'
        f"scores = {{ value = {v}, feasibility = {f}, effort = {e} }}\n"
        "created = 2026-01-05T09:00:00Z\n"
        for n in numbers
        for v, f, e in [SCORES[n % 3]]
    ]
    path.write_text(DEFAULT_STORE + "".join(blocks), encoding="utf-8")
    return path


async def test_every_view_ranks_a_backlog_of_ties_the_same_way(tmp_path: Path) -> None:
    path = tied_store(tmp_path / "backlog.toml")
    listed = [i["id"] for i in json.loads(Run("--file", str(path), "list", "--json").out)]
    queue = [
        i["id"] for i in json.loads(Run("--file", str(path), "review", "--list", "--json").out)
    ]
    store = Store.open(path)
    report = build_report(store.backlog, [], NOW, NOW)
    top = [item.id for item, _ in report.top]

    app = ModelboardApp(path, clock=lambda: NOW, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        assert isinstance(app.screen, RankedScreen)
        ranked = [item.id for item in app.screen.items]
        await pilot.press("w")
        assert isinstance(app.screen, ScoringScreen)
        scoring = [item.id for item, _ in app.screen.ranking()]
    # within one priority the ids go by number: M-4, M-7, M-10 (never M-10, M-4, M-7)
    assert listed[:4] == ["M-3", "M-6", "M-9", "M-12"]
    assert listed == ranked == scoring == queue
    assert top == listed[: len(top)] and len(top) == 10
