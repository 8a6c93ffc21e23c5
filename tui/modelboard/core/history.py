"""History events: one constructor per kind, and one reader that tells an entry's kind.

An entry is stored as `{ at, by, kind, change }` (plus `from` and `to` for a move): `kind`
is what programs read, `change` the words people read. Entries written before `kind`
existed are classified by their words here, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from modelboard.core.actor import Actor
from modelboard.core.times import as_utc

# One-line fields whose values a history line shows in full.
SHOWN_IN_FULL = ("title", "owner", "kind", "stage", "tags", "goals")


class EventKind(enum.StrEnum):
    """What happened to an item."""

    CREATED = "created"
    IMPORTED = "imported"
    MOVED = "moved"
    RESCORED = "rescored"
    EDITED = "edited"
    REVIEWED = "reviewed"
    SNOOZED = "snoozed"
    NOTE = "note"
    SETTING = "setting"
    GOAL = "goal"
    DELETED = "deleted"


ADDED = frozenset({EventKind.CREATED, EventKind.IMPORTED})
_KINDS = {kind.value: kind for kind in EventKind}
# The words of entries written before `kind` existed; anything else was an edit.
_OLD_WHOLE = {"imported": EventKind.IMPORTED, "reviewed": EventKind.REVIEWED}
_OLD_STARTS = (
    ("created in ", EventKind.CREATED),
    ("stage: ", EventKind.MOVED),
    ("scores: ", EventKind.RESCORED),
    ("snoozed until ", EventKind.SNOOZED),
)


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded event of an item: when, by whom, what kind, and the words for people."""

    at: dt.datetime
    by: str
    kind: EventKind
    change: str
    extra: Mapping[str, str] = field(default_factory=dict)
    """Structured facts beside the words: `from` and `to` of a move."""

    def as_data(self) -> dict[str, Any]:
        """The entry as the store writes it."""
        data: dict[str, Any] = {"at": self.at, "by": self.by, "kind": self.kind.value}
        return {**data, "change": self.change, **self.extra}

    @property
    def detail(self) -> str:
        """The words without the field's name: `proposed -> ready`, `value 3 -> 4`."""
        if self.kind in (EventKind.MOVED, EventKind.RESCORED):
            return self.change.partition(": ")[2] or self.change
        return self.change


# ---- reading ---------------------------------------------------------------------------


def kind_of(data: Mapping[str, Any]) -> EventKind:
    """The kind of a stored entry: its `kind`, else (older entries) read from its words."""
    stored = data.get("kind")
    if isinstance(stored, str) and stored in _KINDS:
        return _KINDS[stored]
    change = data.get("change")
    text = change if isinstance(change, str) else ""
    if text in _OLD_WHOLE:
        return _OLD_WHOLE[text]
    return next((kind for start, kind in _OLD_STARTS if text.startswith(start)), EventKind.EDITED)


def entry_from_data(data: object) -> HistoryEntry | None:
    """A stored entry, or None when it lacks `at` (a date-time) or `change` (text)."""
    if not isinstance(data, Mapping):
        return None
    at, change, by = data.get("at"), data.get("change"), data.get("by", "")
    if not isinstance(at, dt.datetime) or not isinstance(change, str):
        return None
    try:
        at = as_utc(at)
    except OverflowError:
        return None
    kind = kind_of(data)
    extra = {k: data[k] for k in ("from", "to", "goal") if isinstance(data.get(k), str)}
    if kind is EventKind.MOVED and not extra:
        old, _, new = change.removeprefix("stage: ").partition(" -> ")
        extra = {"from": old, "to": new}
    elif kind is EventKind.RESCORED and not extra:  # "scores: value 3 -> 4, effort - -> 2"
        pairs = [p.split() for p in change.removeprefix("scores: ").split(", ")]
        pairs = [p for p in pairs if len(p) == 4 and p[2] == "->"]
        extra = {
            "from": " ".join(f"{k}={a}" for k, a, _, _ in pairs),
            "to": " ".join(f"{k}={b}" for k, _, _, b in pairs),
        }
    return HistoryEntry(at, by if isinstance(by, str) else "", kind, change, extra)


# ---- writing: one constructor per kind ------------------------------------------------------


def created(actor: Actor, stage: str, despite: str = "") -> HistoryEntry:
    """The item was added here, in `stage` (`despite`: what its gate wanted and it lacked)."""
    words = f"created in {stage}" + (f" despite missing: {despite}" if despite else "")
    return HistoryEntry(actor.now, actor.name, EventKind.CREATED, words)


def imported(actor: Actor) -> HistoryEntry:
    """The item came in through `modelboard import`."""
    return HistoryEntry(actor.now, actor.name, EventKind.IMPORTED, "imported")


