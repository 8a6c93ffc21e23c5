"""The prioritisation session: a team rates items together, each vote hidden until revealed.

The method starts with a session where everyone rates every model on value and feasibility;
in a room the loudest voice sets the number. Here each person votes privately, the spread is
shown on reveal (two points or more is a disagreement, said in words), and the facilitator
agrees a score, saved with who voted what. Pure state and rules: `voting_file` keeps the state
beside the store, where every participant's process reads and writes it.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from modelboard.core.actor import Actor
from modelboard.core.change import Change, ItemEdit, RecordAdd
from modelboard.core.errors import OperationError
from modelboard.core.history import EventKind, HistoryEntry
from modelboard.core.model import Backlog, is_score
from modelboard.core.ranking import by_priority, current_ranking, open_items
from modelboard.core.scoring import priority
from modelboard.core.staleness import is_stale
from modelboard.core.times import as_utc, iso

FORMAT = 1
DISAGREEMENT = 2
"""A spread (highest vote minus lowest) of this many points or more is a disagreement."""
ABANDONED_AFTER = dt.timedelta(hours=2)
"""A session nobody touched for this long was left behind (a crash, a lost connection)."""
PRESENT_SECONDS = 30
"""A participant whose screen said so within this many seconds is shown as present."""


class SessionError(OperationError):
    """A session request that cannot be carried out (exit 1, with why)."""


@dataclass
class Ballot:
    """One person's scores for one item; `entered_by` is the facilitator when they typed it
    in for someone in the room, else the voter."""

    scores: dict[str, int]
    at: dt.datetime
    entered_by: str


@dataclass
class VotingSession:
    """The shared state of one session."""

    facilitator: str
    host: str
    started: dt.datetime
    touched: dt.datetime
    criteria: list[str]
    items: list[str]
    position: int = 0
    participants: dict[str, dt.datetime] = field(default_factory=dict)
    """Everyone who joined, with when their screen was last seen."""
    votes: dict[str, dict[str, Ballot]] = field(default_factory=dict)
    revealed: list[str] = field(default_factory=list)
    agreed: dict[str, dict[str, int]] = field(default_factory=dict)
    before: dict[str, tuple[float | None, int | None]] = field(default_factory=dict)
    """Each item's priority and rank when the session started."""
    closing: bool = False
    """The facilitator is ending it: no more votes (so none is lost from the record)."""

    @property
    def current(self) -> str | None:
        """The item everyone is on, None once past the last."""
        return self.items[self.position] if 0 <= self.position < len(self.items) else None

    def voters(self, item_id: str) -> list[str]:
        """Who has voted on the item, in the order they voted."""
        ballots = self.votes.get(item_id, {})
        return sorted(ballots, key=lambda name: ballots[name].at)

    def waiting_for(self, item_id: str, now: dt.datetime) -> list[str]:
        """Present participants who have not voted on the item yet."""
        voted = set(self.votes.get(item_id, {}))
        return [name for name in self.present(now) if name not in voted]

    def present(self, now: dt.datetime) -> list[str]:
        """Participants whose screen was seen lately, the facilitator first."""
        seen = [
            name
            for name, at in self.participants.items()
            if (now - at).total_seconds() <= PRESENT_SECONDS
        ]
        return sorted(seen, key=lambda name: (name != self.facilitator, name))

    def abandoned(self, now: dt.datetime) -> bool:
        """Nobody touched it for ABANDONED_AFTER: anyone may end it."""
        if self.touched > now + dt.timedelta(days=1):
            return True  # a clock far ahead, or a hand edit: not a live session
        return now - self.touched > ABANDONED_AFTER


# ---- starting -----------------------------------------------------------------------------


def plan(
    backlog: Backlog,
    now: dt.datetime,
    stage: str | None = None,
    unscored: bool = False,
    stale: bool = False,
) -> list[str]:
    """The items to rate, highest priority first (unscored ones last): every open item, or
    those of a stage, the unscored and/or the stale ones."""
    board = backlog.board
    if stage is not None and stage not in board.stages:
        raise SessionError(
            f"unknown stage {stage!r}; the board's stages are: {', '.join(board.stages)}"
        )
    chosen = []
    for item in open_items(backlog):
        if stage is not None and item.stage != stage:
            continue
        lacks_score = any(c.key not in item.scores for c in board.criteria)
        if (unscored or stale) and not (
            (unscored and lacks_score) or (stale and is_stale(item, board, now))
        ):
            continue
        chosen.append(item)
    return [item.id for item in by_priority(chosen, board.criteria)]


