"""Text fitted to cells: titles break at spaces, owners keep a few letters, words for counts."""

from __future__ import annotations

import datetime as dt

from modelboard.core.model import backlog_from_data
from modelboard.core.text import days_ago, plural
from modelboard.render import two_lines
from modelboard.widgets.card import card_lines
from tests.conftest import NOW


def test_titles_break_at_spaces_and_long_words_are_cut_not_split() -> None:
    assert two_lines("Recommendation model refresh", 13) == ("Recommendati…", "model refresh")
    assert two_lines("Churn prediction v2 for the retention team", 13) == (
        "Churn        ",
        "prediction v…",
    )


def test_a_card_keeps_some_of_the_owner_when_both_markers_show() -> None:
    backlog = backlog_from_data(
        {"items": {"M-1": {"title": "x", "stage": "proposed", "owner": "dmitri",
                           "created": NOW - dt.timedelta(days=90)}}}
    )  # fmt: skip
    third = "".join(text for text, _ in card_lines(backlog.items["M-1"], backlog.board, NOW, 13)[3])
    assert third.startswith("dmi") and "stl" in third and "inc" in third and len(third) <= 13


def test_counts_and_days_read_as_words() -> None:
    assert (plural(1, "item"), plural(21, "item")) == ("1 item", "21 items")
    assert (days_ago(0), days_ago(1), days_ago(12)) == ("today", "yesterday", "12 days ago")
