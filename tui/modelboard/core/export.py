"""Items as plain data for `--json`, and the export formats (JSON, CSV, Jira CSV, Markdown)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from modelboard.core.flags import item_flags
from modelboard.core.ids import id_order
from modelboard.core.markdown import md_line, md_lines
from modelboard.core.model import Backlog, Board, Item
from modelboard.core.scoring import priority
from modelboard.core.text import field_label, sheet_cell
from modelboard.core.times import iso

_RAW_CONTROLS = re.compile(r"[\x7f-\x9f\u2028\u2029]")


def item_summary(item: Item, board: Board, now: dt.datetime) -> dict[str, Any]:
    """The fields every listing gives, with the derived ones (priority, stale, missing)."""
    flags = item_flags(item, board, now)
    return {
        "id": item.id,
        "title": item.title,
        "stage": item.stage,
        "kind": item.kind,
        "owner": item.owner,
        "tags": list(item.tags),
        "goals": list(item.goals),
        "scores": dict(item.scores),
        "priority": priority(item.scores, board.criteria),
        "created": iso(item.created),
        "updated": iso(item.updated),
        "reviewed": iso(item.reviewed),
        "snoozed_until": iso(item.snoozed_until),
        "stale": flags.stale,
        "goal_changed": flags.goal_changed or None,
        "incomplete": flags.incomplete,
        "missing": list(flags.missing),
        "unscored": list(flags.unscored),
    }


def item_details(item: Item, board: Board, now: dt.datetime) -> dict[str, Any]:
    """The summary plus the template's text, any other fields, and the history."""
    details = item_summary(item, board, now)
    for name, value in item.data.items():
        if name not in details and name != "history":
            details[name] = _plain(value)
    details["history"] = [_plain(entry.as_data()) for entry in item.history]
    return details


def _plain(value: Any) -> Any:
    """Any TOML value as JSON can hold it: times as text, inf and nan as text too."""
    if isinstance(value, dt.datetime | dt.date):
        return iso(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Mapping):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    return value


def to_json(value: Any, pretty: bool = True) -> str:
    """JSON text; compact when a program reads it (json's C encoder runs only unindented).

    Control characters are escaped (json leaves DEL and C1 raw), so the text is safe to
    print; they can only stand inside strings, where the escape means the same."""
    text = json.dumps(value, ensure_ascii=False, indent=2 if pretty else None)
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def export_json(backlog: Backlog, now: dt.datetime) -> str:
    """The whole backlog: board settings and every item in full."""
    board = backlog.board
    document = {
        "version": 1,
        "board": {
            "name": board.name,
            "stages": list(board.stages),
            "kinds": list(board.kinds),
            "review_days": board.review_days,
            "review_days_by_stage": dict(board.review_days_by_stage),
            "criteria": [
                {
                    "key": c.key,
                    "label": c.label,
                    "weight": c.weight,
                    "higher_is_worse": c.higher_is_worse,
                }
                for c in board.criteria
            ],
            "required": list(board.required),
            "goals": [
                {"id": g.id, "title": g.title, "description": g.description} for g in board.goals
            ],
        },
        "items": [item_details(item, board, now) for item in _in_board_order(backlog)],
    }
    return to_json(document)


