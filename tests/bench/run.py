"""Benchmarks: `python tests/bench/run.py [--quick] [store|board]`. Prints ratios against
baselines measured in the same run, so the figures mean the same on any machine.

- list: `modelboard list --json` as a whole process, against a process that only runs
  `tomllib.loads` on the same file (target at 1,000 items: within 1.5x).
- save: one edit saved (lock, check, splice, atomic write, backup), against
  `tomllib.loads` of the same file in the same process (target at 10,000: at most 0.25x).
- first paint: a whole headless process from start to the board's first paint, against a bare
  Textual app with one Static (targets: 1,000 items within 2x, 10,000 within 5x). "cold" is
  the first open after the file changed (no parse cached), "warm" every open after that.
- cursor: milliseconds per `down` over 200 presses (target: 10,000 within 1.5x of 100).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from modelboard.core import operations  # noqa: E402
from modelboard.core.actor import Actor  # noqa: E402
from modelboard.core.store import Store  # noqa: E402
from tests.bench.sample import store_text, write_store  # noqa: E402

SIZES = (100, 1_000, 10_000)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(*argv: str) -> Callable[[], object]:
    """A whole process, output discarded; it must succeed."""
    return lambda: subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def alternating(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median seconds of each, run turn about so both see the same load on a shared machine."""
    first()
    second()  # warm the page cache and .pyc files
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def bench_list(path: Path, runs: int) -> tuple[float, float]:
    """Seconds for `list --json` and for a tomllib-only process on the same file."""
    python = sys.executable
    baseline = process(python, "-c", f"import tomllib; tomllib.loads(open({str(path)!r}).read())")
    ours = process(python, "-m", "modelboard", "--file", str(path), "list", "--json")
    return alternating(ours, baseline, runs)


def bench_save(path: Path, runs: int) -> tuple[float, float]:
    """Seconds for one saved edit and for `tomllib.loads` of the same file."""
    text = path.read_text()
    parse = median_seconds(lambda: tomllib.loads(text), runs)
    store = Store.open(path)
    counter = iter(range(10**6))

    def one_edit() -> None:
        actor = Actor.current()
        change = operations.edit_item(store.backlog, "M-7", {"owner": f"o{next(counter)}"}, actor)
        store.save(change)

    return median_seconds(one_edit, runs), parse


def bench_first_paint(path: Path | None, runs: int) -> tuple[float, float, float]:
    """Seconds to the first paint: cold board, warm board, and the bare app."""
    python = sys.executable
    script = str(Path(__file__).parent / "first_paint.py")
    bare = process(python, script, "bare")
    if path is None:
        path = Path(tempfile.mkdtemp()) / "empty.toml"
        path.write_text(store_text(0))
    board = process(python, script, "board", str(path))
    warm, bare_time = alternating(board, bare, runs)
    cache = Path(tempfile.mkdtemp())

    def cold() -> None:
        for entry in cache.glob("**/*.pickle"):
            entry.unlink()
        subprocess.run(
            [python, script, "board", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        )

    return median_seconds(cold, max(3, runs // 2)), warm, bare_time


async def cursor_ms(path: Path, presses: int = 200) -> float:
    """Milliseconds per cursor move on the board of `path`."""
    from modelboard.app import ModelboardApp

    app = ModelboardApp(path, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        for _ in range(presses):
            await pilot.press("down")
        await pilot.pause()
        return (time.perf_counter() - start) / presses * 1000


def main_board(quick: bool) -> None:
    print(
        f"\n{'items':>7}  {'cold paint':>10}  {'warm paint':>10}  {'bare app':>9}  "
        f"{'cold':>6}  {'warm':>6}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in (0, 1_000) if quick else (0, 1_000, 10_000):
            path = write_store(Path(folder) / f"board-{size}.toml", size) if size else None
            cold, warm, bare = bench_first_paint(path, 5)
            print(
                f"{size:>7}  {cold * 1000:>8.0f}ms  {warm * 1000:>8.0f}ms  {bare * 1000:>7.0f}ms"
                f"  {cold / bare:>5.2f}x  {warm / bare:>5.2f}x"
            )
        moves = {}
        for size in (100, 10_000):
            moves[size] = asyncio.run(cursor_ms(write_store(Path(folder) / f"c-{size}.toml", size)))
        print(
            f"\ncursor move: {moves[100]:.1f} ms at 100 items, {moves[10_000]:.1f} ms at "
            f"10,000 items ({moves[10_000] / moves[100]:.2f}x)"
        )


def main() -> None:
    quick = "--quick" in sys.argv
    if "board" not in sys.argv:
        main_store(quick)
    if "store" not in sys.argv:
        main_board(quick)


def main_store(quick: bool) -> None:
    sizes = SIZES[:2] if quick else SIZES
    print(
        f"{'items':>7}  {'list --json':>12}  {'tomllib proc':>12}  {'ratio':>6}   "
        f"{'save edit':>10}  {'tomllib.loads':>13}  {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = write_store(Path(folder) / f"store-{size}.toml", size)
            runs = 5 if size >= 10_000 else 11
            listed, loaded = bench_list(path, runs)
            saved, parsed = bench_save(path, runs)
            print(
                f"{size:>7}  {listed * 1000:>10.0f}ms  {loaded * 1000:>10.0f}ms  "
                f"{listed / loaded:>5.2f}x   {saved * 1000:>8.1f}ms  {parsed * 1000:>11.0f}ms  "
                f"{saved / parsed:>5.2f}x"
            )


if __name__ == "__main__":
    main()
