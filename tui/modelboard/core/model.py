"""The backlog as plain Python objects, built from the data `tomllib` parsed.

Building never fails on odd values: a field of the wrong type reads as absent and is
reported in `Backlog.problems`, so `check` can name it and every other command still works.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from modelboard.core.errors import OperationError
from modelboard.core.history import HistoryEntry, entry_from_data
from modelboard.core.ids import is_id, known_ids
from modelboard.core.rhythm import RECORD_ARRAYS, Log, read_log
from modelboard.core.text import text_list
from modelboard.core.times import as_utc, midnight

FORMAT_VERSION = 1
DEFAULT_STAGES = ("proposed", "ready", "building", "deployed", "retired")
DEFAULT_KINDS = ("new", "revision", "deployment")
DEFAULT_REVIEW_DAYS = 14
MAX_WEIGHT = 1000
MAX_REVIEW_DAYS = 36500  # a hundred years: longer would overflow a date
TEXT_FIELDS = ("description", "benefit", "resources")
SCORE_MIN = 1
SCORE_MAX = 5


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion: scores run 1-5, `higher_is_worse` turns the scale round."""

    key: str
    label: str
    weight: float
    higher_is_worse: bool = False


@dataclass(frozen=True)
class Problem:
    """Something in the file that is not as the format says; `check` lists them."""

    message: str
    item_id: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Goal:
    """A strategic goal items can serve (`[goals.<id>]`).

    `weight` says how much the goal counts (goals are listed heaviest first); `changed` is
    when its meaning last changed (title, description, weight, retired), which puts the
    items serving it up for review; a `retired` goal is kept for the items that name it but
    offered for no new ones.
    """

    id: str
    title: str
    description: str = ""
    weight: float | None = None
    changed: dt.datetime | None = None
    retired: dt.datetime | None = None
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The goal's table as the file has it, odd values included (what an edit replaces)."""


@dataclass(frozen=True)
class Board:
    """Board-wide settings: stages, review intervals, scoring criteria, the template."""

    name: str = "Model backlog"
    stages: tuple[str, ...] = DEFAULT_STAGES
    kinds: tuple[str, ...] = DEFAULT_KINDS
    review_days: int = DEFAULT_REVIEW_DAYS
    review_days_by_stage: Mapping[str, int] = field(default_factory=dict)
    criteria: tuple[Criterion, ...] = ()
    required: tuple[str, ...] = TEXT_FIELDS
    goals: tuple[Goal, ...] = ()
    required_by_stage: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The stage gates: what an item needs to enter a stage (`[template.required_by_stage]`)."""

    def goal(self, goal_id: str) -> Goal | None:
        """The goal with this id, if the board has one."""
        return next((g for g in self.goals if g.id == goal_id), None)

    @cached_property
    def template_fields(self) -> tuple[str, ...]:
        """The template's text fields in order: the standard three, then any other required."""
        return tuple(dict.fromkeys((*TEXT_FIELDS, *self.required)))

    def review_interval(self, stage: str) -> int:
        """Days an item in `stage` may go unreviewed; 0 means never stale."""
        return self.review_days_by_stage.get(stage, self.review_days)

    def is_open(self, stage: str) -> bool:
        """False for a stage whose own review interval is 0: `retired = 0` marks items that
        are done, left out of rankings. A board-wide 0 only stops staleness; an item in a
        stage the board does not list is open (and flagged), never hidden."""
        return self.review_days_by_stage.get(stage) != 0

    def criterion(self, key: str) -> Criterion | None:
        """The criterion named `key`, if the board has one."""
        return self._criteria_by_key.get(key)

    @cached_property
    def _criteria_by_key(self) -> dict[str, Criterion]:
        return {c.key: c for c in self.criteria}


@dataclass(frozen=True)
class Item:
    """One backlog item. `data` is the item's whole table, unknown fields included."""

    id: str
    title: str
    stage: str
    kind: str
    owner: str
    tags: tuple[str, ...]
    goals: tuple[str, ...]
    scores: Mapping[str, int]
    created: dt.datetime | None
    updated: dt.datetime | None
    reviewed: dt.datetime | None
    snoozed_until: dt.date | None
    history: tuple[HistoryEntry, ...]
    data: Mapping[str, Any]

    def text(self, name: str) -> str:
        """A text field by name ('' when absent or not text)."""
        value = self.data.get(name)
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Backlog:
    """Everything the store holds, ready for the core's functions."""

    board: Board
    items: Mapping[str, Item]
    deleted_ids: frozenset[str] = frozenset()
    problems: tuple[Problem, ...] = ()
    log: Log = Log()
    """The rhythm: the cadence, and the review sessions and updates recorded."""

    def item(self, item_id: str) -> Item | None:
        """The item with this id, if there is one."""
        return self.items.get(item_id)


def require_item(backlog: Backlog, item_id: str) -> Item:
    """The item, or an OperationError that lists the ids there are."""
    item = backlog.item(item_id)
    if item is None:
        raise OperationError(f"no item {item_id!r}; {known_ids(backlog.items)}")
    return item


