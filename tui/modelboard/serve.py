"""`modelboard serve`: the board in a web browser through textual-serve, for the teammate
without a terminal.

textual-serve has no login, so the server listens on 127.0.0.1 only: other machines reach it
through an SSH tunnel. Other users of the same machine can reach 127.0.0.1 too, so every request
must carry a random token (in the printed URL, then in a cookie). Each browser tab runs its own
board process on the same store, so their saves merge as any two people's do.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import socket
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from modelboard.context import Context
from modelboard.core.errors import EXIT_OK, OperationError
from modelboard.core.store import ensure_default_store

if TYPE_CHECKING:
    from aiohttp import web
    from textual_serve.server import Server

HOST = "127.0.0.1"
"""The only address served: never another interface (there is no login)."""

_WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def runs_in_browser(environ: Mapping[str, str] | None = None) -> bool:
    """True in a board process that textual-serve started: it talks to the browser through
    pipes, so stdin and stdout are not terminals and need not be."""
    environ = os.environ if environ is None else environ
    return environ.get("TEXTUAL_DRIVER") == _WEB_DRIVER


def board_command(path: Path) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this store."""
    return shlex.join([sys.executable, "-m", "modelboard", "--file", str(path)])


def cmd_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Serve the board on 127.0.0.1 until ctrl+c; print the URL to open."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise OperationError(
            "serve needs textual-serve: pip install 'modelboard[web]'"
            " (or pipx install 'modelboard[web]')"
        ) from None
    location = ctx.location()
    for note in location.skipped:
        ctx.say(f"ignored {note}")
    if location.is_default and ensure_default_store(location.path):
        ctx.say(f"created a new backlog at {location.path}")
    _check_free(args.port)
    token = secrets.token_urlsafe(24)

    def announce() -> None:
        ctx.out(f"http://{HOST}:{args.port}/?token={token}")
        ctx.say(
            f"serving {location.path} on {HOST} only: open the URL above (ctrl+c stops). From"
            f" another machine: ssh -L {args.port}:{HOST}:{args.port} THIS-HOST, then open it"
        )
        ctx.stdout.flush()

    server = token_server(board_command(location.path), args.port, token, announce)
    try:
        server.serve()
    except OSError as error:
        raise OperationError(f"cannot serve on {HOST}:{args.port}: {error.strerror}") from None
    return EXIT_OK


def _check_free(port: int) -> None:
    """Fail before printing a URL that would not work (aiohttp binds after its start-up)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise OperationError(
                f"cannot serve on {HOST}:{port}: {error.strerror} (another --port?)"
            ) from None


def token_server(command: str, port: int, token: str, announce: Callable[[], None]) -> Server:
    """A textual-serve Server on 127.0.0.1 that answers only requests carrying `token`, in the
    query (the printed URL) or in the cookie the first such answer sets."""
    from aiohttp import web
    from textual_serve.server import Server

    cookie = f"modelboard-{port}"  # cookies ignore ports: two servers must not share one

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.query.get("token") or request.cookies.get(cookie) or ""
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise web.HTTPForbidden(
                text="modelboard: open the URL `modelboard serve` printed, with its token\n"
            )
        response = await handler(request)
        if "token" in request.query and not response.prepared:
            response.set_cookie(cookie, token, httponly=True, samesite="Strict")
        return response

    class TokenServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(check)
            return app

        async def on_startup(self, app: web.Application) -> None:
            announce()  # instead of textual-serve's banner, which names no token

    return TokenServer(command, host=HOST, port=port, title="modelboard")


Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]
