"""80 columns and below, keyboard first: what shows, what stays in view, what the keys do."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from modelboard.core.defaults import DEFAULT_STORE
from modelboard.demo import demo_store_text
from modelboard.screens.help import HelpScreen
from modelboard.screens.ranked import RankedScreen
from modelboard.screens.review import ReviewScreen
from modelboard.widgets.ranked_list import RankedList
from modelboard.widgets.score_field import ScoreField
from modelboard.widgets.stage_column import StageColumn
from tests.conftest import NOW
from tests.screens.test_board import board, make_app, saved


def demo(tmp_path: Path) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(demo_store_text(NOW))
    return path


def shown_columns(app: App[None]) -> list[int]:
    return [i for i, stage in enumerate(app.screen.query(".stage")) if stage.display]


def header(app: App[None], index: int) -> str:
    return str(app.screen.query_one(f"#stage-header-{index}", Static).render())


async def test_at_79_columns_every_stage_still_shows(tmp_path: Path) -> None:
    async with make_app(demo(tmp_path)).run_test(size=(79, 24)) as pilot:
        assert shown_columns(pilot.app) == [0, 1, 2, 3, 4]


async def test_at_60_columns_the_focused_column_is_always_in_view(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l", "l", "l", "l")  # retired, the last column
        await pilot.resize_terminal(60, 14)
        await pilot.pause()
        assert 4 in shown_columns(app) and len(shown_columns(app)) == 4
        assert header(app, 1).startswith("◂1")  # one column out of view on the left
        await pilot.press("h", "h", "h", "h")
        assert shown_columns(app) == [0, 1, 2, 3] and header(app, 3).endswith("1▸")
        assert board(app).column == 0


async def test_a_header_shortens_the_name_never_the_count(tmp_path: Path) -> None:
    path = tmp_path / "backlog.toml"
    items = "".join(
        f'\n[items.M-{n}]\ntitle = "Item {n}"\nstage = "proposed"\n' for n in range(1, 121)
    )
    path.write_text(DEFAULT_STORE + items)
    async with make_app(path).run_test(size=(80, 24)) as pilot:
        assert header(pilot.app, 0).endswith("(120)")


async def test_review_keeps_the_item_and_why_it_is_due_in_view(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(60, 14)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)
        for _ in range(3):
            await pilot.press("down")
        head = app.screen.query_one("#review-head", Static)
        facts = app.screen.query_one("#review-facts", Static)
        assert head.region.y < 3 and "M-6" in str(head.render())
        assert "due every" in str(facts.render()) and facts.region.bottom <= 14


async def test_cursors_show_without_colour(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        assert isinstance(app.screen, RankedScreen)
        rows = app.screen.query_one(RankedList)
        assert rows.render_line(app.screen.row + 1).text.startswith("▌")
        assert not rows.render_line(app.screen.row + 2).text.startswith("▌")
        await pilot.press("v", "r")
        focused = app.screen.query_one(ScoreField)
        assert str(focused.render()).startswith("▌")


async def test_help_says_how_to_leave_and_scrolls_with_j(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one(".dialog-keys", Static)
        assert "esc  close" in str(keys.render()) and keys.region.bottom <= 24
        await pilot.press("j", "j")
        assert app.screen.query_one("#help-keys").scroll_offset.y == 2
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_an_empty_store_says_what_to_do(store_file: Path) -> None:
    async with make_app(store_file).run_test(size=(80, 24)) as pilot:
        title = str(pilot.app.screen.query_one("#board-title", Static).render())
        assert "a adds one" in title and "? lists the keys" in title


async def test_deleting_the_last_card_keeps_the_column(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "d", "y")  # M-3, alone in ready
        assert "M-3" not in saved(board_file)
        assert board(app).column == 1


async def test_a_click_on_a_card_puts_the_cursor_on_it(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        column = app.screen.query_one("#stage-2", StageColumn)
        await pilot.click(column, offset=(3, 6))  # the second card
        assert board(app).column == 2 and board(app).current_id == column.items[1].id


async def test_no_color_means_no_colour_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.filter import NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(80, 24)):
        assert any(isinstance(f, NoColor) for f in app._filters)


async def test_notices_go_when_their_screen_is_left_or_the_filter_opens(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify("about the board")
        await pilot.press("v")
        assert not list(app._notifications)
        await pilot.press("v")
        app.notify("about the board again")
        await pilot.press("slash")
        assert not list(app._notifications)


async def test_the_ranked_cursor_stays_in_view_after_a_resize(tmp_path: Path) -> None:
    app = make_app(demo(tmp_path))
    async with app.run_test(size=(79, 24)) as pilot:
        await pilot.press("v", "G")
        await pilot.resize_terminal(60, 14)
        await pilot.pause()
        rows = app.screen.query_one(RankedList)
        assert any(rows.render_line(y).text.startswith("▌") for y in range(rows.size.height))


async def test_the_essential_keys_fit_the_footer_at_80_columns(tmp_path: Path) -> None:
    from textual.widgets._footer import FooterKey

    app = make_app(demo(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        for keys, wanted in (((), ("Help", "Quit")), (("r",), ("Help", "Leave"))):
            await pilot.press(*keys)
            await pilot.pause()
            shown = {k.description: k.region for k in app.screen.query(FooterKey)}
            assert all(shown[word].right <= 80 for word in wanted), shown


async def test_a_saved_item_names_what_it_lacks_by_label(board_file: Path) -> None:
    app = make_app(board_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "e", "x", "ctrl+s")  # M-3: no scores, no text
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("a score for Business value" in m for m in messages), messages