def moved(actor: Actor, old: str, new: str, despite: str = "") -> HistoryEntry:
    """The item went from stage `old` to stage `new` (`despite`: what the new stage's gate
    wanted and the person moved it without)."""
    extra = {"from": old, "to": new}
    words = f"stage: {old} -> {new}" + (f", moved despite missing: {despite}" if despite else "")
    return HistoryEntry(actor.now, actor.name, EventKind.MOVED, words, extra)


def rescored(actor: Actor, old: Mapping[str, Any], new: Mapping[str, Any]) -> HistoryEntry:
    """Scores changed: each changed criterion with its old and new score."""
    changed = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    parts = [f"{key} {old.get(key, '-')} -> {new.get(key, '-')}" for key in changed]
    extra = {
        "from": " ".join(f"{key}={old.get(key, '-')}" for key in changed),
        "to": " ".join(f"{key}={new.get(key, '-')}" for key in changed),
    }
    words = "scores: " + ", ".join(parts)
    return HistoryEntry(actor.now, actor.name, EventKind.RESCORED, words, extra)


def score_changes(entry: HistoryEntry) -> dict[str, tuple[str, str]]:
    """criterion -> (score before, score after) of a re-scoring (`-`: none)."""
    before = dict(part.partition("=")[::2] for part in entry.extra.get("from", "").split())
    after = dict(part.partition("=")[::2] for part in entry.extra.get("to", "").split())
    return {key: (before.get(key, "-"), after.get(key, "-")) for key in before.keys() | after}


def field_changed(actor: Actor, name: str, old: object, new: object) -> HistoryEntry:
    """Any other field: short values in full, long text as set, changed or cleared."""
    if name == "reviewed":  # only an undo sets it by an edit
        words = "review taken back"
    elif name in SHOWN_IN_FULL:
        words = f"{name}: {_short(old)} -> {_short(new)}"
    else:
        verb = "set" if old in (None, "") else "cleared" if new in (None, "") else "changed"
        words = f"{name}: {verb}"
    return HistoryEntry(actor.now, actor.name, EventKind.EDITED, words)


def change_of_field(
    actor: Actor, name: str, old: object, new: object, despite: str = ""
) -> HistoryEntry:
    """The event for one field's new value: a move, a re-scoring, or an edit."""
    if name == "stage" and isinstance(old, str) and isinstance(new, str):
        return moved(actor, old, new, despite)
    if name == "scores":
        return rescored(actor, _mapping(old), _mapping(new))
    return field_changed(actor, name, old, new)


def renumbered(actor: Actor, old: str, new: str) -> HistoryEntry:
    """Two branches added an item under one id; merging, this one took a new id."""
    words = f"id: {old} -> {new} (both branches added {old})"
    return HistoryEntry(actor.now, actor.name, EventKind.EDITED, words)


def reviewed(actor: Actor) -> HistoryEntry:
    """Someone looked at the item and found it current."""
    return HistoryEntry(actor.now, actor.name, EventKind.REVIEWED, "reviewed")


def snoozed(actor: Actor, until: dt.date, reason: str = "") -> HistoryEntry:
    """The item is not stale before `until`, and why (optional)."""
    words = f"snoozed until {until.isoformat()}" + (f": {reason}" if reason else "")
    return HistoryEntry(actor.now, actor.name, EventKind.SNOOZED, words)


def note(actor: Actor, text: str) -> HistoryEntry:
    """A one-line note, typed during a review."""
    return HistoryEntry(actor.now, actor.name, EventKind.NOTE, f"note: {text}")


def setting_changed(actor: Actor, words: str) -> HistoryEntry:
    """A board setting changed (such as a criterion's weight)."""
    return HistoryEntry(actor.now, actor.name, EventKind.SETTING, words)


def goal_event(actor: Actor, goal_id: str, words: str) -> HistoryEntry:
    """A goal was added, changed or retired (kept in the board's `[[history]]`)."""
    return HistoryEntry(actor.now, actor.name, EventKind.GOAL, words, {"goal": goal_id})


def deleted_record(item_id: str, title: str, stage: str, actor: Actor) -> dict[str, Any]:
    """What `[[deleted]]` keeps of a deleted item, so ids are never reused."""
    return {"id": item_id, "title": title, "stage": stage, "at": actor.now, "by": actor.name}


@dataclass(frozen=True)
class Deletion:
    """A `[[deleted]]` record as a reader sees it."""

    at: dt.datetime
    item_id: str
    title: str
    stage: str
    by: str


def deletion_from_data(record: Mapping[str, Any]) -> Deletion | None:
    """A stored `[[deleted]]` record, or None when it has no time."""
    at = record.get("at")
    if not isinstance(at, dt.datetime):
        return None
    return Deletion(
        as_utc(at),
        str(record.get("id", "?")),
        str(record.get("title", "")),
        str(record.get("stage", "?")),
        str(record.get("by", "")),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _short(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"