def export_csv(backlog: Backlog, now: dt.datetime) -> str:
    """One row per item; scores as `score.<criterion>` columns, tags joined by ';'."""
    board = backlog.board
    text_fields = board.template_fields
    columns = [
        "id",
        "title",
        "stage",
        "kind",
        "owner",
        "tags",
        "goals",
        *(f"score.{c.key}" for c in board.criteria),
        *text_fields,
        "priority",
        "created",
        "updated",
        "reviewed",
        "snoozed_until",
        "stale",
        "missing",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for item in _in_board_order(backlog):
        summary = item_summary(item, board, now)
        row: dict[str, Any] = {
            **summary,
            "tags": ";".join(item.tags),
            "goals": ";".join(item.goals),
        }
        for criterion in board.criteria:
            row[f"score.{criterion.key}"] = item.scores.get(criterion.key, "")
        for name in text_fields:
            row[name] = item.text(name)
        row["missing"] = ";".join(summary["missing"])
        row["stale"] = "yes" if summary["stale"] else "no"
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def export_jira_csv(backlog: Backlog, now: dt.datetime) -> str:
    """One row per item for Jira's CSV importer: its own column names, one `Labels` column per
    tag (Jira's way to import several), the template's text in `Description`, and the scores,
    priority, stage and id as custom columns to map in the importer. Not for `import`."""
    board = backlog.board
    items = list(_in_board_order(backlog))
    label_columns = max([1, *(len(item.tags) for item in items)])
    columns = [
        "Summary",
        "Description",
        "Assignee",
        *["Labels"] * label_columns,
        "Custom field (Priority score)",
        *(f"Custom field ({c.label})" for c in board.criteria),
        "Custom field (Stage)",
        "Custom field (modelboard id)",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for item in items:
        value = priority(item.scores, board.criteria)
        labels = [re.sub(r"\s+", "_", tag.strip()) for tag in item.tags]
        row: list[object] = [
            item.title,
            _jira_description(item, board),
            item.owner,
            *labels,
            *[""] * (label_columns - len(labels)),
            "" if value is None else round(value),
            *(item.scores.get(c.key, "") for c in board.criteria),
            item.stage,
            item.id,
        ]
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()


def _jira_description(item: Item, board: Board) -> str:
    """The template's text fields in one Jira text: the description first, then each other
    field under a bold heading (Jira's wiki markup)."""
    parts = []
    for name in board.template_fields:
        text = item.text(name).strip()
        if text:
            parts.append(text if name == "description" else f"*{field_label(name)}*\n{text}")
    return "\n\n".join(parts)


def _cell(value: object) -> object:
    """A CSV cell: nothing for None, and text a spreadsheet would run as a formula quoted."""
    if value is None:
        return ""
    return sheet_cell(value) if isinstance(value, str) else value


def export_markdown(backlog: Backlog, now: dt.datetime) -> str:
    """A readable document: one section per stage, one entry per item."""
    board = backlog.board
    lines = [f"# {md_line(board.name)}", ""]
    for stage in board.stages:
        items = [i for i in _in_board_order(backlog) if i.stage == stage]
        lines += [f"## {md_line(stage)} ({len(items)})", ""]
        for item in items:
            summary = item_summary(item, board, now)
            value = summary["priority"]
            facts = [f"priority {value:.0f}" if value is not None else "unscored"]
            if item.owner:
                facts.append(f"owner {md_line(item.owner)}")
            if summary["stale"]:
                facts.append("stale")
            if summary["missing"]:
                facts.append("missing " + md_line(", ".join(summary["missing"])))
            lines.append(f"### {item.id}: {md_line(item.title)}")
            lines += ["", "*" + "; ".join(facts) + "*", ""]
            for name in board.template_fields:
                if item.text(name).strip():
                    label = md_line(field_label(name))
                    lines += [f"**{label}:** {md_lines(item.text(name))}", ""]
        if not items:
            lines += ["(none)", ""]
    strays = [i for i in _in_board_order(backlog) if i.stage not in board.stages]
    if strays:
        lines += ["## in a stage the board does not list", ""]
        lines += [f"- {i.id}: {md_line(i.title)} (stage {md_line(i.stage)})" for i in strays]
    return "\n".join(lines).rstrip() + "\n"


def _in_board_order(backlog: Backlog) -> Iterable[Item]:
    stages = {stage: index for index, stage in enumerate(backlog.board.stages)}
    return sorted(
        backlog.items.values(),
        key=lambda i: (stages.get(i.stage, len(stages)), id_order(i.id)),
    )
