"""The item editor, driven by keys alone; assertions on the saved file."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from textual import events
from textual.widgets import Input

from modelboard.app import ModelboardApp
from modelboard.external_editor import edit_text, run_in_terminal
from modelboard.screens.board import BoardScreen
from modelboard.screens.confirm import ConfirmScreen
from modelboard.screens.conflict import ConflictScreen
from modelboard.screens.editor import EditorScreen
from modelboard.widgets.score_field import ScoreField
from tests.conftest import NOW
from tests.screens.test_board import board, saved


def make_app(path: Path, written: str = "from the editor") -> ModelboardApp:
    def fake_editor(argv: list[str]) -> int:
        Path(argv[-1]).write_text(written)
        return 0

    return ModelboardApp(path, clock=lambda: NOW, poll_seconds=0, launcher=fake_editor)


async def test_a_complete_item_by_keys_alone(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "a")
        assert isinstance(app.screen, EditorScreen)
        await pilot.press(*"Price elasticity", "tab", "tab", "tab")  # title, stage, kind
        await pilot.press(*"anna", "tab", *"pricing, promo", "tab")  # owner, tags
        await pilot.press("4", "tab", "3", "tab", "2", "tab")  # the three scores
        await pilot.press(*"Elasticity per segment", "tab", *"Better prices", "tab", *"2 weeks")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BoardScreen)
    item = saved(board_file)["M-4"]
    assert item == {
        **item,
        "title": "Price elasticity",
        "stage": "ready",
        "kind": "new",
        "owner": "anna",
        "tags": ["pricing", "promo"],
        "scores": {"value": 4, "feasibility": 3, "effort": 2},
        "description": "Elasticity per segment",
        "benefit": "Better prices",
        "resources": "2 weeks",
    }


async def test_scores_change_the_priority_and_the_order(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        assert [i.id for i in board(app).view.columns[0]] == ["M-1", "M-2"]
        await pilot.press("j", "e")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        await pilot.press("tab", "tab", "tab", "tab", "tab", "5", "tab", "5", "tab", "1")
        assert "100 of 100" in str(editor.query_one("#priority").render())
        await pilot.press("ctrl+s")
        assert [i.id for i in board(app).view.columns[0]] == ["M-2", "M-1"]
    assert saved(board_file)["M-2"]["scores"] == {"value": 5, "feasibility": 5, "effort": 1}
    history = saved(board_file)["M-2"]["history"]
    assert isinstance(history, list) and history[-1]["change"].startswith("scores: ")


async def test_cancel_without_changes_closes_at_once(board_file: Path) -> None:
    before = board_file.read_bytes()
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "escape")
        assert isinstance(app.screen, BoardScreen)
    assert board_file.read_bytes() == before


async def test_cancel_with_changes_asks_first(board_file: Path) -> None:
    before = board_file.read_bytes()
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", *" (draft)", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape", "y")
        assert isinstance(app.screen, BoardScreen)
    assert board_file.read_bytes() == before


async def test_an_empty_title_is_refused_in_place(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "ctrl+s")
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.query_one("#title").has_class("-invalid")
    assert "M-4" not in saved(board_file)


async def test_ctrl_e_opens_the_field_in_the_editor(board_file: Path) -> None:
    app = make_app(board_file, written="Rewritten in vi.\nSecond line.\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", *["tab"] * 8, "ctrl+e", "ctrl+s")
    assert saved(board_file)["M-1"]["description"] == "Rewritten in vi.\nSecond line."


def test_an_editor_command_with_quotes_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    script = "import sys; open(sys.argv[1], 'w').write('edited by ' + sys.argv[1][-3:])"
    environ = {"EDITOR": f'{sys.executable} -c "{script}"'}
    assert edit_text("old", run_in_terminal, environ) == "edited by .md"
    hostile = {"VISUAL": f"touch {marker}; $(touch {marker})"}
    edit_text("old", run_in_terminal, hostile)
    assert not marker.exists()


async def test_markup_and_control_characters_stay_literal(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", *"[b]bold[/b] [@click=app.quit]x[/]", "ctrl+s")
        assert app.return_code is None
    assert saved(board_file)["M-4"]["title"] == "[b]bold[/b] [@click=app.quit]x[/]"


async def test_a_teammates_change_to_another_field_is_merged(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "tab", "tab", "tab", "ctrl+u", *"zoe")  # owner
        text = board_file.read_text().replace('title = "Churn prediction v2"', 'title = "Churn v3"')
        board_file.write_text(text)
        app.check_disk()
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+s")
    item = saved(board_file)["M-1"]
    assert (item["title"], item["owner"]) == ("Churn v3", "zoe")


async def test_a_teammates_change_to_the_same_field_is_a_conflict(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "tab", "tab", "tab", "ctrl+u", *"zoe")
        board_file.write_text(board_file.read_text().replace('owner = "anna"', 'owner = "bea"'))
        app.check_disk()
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConflictScreen)
        assert saved(board_file)["M-1"]["owner"] == "bea"
        await pilot.press("m")
    assert saved(board_file)["M-1"]["owner"] == "zoe"
    assert tomllib.loads(board_file.read_text())["items"]["M-2"]["title"] == "Fraud scoring"


async def test_keys_arriving_in_one_burst_land_in_the_right_fields(board_file: Path) -> None:
    """A terminal can deliver many keys at once (fast typing, tmux send-keys, a key macro);
    focus moves must take effect before the next key is handed on."""
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        keys = [*"Quick", "tab", "tab", "tab", *"ann", "tab", *"x, y", "tab", "3", "tab", "4"]
        keys += ["tab", "2", "tab", *"desc", "tab", *"ben", "tab", *"res"]
        for key in keys:
            char = key if len(key) == 1 else ("\t" if key == "tab" else None)
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.press("ctrl+s")
    item = saved(board_file)["M-4"]
    assert (item["title"], item["owner"], item["tags"]) == ("Quick", "ann", ["x", "y"])
    assert item["scores"] == {"value": 3, "feasibility": 4, "effort": 2}
    assert (item["description"], item["benefit"], item["resources"]) == ("desc", "ben", "res")


async def test_the_editor_opens_at_the_end_of_the_title_with_nothing_selected(
    board_file: Path,
) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "j")  # a vim reflex: must not replace the title
        title = app.screen.query_one("#title", Input)
        assert title.value == "Churn prediction v2j"
        assert not title.cursor_blink
        await pilot.press("escape", "y")
    assert saved(board_file)["M-1"]["title"] == "Churn prediction v2"


async def test_up_and_down_choose_the_criterion_in_the_editor(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#score-value", ScoreField).focus()
        await pilot.press("down", "1", "down", "5", "up", "up", "3", "ctrl+s")
    assert saved(board_file)["M-1"]["scores"] == {"value": 3, "feasibility": 1, "effort": 5}


async def test_text_left_in_the_editor_when_the_terminal_goes_is_offered_again(
    board_file: Path,
) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", *" (draft)")
        app._keep_drafts()  # what a hang-up does before the app leaves
    assert saved(board_file)["M-1"]["title"] == "Churn prediction v2"
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        assert app.screen.query_one("#title", Input).value == "Churn prediction v2 (draft)"
        await pilot.press("ctrl+s")
    assert saved(board_file)["M-1"]["title"] == "Churn prediction v2 (draft)"
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:  # taken once: not offered again
        await pilot.press("e")
        assert app.screen.query_one("#title", Input).value == "Churn prediction v2 (draft)"
