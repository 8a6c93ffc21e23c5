"""The manual page is built from the parser (tests/make_manpage.py) and kept up to date."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from modelboard.cli import build_parser
from modelboard.shell import subcommands
from tests.make_manpage import PAGE, manpage_text


def _body(page: str) -> list[str]:
    return [line for line in page.splitlines() if not line.startswith(".TH ")]  # the date


def test_the_shipped_page_is_the_one_the_parser_makes() -> None:
    built = manpage_text(dt.date(2026, 11, 24))
    assert _body(PAGE.read_text(encoding="utf-8")) == _body(built), (
        "the command line changed: run `python tests/make_manpage.py` and commit the page"
    )


def test_the_page_has_every_command_and_option() -> None:
    page = manpage_text(dt.date(2026, 11, 24)).replace("\\-", "-")
    parser = build_parser()
    for name, command in subcommands(parser).items():
        assert f"COMMAND \\fI\\,'modelboard {name}'" in page
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help") and action.help != "==SUPPRESS==":
                    assert option in page, f"{name} {option}"
    for section in ("EXIT STATUS", "ENVIRONMENT", "FILES"):
        assert f".SH {section}" in page


@pytest.mark.skipif(shutil.which("groff") is None, reason="no groff here")
def test_the_page_renders_without_warnings() -> None:
    result = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z", str(PAGE)], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stderr == ""
