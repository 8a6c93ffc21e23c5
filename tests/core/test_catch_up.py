"""A file changed in a few item tables is read by parsing only those: whatever the changes
(a teammate's saves of any kind, or text mangled by hand), the result is exactly what
parsing and lexing the whole file give, or None (and the whole file is parsed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelboard.core import catch_up, toml_reader
from modelboard.core.catch_up import caught_up
from modelboard.core.errors import StoreUnreadableError
from modelboard.core.store import Store, lone_carriage_return, parse_store, text_of
from modelboard.core.toml_layout import UnusualLayout, layout, lex
from tests.bench.sample import store_text
from tests.core.test_lexing_kept import FIXTURE, apply, start_file, steps


def _agrees(old_raw: bytes, new_raw: bytes) -> bool:
    """caught_up's answer for new_raw, from old_raw's parse and lexing, is the whole file's;
    True when it gave one (False: it left the file to the whole parse)."""
    if lone_carriage_return(new_raw):
        return False  # never caught up with (see the store)
    old_text, new_text = text_of(old_raw)[0], text_of(new_raw)[0]
    result = caught_up(old_text, parse_store(old_raw, Path("old")), lex(old_text), new_text)
    if result is None:
        return False
    data, lexed = result.data, result.lexed
    assert result.where == layout(new_text, frozenset(data["items"]), lexed)
    assert data == parse_store(new_raw, Path("new"))
    assert list(data["items"]) == list(parse_store(new_raw, Path("new"))["items"])
    assert lexed == lex(new_text)
    return True


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(["fixture", "sample", "crlf"]), steps, steps)
def test_a_teammates_saves_are_read_exactly(
    tmp_path: Path, start: str, before: list[tuple[str, int]], theirs: list[tuple[str, int]]
) -> None:
    path = start_file(tmp_path, start)
    store = Store.open(path)
    for what, n in before:
        apply(store, what, n)
    old_raw = path.read_bytes()
    for what, n in theirs:
        apply(store, what, n)
    _agrees(old_raw, path.read_bytes())


def test_edits_adds_and_deletes_of_items_are_caught_up(tmp_path: Path) -> None:
    """The saves of a review meeting are taken this way (the property test above checks
    that whatever is taken is right; this one, that it is taken at all). A delete also
    appends to `[[deleted]]`: that file is parsed whole."""
    for what in ("move", "edit", "tricky", "add"):
        path = start_file(tmp_path, "sample")
        store = Store.open(path)
        old_raw = path.read_bytes()
        apply(store, what, 3)
        apply(store, "edit", 7)
        assert _agrees(old_raw, path.read_bytes()), what


def test_saves_far_apart_are_caught_up_a_block_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A waiter several saves behind sees an edit near the top, a move in the middle, an
    add at the end and another edit: each is parsed as its own block, not everything
    between them. (A delete also appends to `[[deleted]]`: that file is parsed whole.)"""
    path = tmp_path / "b.toml"
    path.write_text(store_text(60))
    store = Store.open(path)
    old_raw = path.read_bytes()
    for what, n in (("edit", 1), ("move", 30), ("add", 0), ("edit", 58)):
        apply(store, what, n)
    parsed: list[int] = []
    original = toml_reader.loads

    def counting(text: str) -> dict[str, Any]:
        parsed.append(len(text))
        return original(text)

    old_text, new_text = text_of(old_raw)[0], text_of(path.read_bytes())[0]
    old_data, old_lexed = parse_store(old_raw, Path("old")), lex(old_text)
    monkeypatch.setattr(toml_reader, "loads", counting)
    result = caught_up(old_text, old_data, old_lexed, new_text)
    monkeypatch.undo()
    assert result is not None
    assert result.data == parse_store(path.read_bytes(), Path("new"))
    assert result.lexed == lex(new_text)
    assert result.behind == 4
    assert len(parsed) == 4
    assert sum(parsed) < len(new_text) / 10


def test_a_difference_the_old_text_is_not_found_after_is_read_as_one_piece() -> None:
    """When the text after a difference is nowhere in the new text (here every title
    changed, and a title follows each header), one piece from the first difference to the
    last is read."""
    old_text = store_text(5)
    new_text = old_text.replace('title = "', 'title = "x')
    spans = sorted(
        layout(
            old_text, frozenset(parse_store(old_text.encode(), Path("o"))["items"])
        ).spans.values()
    )
    edits = catch_up._differences(old_text, new_text, spans)
    assert edits is None or len(edits) == 1
    assert _agrees(old_text.encode(), new_text.encode())