def serves_no_goal(item: Item, board: Board) -> bool:
    """True when the board has goals and the item serves none of them."""
    return bool(board.goals) and not item.goals


def is_score(value: object) -> bool:
    """A whole number from 1 to 5 (not a bool, which Python counts as a number)."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and SCORE_MIN <= value <= SCORE_MAX
    )


def is_blank(value: object) -> bool:
    """Absent, empty, or text of spaces only: what the template counts as not filled in."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple | dict) and not value)


def missing_fields(item: Item, board: Board) -> list[str]:
    """Template fields that are missing or blank, in the template's order."""
    return [name for name in board.required if is_blank(item.data.get(name))]


def unscored_criteria(item: Item, board: Board) -> list[str]:
    """Criteria the item has no score for."""
    return [c.key for c in board.criteria if c.key not in item.scores]


# ---- building from parsed data ---------------------------------------------------------


def backlog_from_data(data: Mapping[str, Any], only: Collection[str] | None = None) -> Backlog:
    """Build the backlog from a document parsed by `tomllib` (the version already checked);
    with `only`, just those items (and their problems), the board and records whole."""
    notes: list[str] = []
    board = _board_from_data(data, notes)
    problems = [Problem(note) for note in notes]
    items: dict[str, Item] = {}
    raw_items = data.get("items", {})
    if not isinstance(raw_items, dict):
        problems.append(Problem("'items' must be a table of tables"))
        raw_items = {}
    for item_id, table in raw_items.items():
        if only is not None and item_id not in only:
            continue
        if not is_id(item_id):
            shown = item_id if len(item_id) <= 40 else item_id[:39] + "…"
            problems.append(
                Problem(f"items.{shown!r}: not an id (ids look like M-12); left out until renamed")
            )
        elif not isinstance(table, dict):
            problems.append(Problem(f"{item_id}: must be a table", item_id))
        else:
            items[item_id] = item_from_table(item_id, table, board, problems)
    for name in ("deleted", *RECORD_ARRAYS):
        records = data.get(name, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            problems.append(Problem(f"'{name}' must be an array of [[{name}]] tables"))
    notes = []
    log = read_log(data, notes)
    problems.extend(Problem(note) for note in notes)
    return Backlog(board, items, deleted_ids(data), tuple(problems), log)


def deleted_ids(data: Mapping[str, Any]) -> frozenset[str]:
    """The ids of deleted items (`[[deleted]]`): never given out again."""
    deleted = data.get("deleted", [])
    return frozenset(
        entry["id"]
        for entry in (deleted if isinstance(deleted, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    )


def _board_from_data(data: Mapping[str, Any], problems: list[str]) -> Board:
    board_table = _table(data, "board", problems)
    stages = text_list(board_table.get("stages"), "board.stages", problems) or DEFAULT_STAGES
    if len(set(stages)) != len(stages):
        problems.append("board.stages: a stage is listed twice")
    kinds = text_list(board_table.get("kinds"), "board.kinds", problems) or DEFAULT_KINDS
    review_days = board_table.get("review_days", DEFAULT_REVIEW_DAYS)
    if not _is_int(review_days) or not 0 <= review_days <= MAX_REVIEW_DAYS:
        problems.append(
            f"board.review_days: must be a whole number of days, 0 to {MAX_REVIEW_DAYS}"
        )
        review_days = DEFAULT_REVIEW_DAYS
    by_stage: dict[str, int] = {}
    raw_by_stage = board_table.get("review_days_by_stage", {})
    if isinstance(raw_by_stage, dict):
        for stage, days in raw_by_stage.items():
            if _is_int(days) and 0 <= days <= MAX_REVIEW_DAYS:
                by_stage[stage] = days
            else:
                problems.append(
                    f"board.review_days_by_stage.{stage}: must be 0 to {MAX_REVIEW_DAYS} days"
                )
            if stage not in stages:
                problems.append(f"board.review_days_by_stage.{stage}: no such stage")
    name = board_table.get("name", "Model backlog")
    template = _table(data, "template", problems)
    required = text_list(template.get("required"), "template.required", problems)
    if "required" not in template:
        required = TEXT_FIELDS
    gates: dict[str, tuple[str, ...]] = {}
    raw_gates = template.get("required_by_stage", {})
    if not isinstance(raw_gates, dict):
        problems.append("template.required_by_stage: must be a table")
        raw_gates = {}
    for stage, names in raw_gates.items():
        where = f"template.required_by_stage.{stage}"
        if stage not in stages:
            problems.append(f"{where}: no such stage")
        gates[stage] = text_list(names, where, problems)
    return Board(
        name=name if isinstance(name, str) else "Model backlog",
        stages=stages,
        kinds=kinds,
        review_days=review_days,
        review_days_by_stage=by_stage,
        criteria=_criteria(data, problems),
        required=required,
        goals=_goals(data, problems),
        required_by_stage=gates,
    )


def _goals(data: Mapping[str, Any], problems: list[str]) -> tuple[Goal, ...]:
    raw = _table(data, "goals", problems)
    goals = []
    for goal_id, table in raw.items():
        if not isinstance(table, dict):
            problems.append(f"goals.{goal_id}: must be a table")
            continue
        title, description = table.get("title", goal_id), table.get("description", "")
        weight = table.get("weight")
        if weight is not None and (not _is_number(weight) or not 0 <= weight <= MAX_WEIGHT):
            problems.append(f"goals.{goal_id}.weight: must be a number from 0 to {MAX_WEIGHT}")
            weight = None
        notes: list[str] = []
        goals.append(
            Goal(
                goal_id,
                title if isinstance(title, str) else goal_id,
                description if isinstance(description, str) else "",
                None if weight is None else float(weight),
                _moment(table, "changed", f"goals.{goal_id}", notes),
                _moment(table, "retired", f"goals.{goal_id}", notes),
                table,
            )
        )
        problems.extend(notes)
    return tuple(goals)


def _criteria(data: Mapping[str, Any], problems: list[str]) -> tuple[Criterion, ...]:
    scoring = _table(data, "scoring", problems)
    raw = scoring.get("criteria", {})
    if not isinstance(raw, dict):
        problems.append("scoring.criteria: must be a table")
        return ()
    criteria = []
    for key, table in raw.items():
        if not isinstance(table, dict):
            problems.append(f"scoring.criteria.{key}: must be a table")
            continue
        weight = table.get("weight", 1)
        if not _is_number(weight) or not 0 <= weight <= MAX_WEIGHT:
            problems.append(
                f"scoring.criteria.{key}.weight: must be a number from 0 to {MAX_WEIGHT}"
            )
            weight = 1
        label = table.get("label", key)
        criteria.append(
            Criterion(
                key=key,
                label=label if isinstance(label, str) else key,
                weight=float(weight),
                higher_is_worse=table.get("higher_is_worse") is True,
            )
        )
    return tuple(criteria)


def item_from_table(
    item_id: str, table: Mapping[str, Any], board: Board, problems: list[Problem]
) -> Item:
    """Build one item, reporting values of the wrong type or out of range."""
    notes: list[str] = []

    def text(name: str) -> str:
        value = table.get(name, "")
        if isinstance(value, str):
            return value
        notes.append(f"{item_id}.{name}: must be text")
        return ""

    stage = text("stage")
    if stage not in board.stages:
        notes.append(f"{item_id}.stage: {stage!r} is not a stage of the board")
    scores: dict[str, int] = {}
    raw_scores = table.get("scores", {})
    if not isinstance(raw_scores, dict):
        notes.append(f"{item_id}.scores: must be a table")
        raw_scores = {}
    for key, value in raw_scores.items():
        if board.criterion(key) is None:
            notes.append(f"{item_id}.scores.{key}: no such criterion")
        elif not _is_int(value) or not SCORE_MIN <= value <= SCORE_MAX:
            notes.append(f"{item_id}.scores.{key}: must be a whole number from 1 to 5")
        else:
            scores[key] = value
    goals = text_list(table.get("goals"), f"{item_id}.goals", notes)
    for goal_id in goals:
        if board.goal(goal_id) is None:
            notes.append(f"{item_id}.goals: no goal {goal_id!r} on the board")
    history = []
    raw_history = table.get("history", [])
    for data in raw_history if isinstance(raw_history, list) else []:
        entry = entry_from_data(data)
        if entry is not None:
            history.append(entry)
        else:
            notes.append(f"{item_id}.history: an entry needs 'at' (a date-time) and 'change'")
    item = Item(
        id=item_id,
        title=text("title"),
        stage=stage,
        kind=text("kind"),
        owner=text("owner"),
        tags=text_list(table.get("tags"), f"{item_id}.tags", notes),
        goals=goals,
        scores=scores,
        created=_moment(table, "created", item_id, notes),
        updated=_moment(table, "updated", item_id, notes),
        reviewed=_moment(table, "reviewed", item_id, notes),
        snoozed_until=_day(table, "snoozed_until", item_id, notes),
        history=tuple(history),
        data=table,
    )
    problems.extend(Problem(note, item_id) for note in notes)
    return item


def _table(data: Mapping[str, Any], name: str, problems: list[str]) -> Mapping[str, Any]:
    value = data.get(name, {})
    if isinstance(value, dict):
        return value
    problems.append(f"'{name}' must be a table")
    return {}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    """A whole or decimal number that is finite (TOML also has inf and nan)."""
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _moment(
    table: Mapping[str, Any], name: str, item_id: str, problems: list[str]
) -> dt.datetime | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        try:
            return as_utc(value)
        except OverflowError:  # year 1 with an offset east of UTC
            problems.append(f"{item_id}.{name}: out of the range of dates")
            return None
    if isinstance(value, dt.date):
        return midnight(value)
    problems.append(f"{item_id}.{name}: must be a date-time")
    return None


def _day(table: Mapping[str, Any], name: str, item_id: str, problems: list[str]) -> dt.date | None:
    value = table.get(name)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problems.append(f"{item_id}.{name}: must be a date")
    return None
