"""What every command gets: where the store is, the clock, and the output streams.

Data goes to stdout, messages to stderr; errors are raised and mapped to exit codes by `cli`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import TextIO

from modelboard.core.actor import Actor
from modelboard.core.locations import Location, resolve
from modelboard.core.store import Store, ensure_default_store
from modelboard.core.text import for_terminal

Handler = Callable[[argparse.Namespace, "Context"], int]


class Context:
    """What a command needs: where the store is, the clock, and the output streams."""

    def __init__(
        self, file: str | None, now: dt.datetime | None, stdout: TextIO, stderr: TextIO
    ) -> None:
        self.file = file
        self.actor = Actor.current(now)
        self.stdout = stdout
        self.stderr = stderr
        self._opened: list[Store] = []

    @property
    def now(self) -> dt.datetime:
        """The moment this command runs."""
        return self.actor.now

    def location(self) -> Location:
        """Which store file this command uses."""
        return resolve(self.file)

    def store(self) -> Store:
        """Open the store, creating the per-user default on first use."""
        location = self.location()
        for note in location.skipped:
            self.say(f"ignored {note}")
        if location.is_default and ensure_default_store(location.path):
            self.say(f"created a new backlog at {location.path}")
        store = Store.open(location.path, cached=True, build=False)
        self._opened.append(store)
        store.on_wait = lambda holder: self.say(f"saving: waiting for {holder} to finish saving")
        return store

    def finish(self) -> None:
        """Keep the parse of each large store this command read or saved, for the next
        command's open, unless the cache is near enough (see `parse_cache`)."""
        from modelboard.core.parse_cache import KEEP_AGAIN_BEHIND

        for store in self._opened:
            store.remember(only_if_behind=KEEP_AGAIN_BEHIND)

    def json(self, value: object) -> None:
        """Data as JSON on stdout: indented for a person at a terminal, compact for programs."""
        from modelboard.core.export import to_json

        self._write(to_json(value, pretty=self.stdout.isatty()))

    def out(self, text: str) -> None:
        """Data for people (tables, Markdown, CSV) on stdout: no control character of the file
        reaches the terminal, whichever field it came in."""
        self._write(for_terminal(text))

    def _write(self, text: str) -> None:
        self.stdout.write(text if text.endswith("\n") or not text else text + "\n")

    def say(self, message: str) -> None:
        """A message for the person, on stderr."""
        self.stderr.write(f"modelboard: {for_terminal(message)}\n")
