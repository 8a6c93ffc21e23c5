"""`modelboard session start|join|vote|reveal|agree|status|end`: the prioritisation session
from a shell. Each participant's own process writes their vote; the OS user is the voter."""

from __future__ import annotations

import argparse
import os

from modelboard.commands import open_tui, score_option
from modelboard.context import Context
from modelboard.core import voting
from modelboard.core.actor import os_user
from modelboard.core.errors import EXIT_OK, UsageError
from modelboard.core.store import Store
from modelboard.core.text import plural
from modelboard.core.times import iso
from modelboard.core.voting import SessionError, VotingSession
from modelboard.core.voting_file import (
    begin_ending,
    change_session,
    finish_ending,
    needs_record,
    read_session,
    remove_damaged,
    start_session,
)


def running(store: Store) -> VotingSession:
    """The session on this store, or an error that says how to start one."""
    session = read_session(store.target)
    if session is None:
        raise SessionError(
            "no prioritisation session is running; start one: modelboard session start"
        )
    return session


def cmd_session_start(args: argparse.Namespace, ctx: Context) -> int:
    """Start a session on the chosen items; the caller facilitates."""
    store = ctx.store()
    item_ids = voting.plan(store.backlog, ctx.now, args.stage, args.unscored, args.stale)
    session = start_session(store, item_ids, ctx.actor, os_user())
    ctx.out(" ".join(session.items))
    ctx.say(
        f"started a prioritisation session on {plural(len(session.items), 'item')}; "
        "everyone joins with `modelboard session join` (you too, to lead it on screen)"
    )
    return EXIT_OK


def cmd_session_join(args: argparse.Namespace, ctx: Context) -> int:
    """Follow the session on screen (the facilitator leads it from there)."""
    running(ctx.store())
    return open_tui(ctx, review=None, voting=True)


def cmd_session_vote(args: argparse.Namespace, ctx: Context) -> int:
    """Vote on an item as the current OS user."""
    if not args.score:
        raise UsageError("a vote needs --score NAME=N, for example --score value=4")
    scores = dict(score_option(text) for text in args.score)
    store = ctx.store()
    who = os_user()

    def vote(session: VotingSession | None) -> VotingSession:
        session = _must(session)
        voting.cast(session, args.id, who, scores, who, ctx.now)
        return session

    session = change_session(store.target, vote, ctx.now)
    assert session is not None
    ctx.say(
        f"{who} voted on {args.id}; votes so far: {len(session.voters(args.id))} "
        f"(hidden until {session.facilitator} reveals them)"
    )
    return EXIT_OK


def cmd_session_reveal(args: argparse.Namespace, ctx: Context) -> int:
    """Reveal the votes on an item (the facilitator), or show them once revealed."""
    store = ctx.store()
    who = os_user()

    def show(session: VotingSession | None) -> VotingSession:
        session = _must(session)
        if args.id not in session.revealed:
            voting.reveal(session, args.id, who)
        return session

    session = change_session(store.target, show, ctx.now)
    assert session is not None
    if args.json:
        ctx.json(voting.tally_json(session, args.id))
        return EXIT_OK
    lines = [f"{args.id}: {plural(len(session.voters(args.id)), 'vote')}"]
    for t in voting.tally(session, args.id):
        if not t.votes:
            lines.append(f"  {t.criterion:<12} no votes")
            continue
        median = f"{t.median:g}"
        mark = "  DISAGREEMENT: talk about it" if t.disagreement else ""
        people = ", ".join(f"{name} {score}" for name, score in t.votes.items())
        lines.append(f"  {t.criterion:<12} median {median:<4} spread {t.spread}  ({people}){mark}")
    ctx.out("\n".join(lines))
    return EXIT_OK


def cmd_session_agree(args: argparse.Namespace, ctx: Context) -> int:
    """Save the agreed scores (the medians unless given) with who voted what."""
    store = ctx.store()
    session = running(store)
    given = dict(score_option(text) for text in args.score or ())
    scores = voting.agreed_scores(session, args.id, given)
    store.save(voting.agree_change(store.backlog, session, args.id, scores, ctx.actor, os_user()))

    def settled(current: VotingSession | None) -> VotingSession:
        current = _must(current)
        voting.settle(current, args.id, scores)
        return current

    after = change_session(store.target, settled, ctx.now)
    assert after is not None
    agreed = ", ".join(f"{k} {v}" for k, v in scores.items())
    following = f"; next: {after.current}" if after.current else "; that was the last item"
    ctx.say(f"{args.id} agreed: {agreed}{following}")
    return EXIT_OK


def cmd_session_status(args: argparse.Namespace, ctx: Context) -> int:
    """Who runs the session, who is in it, where it is."""
    store = ctx.store()
    session = read_session(store.target)
    if session is None:
        if args.json:
            ctx.json(None)
        else:
            ctx.say("no prioritisation session is running")
        return EXIT_OK
    current = session.current
    data = {
        "facilitator": session.facilitator,
        "host": session.host,
        "started": iso(session.started),
        "last_activity": iso(session.touched),
        "abandoned": session.abandoned(ctx.now),
        "participants": list(session.participants),
        "present": session.present(ctx.now),
        "items": session.items,
        "current": current,
        "voted": session.voters(current) if current else [],
        "revealed": session.revealed,
        "agreed": list(session.agreed),
    }
    if args.json:
        ctx.json(data)
        return EXIT_OK
    lines = [
        f"facilitated by {session.facilitator} on {session.host} since {iso(session.started)}",
        f"agreed {len(session.agreed)} of {plural(len(session.items), 'item')}",
        "participants " + (", ".join(session.participants) or "-"),
    ]
    if current:
        voted = ", ".join(session.voters(current)) or "nobody yet"
        lines.append(f"now on {current}; voted: {voted}")
    if session.abandoned(ctx.now):
        lines.append("left behind: nothing happened for hours; `modelboard session end` ends it")
    ctx.out("\n".join(lines))
    return EXIT_OK


def cmd_session_end(args: argparse.Namespace, ctx: Context) -> int:
    """End the session: closed to votes, recorded in the store, the sidecar removed."""
    store = ctx.store()
    try:
        read_session(store.target)
    except SessionError as error:  # damaged, or not a file: ending it is the way out
        if "permission denied" in error.message:
            raise
        done = remove_damaged(store.target, os.geteuid(), ctx.now)
        ctx.say(f"{error.message.partition(';')[0]}; {done}")
        return EXIT_OK
    ending = begin_ending(store.target, os_user(), ctx.now)
    if needs_record(store.backlog, ending):
        store.save(voting.end_record(store.backlog, ending, ctx.actor))
    finish_ending(store.target, ending)
    voters = {n for ballots in ending.votes.values() for n in ballots}
    people = len(set(ending.participants) | voters)
    ctx.say(
        f"ended the session: {plural(len(ending.agreed), 'item')} agreed, "
        f"{plural(people, 'person', 'people')}"
    )
    return EXIT_OK


def _must(session: VotingSession | None) -> VotingSession:
    if session is None:
        raise SessionError(
            "no prioritisation session is running; start one: modelboard session start"
        )
    return session
