"""Stage gates: the template enforced where it matters, on the default store's gates."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from modelboard.core.defaults import DEFAULT_STORE, PRESETS
from modelboard.core.gates import Gap, breaches, describe, gaps_for, gate_problems
from modelboard.core.model import Board, backlog_from_data
from tests.test_cli import Run

COMPLETE = [
    "--description", "Predicts churn", "--benefit", "Fewer cancellations",
    "--resources", "Two people, a month", "--owner", "anna",
    "--score", "value=4", "--score", "feasibility=3", "--score", "effort=2",
]  # fmt: skip


@pytest.fixture
def gated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(DEFAULT_STORE)
    monkeypatch.setenv("MODELBOARD_FILE", str(path))
    return path


def test_the_default_gates_name_what_each_stage_needs() -> None:
    board = backlog_from_data(tomllib.loads(DEFAULT_STORE)).board
    assert gaps_for(board, "proposed", {}) == []
    assert [str(g) for g in gaps_for(board, "ready", {"description": "x"})] == ["benefit"]
    gaps = gaps_for(board, "building", {"description": "x", "scores": {"value": 3}})
    assert describe(gaps) == "benefit, resources, owner, scores (feasibility, effort)"
    assert Gap("scores", "effort") in gaps and not gate_problems(board)


def test_template_in_a_gate_means_the_boards_own_template() -> None:
    data = tomllib.loads(PRESETS["ml"])
    board = backlog_from_data(data).board
    gaps = gaps_for(board, "building", {"description": "d", "benefit": "b", "resources": "r"})
    assert [g.field for g in gaps][:3] == ["success_metric", "data_sources", "risks"]


def test_a_gate_naming_no_field_is_a_problem() -> None:
    text = DEFAULT_STORE.replace('ready = ["description", "benefit"]', 'ready = ["benfit"]')
    board = backlog_from_data(tomllib.loads(text)).board
    assert gate_problems(board) == [
        "template.required_by_stage.ready: 'benfit' is neither a template field nor one of "
        "template, scores, owner, goals"
    ]


def test_a_move_into_a_gate_it_does_not_meet_is_refused_then_forced(gated: Path) -> None:
    assert Run("add", "Churn", "--description", "d", "--benefit", "b").code == 0
    before = gated.read_text()
    refused = Run("move", "M-1", "building")
    assert refused.code == 1
    assert "M-1 cannot enter building; it lacks: resources, owner, scores" in refused.err
    assert "--force" in refused.err and gated.read_text() == before
    forced = Run("move", "M-1", "building", "--force")
    assert forced.code == 0
    item = tomllib.loads(gated.read_text())["items"]["M-1"]
    assert item["stage"] == "building"
    assert item["history"][-1]["change"] == (
        "stage: proposed -> building, moved despite missing: resources, owner, "
        "scores (value, feasibility, effort)"
    )
    assert item["history"][-1]["kind"] == "moved"


def test_add_and_edit_into_a_gated_stage(gated: Path) -> None:
    refused = Run("add", "Fraud", "--stage", "building")
    assert refused.code == 1 and "a new item cannot enter building" in refused.err
    assert "items" not in tomllib.loads(gated.read_text())
    assert Run("add", "Fraud", "--stage", "building", *COMPLETE).code == 0
    assert Run("add", "Ranker", "--stage", "ready", "--force").code == 0
    created = tomllib.loads(gated.read_text())["items"]["M-2"]["history"][0]["change"]
    assert created == "created in ready despite missing: description, benefit"
    # an edit that fills the gaps and moves in one command passes the gate
    assert Run("edit", "M-2", "--stage", "building", *COMPLETE).code == 0
    # edits that stay in the stage are never refused, even when they open a gap
    assert Run("edit", "M-2", "--owner", "").code == 0


def test_check_lists_items_short_of_their_stage_and_exits_1(gated: Path) -> None:
    assert Run("add", "Fraud", "--stage", "building", *COMPLETE).code == 0
    clean = Run("check")
    assert clean.code == 0 and "ok, 1 item" in clean.err
    gated.write_text(gated.read_text().replace('owner = "anna"\n', ""))
    found = Run("check")
    assert found.code == 1 and "M-1 is in building but lacks: owner" in found.out
    gated.write_text("version = 1\n[board\n")
    assert Run("check").code == 3


def test_template_fields_of_the_board_are_set_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "ml.toml"
    assert Run("init", str(path), "--preset", "ml").code == 0
    run = Run("--file", str(path), "add", "Churn", "--set", "success_metric=AUC >= 0.8")
    assert run.code == 0
    item = tomllib.loads(path.read_text())["items"]["M-1"]
    assert item["success_metric"] == "AUC >= 0.8"
    shown = Run("--file", str(path), "show", "M-1").out
    assert "AUC >= 0.8" in shown and "data_sources" in shown
    cleared = Run("--file", str(path), "edit", "M-1", "--set", "success_metric=")
    assert cleared.code == 0
    assert "success_metric" not in tomllib.loads(path.read_text())["items"]["M-1"]
    unknown = Run("--file", str(path), "edit", "M-1", "--set", "stage=deployed")
    assert unknown.code == 1 and "not a field of the template" in unknown.err
    assert Run("--file", str(path), "edit", "M-1", "--set", "nonsense").code == 2


def test_the_demo_backlog_meets_its_own_gates() -> None:
    import datetime as dt

    from modelboard.demo import demo_store_text

    text = demo_store_text(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    backlog = backlog_from_data(tomllib.loads(text))
    assert backlog.board.required_by_stage and not breaches(backlog)


def test_values_of_the_wrong_type_do_not_pass_a_gate() -> None:
    board = backlog_from_data(tomllib.loads(DEFAULT_STORE)).board
    odd = {
        "description": ["a"],
        "benefit": "   ",
        "resources": 5,
        "owner": 7,
        "scores": {"value": 7, "feasibility": "x", "effort": True},
    }
    gaps = gaps_for(board, "building", odd)
    assert describe(gaps) == (
        "description, benefit, resources, owner, scores (value, feasibility, effort)"
    )
    goal_board = backlog_from_data(tomllib.loads(DEFAULT_STORE + '[goals.G1]\ntitle = "a"\n'))
    gated = Board(goals=goal_board.board.goals, required_by_stage={"ready": ("goals",)})
    assert gaps_for(gated, "ready", {"goals": "G1"}) and gaps_for(gated, "ready", {"goals": ["G9"]})
    assert not gaps_for(gated, "ready", {"goals": ["G1"]})
