"""`save_edit.py SMALL LARGE RUNS`: one saved edit (lock, check, splice, atomic write,
backup) at LARGE against the same at SMALL, alternating; prints the median ratio and the
median seconds of each. Run as a child so that `--root` picks the checkout measured."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from modelboard.core import operations
from modelboard.core.actor import Actor
from modelboard.core.store import Store


def main() -> None:
    small, large = Store.open(Path(sys.argv[1])), Store.open(Path(sys.argv[2]))
    runs = int(sys.argv[3])
    counter = iter(range(10**6))

    def one_edit(store: Store) -> float:
        change = operations.edit_item(
            store.backlog, "M-7", {"owner": f"o{next(counter)}"}, Actor.current()
        )
        start = time.perf_counter()
        store.save(change)
        return time.perf_counter() - start

    one_edit(small)
    one_edit(large)  # the first save of a session may do more (an index, a first backup)
    ratios, ours, theirs = [], [], []
    for _ in range(runs):
        base = one_edit(small)
        mine = one_edit(large)
        ratios.append(mine / base)
        ours.append(mine)
        theirs.append(base)
    print(statistics.median(ratios), statistics.median(ours), statistics.median(theirs))


if __name__ == "__main__":
    main()
