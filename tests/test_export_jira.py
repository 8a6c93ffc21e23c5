"""The CSV shaped for Jira's importer: its column names, one `Labels` column per tag, the
template's text in the description, scores and priority as custom columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from modelboard.core.export import export_jira_csv
from modelboard.core.model import backlog_from_data
from tests.conftest import NOW
from tests.test_cli import Run

DATA = {
    "version": 1,
    "board": {"name": "B", "stages": ["proposed", "ready"]},
    "scoring": {
        "criteria": {
            "value": {"label": "Business value", "weight": 3},
            "effort": {"label": "Resources needed", "weight": 2, "higher_is_worse": True},
        }
    },
    "template": {"required": ["description", "benefit", "resources"]},
    "items": {
        "M-2": {
            "title": "=HYPERLINK(1)",
            "stage": "proposed",
            "tags": ["churn", "b2c team", "q1"],
            "owner": "anna",
            "description": "Predicts churn.",
            "benefit": "Fewer cancellations.",
            "scores": {"value": 5, "effort": 1},
        },
        "M-1": {"title": "Ranking v2", "stage": "ready"},
    },
}


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(export_jira_csv(backlog_from_data(DATA), NOW))))


def test_the_header_has_jiras_names_and_the_scores_as_custom_columns() -> None:
    assert _rows()[0] == [
        "Summary",
        "Description",
        "Assignee",
        "Labels",
        "Labels",
        "Labels",
        "Custom field (Priority score)",
        "Custom field (Business value)",
        "Custom field (Resources needed)",
        "Custom field (Stage)",
        "Custom field (modelboard id)",
    ]


def test_one_row_per_item_in_board_order() -> None:
    header, churn, ranking = _rows()
    assert dict(zip(header, churn, strict=True)) | {"Labels": ""} == {
        "Summary": "'=HYPERLINK(1)",  # never a formula in a spreadsheet
        "Description": "Predicts churn.\n\n*Benefit*\nFewer cancellations.",
        "Assignee": "anna",
        "Labels": "",
        "Custom field (Priority score)": "100",
        "Custom field (Business value)": "5",
        "Custom field (Resources needed)": "1",
        "Custom field (Stage)": "proposed",
        "Custom field (modelboard id)": "M-2",
    }
    assert churn[3:6] == ["churn", "b2c_team", "q1"]  # a Jira label has no spaces
    assert ranking[0] == "Ranking v2" and ranking[3:7] == ["", "", "", ""]
    assert ranking[-1] == "M-1"


def test_the_command_line_exports_it(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELBOARD_FILE", str(store_file))
    assert Run("add", "Churn prediction", "--owner", "anna", "--tag", "churn").code == 0
    run = Run("export", "--format", "jira")
    assert run.code == 0, run.err
    header, row = csv.reader(io.StringIO(run.out))
    assert header[:4] == ["Summary", "Description", "Assignee", "Labels"]
    assert row[:4] == ["Churn prediction", "", "anna", "churn"]
