"""Editing the text one item table at a time: exact, minimal, and never fooled."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelboard.core.change import Change, ItemAdd, ItemDelete, ItemEdit, apply_to_data
from modelboard.core.history import EventKind, HistoryEntry
from modelboard.core.splice import comparable, spliced
from modelboard.core.toml_layout import headers, layout
from tests.conftest import NOW

FIXTURE = (Path(__file__).parent.parent / "fixtures" / "handwritten.toml").read_text()


def _apply(text: str, *steps: Any) -> str:
    data = tomllib.loads(text)
    change = Change(tuple(steps), "test")
    result = spliced(text, data, change)
    expected = copy.deepcopy(data)
    apply_to_data(expected, change)
    assert tomllib.loads(result) == comparable(expected)
    return result


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_lexer_ignores_lookalike_headers_in_strings_and_arrays() -> None:
    found, _ = headers(FIXTURE)
    paths = [h.path for h in found]
    assert ("items", "M-99") not in paths and ("items", "M-4") not in paths
    assert paths[-3:] == [("items", "M-2"), ("items", "M-2", "notes"), ("items", "M-3")]
    spans = layout(FIXTURE, {"M-1", "M-2", "M-3"}).spans
    assert FIXTURE[spans["M-2"][0] :].startswith("[items.M-2]")


def test_edit_changes_only_that_items_lines() -> None:
    edit = ItemEdit(
        "M-2", {"owner": "bob", "stage": "ready"}, (HistoryEntry(NOW, "t", EventKind.EDITED, "x"),)
    )
    result = _apply(FIXTURE, edit)
    changed = _changed_lines(FIXTURE, result)
    assert changed[0] == '-stage = "proposed"'
    assert '+stage = "ready"' in changed and '+owner = "bob"' in changed
    assert all("M-1" not in line and "M-3" not in line for line in changed)
    # comments, odd spacing and the unknown table survive untouched
    assert 'name   = "Risk models"     # the name people see' in result
    assert "[unknown_section]           # a table modelboard does not know: kept as is" in result
    assert "\t# a tab-indented comment between items" in result


def test_edit_of_an_item_with_a_lookalike_header_in_its_description() -> None:
    result = _apply(FIXTURE, ItemEdit("M-1", {"title": "Churn v3"}))
    assert _changed_lines(FIXTURE, result) == [
        "-title = 'Churn prediction v2'   # literal string, on purpose",
        '+title = "Churn v3"   # literal string, on purpose',
    ]


def test_history_is_appended_and_new_fields_go_above_it() -> None:
    entry = HistoryEntry(NOW, "bob", EventKind.REVIEWED, "reviewed")
    result = _apply(FIXTURE, ItemEdit("M-1", {"snoozed_until": dt.date(2026, 12, 1)}, (entry,)))
    block = result[result.index("[items.M-1]") : result.index("[items.M-2]")]
    assert block.index("snoozed_until") < block.index("history = [")
    assert 'change = "reviewed"' in block


def test_delete_takes_the_attached_comment_and_keeps_others() -> None:
    record = {"id": "M-1", "title": "Churn", "stage": "ready", "at": NOW, "by": "t"}
    result = _apply(FIXTURE, ItemDelete("M-1", record))
    assert "# Churn: the first model we built." not in result
    assert "[items.M-1]" not in result
    assert "\t# a tab-indented comment between items" in result
    assert result.rstrip().endswith('by = "t"')
    assert "[[deleted]]" in result


def test_add_goes_after_the_last_item() -> None:
    fields = {"title": "New", "stage": "proposed", "created": NOW}
    result = _apply(FIXTURE, ItemAdd(fields, "M-4"))
    assert result.index("[items.M-4]") > result.index('[items."M-3"]')


def test_unusual_layout_falls_back_to_the_whole_document() -> None:
    text = 'version = 1\n[items]\nM-1 = { title = "inline", stage = "ready" }\n'
    result = _apply(text, ItemEdit("M-1", {"title": "changed"}))
    assert tomllib.loads(result)["items"]["M-1"]["title"] == "changed"


def test_text_without_final_newline() -> None:
    text = 'version = 1\n\n[items.M-1]\ntitle = "a"'
    result = _apply(text, ItemAdd({"title": "b"}, "M-2"), ItemEdit("M-1", {"owner": "x"}))
    assert tomllib.loads(result)["items"]["M-2"] == {"title": "b"}


# Any text a user can type, minus what the store strips (control characters).
TYPED = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
    max_size=60,
) | st.sampled_from(['"""', "'''", "\\", "[items.M-2]", "# not a comment", '"\\"', "a\nb"])


@settings(max_examples=150, deadline=None)
@given(title=TYPED, description=st.lists(TYPED, max_size=4).map("\n".join), owner=TYPED)
def test_any_typed_text_round_trips(title: str, description: str, owner: str) -> None:
    fields: dict[str, Any] = {"title": title, "stage": "ready", "description": description}
    text = _apply(FIXTURE, ItemAdd(fields, "M-4"))
    text = _apply(text, ItemEdit("M-4", {"owner": owner, "description": description + "x"}))
    text = _apply(text, ItemEdit("M-2", {"benefit": description}))
    item = tomllib.loads(text)["items"]["M-4"]
    assert (item["title"], item["owner"], item["description"]) == (
        title,
        owner,
        description + "x",
    )


def test_edit_on_crlf_text_keeps_parsing() -> None:
    text = FIXTURE.replace("\n", "\r\n")
    result = _apply(text, ItemEdit("M-2", {"owner": "bob"}))
    assert "Fraud scoring" in result


@pytest.mark.parametrize("count", [2, 50])
def test_many_items_splice_matches_whole_parse(count: int) -> None:
    text = "version = 1\n"
    for n in range(1, count + 1):
        text += f'\n[items.M-{n}]\ntitle = "item {n}"\nstage = "ready"\n'
    last = ItemEdit(f"M-{count}", {"title": "last"})
    result = _apply(text, last, ItemDelete("M-1", {"id": "M-1"}))
    assert tomllib.loads(result)["items"][f"M-{count}"]["title"] == "last"
    assert "[items.M-1]" not in result


def test_deleting_the_only_item() -> None:
    text = 'version = 1\n\n[items.M-1]\ntitle = "a"\n'
    result = _apply(text, ItemDelete("M-1", {"id": "M-1"}))
    assert "items" not in tomllib.loads(result)


def test_a_change_that_cannot_be_written_safely_is_a_save_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from modelboard.core import splice
    from modelboard.core.errors import SaveError

    def broken(*args: object) -> str:
        raise RuntimeError("tomlkit surprise")

    monkeypatch.setattr(splice, "_edited_block", broken)
    monkeypatch.setattr(splice, "_apply_edit", broken)
    with pytest.raises(SaveError, match="the file is unchanged"):
        spliced(FIXTURE, tomllib.loads(FIXTURE), Change((ItemEdit("M-2", {"owner": "x"}),), "t"))
