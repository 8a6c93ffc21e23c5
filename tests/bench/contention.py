"""Twenty people saving at once: `python tests/bench/contention.py [--quick]`.

N writer processes on one store, each running `move`, `edit --owner` and `add` commands with
0-0.5 s of thinking between them, as a review meeting does. Prints, per store size, the
CPU each command used (user and system, all processes together, divided by the commands),
the command times (mean, median, 95th percentile, slowest), how many commands gave up, how many
met a conflict (two people changing the same field at once: exit 4, by design), how many
failed otherwise, and how many acknowledged adds are missing from the file (lost). Then how
long one save holds the lock, measured in this process: alone, and when the file changed
since it was read.

Targets (issue 18, this machine): 20 writers x 10 ops on 1,000 items: 0 gave up, 0 lost,
95th percentile at most 3 s; on 100 items at most 1.5 s.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from modelboard.core import atomic, operations  # noqa: E402
from modelboard.core.actor import Actor  # noqa: E402
from modelboard.core.store import Store  # noqa: E402
from tests.bench.sample import write_store  # noqa: E402

STAGES = ("proposed", "ready", "building", "deployed")


CODE = ROOT / "tui"
"""The modelboard the writer processes run (`--root` measures another checkout's)."""
COMMAND = [sys.executable, "-c", "from modelboard.cli import main_entry; main_entry()"]
"""What the installed `modelboard` script runs (`-m` would load runpy and importlib.util too)."""
FORCE: list[str] = ["--force"]
"""Moves past the stage gates (the sample items meet them; versions before gates lack it)."""


def writer(path: Path, number: int, ops: int, size: int) -> list[tuple[str, float, int, str]]:
    """One person: `ops` commands, each a process, with think time; (what, seconds, exit
    code, stderr) for each."""
    rng = random.Random(number)
    done = []
    home = path.parent / f"home{number}"  # each person's own parse cache and backups
    env = {
        **os.environ,
        "MODELBOARD_FILE": str(path),
        "USER": f"user{number}",
        "PYTHONPATH": str(CODE),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    for op in range(ops):
        time.sleep(rng.uniform(0, 0.5))
        item = f"M-{rng.randint(1, size)}"
        kind = rng.choice(("move", "edit", "add"))
        argv = {
            "move": ["move", item, rng.choice(STAGES), *FORCE],
            "edit": ["edit", item, "--owner", f"user{number}"],
            "add": ["add", f"added by user{number} #{op}"],
        }[kind]
        began = time.perf_counter()
        run = subprocess.run([*COMMAND, *argv], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - began
        title = argv[1] if kind == "add" and run.returncode == 0 else ""
        done.append((kind if not title else f"add:{title}", seconds, run.returncode, run.stderr))
    return done


def scenario(size: int, writers: int, ops: int) -> dict[str, float]:
    """Run the writers on a fresh store of `size` items."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_store(Path(folder) / "backlog.toml", size)
        cpu_before = _children_cpu()
        with ThreadPoolExecutor(writers) as pool:
            results = [
                r
                for rs in pool.map(lambda n: writer(path, n, ops, size), range(writers))
                for r in rs
            ]
        cpu = _children_cpu() - cpu_before
        titles = {t.get("title") for t in tomllib.loads(path.read_text())["items"].values()}
        times = sorted(seconds for _, seconds, _, _ in results)
        gave_up = sum("gave up" in err for _, _, _, err in results)
        conflicts = sum(code == 4 for _, _, code, _ in results)  # same field, same moment
        failed = sum(code not in (0, 4) for _, _, code, _ in results)
        lost = sum(what.startswith("add:") and what[4:] not in titles for what, _, _, _ in results)
    return {
        "ops": len(results),
        "mean": statistics.fmean(times),
        "median": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "slowest": times[-1],
        "gave up": gave_up,
        "conflicts": conflicts,
        "failed": failed,
        "lost": lost,
        "cpu": cpu / len(results),
    }


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@contextlib.contextmanager
def lock_timer(held: list[float]) -> Iterator[None]:
    """Measure how long each save keeps the lock."""
    original = atomic.locked

    @contextlib.contextmanager
    def timed(
        target: Path,
        timeout: float | None = None,
        on_wait: atomic.Waiting | None = None,
        meanwhile: atomic.Waiting | None = None,
    ) -> Iterator[atomic.Held]:
        with original(target, timeout, on_wait, meanwhile) as lock:
            began = time.perf_counter()
            try:
                yield lock
            finally:
                held.append(time.perf_counter() - began)

    atomic.locked = timed
    try:
        yield
    finally:
        atomic.locked = original


def lock_held(size: int, runs: int = 5) -> tuple[float, float]:
    """Median milliseconds the lock is held by one save: the file as read, and the file
    changed by someone else since it was read (the common case under contention)."""
    actor = Actor("bench", Actor.current().now)
    alone: list[float] = []
    changed: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = write_store(Path(folder) / "backlog.toml", size)
        mine, theirs = Store.open(path), Store.open(path)
        for n in range(runs):
            with lock_timer(alone):
                mine.save(operations.edit_item(mine.backlog, "M-1", {"owner": f"a{n}"}, actor))
            theirs.save(operations.edit_item(theirs.backlog, "M-2", {"owner": f"b{n}"}, actor))
            with lock_timer(changed):
                mine.save(operations.edit_item(mine.backlog, "M-3", {"owner": f"c{n}"}, actor))
            theirs.reload()
    return statistics.median(alone) * 1000, statistics.median(changed) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 writers x 4 ops, 100 items")
    parser.add_argument("--root", type=Path, help="run the writers on another checkout")
    parser.add_argument("--no-lock-table", action="store_true", help="only the writers")
    args = parser.parse_args()
    global CODE, FORCE
    if args.root is not None:
        CODE = args.root.resolve() / "tui"
        print(f"writers run {CODE}")
    # An installed modelboard is byte-compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module in every one of the 200 processes.
    compileall.compile_dir(CODE, quiet=1)
    helped = subprocess.run(
        [*COMMAND, "move", "--help"],
        env={**os.environ, "PYTHONPATH": str(CODE)},
        capture_output=True,
        text=True,
    )
    FORCE = ["--force"] if "--force" in helped.stdout else []
    writers, ops = (5, 4) if args.quick else (20, 10)
    sizes = (100,) if args.quick else (100, 1_000)
    print(f"{writers} writers x {ops} ops, 0-0.5 s thinking, each op a `modelboard` process")
    print(
        "| items | ops | CPU per op | mean | median | p95 | slowest | gave up | conflicts "
        "| failed | lost |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in sizes:
        r = scenario(size, writers, ops)
        print(
            f"| {size:,} | {r['ops']:.0f} | {r['cpu'] * 1000:.0f} ms | {r['mean']:.2f} s | "
            f"{r['median']:.2f} s | {r['p95']:.2f} s | "
            f"{r['slowest']:.2f} s | {r['gave up']:.0f} | "
            f"{r['conflicts']:.0f} | {r['failed']:.0f} | {r['lost']:.0f} |"
        )
    if args.no_lock_table:
        return
    print("\nlock held by one save (median of 5, milliseconds)")
    print("| items | file as read | file changed since read |")
    print("| --- | --- | --- |")
    for size in (100, 1_000) if args.quick else (100, 1_000, 10_000):
        alone, changed = lock_held(size)
        print(f"| {size:,} | {alone:.0f} ms | {changed:.0f} ms |")


if __name__ == "__main__":
    main()
