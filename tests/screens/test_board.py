"""The board, driven by keys alone; every test asserts on the saved file or the model."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input

from modelboard.app import ModelboardApp
from modelboard.screens.board import BoardScreen
from modelboard.screens.conflict import ConflictScreen
from modelboard.screens.help import HelpScreen
from modelboard.screens.ranked import RankedScreen
from modelboard.screens.store_error import StoreErrorScreen
from modelboard.widgets.stage_column import StageColumn
from tests.conftest import NOW, UNGATED_STORE

ITEMS = """
[items.M-1]
title = "Churn prediction v2"
stage = "proposed"
owner = "anna"
scores = { value = 5, feasibility = 4, effort = 2 }
created = 2026-11-20T09:00:00Z

[items.M-2]
title = "Fraud scoring"
stage = "proposed"
owner = "bea"
tags = ["payments"]
scores = { value = 3, feasibility = 3, effort = 3 }
created = 2026-11-21T09:00:00Z

[items.M-3]
title = "Demand forecast"
stage = "ready"
owner = "carl"
created = 2026-09-01T09:00:00Z
"""


def make_app(path: Path) -> ModelboardApp:
    return ModelboardApp(path, clock=lambda: NOW, poll_seconds=0)


def saved(path: Path) -> dict[str, dict[str, object]]:
    items: dict[str, dict[str, object]] = tomllib.loads(path.read_text()).get("items", {})
    return items


def board(app: ModelboardApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def test_opens_on_the_first_card_by_priority(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)):
        assert board(app).current_id == "M-1"
        items = board(app).session.backlog.items
        assert board(app).view.columns[0] == (items["M-1"], items["M-2"])


async def test_arrows_and_hjkl_move_the_cursor(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        assert board(app).current_id == "M-2"
        await pilot.press("l")
        assert board(app).current_id == "M-3"
        await pilot.press("left", "down", "up")
        assert board(app).current_id == "M-1"
        await pilot.press("right", "right")
        assert (board(app).column, board(app).current_id) == (2, None)
        await pilot.press("h", "h", "G")
        assert board(app).current_id == "M-2"


async def test_shift_keys_move_the_card_and_save(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "L")
        assert saved(board_file)["M-1"]["stage"] == "building"
        assert board(app).current_id == "M-1" and board(app).column == 2
        await pilot.press("shift+left")
        assert saved(board_file)["M-1"]["stage"] == "ready"
        await pilot.press("H", "H")  # the second is at the first stage already
        assert saved(board_file)["M-1"]["stage"] == "proposed"
        history = saved(board_file)["M-1"]["history"]
        assert isinstance(history, list) and len(history) == 4


async def test_add_creates_an_item_in_the_focused_column(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "a")
        await pilot.press(*"Price elasticity", "ctrl+s")
        new = saved(board_file)["M-4"]
        assert (new["title"], new["stage"], new["created"]) == ("Price elasticity", "ready", NOW)
        assert board(app).current_id == "M-4"


async def test_edit_changes_the_title(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "ctrl+u", *"Churn v3", "ctrl+s")
        assert saved(board_file)["M-1"]["title"] == "Churn v3"
        await pilot.press("enter", "escape")  # opened and cancelled: nothing changes
        assert saved(board_file)["M-1"]["title"] == "Churn v3"


async def test_delete_asks_first_and_undo_brings_it_back(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "n")
        assert "M-1" in saved(board_file)
        await pilot.press("d", "y")
        assert "M-1" not in saved(board_file)
        assert board(app).current_id == "M-2"
        await pilot.press("u")
        restored = saved(board_file)["M-1"]
        assert restored["title"] == "Churn prediction v2" and restored["owner"] == "anna"


async def test_undo_goes_back_several_steps(board_file: Path) -> None:
    before = board_file.read_text()
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "L", "a", *"New one", "ctrl+s")
        assert saved(board_file)["M-1"]["stage"] == "building"
        await pilot.press("u", "u", "u")
        items = saved(board_file)
        assert items["M-1"]["stage"] == "proposed" and "M-4" not in items
        assert {k: v for k, v in items.items()}.keys() == tomllib.loads(before)["items"].keys()
        await pilot.press("u")  # nothing left: says so, changes nothing
        assert saved(board_file) == items


async def test_filter_by_text_and_escape_clears(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"payments")
        assert board(app).view.shown() == 1 and board(app).current_id == "M-2"
        await pilot.press("enter")
        assert board(app).filter_text == "payments"
        await pilot.press("L")  # keys work on the filtered board
        assert saved(board_file)["M-2"]["stage"] == "ready"
        await pilot.press("escape")
        assert board(app).view.shown() == 3 and board(app).current_id == "M-2"


async def test_sort_cycles_through_the_orders(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        orders = []
        for _ in range(4):
            await pilot.press("s")
            orders.append(board(app).order.value)
            first = [i.id for i in board(app).view.columns[0]]
            if board(app).order.value == "newest":
                assert first == ["M-2", "M-1"]
            if board(app).order.value == "title":
                assert first == ["M-1", "M-2"]
        assert orders == ["stalest first", "newest", "title", "priority"]


async def test_help_lists_every_key_and_q_quits(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {description for _, description in app.screen.rows}
        assert {b.description for b in BoardScreen.BINDINGS} <= described  # type: ignore[union-attr]
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_teammates_save_appears_without_losing_the_cursor(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        text = board_file.read_text() + '\n[items.M-9]\ntitle = "From bea"\nstage = "proposed"\n'
        text = text.replace('title = "Fraud scoring"', 'title = "Fraud scoring v2"')
        board_file.write_text(text)
        app.check_disk()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert board(app).current_id == "M-2"
        assert "M-9" in board(app).session.backlog.items
        assert board(app).session.backlog.items["M-2"].title == "Fraud scoring v2"


async def test_a_conflict_is_shown_and_theirs_can_be_kept(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        board_file.write_text(
            board_file.read_text().replace('stage = "proposed"', 'stage = "deployed"', 1)
        )
        await pilot.press("L")
        assert isinstance(app.screen, ConflictScreen)
        assert saved(board_file)["M-1"]["stage"] == "deployed"
        await pilot.press("t")
        assert board(app).session.backlog.items["M-1"].stage == "deployed"
        assert saved(board_file)["M-1"]["stage"] == "deployed"


async def test_a_conflict_can_be_resolved_with_mine(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        board_file.write_text(
            board_file.read_text().replace('stage = "proposed"', 'stage = "deployed"', 1)
        )
        await pilot.press("L", "m")
        assert saved(board_file)["M-1"]["stage"] == "ready"


async def test_a_store_that_does_not_parse_shows_an_error_and_is_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("version = 1\n[items.M-1\n")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, StoreErrorScreen)
        assert f"{path}:2:" in app.screen.message
        path.write_text(UNGATED_STORE + ITEMS)  # fixed in an editor, then r
        await pilot.press("r")
        assert isinstance(app.screen, BoardScreen)
    assert path.read_text() == UNGATED_STORE + ITEMS


async def test_item_text_is_never_markup(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    title = "[@click=app.quit]x[/] [bold]loud[/bold] \\u001b[31m"
    path.write_text(UNGATED_STORE + f'\n[items.M-1]\ntitle = "{title}"\nstage = "proposed"\n')
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        column = app.screen.query_one("#stage-0", StageColumn)
        text = "".join(column.render_line(y).text for y in range(1, 3))
        assert "[@click=app.quit]x[/]" in text and "[bold]loud[/bold]" in text
        assert "\x1b" not in text
        await pilot.press("enter")  # the title in the editor is literal too
        assert app.screen.query_one("#title", Input).value.startswith("[@click=app.quit]x[/]")
        await pilot.press("escape")
    assert app.return_code is None or app.return_code == 0


async def test_a_small_terminal_says_so(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(40, 10)) as pilot:
        assert app.screen.query_one("#too-small").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.screen.query_one("#too-small").display


async def test_the_command_palette_offers_the_board_actions(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Add", "Move to next stage", "Undo", "Filter", "Help", "Ranked"} <= titles


async def test_the_ranked_list_orders_open_items_and_keeps_the_keys(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        ranked = app.screen
        assert isinstance(ranked, RankedScreen)
        assert [i.id for i in ranked.items] == ["M-1", "M-2", "M-3"]
        await pilot.press("j", "L")
        assert saved(board_file)["M-2"]["stage"] == "ready"
        assert ranked.current_id == "M-2"
        await pilot.press("v")
        assert (board(app).column, board(app).current_id) == (1, "M-2")


async def test_columns_say_how_many_cards_are_out_of_view(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    items = "".join(
        f'\n[items.M-{n}]\ntitle = "Item {n}"\nstage = "proposed"\ncreated = 2026-11-20T09:00:00Z\n'
        for n in range(1, 11)
    )
    path.write_text(UNGATED_STORE + items)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        column = app.screen.query_one("#stage-0", StageColumn)
        last = column.size.height - 1
        assert column.render_line(last).text.strip() == "↓ 6 more"  # 4 of 10 shown
        await pilot.press("G")
        assert column.render_line(0).text.strip() == "↑ 6 above"  # the last 4 shown
        assert column.render_line(column.size.height - 1).text.strip() == ""
        assert board(app).current_id == "M-10"


async def test_a_filter_takes_the_cursor_to_what_it_found(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"demand", "enter")
        assert (board(app).column, board(app).current_id) == (1, "M-3")
        await pilot.press("e", "escape")  # the editor opens on it
        assert board(app).current_id == "M-3"


async def test_escape_in_the_ranked_lists_filter_field_stays_on_the_list(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", "slash", "escape")
        assert isinstance(app.screen, RankedScreen)
        await pilot.press("slash", *"fraud", "enter")
        assert [i.id for i in app.screen.items] == ["M-2"]
        await pilot.press("escape")  # on the list: clears the filter
        assert isinstance(app.screen, RankedScreen) and len(app.screen.items) == 3
        await pilot.press("escape")  # no filter left: back to the board
        assert isinstance(app.screen, BoardScreen)


async def test_a_read_only_store_says_so_and_refuses_changes(
    board_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = board_file.read_bytes()
    monkeypatch.setattr("os.access", lambda path, mode: False)
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "read-only" in str(app.screen.query_one("#board-title").render())
        await pilot.press("L")
        await pilot.pause()
        assert any("read-only" in n.message for n in app._notifications)
    assert board_file.read_bytes() == before


async def test_direction_overrides_and_zero_width_text_keep_the_columns_straight(
    tmp_path: Path,
) -> None:
    path = tmp_path / "backlog.toml"
    title = "abc\u202edef\u200b\u200dghi\u2066x\ufeff"
    path.write_text(
        UNGATED_STORE + f'\n[items.M-1]\ntitle = "{title}"\nstage = "proposed"\n'
        'owner = "o\u200bwner"\ncreated = 2026-11-20T09:00:00Z\n'
    )
    app = make_app(path)
    async with app.run_test(size=(80, 24)):
        column = app.screen.query_one("#stage-0", StageColumn)
        for y in range(5):
            strip = column.render_line(y)
            assert strip.cell_length == column.size.width
            assert not {"\u202e", "\u200b", "\u200d", "\u2066", "\ufeff"} & set(strip.text)
        assert "abcdefghix" in column.render_line(1).text