SETTING_WITH_LINES = '''[board]
motto = """Models
# not a comment

[items.M-9]
title = "not an item"
"""

'''
BASES = [store_text(6), FIXTURE.read_text(), store_text(3).replace("[board]\n", SETTING_WITH_LINES)]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(BASES),
    st.integers(0, 10_000),
    st.integers(0, 40),
    st.text(max_size=40) | st.sampled_from(["\n", "\n\n", "# c\n", "[items.M-1]\n", '"""']),
)
def test_text_mangled_anywhere_is_read_exactly_or_left_to_the_whole_parse(
    base: str, at: int, cut: int, inserted: str
) -> None:
    old_raw = base.encode()
    old_text = old_raw.decode()
    at %= len(old_text)
    new_text = old_text[:at] + inserted + old_text[at + cut :]
    try:
        parse_store(new_text.encode(), Path("new"))
        lex(new_text)
    except (StoreUnreadableError, UnusualLayout, UnicodeEncodeError):
        old = parse_store(old_raw, Path("old"))
        try:
            assert caught_up(old_text, old, lex(old_text), new_text) is None
        except UnicodeEncodeError:
            pass
        return
    _agrees(old_raw, new_text.encode())


def test_an_edit_inside_a_settings_multi_line_string_is_left_to_the_whole_parse() -> None:
    """Outside item blocks a blank line or a comment line may be inside a string: only where
    the lexer saw a line at the top level does such text count for nothing."""
    old_text = BASES[2]
    inside = old_text.index("# not a comment")
    for inserted in ("\n", "\n\n", "# c\n", "[items.M-1]\n"):
        new_text = old_text[:inside] + inserted + old_text[inside:]
        assert not _agrees(old_text.encode(), new_text.encode())


def test_a_setting_taken_away_with_an_item_changed_is_left_to_the_whole_parse() -> None:
    """A difference from a comment line of the settings into the first item: the setting's
    key taken away there must not be lost by parsing the new item alone."""
    old_text = '[board]\nname = "B"\n# keep\nreview_days = 9\n\n[items.M-1]\ntitle = "a"\n'
    new_text = '[board]\nname = "B"\n\n[items.M-1]\ntitle = "b"\n'
    assert not _agrees(old_text.encode(), new_text.encode())


