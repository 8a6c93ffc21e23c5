"""The digest on a fixed sample, and export -> import as an identity, through the command line."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from modelboard.core.model import backlog_from_data
from modelboard.core.report import build_report, markdown, period_start
from modelboard.demo import demo_store_text
from tests.conftest import NOW
from tests.test_cli import Run

EXPECTED = Path(__file__).parent / "fixtures" / "report_demo_14d.md"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.toml"
    path.write_text(demo_store_text(NOW), encoding="utf-8")
    monkeypatch.setenv("MODELBOARD_FILE", str(path))
    return path


def test_the_digest_of_the_demo_matches_the_expected_markdown(demo: Path) -> None:
    run = Run("report", "--since", "14d")
    assert run.code == 0
    assert run.out == EXPECTED.read_text(encoding="utf-8")


def test_the_digest_starts_at_the_last_update_and_has_json(demo: Path) -> None:
    assert "update 2026-11-13 to 2026-11-24" in Run("report").out  # the demo's last update
    data = json.loads(Run("report", "--since", "14d", "--format", "json").out)
    assert [e["id"] for e in data["added"]] == ["M-13", "M-23", "M-4", "M-38"]
    assert data["top"][0] == {
        "id": "M-6",
        "title": "Credit limit model recalibration",
        "stage": "ready",
        "priority": 89.3,
    }
    assert data["per_stage"]["proposed"] == 12 and len(data["unscored"]) == 4


def test_deletes_and_moves_in_the_period_are_reported(demo: Path) -> None:
    assert Run("move", "M-1", "building").code == 0
    assert Run("delete", "M-9").code == 0
    report = Run("report", "--since", "2026-11-24").out
    assert (
        "## Moved (1)\n\n- M-1 Churn prediction v2: ready -> building (tester, 2026-11-24)"
        in report
    )
    assert (
        "## Deleted (1)\n\n- M-9 Call volume forecast: from retired (tester, 2026-11-24)" in report
    )


def test_markdown_escapes_item_text() -> None:
    data = {
        "items": {
            "M-1": {
                "title": "*bold* [link](x) | pipe",
                "stage": "proposed",
                "created": NOW,
                "history": [{"at": NOW, "by": "a", "change": "created in proposed"}],
            }
        }
    }
    text = markdown(build_report(backlog_from_data(data), [], NOW - dt.timedelta(days=1), NOW))
    assert "- M-1 \\*bold\\* \\[link\\](x) \\| pipe (a, 2026-11-24)" in text


def test_a_bad_since_is_wrong_usage(demo: Path) -> None:
    assert Run("report", "--since", "soon").code == 2
    assert period_start("2026-11-01", NOW) == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("since", "start"),
    [
        ("2w", NOW - dt.timedelta(days=14)),
        ("3W", NOW - dt.timedelta(days=21)),
        ("14d", NOW - dt.timedelta(days=14)),
        ("2026-11-01", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        ("2026-11-01T10:30:00Z", dt.datetime(2026, 11, 1, 10, 30, tzinfo=dt.UTC)),
        ("2026-11-01T10:30+01:00", dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)),
    ],
)
def test_since_takes_days_weeks_dates_and_times(since: str, start: dt.datetime) -> None:
    assert period_start(since, NOW) == start


@pytest.mark.parametrize(
    ("since", "says"),
    [
        ("soon", "takes days like 14d, weeks like 2w, or a date"),
        ("2026-13-01", "takes days like 14d"),
        ("1e3d", "takes days like 14d"),
        ("-2w", "takes days like 14d"),
        ("0001-01-01T00:00+05:00", "takes days like 14d"),  # would overflow turning to UTC
        ("0001-01-01", "at most 36500 days"),
        ("99999999999w", "at most 36500 days"),
        ("5215w", "at most 36500 days"),
        ("2099-01-01", "is in the future"),
    ],
)
def test_a_since_that_cannot_be_used_is_wrong_usage_not_a_traceback(
    demo: Path, since: str, says: str
) -> None:
    before = demo.read_bytes()
    run = Run("report", f"--since={since}", "--record")
    assert run.code == 2, run.err
    assert says in run.err and "Traceback" not in run.err
    assert demo.read_bytes() == before  # nothing recorded


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_export_then_import_is_an_identity(demo: Path, tmp_path: Path, kind: str) -> None:
    exported = tmp_path / f"export.{kind}"
    exported.write_text(Run("export", "--format", kind).out)
    before = demo.read_bytes()
    run = Run("import", str(exported))
    assert run.code == 0 and run.out == ""
    assert demo.read_bytes() == before


def test_import_into_a_new_store_brings_every_item(demo: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.json"
    exported.write_text(Run("export").out)
    fresh = tmp_path / "fresh.toml"
    fresh.write_text(demo.read_text().split("\n[items.")[0])  # same settings, no items
    assert Run("--file", str(fresh), "import", str(exported)).code == 0
    imported = tomllib.loads(fresh.read_text())["items"]
    original = tomllib.loads(demo.read_text())["items"]
    assert imported.keys() == original.keys()
    for item_id, table in imported.items():
        *history, last = table.pop("history")
        assert last["kind"] == "imported" and last["change"] == "imported"
        assert {**table, "history": history} == original[item_id]


def test_an_imported_item_is_added_in_the_report(demo: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.csv"
    exported.write_text("title,stage\nImported model,proposed\n")
    fresh = tmp_path / "fresh.toml"
    fresh.write_text(demo.read_text().split("\n[items.")[0])
    assert Run("--file", str(fresh), "import", str(exported)).code == 0
    assert Run("--file", str(fresh), "add", "Added model").code == 0
    report = json.loads(Run("--file", str(fresh), "report", "--format", "json").out)
    assert [e["title"] for e in report["added"]] == ["Imported model", "Added model"]


def test_import_merges_by_id_and_dry_run_writes_nothing(demo: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "changes.csv"
    csv_file.write_text(
        "id,title,stage,owner,score.value\n"
        "M-1,Churn prediction v2,building,anna,5\n"
        ",A new model,proposed,zoe,3\n"
    )
    before = demo.read_bytes()
    dry = Run("import", str(csv_file), "--dry-run")
    assert dry.code == 0 and "nothing was written" in dry.err
    assert dry.out.splitlines() == ["update M-1: stage", "add a new id: A new model"]
    assert demo.read_bytes() == before
    assert Run("import", str(csv_file)).code == 0
    items = tomllib.loads(demo.read_text())["items"]
    assert items["M-1"]["stage"] == "building"
    # only value was in the file: the other scores stay as they were
    assert items["M-1"]["scores"] == {"value": 5, "feasibility": 4, "effort": 2}
    assert items["M-41"]["title"] == "A new model" and items["M-41"]["owner"] == "zoe"


def test_bad_rows_are_named_and_nothing_is_written(demo: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "id,title,stage,score.value\n"
        ",Fine,proposed,3\n"
        ",Bad stage,limbo,3\n"
        ",Bad score,proposed,9\n"
        ",,proposed,\n"
    )
    before = demo.read_bytes()
    run = Run("import", str(csv_file))
    assert run.code == 1 and "nothing was imported" in run.err
    for expected in (
        "row 3: unknown stage 'limbo'",
        "row 4: score value: 9 is outside 1-5",
        "row 5: the title must not be empty",
    ):
        assert expected in run.err
    assert "row 2" not in run.err
    assert demo.read_bytes() == before


def test_a_file_that_is_not_json_is_refused(demo: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"items": [')
    run = Run("import", str(broken))
    assert run.code == 1 and "not JSON" in run.err


def test_an_item_created_and_imported_in_one_period_is_added_once(
    demo: Path, tmp_path: Path
) -> None:
    assert Run("add", "Brand new").code == 0  # M-41, created now
    exported = tmp_path / "export.json"
    exported.write_text(Run("export").out)
    fresh = tmp_path / "fresh.toml"
    fresh.write_text(demo.read_text().split("\n[items.")[0])
    assert Run("--file", str(fresh), "import", str(exported)).code == 0
    report = json.loads(Run("--file", str(fresh), "report", "--format", "json").out)
    assert [e["id"] for e in report["added"]].count("M-41") == 1


def test_the_report_nets_moves_and_has_a_plain_text_form(demo: Path) -> None:
    assert Run("move", "M-1", "building").code == 0
    assert Run("move", "M-1", "ready").code == 0  # and back: no move at all
    assert Run("move", "M-9", "deployed").code == 0
    report = json.loads(Run("report", "--since", "2026-11-24", "--format", "json").out)
    assert [e["id"] for e in report["moved"]] == ["M-9"]
    text = Run("report", "--since", "14d", "--format", "text").out
    assert "| # |" not in text and "\\" not in text and "Review sessions (1)" in text


def test_weight_changes_and_review_notes_are_in_the_report(demo: Path, tmp_path: Path) -> None:
    from modelboard.core.actor import Actor
    from modelboard.core.operations import note_item, set_weights
    from modelboard.core.store import Store

    store = Store.open(demo)
    actor = Actor("anna", NOW)
    store.save(set_weights(store.backlog, {"value": 4}, actor))
    store.save(note_item(store.backlog, "M-1", "keep: waiting for the Q1 data", actor))
    report = Run("report", "--since", "1d").out
    assert "weights: value 3 -> 4 (anna" in report
    assert "note: keep: waiting for the Q1 data" in report


def test_an_undone_rescore_is_not_a_rescore(demo: Path) -> None:
    assert Run("edit", "M-1", "--score", "value=1").code == 0
    assert Run("edit", "M-1", "--score", "value=5").code == 0  # back to where it was
    assert Run("edit", "M-2", "--score", "value=1").code == 0
    assert Run("edit", "M-2", "--score", "value=2").code == 0  # two steps: one net change
    report = json.loads(Run("report", "--since", "2026-11-24", "--format", "json").out)
    assert [(e["id"], e["change"]) for e in report["rescored"]] == [("M-2", "value 5 -> 2")]
