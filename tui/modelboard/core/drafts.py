"""Drafts: what was typed in the editor when the terminal went away, kept for next time.

One private JSON file per store and item (`new` for an item not yet added) in the user's
state folder; taken back (and removed) when that item's editor opens again.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from modelboard.core.locations import path_digest, private_directory, state_directory
from modelboard.core.times import iso, utc_now

NEW_ITEM = "new"


def _draft_path(target: Path, key: str) -> Path:
    return state_directory() / "drafts" / path_digest(target) / f"{key}.json"


def keep_draft(target: Path, key: str, values: dict[str, Any]) -> None:
    """Keep the editor's values for `key` (an item id, or NEW_ITEM); failures are ignored:
    this runs while the terminal is going away, when nobody could be told."""
    with contextlib.suppress(OSError, TypeError, ValueError):
        path = _draft_path(target, key)
        private_directory(path.parent, below=state_directory())
        text = json.dumps({"saved": iso(utc_now()), "values": values}, ensure_ascii=False)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)


def take_draft(target: Path, key: str) -> tuple[str, dict[str, Any]] | None:
    """The draft kept for `key` (when it was saved, and the values), removed as it is taken."""
    path = _draft_path(target, key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        path.unlink()
    except (OSError, ValueError):
        return None
    values = data.get("values") if isinstance(data, dict) else None
    if not isinstance(values, dict):
        return None
    return str(data.get("saved", "")), values
