"""Benchmarks: `python tests/bench/run.py [--quick] [--root DIR]`; prints a Markdown table.

Honest by construction: every figure is the median of at least five pairs, each pair a
baseline and the measured thing run one right after the other (so both see the same load
on a shared machine), shown as the median ratio and the median milliseconds.

- first paint: process start to the end of the first frame that shows the board, in a real
  pseudo-terminal (see `terminal`), against a bare Textual app with one Static. Cold: no
  parse cached (the first open after a teammate's save); warm: the cache written by an
  earlier open. Peak memory: the cold process's maximum resident set, once it has settled.
- move `L` / cursor `j`: key written to the frame that shows it, at N items against the same
  at 100 items (two boards open side by side, keys alternating); each move waits for its
  save to reach the disk before the next key.
- during a save: the worst key-to-frame of cursor keys typed while a move is being saved at
  the largest size (a frozen UI shows as one long wait).
- list --json: the whole command against a process that only runs `tomllib.loads`.
- save: one edit saved in-process (lock, check, splice, atomic write, backup) at N items
  against the same at 100 items.

`--root DIR` measures another checkout (its `tui/` first on the path): the "before" column.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.bench.sample import write_store  # noqa: E402
from tests.bench.terminal import Terminal  # noqa: E402

SIZES = (100, 1_000, 10_000, 50_000)
QUICK_SIZES = (100, 1_000)
BOARD_MARKER = b"sort: priority"


def pairs(
    baseline: Callable[[], float], measured: Callable[[], float], runs: int
) -> tuple[float, float, float]:
    """(median ratio, median measured seconds, median baseline seconds) over `runs` pairs."""
    ratios, ours, theirs = [], [], []
    for _ in range(runs):
        base = baseline()
        mine = measured()
        ratios.append(mine / base)
        ours.append(mine)
        theirs.append(base)
    return statistics.median(ratios), statistics.median(ours), statistics.median(theirs)


class Bench:
    """One benchmark run on one checkout."""

    def __init__(self, root: Path, folder: Path, runs: int) -> None:
        self.root = root
        self.folder = folder
        self.runs = runs
        self.env = {
            "PYTHONPATH": str(root / "tui"),
            "XDG_STATE_HOME": str(folder / "state"),
            "XDG_CONFIG_HOME": str(folder / "config"),
        }
        self.python = sys.executable

    def board_argv(self, path: Path) -> list[str]:
        return [self.python, "-m", "modelboard", "--file", str(path)]

    def bare(self) -> float:
        terminal = Terminal.start([self.python, str(HERE / "first_paint.py")], self.env)
        try:
            return terminal.wait_frame(0, b"hello").at - terminal.started
        finally:
            terminal.stop()

    def paint(self, path: Path, cache: Path, memory: list[float] | None = None) -> float:
        terminal = Terminal.start(self.board_argv(path), {**self.env, "XDG_CACHE_HOME": str(cache)})
        try:
            seconds = terminal.wait_frame(0, BOARD_MARKER).at - terminal.started
            if memory is not None:
                terminal.settle(0.5)
        finally:
            kib = terminal.stop()
        if memory is not None:
            memory.append(kib / 1024)
        return seconds

    def first_paint(self, path: Path) -> dict[str, float]:
        memory: list[float] = []
        counter = iter(range(10**6))

        def cold() -> float:
            return self.paint(path, self.folder / f"cold-cache-{next(counter)}", memory)

        warm_cache = self.folder / f"warm-cache-{path.stem}"
        self.paint(path, warm_cache, [])  # primes the cache (written once the board shows)
        self.bare()  # warms the page cache and .pyc files
        cold_ratio, cold_s, bare_s = pairs(self.bare, cold, self.runs)
        warm_ratio, warm_s, _ = pairs(self.bare, lambda: self.paint(path, warm_cache), self.runs)
        return {
            "cold_x": cold_ratio,
            "cold_ms": cold_s * 1000,
            "warm_x": warm_ratio,
            "warm_ms": warm_s * 1000,
            "bare_ms": bare_s * 1000,
            "peak_mb": statistics.median(memory),
        }

    @contextmanager
    def board(self, path: Path) -> Iterator[Terminal]:
        terminal = Terminal.start(
            self.board_argv(path), {**self.env, "XDG_CACHE_HOME": str(self.folder / "cache")}
        )
        try:
            terminal.wait_frame(0, BOARD_MARKER)
            terminal.settle(0.5)
            yield terminal
        finally:
            terminal.stop()

    def keys(self, small: Path, large: Path) -> dict[str, float]:
        """Move and cursor keys at `large` against `small`, both boards open."""
        result: dict[str, float] = {}
        with self.board(small) as a, self.board(large) as b:

            def move(terminal: Terminal, path: Path) -> Callable[[], float]:
                moves = iter([b"L", b"H"] * self.runs)  # there and back: a save each

                def timed() -> float:
                    before = path.stat().st_mtime_ns
                    seconds = terminal.key_to_frame(next(moves))
                    saved_by(path, before)
                    terminal.settle(0.2)
                    return seconds

                return timed

            def cursor(terminal: Terminal) -> Callable[[], float]:
                def timed() -> float:
                    seconds = terminal.key_to_frame(b"j")
                    terminal.settle(0.1)
                    return seconds

                return timed

            ratio, ours, theirs = pairs(move(a, small), move(b, large), self.runs)
            result.update(move_x=ratio, move_ms=ours * 1000, move_small_ms=theirs * 1000)
            ratio, ours, theirs = pairs(cursor(a), cursor(b), self.runs)
            result.update(cursor_x=ratio, cursor_ms=ours * 1000, cursor_small_ms=theirs * 1000)
        return result

    def during_save(self, path: Path) -> dict[str, float]:
        """The worst and the median key-to-frame of cursor keys typed while a move saves."""
        waits: list[float] = []
        saves: list[float] = []
        with self.board(path) as terminal:
            for move in (b"L", b"H", b"L"):
                before = path.stat().st_mtime_ns
                start = time.perf_counter()
                waits.append(terminal.key_to_frame(move))
                keys = iter([b"j", b"k"] * 1000)
                while path.stat().st_mtime_ns == before and time.perf_counter() - start < 60:
                    waits.append(terminal.key_to_frame(next(keys)))
                    time.sleep(0.01)
                saves.append(time.perf_counter() - start)
                terminal.settle(0.3)
        return {
            "worst_ms": max(waits) * 1000,
            "median_ms": statistics.median(waits) * 1000,
            "keys": len(waits),
            "save_ms": statistics.median(saves) * 1000,
        }

    def list_json(self, path: Path) -> dict[str, float]:
        code = f"import tomllib; tomllib.loads(open({str(path)!r}, encoding='utf-8').read())"
        baseline = self._process([self.python, "-c", code])
        ours = self._process([*self.board_argv(path), "list", "--json"])
        ours()
        baseline()
        ratio, mine, theirs = pairs(baseline, ours, self.runs)
        return {"list_x": ratio, "list_ms": mine * 1000, "tomllib_ms": theirs * 1000}

    def _process(self, argv: list[str]) -> Callable[[], float]:
        env = {**os.environ, **self.env, "XDG_CACHE_HOME": str(self.folder / "cache")}

        def timed() -> float:
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
            return time.perf_counter() - start

        return timed

    def save(self, small: Path, large: Path) -> dict[str, float]:
        """One saved edit at `large` against the same at `small`, in a child process."""
        script = HERE / "save_edit.py"
        out = subprocess.run(
            [self.python, str(script), str(small), str(large), str(self.runs)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **self.env, "XDG_CACHE_HOME": str(self.folder / "cache")},
        ).stdout.split()
        ratio, ours, theirs = map(float, out)
        return {"save_x": ratio, "save_ms": ours * 1000, "save_small_ms": theirs * 1000}


def saved_by(path: Path, before: int, timeout: float = 60.0) -> None:
    """Wait until the file on disk has changed (the save reached it)."""
    deadline = time.perf_counter() + timeout
    while path.stat().st_mtime_ns == before and time.perf_counter() < deadline:
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 items, 5 pairs")
    parser.add_argument("--root", type=Path, default=HERE.parent.parent)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", help="comma-separated item counts")
    args = parser.parse_args()
    sizes: tuple[int, ...] = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(n) for n in args.sizes.split(","))
    runs = max(5, args.runs)
    with tempfile.TemporaryDirectory(prefix="modelboard-bench-") as name:
        bench = Bench(args.root.resolve(), Path(name), runs)
        stores = {size: write_store(Path(name) / f"store-{size}.toml", size) for size in sizes}
        small = write_store(Path(name) / "small-100.toml", 100)
        report(bench, stores, small, sizes)


def report(bench: Bench, stores: dict[int, Path], small: Path, sizes: tuple[int, ...]) -> None:
    rows: dict[str, list[str]] = {}

    def add(label: str, value: str) -> None:
        rows.setdefault(label, []).append(value)
        print(f"{label} | {value}", file=sys.stderr, flush=True)

    for size in sizes:
        paint = bench.first_paint(stores[size])
        add(
            "first paint, cold, vs bare Textual",
            f"{paint['cold_x']:.1f}x ({paint['cold_ms']:.0f} ms)",
        )
        add(
            "first paint, warm, vs bare Textual",
            f"{paint['warm_x']:.1f}x ({paint['warm_ms']:.0f} ms)",
        )
        add("bare Textual app", f"{paint['bare_ms']:.0f} ms")
        add("peak memory (cold, settled)", f"{paint['peak_mb']:.0f} MB")
        keys = bench.keys(small, stores[size])
        add(
            "move `L`, key to frame, vs 100 items",
            f"{keys['move_x']:.2f}x ({keys['move_ms']:.0f} ms)",
        )
        add(
            "cursor `j`, key to frame, vs 100 items",
            f"{keys['cursor_x']:.2f}x ({keys['cursor_ms']:.0f} ms)",
        )
        listed = bench.list_json(stores[size])
        add(
            "`list --json` vs a tomllib-only process",
            f"{listed['list_x']:.2f}x ({listed['list_ms']:.0f} ms)",
        )
        saved = bench.save(small, stores[size])
        add("one saved edit, vs 100 items", f"{saved['save_x']:.1f}x ({saved['save_ms']:.0f} ms)")
    largest = sizes[-1]
    during = bench.during_save(stores[largest])
    print(
        f"\n| measured (median of {bench.runs} pairs) | "
        + " | ".join(f"{n:,}" for n in sizes)
        + " |"
    )
    print("| --- |" + " --- |" * len(sizes))
    for label, values in rows.items():
        print(f"| {label} | " + " | ".join(values) + " |")
    print(
        f"\nWhile a move saves at {largest:,} items (save {during['save_ms']:.0f} ms to disk): "
        f"cursor keys typed meanwhile reach the screen in {during['median_ms']:.0f} ms "
        f"(median), {during['worst_ms']:.0f} ms at worst ({during['keys']:.0f} keys)."
    )


if __name__ == "__main__":
    main()
