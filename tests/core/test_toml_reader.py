"""The compiled reader and tomllib give equal data: on generated stores, on every fixture and
shipped file, and on the TOML 1.1 forms that must go to tomllib (which refuses them)."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modelboard
from modelboard.core import toml_reader
from modelboard.core.defaults import DEFAULT_STORE
from tests.bench.sample import store_text

ROOT = Path(__file__).resolve().parent.parent.parent
needs_rtoml = pytest.mark.skipif(toml_reader.rtoml is None, reason="no rtoml wheel here")


def exact(value: Any) -> Any:
    """Data compared strictly: types, time-zone offsets and NaN included."""
    if isinstance(value, dict):
        return {key: exact(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [exact(inner) for inner in value]
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    if isinstance(value, dt.datetime | dt.time):
        return (type(value).__name__, value.isoformat(), str(value.utcoffset()))
    return (type(value).__name__, value)


def same_as_tomllib(text: str) -> None:
    try:
        expected = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        with pytest.raises(type(error)):
            toml_reader.loads(text)
        return
    assert exact(toml_reader.loads(text)) == exact(expected)


def files() -> list[Path]:
    shipped = Path(modelboard.__file__).parent
    return sorted([*ROOT.glob("tests/**/*.toml"), *shipped.glob("**/*.toml")])


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_every_fixture_reads_the_same(path: Path) -> None:
    same_as_tomllib(path.read_text(encoding="utf-8"))


def test_the_default_and_sample_stores_read_the_same_and_fast() -> None:
    same_as_tomllib(DEFAULT_STORE)
    text = store_text(30)
    same_as_tomllib(text)
    same_as_tomllib(text.replace("\n", "\r\n"))  # CRLF files: multi-line strings too
    assert not toml_reader.beyond_toml_1_0(text)  # the common file takes the fast path


keys = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8)
scalars = (
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.dates()
    | st.times()
    | st.datetimes(timezones=st.none() | st.timezones())
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
stores = st.dictionaries(keys, values, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stores, st.booleans())
def test_generated_stores_read_the_same(data: dict[str, Any], crlf: bool) -> None:
    text = tomlkit.dumps(data)
    same_as_tomllib(text.replace("\n", "\r\n") if crlf else text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab=[]{}," \n\\#.:01-Tx', max_size=40))
def test_any_text_reads_the_same_or_fails_the_same(text: str) -> None:
    same_as_tomllib(text)


@pytest.mark.parametrize(
    "text",
    [
        'a = "\\x41"',
        'a = "\\e"',
        "a = 1979-05-27T07:32",
        "a = 07:32",
        "a = [07:32]",
        "a = { b = 1, }",
        "a = {\n b = 1 }",
        "a = { b = 1,\n c = 2 }",
        "a = { b = { c = 1 }\n, d = 2 }",
        "a = { b = [1,\n2]\n}",
        "a = { # comment\n b = 1 }",
        "\ufeffa = 1",
        "a = 1e400",  # tomllib: infinity; rtoml refuses
        "a = 99999999999999999999",
        "a = " + "[" * 100_000 + "]" * 100_000,  # refused, never a crash
        "t = 3\r\r\n",  # a carriage return that is not a CRLF: rtoml took it for one
        "t = 'a\rb'\n",
    ],
)
def test_toml_1_1_forms_and_rtoml_refusals_go_to_tomllib(text: str) -> None:
    same_as_tomllib(text)


@needs_rtoml
def test_rtoml_datetimes_copy_and_pickle_as_standard_offsets() -> None:
    import copy
    import pickle

    data = toml_reader.loads("a = 2026-01-02T03:04:05+02:00\nb = 2026-01-02T03:04:05Z")
    for copied in (copy.deepcopy(data), pickle.loads(pickle.dumps(data))):
        assert exact(copied) == exact(data)
        assert isinstance(copied["a"].tzinfo, dt.timezone)


def test_without_rtoml_tomllib_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toml_reader, "rtoml", None)
    assert toml_reader.loads("a = 1") == {"a": 1}
    with pytest.raises(tomllib.TOMLDecodeError, match="line 1"):
        toml_reader.loads("a = \nb = 2")


@needs_rtoml
@pytest.mark.parametrize(
    "tail",
    [
        "",
        '\n[items.M-90]\ndescription = """\n[items.M-91]\ntitle = "fake"\n"""\n',  # fake header
        "\n[items.M-2.extra]\nnote = 1\n",  # a table of an earlier item, in a later chunk
        "\n[items.M-2]\ntitle = 'twice'\n",  # defined twice: an error either way
        "\n[items]\nx = 1\n",  # [items] itself
        "\n[[deleted]]\nid = 'M-99'\n\n[board]\nname = 'again'\n",
        "\n[items.M-95]\nhistory = [\n[items.M-96]\n]\n",
    ],
)
def test_reading_in_chunks_gives_the_same_data(tail: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toml_reader, "CHUNK", 300)  # a chunk every item or two
    text = store_text(12) + tail
    same_as_tomllib(text)
    same_as_tomllib(text.replace("\n", "\r\n"))
