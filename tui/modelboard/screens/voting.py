"""The prioritisation session on screen: everyone sees the item the facilitator is on, votes
in private, and sees the spread once the facilitator reveals it; the facilitator agrees the
scores, which are saved with who voted what. Each participant runs this screen in their own
terminal; the screens meet in the session file beside the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from modelboard.core import voting
from modelboard.core.errors import ModelboardError
from modelboard.core.model import Item
from modelboard.core.scoring import priority
from modelboard.core.text import field_label, plural
from modelboard.core.voting import VotingSession
from modelboard.core.voting_file import (
    begin_ending,
    change_session,
    finish_ending,
    needs_record,
    read_session,
    signature,
)
from modelboard.render import plain
from modelboard.screens.backlog_screen import HELP_KEY, BacklogScreen
from modelboard.widgets.score_field import ScoreField

POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 10.0


class VotingScreen(BacklogScreen[None]):
    """One participant's view of the running session (the facilitator's has more keys)."""

    HELP_TITLE = "Prioritisation session"
    HELP_NOTES = (
        "Votes stay hidden until the facilitator reveals them; a spread of 2 or more is a "
        "disagreement to talk about. The facilitator's keys: v a n p o E."
    )
    AUTO_FOCUS = "ScoreField"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "vote", "Vote", id="vote",
                tooltip="Cast your vote (hidden until revealed)"),
        Binding("v", "reveal", "Reveal", id="reveal",
                tooltip="Show everyone's votes (facilitator)"),
        Binding("a", "agree", "Agree", id="agree",
                tooltip="Save these scores for the item (facilitator)"),
        Binding("n", "step(1)", "Next", id="next", tooltip="The next item (facilitator)"),
        Binding("p", "step(-1)", "Back", id="back", show=False,
                tooltip="The item before (facilitator)"),
        Binding("o", "vote_for", "For someone", id="vote-for", show=False,
                tooltip="Enter the votes of someone in the room (facilitator)"),
        Binding("E", "end", "End", id="end", show=False,
                tooltip="End the session and record it (facilitator)"),
        Binding("up", "app.focus_previous", "Previous criterion", show=False, priority=True),
        Binding("down", "app.focus_next", "Next criterion", show=False, priority=True),
        Binding("pageup", "scroll(-1)", "Page up", show=False),
        Binding("pagedown", "scroll(1)", "Page down", show=False),
        HELP_KEY,
        Binding("q,escape", "leave", "Leave", id="leave",
                tooltip="Leave the screen; the session goes on"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.voting: VotingSession | None = None
        self._signature: object = None
        self._shown: tuple[str | None, bool] = (None, False)

    @property
    def me(self) -> str:
        """Who this screen votes as: the OS user (not a name anyone could set)."""
        return self.modelboard.voter

    LEADER_ACTIONS = frozenset({"reveal", "agree", "step", "vote_for", "end"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A participant's footer shows their own keys only (the facilitator's are theirs)."""
        if action in self.LEADER_ACTIONS and self.voting is not None and not self.leads:
            return False
        return True

    @property
    def leads(self) -> bool:
        """True on the facilitator's screen."""
        return self.voting is not None and self.voting.facilitator == self.me

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="vote-title", markup=False)
        yield Static(id="vote-head", markup=False)
        with VerticalScroll(id="vote-body", can_focus=False):
            yield Static(id="vote-label", classes="label", markup=False)
            for criterion in self.session.backlog.board.criteria:
                yield ScoreField(criterion, None)
            yield Static(id="vote-status", markup=False)
            yield Static(id="vote-tally", markup=False)
            yield Static(id="vote-doc", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._write(lambda s: voting.join(s, self.me, self._now()))
        self.set_interval(POLL_SECONDS, self.poll)
        self.set_interval(HEARTBEAT_SECONDS, self.heartbeat)

    def _now(self) -> dt.datetime:
        return self.session.actor().now

    # ---- the shared file -------------------------------------------------------------------

    def _write(self, act: Callable[[VotingSession], object]) -> bool:
        """Change the session under the store's lock; say why when it cannot be done."""

        def changed(current: VotingSession | None) -> VotingSession:
            if current is None:
                raise voting.SessionError("the session has ended")
            act(current)
            return current

        try:
            self.voting = change_session(self.session.store.target, changed, self._now())
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            self.poll()
            return False
        self._signature = signature(self.session.store.target)
        self.refresh_bindings()
        self.show()
        return True

    def heartbeat(self) -> None:
        """Say that this screen is still here (who is present is shown to everyone)."""
        if self.voting is not None:
            self._write(lambda s: voting.join(s, self.me, self._now()))

    def poll(self) -> None:
        """A participant's vote, the facilitator's next item or reveal: seen within a second."""
        target = self.session.store.target
        now = signature(target)
        if now == self._signature and self.voting is not None:
            return
        self._signature = now
        try:
            self.voting = read_session(target)
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return
        if self.voting is None:
            self.notify("The prioritisation session has ended.")
            self.dismiss(None)
            return
        self.show()

    def redraw(self, item_id: str | None) -> None:
        """The backlog changed (an agreed score saved, a teammate's edit)."""
        self.show()

    # ---- drawing ----------------------------------------------------------------------------

    def item(self) -> Item | None:
        """The item everyone is on."""
        current = self.voting.current if self.voting else None
        return self.session.backlog.item(current) if current else None

    def show(self) -> None:
        session = self.voting
        if session is None:
            return
        item_id = session.current
        number = min(session.position + 1, len(session.items))
        role = "you lead" if self.leads else f"{session.facilitator} leads"
        present = session.present(self._now())
        title = (
            f"Session  ·  {role}  ·  {number} of {len(session.items)}  ·  "
            f"{len(session.agreed)} agreed  ·  {len(present)} present"
        )
        self._text("#vote-title", title)
        item = self.item()
        if item_id is None:
            self._text("#vote-head", "Every item has been through the session.")
            self._text(
                "#vote-label", "E ends it and records it (the facilitator)." if self.leads else ""
            )
            self._text("#vote-status", "")
            self._text("#vote-tally", "")
            self._text("#vote-doc", "")
            return
        if item is None:
            self._text("#vote-head", f"{item_id} is no longer in the backlog")
            ahead = (
                "n goes on to the next item." if self.leads else f"{session.facilitator} goes on."
            )
            self._text("#vote-label", ahead)
            for selector in ("#vote-status", "#vote-tally", "#vote-doc"):
                self._text(selector, "")
            return
        revealed = item_id in session.revealed
        if self._shown != (item_id, revealed):
            self._shown = (item_id, revealed)
            self._fill_fields(session, item_id, revealed)
            body = self.query_one("#vote-body", VerticalScroll)
            self.call_after_refresh(body.scroll_home, animate=False)  # its label first
        value = priority(item.scores, self.session.backlog.board.criteria)
        shown = "--" if value is None else f"{value:.0f}"
        self._text("#vote-head", f"{item.id}  {plain(item.title)}  ·  {plain(item.stage)}  ·  "
                   f"priority now {shown}")  # fmt: skip
        if item_id in session.agreed:
            label = "Agreed: " + ", ".join(f"{k} {v}" for k, v in session.agreed[item_id].items())
        elif revealed and self.leads:
            label = "Agreed scores (the medians; change them, then a saves)"
        elif revealed:
            label = f"Revealed: {session.facilitator} agrees the scores"
        else:
            label = f"Your vote (hidden until {session.facilitator} reveals; enter casts it)"
        self._text("#vote-label", label)
        voted = session.voters(item_id)
        waiting = session.waiting_for(item_id, self._now())
        status = f"voted: {', '.join(voted) or 'nobody yet'}"
        if waiting and not revealed:
            status += f"  ·  waiting for: {', '.join(waiting)}"
        self._text("#vote-status", status)
        self._text("#vote-tally", self._tally_text(session, item_id) if revealed else "")
        self._text("#vote-doc", self._doc(item))

    def _fill_fields(self, session: VotingSession, item_id: str, revealed: bool) -> None:
        """Each new item starts from your own vote (or blank); on reveal, the facilitator's
        fields take the medians, ready to agree."""
        mine = session.votes.get(item_id, {}).get(self.me)
        medians = {t.criterion: t.agreed_default for t in voting.tally(session, item_id)}
        for field in self.query(ScoreField):
            key = field.criterion.key
            if revealed:
                field.value = medians.get(key)
            else:
                field.value = mine.scores.get(key) if mine else None
            field.disabled = revealed and not self.leads

    def _tally_text(self, session: VotingSession, item_id: str) -> str:
        lines = ["Votes:"]
        labels = {c.key: c.label for c in self.session.backlog.board.criteria}
        for t in voting.tally(session, item_id):
            if not t.votes:
                lines.append(f"  {plain(labels.get(t.criterion, t.criterion))[:18]:<18} no votes")
                continue
            people = "  ".join(f"{plain(name)} {score}" for name, score in t.votes.items())
            flag = "  DISAGREE: talk first" if t.disagreement else ""
            lines.append(
                f"  {plain(labels.get(t.criterion, t.criterion))[:18]:<18} median {t.median:g}"
                f"  spread {t.spread}{flag}\n    {people}"
            )
        return "\n".join(lines)

    def _doc(self, item: Item) -> str:
        board = self.session.backlog.board
        lines = []
        for name in board.template_fields:
            text = plain(item.text(name)).strip()
            lines += [f"{field_label(name)}:", f"  {text or '(blank)'}"]
        scores = ", ".join(f"{k} {v}" for k, v in item.scores.items()) or "none yet"
        lines += [f"Scores now: {scores}"]
        recent = [f"  {e.at:%Y-%m-%d}  {plain(e.by)}  {plain(e.change)}" for e in item.history[-4:]]
        if recent:
            lines += ["History:", *reversed(recent)]
        return "\n".join(lines)

    def _text(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(Content(text))

    # ---- keys -------------------------------------------------------------------------------

    def _scores(self) -> dict[str, int | None]:
        return {f.criterion.key: f.value for f in self.query(ScoreField)}

    def _leader_only(self) -> bool:
        if not self.leads:
            who = self.voting.facilitator if self.voting else "the facilitator"
            self.notify(f"Only {who}, who leads the session, can do that.")
        return self.leads

    def action_vote(self) -> None:
        item_id = self.voting.current if self.voting else None
        if item_id is None or self.item() is None:
            self.notify("There is no item to vote on here.")
            return
        scores = self._scores()
        if self._write(lambda s: voting.cast(s, item_id, self.me, scores, self.me, self._now())):
            self.notify(f"Your vote on {item_id} is in (hidden until revealed).")

    def action_vote_for(self) -> None:
        """One screen in a room: the facilitator types in a named person's votes."""
        if not self._leader_only() or self.voting is None or self.voting.current is None:
            return
        item_id, scores = self.voting.current, self._scores()
        names = self.session.backlog.log.rhythm.audience

        def named(name: str | None) -> None:
            name = (name or "").strip()
            if name:
                self._write(lambda s: voting.cast(s, item_id, name, scores, self.me, self._now()))

        self.app.push_screen(VoterScreen(names), named)

    def action_reveal(self) -> None:
        if self._leader_only() and self.voting is not None and self.voting.current:
            item_id = self.voting.current
            self._write(lambda s: voting.reveal(s, item_id, self.me))

    def action_step(self, offset: int) -> None:
        if self._leader_only():
            self._write(lambda s: voting.step(s, offset))

    def action_agree(self) -> None:
        if not self._leader_only() or self.voting is None or self.voting.current is None:
            return
        item_id, session = self.voting.current, self.voting
        if item_id not in session.revealed and session.votes.get(item_id):
            self.notify("Reveal the votes first (v), so everyone sees the spread.")
            return
        backlog = self.session.backlog
        try:
            scores = voting.agreed_scores(session, item_id, self._scores())
            actor = self.session.actor()
            change = voting.agree_change(backlog, session, item_id, scores, actor, self.me)
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return

        def saved(_: object) -> None:
            self._write(lambda s: voting.settle(s, item_id, scores))
            self.notify(f"{item_id} agreed: " + ", ".join(f"{k} {v}" for k, v in scores.items()))

        self.modelboard.commit(change, then=saved)

    def action_end(self) -> None:
        from modelboard.screens.confirm import ConfirmScreen

        if not self._leader_only() or self.voting is None:
            return
        agreed = plural(len(self.voting.agreed), "item")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._end()

        self.app.push_screen(
            ConfirmScreen(f"End the session? {agreed} agreed; it is recorded in the store."),
            confirmed,
        )

    def _end(self) -> None:
        """Closed to votes first (under the lock), so the record has every vote cast."""
        target = self.session.store.target
        try:
            ending = begin_ending(target, self.me, self._now())
        except ModelboardError as error:
            self.notify(error.message, severity="error")
            return

        def recorded(_: object) -> None:
            try:
                finish_ending(target, ending)
            except ModelboardError as error:
                self.notify(error.message, severity="error")
                return
            self.notify("The session has ended and is recorded.")
            self.dismiss(None)

        if needs_record(self.session.backlog, ending):
            record = voting.end_record(self.session.backlog, ending, self.session.actor())
            self.modelboard.commit(record, then=recorded)
        else:
            recorded(None)

    def action_scroll(self, pages: int) -> None:
        """The item's text, the votes: readable on a small terminal too."""
        body = self.query_one("#vote-body", VerticalScroll)
        if pages > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_leave(self) -> None:
        """Leave the screen; the session goes on (join again with P or `session join`)."""
        self.dismiss(None)


class VoterScreen(ModalScreen[str | None]):
    """Whose votes the facilitator is typing in."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Whose votes are these?", classes="dialog-title")
            yield Input(placeholder="a name", id="voter")
            hint = f"known: {', '.join(self.names)}\n" if self.names else ""
            yield Static(f"{hint}enter  record the scores on screen as theirs      esc  cancel",
                         classes="dialog-keys", markup=False)  # fmt: skip

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