def start(
    backlog: Backlog, item_ids: list[str], actor: Actor, host: str, leader: str
) -> VotingSession:
    """A new session on these items, led by `leader` (the OS user who started it)."""
    if not item_ids:
        raise SessionError(
            "no items to rate: nothing matches (try without --stage, --unscored, --stale)"
        )
    criteria = [c.key for c in backlog.board.criteria]
    if not criteria:
        raise SessionError("the board has no scoring criteria to rate")
    ranks = {item_id: rank for rank, (item_id, _) in enumerate(current_ranking(backlog), 1)}
    before = {
        item_id: (
            priority(backlog.items[item_id].scores, backlog.board.criteria),
            ranks.get(item_id),
        )
        for item_id in item_ids
    }
    return VotingSession(
        facilitator=leader,
        host=host,
        started=actor.now,
        touched=actor.now,
        criteria=criteria,
        items=list(item_ids),
        participants={leader: actor.now},
        before=before,
    )


# ---- voting -------------------------------------------------------------------------------


def join(session: VotingSession, name: str, now: dt.datetime) -> None:
    """Someone's screen follows the session (again: a late joiner or a dropped one back)."""
    session.participants[name] = now


def cast(
    session: VotingSession,
    item_id: str,
    voter: str,
    scores: Mapping[str, int | None],
    entered_by: str,
    now: dt.datetime,
) -> None:
    """A vote on an item not yet revealed; a second vote by the same person changes theirs.
    Only the facilitator may enter a vote for someone else (one screen in a room)."""
    _require_item(session, item_id)
    if not voter.strip() or not voter.isprintable() or len(voter) > 200:
        raise SessionError("a voter's name is one line of text")
    if session.closing:
        raise SessionError(f"{session.facilitator} is ending the session; votes are closed")
    if entered_by != voter and entered_by != session.facilitator:
        raise SessionError(
            f"only {session.facilitator}, who facilitates, may vote for someone else"
        )
    if item_id in session.revealed:
        raise SessionError(
            f"the votes on {item_id} are revealed; ask {session.facilitator} to agree"
        )
    if item_id in session.agreed:
        raise SessionError(f"{item_id} is agreed already")
    clean: dict[str, int] = {}
    for key, value in scores.items():
        if key not in session.criteria:
            raise SessionError(
                f"unknown criterion {key!r}; the session rates: {', '.join(session.criteria)}"
            )
        if value is None:
            continue
        if not is_score(value):
            raise SessionError(f"score {key}: a whole number from 1 to 5")
        clean[key] = int(value)
    if not clean:
        raise SessionError("a vote needs at least one score, for example --score value=4")
    ballots = session.votes.setdefault(item_id, {})
    old = ballots.get(voter)
    if old is not None and old.entered_by == voter and entered_by != voter:
        raise SessionError(f"{voter} has voted on {item_id} themselves; their vote stays theirs")
    ballots[voter] = Ballot({**(old.scores if old else {}), **clean}, now, entered_by)
    session.participants.setdefault(voter, now)


def reveal(session: VotingSession, item_id: str, who: str) -> None:
    """Show everyone's votes on the item; the facilitator decides when."""
    _require_item(session, item_id)
    if who != session.facilitator:
        raise SessionError(f"only {session.facilitator}, who facilitates, reveals the votes")
    if not session.votes.get(item_id):
        raise SessionError(f"nobody has voted on {item_id} yet")
    if item_id not in session.revealed:
        session.revealed.append(item_id)


@dataclass(frozen=True)
class Tally:
    """The votes on one criterion of one item."""

    criterion: str
    votes: dict[str, int]
    """voter -> score, in the order they voted."""
    typed_by: dict[str, str] = field(default_factory=dict)
    """voter -> the facilitator who typed in their vote (one screen in a room)."""

    @property
    def median(self) -> float | None:
        return statistics.median(self.votes.values()) if self.votes else None

    @property
    def agreed_default(self) -> int | None:
        """The median as a score: halves round up (3.5 -> 4)."""
        median = self.median
        return None if median is None else math.floor(median + 0.5)

    @property
    def spread(self) -> int:
        return max(self.votes.values()) - min(self.votes.values()) if self.votes else 0

    @property
    def disagreement(self) -> bool:
        return self.spread >= DISAGREEMENT

    def words(self) -> str:
        """`value 4 (anna 4, bob 5, carl 3; spread 2, disagreement)`."""
        if not self.votes:
            return "(no votes)"
        people = ", ".join(f"{self.voter(name)} {score}" for name, score in self.votes.items())
        tail = f"spread {self.spread}" + (", disagreement" if self.disagreement else "")
        return f"({people}; {tail})"

    def voter(self, name: str) -> str:
        """`bob`, or `bob (typed in by anna)`."""
        by = self.typed_by.get(name)
        return f"{name} (typed in by {by})" if by else name