HAND_WRITTEN = [
    'version = 1\n# top\n[meta]\nx = 1\n\n[items.M-1]\ntitle = "a"\n# c1\n[items.M-1.scores]\n'
    'v = 1\n\n# lead\n[items.M-2]\nowner = "b"\nd = """\n[items.M-9]\n"""\n[[items.M-2.notes]]\n'
    'n = 1\n\n[items.M-3]\ntitle = "é"\n[tail]\ny = 2\n',
    'version = 1\r\n\r\n[items.M-1]\r\ntitle = "a"\r\n\r\n[items.M-2]\r\nowner = "b"\r\n',
    'version = 1\n[items.M-1]\ntitle = "a"\n[items.M-2]\nt = [\n 1,\n 2,\n]\n'
    "[items.M-3]\nx = {a = 1}\n",
]
SNIPPETS = [
    *("\n", "[items.M-4]\n", "[items.M-1]\n", "[items.M-2.scores]\n", "z = 1\n", "# c\n"),
    *("items.M-5.t = 1\n", '"""', "'''", "[[items.M-3.n]]\n", "[x]\n", "[items]\n", "a.b = 2\n"),
    *(" ", "\r", "#", "=", '"', "[", "]", 'title = "q"', '[items.M-6]\ntitle = "n"\n', "\\"),
    *('k = """\n[items.M-7]\n"""\n', "items = 1\n", ""),
]


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(HAND_WRITTEN),
    st.lists(
        st.tuples(
            st.integers(0, 400), st.sampled_from([0, 0, 1, 2, 5, 15, 40]), st.sampled_from(SNIPPETS)
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_hand_edits_of_unusual_files_are_read_exactly_or_left_to_the_whole_parse(
    base: str, splices: list[tuple[int, int, str]]
) -> None:
    """Found by an adversarial test: a header commented out, a line joined to the next
    header, a key put above a header, every item deleted, an indented header."""
    new_text = base
    for at, cut, snippet in splices:
        at %= len(new_text) + 1
        new_text = new_text[:at] + snippet + new_text[at + cut :]
    if lone_carriage_return(new_text.encode()):
        return  # never caught up with (see the store)
    old = parse_store(base.encode(), Path("old"))
    found = caught_up(
        text_of(base.encode())[0],
        old,
        lex(text_of(base.encode())[0]),
        text_of(new_text.encode())[0],
    )
    if found is None:
        return
    assert found[0] == parse_store(new_text.encode(), Path("new"))
    assert list(found[0]["items"]) == list(parse_store(new_text.encode(), Path("new"))["items"])
    assert found.lexed == lex(text_of(new_text.encode())[0])
    assert found.where == layout(text_of(new_text.encode())[0], frozenset(found.data["items"]))


@pytest.mark.parametrize(
    "new_text",
    [
        'version = 1\n\n[items.M-1]\ntitle = "a"\n\n# [items.M-2]\nowner = "b"\n',
        'version = 1\n\n[items.M-1]\ntitle = "a"[items.M-2]\nowner = "b"\n',
        'version = 1\n\n[items.M-1]\ntitle = "a"\n# c[items.M-2]\nowner = "b"\n',
        'version = 1\n\n[items.M-1]\ntitle = "a"\nitems.M-9.t = "x"\n[items.M-9.sub]\n\n'
        '[items.M-2]\nowner = "b"\n',
        "version = 1\n\n",
        'version = 1\n\n[items.M-1]\ntitle = "a"\n\n  [items.M-2]\nowner = "b"\n',
    ],
)
def test_the_adversarial_cases(new_text: str) -> None:
    old_text = 'version = 1\n\n[items.M-1]\ntitle = "a"\n\n[items.M-2]\nowner = "b"\n'
    found = caught_up(old_text, parse_store(old_text.encode(), Path("o")), lex(old_text), new_text)
    if found is not None:  # only when exactly right
        assert found[0] == parse_store(new_text.encode(), Path("n"))
        assert found[1] == lex(new_text)


@pytest.mark.parametrize(
    ("old_text", "new_text"),
    [
        # a comment line inside the array of a table between two items
        (
            "version = 1\n\n[items.A]\nt = 1\n\n[board]\nx = [\n  # c\n  1,\n]\n\n"
            "[items.B]\nt = 2\n",
            "version = 1\n\n[items.A]\nt = 1\n\n[board]\nx = [\n  # d\n[items.B]\nt = 2\n",
        ),
        # a comment line of that table, its key after it taken away
        (
            'version = 1\n\n[items.A]\nt = 1\n\n[board]\nname = "x"\n# c\nreview_days = 3\n\n'
            "[items.B]\nt = 2\n",
            'version = 1\n\n[items.A]\nt = 1\n\n[board]\nname = "x"\n[items.B]\nt = 3\n',
        ),
        # an item added to a file whose last line has no line break
        (
            "version = 1\n\n[items.A]\nt = 1\n\n[items.B]\nt = 2",
            "version = 1\n\n[items.A]\nt = 1\n\n[items.B]\nt = 2[items.C]\nt = 3\n",
        ),
        # a carriage return that is not a CRLF, in a file tomllib reads whole
        (
            "version = 1\n\n[items.A]\np = 'C:\\xyz'\n\n[items.B]\nt = 2\n",
            "version = 1\n\n[items.A]\np = 'C:\\xyz'\n\n[items.B]\nt = 3\r\r\n",
        ),
        # the first item deleted, so that a table comes before the items now
        (
            "version = 1\n[meta]\nx = 1\n\n[items.A]\nt = 1\n# about tail\n[tail]\ny = 2\n\n"
            "[items.B]\nt = 2\n",
            "version = 1\n[meta]\nx = 1\n\n# about tail\n[tail]\ny = 2\n\n[items.B]\nt = 2\n",
        ),
    ],
)
def test_the_second_adversarial_cases(old_text: str, new_text: str) -> None:
    """Found by an adversarial test of reading several differences: each answer is the
    whole parse's, in the same order, or None."""
    found = caught_up(old_text, parse_store(old_text.encode(), Path("o")), lex(old_text), new_text)
    if found is None:
        return
    whole = parse_store(new_text.encode(), Path("n"))
    assert found.data == whole and list(found.data) == list(whole)
    assert list(found.data["items"]) == list(whole["items"])
    assert found.lexed == lex(new_text)
