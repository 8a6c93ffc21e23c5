"""Realistic stores of any size for the benchmarks: about 1.1 KB an item, as measured
stores of real teams are (15 fields, a 400-character description, 3 history entries)."""

from __future__ import annotations

import random
from pathlib import Path

from modelboard.core.defaults import DEFAULT_STORE

_WORDS = (
    "model predicts churn demand fraud risk from usage events transactions weekly daily "
    "features gradient boosting transformer embeddings retrain drift monitoring latency "
    "customers segments forecast inventory pricing anomalies labels pipeline warehouse"
).split()
_STAGES = ("proposed", "ready", "building", "deployed", "retired")


def _sentence(rng: random.Random, length: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(_WORDS))
    return " ".join(words).capitalize() + "."


def store_text(count: int, seed: int = 7) -> str:
    """A default store followed by `count` items."""
    rng = random.Random(seed)
    parts = [DEFAULT_STORE]
    for n in range(1, count + 1):
        day = 1 + n % 28
        parts.append(
            f"""
[items.M-{n}]
title = "{_sentence(rng, 30)[:-1]} {n}"
stage = "{_STAGES[n % 5]}"
kind = "{rng.choice(("new", "revision", "deployment"))}"
description = \"\"\"
{_sentence(rng, 400)}\"\"\"
benefit = "{_sentence(rng, 80)}"
resources = "{_sentence(rng, 60)}"
owner = "{rng.choice(("anna", "bea", "carl", "dmitri"))}"
tags = ["{rng.choice(_WORDS)}", "{rng.choice(_WORDS)}"]
scores = {{ value = {rng.randint(1, 5)}, feasibility = {rng.randint(1, 5)}, \
effort = {rng.randint(1, 5)} }}
created = 2026-10-{day:02d}T09:14:00Z
updated = 2026-11-{day:02d}T16:02:11Z
reviewed = 2026-11-{day:02d}T16:02:11Z
history = [
  {{ at = 2026-10-{day:02d}T09:14:00Z, by = "anna", change = "created in proposed" }},
  {{ at = 2026-11-{day:02d}T10:00:00Z, by = "bea", change = "scores: value 2 -> 4" }},
  {{ at = 2026-11-{day:02d}T16:02:11Z, by = "anna", change = "stage: proposed -> ready" }},
]
"""
        )
    return "".join(parts)


def write_store(path: Path, count: int) -> Path:
    """Write a sample store of `count` items to `path`."""
    path.write_text(store_text(count), encoding="utf-8")
    return path
