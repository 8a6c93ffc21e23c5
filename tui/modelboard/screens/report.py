"""The digest for stakeholders, as it will be sent, with a key that writes it to a file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from modelboard.core.report import build_report, markdown
from modelboard.core.text import for_terminal
from modelboard.screens.backlog_screen import HELP_KEY, BacklogScreen


def report_path(folder: Path, today: dt.date) -> Path:
    """A new file name for today's report in `folder` (never one that exists)."""
    stem = f"modelboard-report-{today.isoformat()}"
    path = folder / f"{stem}.md"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.md"
        number += 1
    return path


class ReportScreen(BacklogScreen[None]):
    """The report of the last `days` days; `w` writes it next to where you started."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "write", "Write file"),
        Binding("S", "record", "Mark sent", key_display="S"),
        Binding("minus", "period(-7)", "Week less", key_display="-"),
        Binding("plus,equals_sign", "period(7)", "Week more", key_display="+"),
        HELP_KEY,
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
        Binding("escape,q", "close", "Back"),
    ]
    HELP_TITLE = "Report"

    def __init__(self, days: int, folder: Callable[[], Path] = Path.cwd) -> None:
        super().__init__()
        self.days = max(1, days)
        self.folder = folder
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static(id="report-title")
        with VerticalScroll(id="report-body"):
            yield Static(id="report-text")
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def on_mount(self) -> None:
        self.show()

    def redraw(self, item_id: str | None) -> None:
        self.show()

    def show(self) -> None:
        """Build the report for the period and show it."""
        now = self.session.actor().now
        since = now - dt.timedelta(days=self.days)
        store = self.session.store
        report = build_report(store.backlog, store.deleted_records(), since, now)
        self.text = markdown(report)
        self.query_one("#report-title", Static).update(
            Content(f"Report: the last {self.days} days  ·  - and + change the period")
        )
        self.query_one("#report-text", Static).update(Content(for_terminal(self.text)))

    def action_scroll(self, lines: int) -> None:
        self.query_one("#report-body").scroll_relative(y=lines, animate=False)

    def action_period(self, days: int) -> None:
        self.days = max(1, self.days + days)
        self.show()

    def action_record(self) -> None:
        """Record that this update was sent (to the audience of [rhythm]): the next report
        starts here, and the ranking is kept for comparison."""
        from modelboard.core.operations import record_update

        session = self.session
        now = session.actor().now
        since = now - dt.timedelta(days=self.days)
        audience = session.backlog.log.rhythm.audience
        change = record_update(session.backlog, since, audience, session.actor())
        who = ", ".join(audience) or "nobody named in [rhythm] audience"
        self.modelboard.commit(change, then=lambda _: self.notify(f"Recorded as sent to {who}."))

    def action_write(self) -> None:
        path = report_path(self.folder(), self.session.actor().now.date())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.text)
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}", severity="error")
            return
        self.notify(f"Wrote {path}", title="Report saved", timeout=8)

    def action_close(self) -> None:
        self.dismiss(None)
