"""`modelboard serve`: a real server process, a real browser's requests (a page, then the
websocket textual-serve's JavaScript opens), and the board painted and driven through them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from modelboard.cli import main
from modelboard.serve import HOST, runs_in_browser

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(store_file: Path) -> Iterator[tuple[str, int, Path]]:
    """`modelboard serve` on a store with one item; yields the printed URL, the port, the
    store. The server is stopped (as ctrl+c does) and must end by itself."""
    add = main(["--file", str(store_file), "add", "Churn model", "--owner", "anna"])
    assert add == 0
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "modelboard",
            "--file",
            str(store_file),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith(f"http://{HOST}:{port}/?token="), server.communicate(timeout=10)
        yield url, port, store_file
    finally:
        server.send_signal(signal.SIGINT)  # ctrl+c
        try:
            assert server.wait(timeout=20) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
        for stream in (server.stdout, server.stderr):
            if stream is not None:
                stream.close()


async def test_the_served_board_paints_and_saves(served: tuple[str, int, Path]) -> None:
    url, port, store = served
    jar = aiohttp.CookieJar(unsafe=True)  # the server is an IP address, not a domain
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with await _get(http, f"http://{HOST}:{port}/") as refused:
            assert refused.status == 403  # no token: another user of the machine
        async with http.get(url) as page:
            assert page.status == 200
            assert f"ws://{HOST}:{port}/ws" in await page.text()
        async with http.ws_connect(f"ws://{HOST}:{port}/ws?width=120&height=30") as ws:
            screen = await _until(ws, "Churn model")
            assert "Model backlog" in screen and "M-1" in screen
            await ws.send_str(json.dumps(["stdin", "L"]))  # the card to the next stage
            deadline = time.monotonic() + 30
            while 'stage = "ready"' not in store.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline, "the key sent through the browser did nothing"
                await asyncio.sleep(0.2)


async def test_a_websocket_without_the_token_is_refused(served: tuple[str, int, Path]) -> None:
    _, port, _ = served
    async with aiohttp.ClientSession() as http:
        (await _get(http, f"http://{HOST}:{port}/")).release()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://{HOST}:{port}/ws")
        assert refused.value.status == 403


async def _get(http: aiohttp.ClientSession, url: str) -> aiohttp.ClientResponse:
    """The first answer: the URL is printed as the server starts, a moment before it listens."""
    for _ in range(50):
        try:
            return await http.get(url)
        except aiohttp.ClientConnectorError:
            await asyncio.sleep(0.1)
    return await http.get(url)


async def _until(ws: aiohttp.ClientWebSocketResponse, text: str, timeout: float = 60) -> str:
    """What the board painted, as plain text, once `text` is on the screen."""
    painted = ""
    async with asyncio.timeout(timeout):
        while True:
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                painted += message.data.decode("utf-8", "replace")
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise AssertionError(f"the board closed the connection: {painted[-500:]!r}")
            plain = _ESCAPES.sub("", painted)
            if text in plain:
                return plain


def test_the_board_process_knows_it_is_served() -> None:
    assert runs_in_browser({"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"})
    assert not runs_in_browser({})


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_bad_port_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", port]) == 2
    assert "a port is a number from 1 to 65535" in capsys.readouterr().err


def test_a_port_in_use_is_said_before_any_url(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--file", str(store_file), "serve", "--port", str(port)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"cannot serve on {HOST}:{port}" in err


def test_without_the_web_extra_it_says_how_to_get_it(
    store_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if not installed
    assert main(["--file", str(store_file), "serve"]) == 1
    assert "pip install 'modelboard[web]'" in capsys.readouterr().err