def tally(session: VotingSession, item_id: str) -> list[Tally]:
    """Per criterion: who voted what."""
    ballots = session.votes.get(item_id, {})
    order = session.voters(item_id)
    return [
        Tally(
            key,
            {name: ballots[name].scores[key] for name in order if key in ballots[name].scores},
            {name: b.entered_by for name, b in ballots.items() if b.entered_by != name},
        )
        for key in session.criteria
    ]


def tally_json(session: VotingSession, item_id: str) -> dict[str, Any]:
    """What `reveal --json` prints."""
    return {
        "item": item_id,
        "voters": session.voters(item_id),
        "criteria": {
            t.criterion: {
                "votes": t.votes,
                "median": t.median,
                "spread": t.spread,
                "disagreement": t.disagreement,
            }
            for t in tally(session, item_id)
        },
    }


# ---- agreeing ------------------------------------------------------------------------------


def agreed_scores(
    session: VotingSession, item_id: str, given: Mapping[str, int | None] | None = None
) -> dict[str, int]:
    """The scores to save: the medians, with any given by the facilitator instead. Votes
    are revealed first, so everyone sees the spread (and no vote comes in after)."""
    _require_item(session, item_id)
    if session.votes.get(item_id) and item_id not in session.revealed:
        raise SessionError(f"reveal the votes on {item_id} first, so everyone sees the spread")
    scores = {t.criterion: t.agreed_default for t in tally(session, item_id)}
    for key, value in (given or {}).items():
        if key not in session.criteria:
            raise SessionError(
                f"unknown criterion {key!r}; the session rates: {', '.join(session.criteria)}"
            )
        scores[key] = value
    clean = {k: v for k, v in scores.items() if v is not None}
    for key, value in clean.items():
        if not is_score(value):
            raise SessionError(f"score {key}: a whole number from 1 to 5")
    if not clean:
        raise SessionError(f"no votes and no scores given for {item_id}")
    return clean


def agree_change(
    backlog: Backlog,
    session: VotingSession,
    item_id: str,
    scores: Mapping[str, int],
    actor: Actor,
    who: str,
) -> Change:
    """The item's agreed scores, saved like any edit, with a history entry naming every
    vote and the spread; the item counts as reviewed. `who` (the OS user) must lead."""
    _require_item(session, item_id)
    if who != session.facilitator:
        raise SessionError(f"only {session.facilitator}, who facilitates, agrees the scores")
    item = backlog.item(item_id)
    if item is None:
        raise SessionError(f"{item_id} is no longer in the backlog")
    scores = {k: v for k, v in scores.items() if backlog.board.criterion(k) is not None}
    if not scores:
        raise SessionError("none of these criteria is on the board any more")
    new = {**item.scores, **scores}
    described = ", ".join(
        f"{t.criterion} {new.get(t.criterion, '-')} {t.words()}"
        for t in tally(session, item_id)
        if t.votes or t.criterion in scores
    )
    changed = [k for k in sorted(set(item.scores) | set(new)) if item.scores.get(k) != new.get(k)]
    extra = {
        "from": " ".join(f"{k}={item.scores.get(k, '-')}" for k in changed),
        "to": " ".join(f"{k}={new.get(k, '-')}" for k in changed),
    }
    kind = EventKind.RESCORED if changed else EventKind.REVIEWED
    entry = HistoryEntry(
        actor.now,
        actor.name,
        kind,
        f"agreed in a prioritisation session: {described}",
        extra if changed else {},
    )
    values: dict[str, Any] = {"reviewed": actor.now, "updated": actor.now}
    if changed:
        values["scores"] = new
    return Change((ItemEdit(item_id, values, (entry,)),), f"agreed the scores of {item_id}")


def settle(session: VotingSession, item_id: str, scores: Mapping[str, int]) -> None:
    """The item is agreed: the session goes on to the next item not agreed yet."""
    session.agreed[item_id] = dict(scores)
    if session.current == item_id:  # agreeing another item (or again) moves nobody
        step(session, 1)


def step(session: VotingSession, offset: int) -> None:
    """Next (1) or back (-1); forward skips items already agreed."""
    position = session.position + offset
    while (
        offset > 0 and position < len(session.items) and session.items[position] in session.agreed
    ):
        position += 1
    session.position = max(0, min(position, len(session.items)))


# ---- ending -------------------------------------------------------------------------------


