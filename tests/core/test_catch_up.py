"""A file changed in a few item tables is read by parsing only those: whatever the changes
(a teammate's saves of any kind, or text mangled by hand), the result is exactly what
parsing and lexing the whole file give, or None (and the whole file is parsed)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelboard.core.catch_up import caught_up
from modelboard.core.errors import StoreUnreadableError
from modelboard.core.store import Store, parse_store, text_of
from modelboard.core.toml_layout import UnusualLayout, lex
from tests.bench.sample import store_text
from tests.core.test_lexing_kept import FIXTURE, apply, start_file, steps


def _agrees(old_raw: bytes, new_raw: bytes) -> bool:
    """caught_up's answer for new_raw, from old_raw's parse and lexing, is the whole file's;
    True when it gave one (False: it left the file to the whole parse)."""
    old_text, new_text = text_of(old_raw)[0], text_of(new_raw)[0]
    result = caught_up(old_text, parse_store(old_raw, Path("old")), lex(old_text), new_text)
    if result is None:
        return False
    data, lexed = result
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
