"""The item editor: the whole template of one item, filled in with the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static, TextArea

from modelboard.core.gates import Gap, gaps_for
from modelboard.core.model import Board, Item
from modelboard.core.scoring import priority
from modelboard.core.text import field_label, for_terminal
from modelboard.render import plain
from modelboard.screens.gate import GateAnswer, GateScreen
from modelboard.widgets.score_field import ScoreField

HINTS = {
    "description": "What the model is: what it predicts or decides, from which data, how.",
    "benefit": "The expected benefit, in the business's own terms.",
    "resources": "What it needs: data, compute, people, time.",
}


@dataclass(frozen=True)
class EditorResult:
    """What the person changed, and the item as it was when the editor opened (None: new)."""

    values: dict[str, Any]
    base: Item | None
    force: bool = False
    """The person chose to enter a stage whose gate the item does not meet."""


class EditorScreen(Screen[EditorResult | None]):
    """Edit one item (or a new one in `stage`); dismisses with the changes, or None."""

    AUTO_FOCUS = "#title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
        # priority: Input and TextArea bind ctrl+e to "end of line" themselves
        Binding("ctrl+e", "external", "$EDITOR", id="external-editor", priority=True),
        # priority: focus moves before the next key is handed on, however fast keys arrive
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        board: Board,
        item: Item | None,
        stage: str,
        edit_externally: Callable[[str], str | None],
        draft: tuple[str, dict[str, Any]] | None = None,
        focus: Gap | None = None,
        move_to: str | None = None,
    ) -> None:
        super().__init__()
        self.focus_on = focus
        """The field to start in (what a stage's gate found missing)."""
        self.move_to = move_to
        """A stage the item is on its way to: set in the form, so saving moves it."""
        self.board = board
        self.item = item
        self.stage = stage
        self.edit_externally = edit_externally
        self.text_fields = board.template_fields
        self.initial: dict[str, Any] = {}
        self.draft = draft
        """What was typed here when the terminal last went away: restored on opening."""

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        item, board = self.item, self.board
        heading = f"Edit {item.id}" if item else f"New item in {self.stage}"
        yield Static(Content(heading), id="editor-title")
        with VerticalScroll(id="editor-body", can_focus=False):
            yield Static("Title", classes="label first")
            yield Input(
                plain(item.title) if item else "",
                id="title",
                placeholder="a short name",
                select_on_focus=False,  # the first key must not replace the title
            )
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Static("Stage", classes="label")
                    yield self._select("stage", board.stages, item.stage if item else self.stage)
                with Vertical():
                    yield Static("Kind", classes="label")
                    kind = item.kind if item and item.kind else board.kinds[0]
                    yield self._select("kind", board.kinds, kind)
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Static("Owner", classes="label")
                    owner = plain(item.owner) if item else ""
                    yield Input(owner, id="owner", placeholder="who owns it")
                with Vertical():
                    yield Static("Tags", classes="label")
                    tags = plain(", ".join(item.tags)) if item else ""
                    yield Input(tags, id="tags", placeholder="separated by commas")
            if board.goals:
                names = ", ".join(f"{g.id} {g.title}" for g in board.goals if g.retired is None)
                yield Static("Goals it serves", classes="label")
                goals = ", ".join(item.goals) if item else ""
                yield Input(goals, id="goals", placeholder="goal ids, separated by commas")
                yield Static(Content(for_terminal(names)), classes="hint")
            yield Static(id="priority", classes="label")
            for criterion in board.criteria:
                yield ScoreField(criterion, item.scores.get(criterion.key) if item else None)
            yield Static("digits 1-5 set a score, 0 clears it", classes="hint")
            for name in self.text_fields:
                yield Static(id=f"label-{name}", classes="label")
                yield Static(HINTS.get(name, "Required by the template."), classes="hint")
                yield TextArea(
                    for_terminal(item.text(name)) if item else "",
                    id=f"text-{name}",
                    classes="text-field",
                    soft_wrap=True,
                    tab_behavior="focus",
                )
            if item and item.history:
                yield Static("History (newest first)", classes="label")
                lines = [
                    f"{e.at:%Y-%m-%d %H:%M}  {e.by}  {e.change}" for e in reversed(item.history)
                ]
                yield Static(Content(for_terminal("\n".join(lines))), id="history")
        yield Footer(show_command_palette=False)  # ctrl+p still works; `?` says so

    def _select(self, name: str, options: tuple[str, ...], value: str) -> Select[str]:
        choices = [(plain(option), option) for option in options]
        if value and value not in options:
            choices.append((plain(value), value))
        return Select(choices, value=value, allow_blank=False, id=name, prompt=name)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False  # an idle screen sends nothing over SSH
            field.cursor_position = len(field.value)
        for area in self.query(TextArea):
            area.cursor_blink = False
            area.move_cursor(area.document.end)
        self.initial = self.values()
        if self.draft is not None:
            self._restore(*self.draft)
        if self.move_to is not None:
            self.query_one("#stage", Select).value = self.move_to
        if self.focus_on is not None:  # once laid out, so that scrolling to it works
            self.call_after_refresh(self._focus_gap, self.focus_on)
        self._show_status()

    def _focus_gap(self, gap: Gap) -> None:
        """Put the cursor in the field a gate found missing."""
        selector = {
            "scores": f"#score-{gap.criterion}",
            **{name: f"#{name}" for name in ("title", "stage", "kind", "owner", "tags", "goals")},
        }.get(gap.field, f"#text-{gap.field}")
        found = self.query(selector)
        if found:
            found.first().focus()
            self.query_one("#editor-body", VerticalScroll).scroll_to_widget(
                found.first(), animate=False, top=True
            )

    def _restore(self, saved: str, values: dict[str, Any]) -> None:
        """Put a kept draft into the form; it counts as changed, so escape asks first."""
        for name, selector in (("title", "#title"), ("owner", "#owner")):
            if isinstance(values.get(name), str):
                self.query_one(selector, Input).value = values[name]
        for name in ("tags", "goals"):
            if isinstance(values.get(name), list) and self.query(f"#{name}"):
                self.query_one(f"#{name}", Input).value = ", ".join(map(str, values[name]))
        for name in self.text_fields:
            if isinstance(values.get(name), str):
                self.query_one(f"#text-{name}", TextArea).text = values[name]
        scores = values.get("scores")
        for field in self.query(ScoreField):
            value = scores.get(field.criterion.key) if isinstance(scores, dict) else None
            if value is None or (isinstance(value, int) and 1 <= value <= 5):
                field.value = value
        self.notify(f"Your unsaved text from {saved[:16].replace('T', ' ')} UTC is back.")

    def unsaved(self) -> dict[str, Any] | None:
        """What was typed and not saved, if anything (kept as a draft on a hang-up)."""
        return self.values() if self.initial and self.changed_values() else None

    # ---- reading the form ---------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every field as the form holds it now."""
        values: dict[str, Any] = {
            "title": self.query_one("#title", Input).value,
            "stage": self.query_one("#stage", Select).value,
            "kind": self.query_one("#kind", Select).value,
            "owner": self.query_one("#owner", Input).value.strip(),
            "tags": [
                t.strip() for t in self.query_one("#tags", Input).value.split(",") if t.strip()
            ],
            "scores": {f.criterion.key: f.value for f in self.query(ScoreField)},
        }
        if self.board.goals:
            raw = self.query_one("#goals", Input).value
            values["goals"] = [g.strip() for g in raw.split(",") if g.strip()]
        for name in self.text_fields:
            values[name] = self.query_one(f"#text-{name}", TextArea).text
        return values

    def changed_values(self) -> dict[str, Any]:
        """Only what the person changed since the editor opened (so a teammate's save of
        another field in the meantime is merged, not overwritten)."""
        now = self.values()
        return {name: value for name, value in now.items() if self.initial.get(name) != value}

    def _show_status(self) -> None:
        values = self.values()
        scores = {k: v for k, v in values["scores"].items() if v is not None}
        value = priority(scores, self.board.criteria)
        shown = "-- (score every criterion)" if value is None else f"{value:.0f} of 100"
        self.query_one("#priority", Static).update(Content(f"Scores    priority {shown}"))
        for name in self.text_fields:
            label = self.query_one(f"#label-{name}", Static)
            required = name in self.board.required
            blank = required and not values[name].strip()
            suffix = "  (required, blank)" if blank else "  (required)" if required else ""
            label.update(Content(field_label(name) + suffix))
            label.set_class(blank, "-missing")

    @on(ScoreField.Changed)
    @on(TextArea.Changed)
    def _form_changed(self) -> None:
        if self.initial:
            self._show_status()

    # ---- actions --------------------------------------------------------------------------

    def action_save(self) -> None:
        values = self.values()
        title = self.query_one("#title", Input)
        if not values["title"].strip():
            title.add_class("-invalid")
            title.focus()
            self.notify("An item needs a title.", severity="error")
            return
        if "\n" in values["title"]:
            self.notify("The title must be one line.", severity="error")
            return
        changes = values if self.item is None else self.changed_values()
        if self.item is not None and "scores" in changes:
            changes["scores"] = values["scores"]
        gaps = self._gate_gaps(values, changes)
        if not gaps:
            self.dismiss(EditorResult(changes, self.item))
            return

        def answered(answer: GateAnswer | None) -> None:
            if answer is GateAnswer.FORCE:
                self.dismiss(EditorResult(changes, self.item, force=True))
            elif answer is GateAnswer.FILL_IN:
                self._focus_gap(gaps[0])

        who = self.item.id if self.item else "The new item"
        self.app.push_screen(GateScreen(who, values["stage"], tuple(gaps)), answered)

    def _gate_gaps(self, values: dict[str, Any], changes: dict[str, Any]) -> list[Gap]:
        """What the item would lack for the stage it is put in (only when that changes)."""
        if "stage" not in changes and self.item is not None:
            return []
        data = {**(self.item.data if self.item else {}), **values}
        data["scores"] = {k: v for k, v in values["scores"].items() if v is not None}
        return gaps_for(self.board, values["stage"], data)

    def action_cancel(self) -> None:
        from modelboard.screens.confirm import dismiss_unless_kept

        dismiss_unless_kept(self, bool(self.changed_values()), "Discard your changes to this item?")

    def action_external(self) -> None:
        area = self.focused
        if not isinstance(area, TextArea):
            self.notify("ctrl+e edits a text field: move to one first.", severity="warning")
            return
        edited = self.edit_externally(area.text)
        if edited is not None:
            area.text = edited
            self._show_status()