def end_record(backlog: Backlog, session: VotingSession, actor: Actor) -> Change:
    """What the store keeps of the session (`[[sessions]]`): who, which items, each agreed
    item's priority and rank before and after (biggest change first), and the items whose
    votes were two points or more apart."""
    ranks = {item_id: rank for rank, (item_id, _) in enumerate(current_ranking(backlog), 1)}
    moved = []
    for item_id in session.agreed:
        item = backlog.item(item_id)
        old_value, old_rank = session.before.get(item_id, (None, None))
        new_value = priority(item.scores, backlog.board.criteria) if item else None
        size = abs((new_value or 0) - (old_value or 0))
        words = (
            f"{item_id} {_short(old_value)} -> {_short(new_value)}"
            f", rank {old_rank or '-'} -> {ranks.get(item_id, '-')}"
        )
        moved.append((size, words))
    disagreed = [
        item_id
        for item_id in session.revealed
        if any(t.disagreement for t in tally(session, item_id))
    ]
    voted = {name for ballots in session.votes.values() for name in ballots}
    record: dict[str, Any] = {
        "at": actor.now,
        "by": session.facilitator,
        "started": session.started,
        "participants": sorted(set(session.participants) | voted),
        "items": list(session.items),
        "agreed": list(session.agreed),
        "changes": [words for _, words in sorted(moved, key=lambda m: -m[0])],
        "disagreements": disagreed,
    }
    return Change((RecordAdd("sessions", record),), "recorded the prioritisation session")


def _short(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _require_item(session: VotingSession, item_id: str) -> None:
    if item_id not in session.items:
        raise SessionError(f"{item_id} is not in this session; it rates: {_ids(session.items)}")


def _ids(ids: Iterable[str]) -> str:
    listed = list(ids)
    return ", ".join(listed[:12]) + (f" and {len(listed) - 12} more" if len(listed) > 12 else "")


# ---- the sidecar's format -------------------------------------------------------------------


def to_data(session: VotingSession) -> dict[str, Any]:
    """The session as JSON data."""
    return {
        "format": FORMAT,
        "facilitator": session.facilitator,
        "host": session.host,
        "started": iso(session.started),
        "touched": iso(session.touched),
        "criteria": session.criteria,
        "items": session.items,
        "position": session.position,
        "participants": {name: iso(at) for name, at in session.participants.items()},
        "votes": {
            item_id: {
                name: {"scores": b.scores, "at": iso(b.at), "entered_by": b.entered_by}
                for name, b in ballots.items()
            }
            for item_id, ballots in session.votes.items()
        },
        "revealed": session.revealed,
        "agreed": session.agreed,
        "before": {k: list(v) for k, v in session.before.items()},
        "closing": session.closing,
    }


def from_data(data: Any) -> VotingSession:
    """A session read back; anything not as written raises SessionError naming it."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a session of this version")
        votes: dict[str, dict[str, Ballot]] = {}
        for item_id, ballots in _dict(data["votes"]).items():
            votes[_name(item_id)] = {
                _name(name): Ballot(
                    {_name(k): _score(v) for k, v in _dict(b["scores"]).items()},
                    _time(b["at"]),
                    _name(b["entered_by"]),
                )
                for name, b in _dict(ballots).items()
            }
        items = [_name(i) for i in _list(data["items"])]
        position = data["position"]
        if isinstance(position, bool) or not isinstance(position, int):
            raise TypeError("the position is not a whole number")
        return VotingSession(
            facilitator=_name(data["facilitator"]),
            host=_name(data["host"]),
            started=_time(data["started"]),
            touched=_time(data["touched"]),
            criteria=[_name(c) for c in _list(data["criteria"])],
            items=items,
            position=max(0, min(position, len(items))),
            participants={_name(k): _time(v) for k, v in _dict(data["participants"]).items()},
            votes=votes,
            revealed=[_name(i) for i in _list(data["revealed"])],
            agreed={
                _name(k): {_name(c): _score(s) for c, s in _dict(v).items()}
                for k, v in _dict(data["agreed"]).items()
            },
            before={
                _name(k): (_number(v[0]), None if v[1] is None else _rank(v[1]))
                for k, v in _dict(data["before"]).items()
            },
            closing=data.get("closing") is True,
        )
    except KeyError as error:
        raise SessionError(f"the session file is damaged (no {error})") from None
    except (TypeError, ValueError, IndexError, OverflowError) as error:
        raise SessionError(f"the session file is damaged ({error})") from None


def _name(value: Any) -> str:
    """A name, an id or a criterion: one short line of printable text."""
    if not isinstance(value, str) or not value or len(value) > 200 or not value.isprintable():
        raise ValueError(f"{str(value)[:40]!r} is not a name")
    return value


def _rank(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**9:
        raise ValueError(f"a rank of {value!r}")
    return value


def _dict(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise TypeError("a table was expected")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("a list was expected")
    return value


def _time(value: Any) -> dt.datetime:
    return as_utc(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _score(value: Any) -> int:
    if not is_score(value):
        raise ValueError(f"a score of {value!r}")
    return int(value)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"a priority of {value!r}")
    return float(value)
