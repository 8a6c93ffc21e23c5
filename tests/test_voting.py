"""The prioritisation session: the rules, the command-line verbs against a real file, and
real participants (other OS users, in their own processes)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelboard.cli import main
from modelboard.core import voting
from modelboard.core.actor import Actor, os_user
from modelboard.core.store import Store
from modelboard.core.voting import SessionError, Tally
from modelboard.core.voting_file import change_session, read_session, session_path
from modelboard.demo import demo_store_text
from tests.conftest import NOW
from tests.shared.users import ALICE, BOB, IS_ROOT, TEAM_GID, run_as, team_folder
from tests.test_cli import Run

ME = os_user()


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "backlog.toml"
    path.write_text(demo_store_text(NOW))
    monkeypatch.setenv("MODELBOARD_FILE", str(path))
    return path


def session_of(path: Path) -> voting.VotingSession:
    found = read_session(path)
    assert found is not None
    return found


# ---- the rules ------------------------------------------------------------------------


def test_median_spread_and_disagreement_per_criterion() -> None:
    t = Tally("value", {"anna": 4, "bob": 5, "carl": 3})
    assert (t.median, t.agreed_default, t.spread, t.disagreement) == (4, 4, 2, True)
    assert t.words() == "(anna 4, bob 5, carl 3; spread 2, disagreement)"
    even = Tally("value", {"anna": 3, "bob": 4})
    assert (even.median, even.agreed_default, even.disagreement) == (3.5, 4, False)
    assert Tally("value", {}).median is None


def test_votes_are_checked_and_only_the_facilitator_reveals_and_votes_for_others(
    demo: Path,
) -> None:
    backlog = Store.open(demo).backlog
    session = voting.start(backlog, ["M-6", "M-1"], Actor("anna", NOW), "host", "anna")
    voting.cast(session, "M-6", "bob", {"value": 5}, "bob", NOW)
    voting.cast(session, "M-6", "bob", {"effort": 2}, "bob", NOW)  # adds to bob's ballot
    assert session.votes["M-6"]["bob"].scores == {"value": 5, "effort": 2}
    bad: list[tuple[dict[str, int | None], str]] = [
        ({"cost": 3}, "unknown criterion 'cost'"),
        ({"value": 6}, "from 1 to 5"),
        ({"value": True}, "from 1 to 5"),
        ({}, "at least one score"),
    ]
    for scores, message in bad:
        with pytest.raises(SessionError, match=message):
            voting.cast(session, "M-6", "bob", scores, "bob", NOW)
    with pytest.raises(SessionError, match="not in this session"):
        voting.cast(session, "M-9", "bob", {"value": 3}, "bob", NOW)
    with pytest.raises(SessionError, match="only anna"):
        voting.cast(session, "M-6", "carl", {"value": 1}, "bob", NOW)
    voting.cast(session, "M-6", "carl", {"value": 1}, "anna", NOW)  # one screen in a room
    assert session.votes["M-6"]["carl"].entered_by == "anna"
    with pytest.raises(SessionError, match="only anna"):
        voting.reveal(session, "M-6", "bob")
    with pytest.raises(SessionError, match="nobody has voted on M-1"):
        voting.reveal(session, "M-1", "anna")
    voting.reveal(session, "M-6", "anna")
    with pytest.raises(SessionError, match="revealed"):
        voting.cast(session, "M-6", "bob", {"value": 1}, "bob", NOW)


def test_agreeing_saves_scores_with_every_vote_and_counts_as_reviewed(demo: Path) -> None:
    store = Store.open(demo)
    anna = Actor("anna", NOW)
    session = voting.start(store.backlog, ["M-6", "M-1"], anna, "host", "anna")
    voting.cast(session, "M-6", "anna", {"value": 2, "feasibility": 4}, "anna", NOW)
    voting.cast(session, "M-6", "bob", {"value": 4, "feasibility": 4}, "bob", NOW)
    with pytest.raises(SessionError, match="reveal the votes on M-6 first"):
        voting.agreed_scores(session, "M-6")
    voting.reveal(session, "M-6", "anna")
    scores = voting.agreed_scores(session, "M-6", {"feasibility": 5})
    assert scores == {"value": 3, "feasibility": 5}
    with pytest.raises(SessionError, match="only anna"):
        voting.agree_change(store.backlog, session, "M-6", scores, anna, "bob")
    store.save(voting.agree_change(store.backlog, session, "M-6", scores, anna, "anna"))
    item = store.backlog.items["M-6"]
    assert item.scores["value"] == 3 and item.scores["feasibility"] == 5
    assert item.reviewed == NOW
    words = item.history[-1].change
    assert words.startswith("agreed in a prioritisation session: value 3 (anna 2, bob 4;")
    assert "spread 2, disagreement" in words
    voting.settle(session, "M-6", scores)
    assert session.current == "M-1"
    voting.step(session, -1)
    voting.step(session, 1)  # forward skips nothing here; back then forward is M-1 again
    assert session.current == "M-1"


def test_the_plan_takes_a_stage_the_unscored_or_the_stale(demo: Path) -> None:
    backlog = Store.open(demo).backlog
    everything = voting.plan(backlog, NOW)
    unscored = voting.plan(backlog, NOW, unscored=True)
    assert unscored and set(unscored) < set(everything)
    assert all(backlog.items[i].stage == "ready" for i in voting.plan(backlog, NOW, "ready"))
    with pytest.raises(SessionError, match="unknown stage"):
        voting.plan(backlog, NOW, "limbo")


names = st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=8)
ballots = st.dictionaries(
    names,
    st.dictionaries(st.sampled_from(["value", "feasibility", "effort"]), st.integers(1, 5)),
    max_size=5,
)


@given(ballots)
@settings(max_examples=50, deadline=None)
def test_a_session_reads_back_as_written(votes: dict[str, dict[str, int]]) -> None:
    session = voting.VotingSession(
        "anna", "host", NOW, NOW, ["value", "feasibility", "effort"], ["M-1", "M-2"]
    )
    for name, scores in votes.items():
        if scores:
            voting.cast(session, "M-1", name, scores, name, NOW)
    back = voting.from_data(json.loads(json.dumps(voting.to_data(session))))
    assert voting.to_data(back) == voting.to_data(session)


@pytest.mark.parametrize(
    "text",
    ["", "{", "[]", '{"format": 2}', '{"format": 1}', '{"format": 1, "votes": 5}', "\x00\xff"],
)
def test_a_damaged_session_file_is_named_and_can_be_ended(demo: Path, text: str) -> None:
    session_path(demo).write_bytes(text.encode("latin-1"))
    status = Run("session", "status")
    assert status.code == 1 and "damaged" in status.err and "session end" in status.err
    assert Run("session", "start").code == 1
    ended = Run("session", "end")
    assert ended.code == 0 and not session_path(demo).exists()


# ---- the command line, one user --------------------------------------------------------


def test_the_verbs_against_a_real_file(demo: Path) -> None:
    before = tomllib.loads(demo.read_text())
    started = Run("session", "start", "--stage", "ready")
    assert started.code == 0 and started.out.split()[0] == "M-6"
    again = Run("session", "start")
    assert again.code == 1 and f"facilitated by {ME}" in again.err
    assert Run("session", "vote", "M-6", "--score", "value=4", "--score", "effort=2").code == 0
    early = Run("session", "agree", "M-6")
    assert early.code == 1 and "reveal the votes on M-6 first" in early.err
    status = Run("session", "status", "--json").json()
    assert isinstance(status, dict) and status["current"] == "M-6" and status["voted"] == [ME]
    assert Run("session", "vote", "M-6").code == 2
    assert Run("session", "vote", "M-99", "--score", "value=4").code == 1
    shown = Run("session", "reveal", "M-6", "--json").json()
    assert isinstance(shown, dict)
    assert shown["criteria"]["value"] == {
        "votes": {ME: 4},
        "median": 4,
        "spread": 0,
        "disagreement": False,
    }
    agreed = Run("session", "agree", "M-6", "--score", "feasibility=2")
    assert agreed.code == 0 and "next: M-1" in agreed.err
    ended = Run("session", "end")
    assert ended.code == 0 and not session_path(demo).exists()
    after = tomllib.loads(demo.read_text())
    assert after["items"]["M-6"]["scores"] == {"value": 4, "feasibility": 2, "effort": 2}
    record = after["sessions"][-1]
    assert record["agreed"] == ["M-6"] and record["participants"] == [ME]
    assert record["changes"][0].startswith("M-6 ")
    assert len(after.get("sessions", [])) == len(before.get("sessions", [])) + 1
    assert f"last session 2026-11-24 by {ME}: " in Run("status").out
    report = Run("report", "--format", "text").out
    assert "Prioritisation sessions (1)" in report and "biggest changes: M-6" in report


def test_a_session_left_behind_is_said_and_anyone_may_end_it(demo: Path) -> None:
    later = NOW + voting.ABANDONED_AFTER + dt.timedelta(minutes=1)
    assert Run("session", "start").code == 0

    def as_someone_else(session: voting.VotingSession | None) -> voting.VotingSession:
        assert session is not None
        session.facilitator = "nobody-here"
        return session

    change_session(demo, as_someone_else, NOW)
    refused = Run("session", "end", now=NOW + dt.timedelta(minutes=5))
    assert refused.code == 1 and "only nobody-here" in refused.err
    start = Run("session", "start", now=later)
    assert start.code == 1 and "left behind" in start.err
    assert Run("session", "end", now=later).code == 0


# ---- real participants: other OS users, each in a process of their own ---------------------


def _cli(*argv: str) -> int:
    return main(list(argv), now=NOW, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.skipif(not IS_ROOT, reason="needs root to act as three users")
def test_three_users_vote_and_nobody_votes_as_someone_else() -> None:
    with team_folder() as folder:
        store = folder / "backlog.toml"
        store.write_text(demo_store_text(NOW))
        os.chown(store, ALICE, TEAM_GID)
        os.chmod(store, 0o664)
        f = ("--file", str(store))

        def alice(*argv: str) -> int:
            return run_as(ALICE, lambda: _cli(*f, *argv), folder / "alice")

        def bob(*argv: str) -> int:
            return run_as(BOB, lambda: _cli(*f, *argv), folder / "bob")

        assert alice("session", "start", "--stage", "ready") == 0
        sidecar = session_path(store)
        assert sidecar.stat().st_gid == TEAM_GID and sidecar.stat().st_mode & 0o060 == 0o060
        assert bob("session", "vote", "M-6", "--score", "value=5", "--score", "effort=4") == 0
        assert alice("session", "vote", "M-6", "--score", "value=3", "--score", "effort=1") == 0
        assert bob("session", "reveal", "M-6") == 1  # only alice reveals
        assert bob("session", "end") == 1  # nor ends it
        votes = session_of(store).votes["M-6"]
        assert set(votes) == {str(ALICE), str(BOB)}  # the OS users, not a name anyone sets
        assert votes[str(BOB)].scores == {"value": 5, "effort": 4}
        assert alice("session", "reveal", "M-6") == 0
        assert bob("session", "vote", "M-6", "--score", "value=1") == 1  # too late
        assert alice("session", "agree", "M-6") == 0
        sidecar.chmod(0o600)  # a session file bob cannot read is not bob's to remove
        assert bob("session", "end") == 1 and sidecar.exists()
        sidecar.chmod(0o664)
        assert alice("session", "end") == 0
        data = tomllib.loads(store.read_text())
        assert data["items"]["M-6"]["scores"]["value"] == 4  # the median of 3 and 5
        assert data["sessions"][-1]["disagreements"] == ["M-6"]  # effort 1 and 4
        assert data["sessions"][-1]["participants"] == sorted([str(ALICE), str(BOB)])


def test_any_activity_keeps_a_session_alive(demo: Path) -> None:
    assert Run("session", "start").code == 0
    late = NOW + voting.ABANDONED_AFTER - dt.timedelta(minutes=1)
    assert Run("session", "vote", "M-6", "--score", "value=3", now=late).code == 0
    status = Run("session", "status", "--json", now=late + dt.timedelta(minutes=30)).json()
    assert isinstance(status, dict) and status["abandoned"] is False


def test_the_facilitator_never_overwrites_someones_own_vote(demo: Path) -> None:
    backlog = Store.open(demo).backlog
    session = voting.start(backlog, ["M-6", "M-1"], Actor("anna", NOW), "host", "anna")
    voting.cast(session, "M-6", "bob", {"value": 1}, "bob", NOW)
    with pytest.raises(SessionError, match="bob has voted on M-6 themselves"):
        voting.cast(session, "M-6", "bob", {"value": 5}, "anna", NOW)
    voting.cast(session, "M-6", "carl", {"value": 4}, "anna", NOW)
    voting.reveal(session, "M-6", "anna")
    value = voting.tally(session, "M-6")[0]
    assert value.words() == "(bob 1, carl (typed in by anna) 4; spread 3, disagreement)"


def test_agreeing_another_item_moves_nobody_and_an_ending_session_takes_no_votes(
    demo: Path,
) -> None:
    backlog = Store.open(demo).backlog
    session = voting.start(backlog, ["M-6", "M-1", "M-26"], Actor("anna", NOW), "h", "anna")
    voting.settle(session, "M-1", {"value": 3})
    assert session.current == "M-6"
    voting.settle(session, "M-6", {"value": 3})
    assert session.current == "M-26"  # M-1 is agreed already: skipped
    session.closing = True
    with pytest.raises(SessionError, match="ending the session"):
        voting.cast(session, "M-26", "bob", {"value": 2}, "bob", NOW)


def test_ending_closes_votes_first_and_records_once(demo: Path) -> None:
    from modelboard.core.voting_file import begin_ending

    assert Run("session", "start").code == 0
    assert Run("session", "vote", "M-6", "--score", "value=3").code == 0
    begin_ending(demo, ME, NOW)  # an end under way (say, the screen's)
    late_vote = Run("session", "vote", "M-6", "--score", "value=5")
    assert late_vote.code == 1 and "ending the session" in late_vote.err
    assert Run("session", "end").code == 1  # being ended already
    later = NOW + dt.timedelta(minutes=2)  # the first end died: it may be ended again
    assert Run("session", "end", now=later).code == 0
    assert len(tomllib.loads(demo.read_text())["sessions"]) == 1 + len(
        tomllib.loads(demo_store_text(NOW)).get("sessions", [])
    )


def test_a_fifo_or_a_folder_in_the_session_files_place_is_named(demo: Path) -> None:
    os.mkfifo(session_path(demo))
    status = Run("session", "status")  # returns at once: no reader waits on a FIFO
    assert status.code == 1 and "not a plain file" in status.err
    assert Run("session", "end").code == 0 and not session_path(demo).exists()
    session_path(demo).mkdir()
    assert Run("session", "vote", "M-6", "--score", "value=1").code == 1
    ended = Run("session", "end")
    assert ended.code == 1 and "is a folder; remove it by hand" in ended.err
    assert Run("list").code == 0 and Run("check").code == 0


@pytest.mark.skipif(not IS_ROOT, reason="needs root to act as another user")
def test_nobody_starts_a_session_on_a_store_they_may_not_write() -> None:
    with team_folder() as folder:
        store = folder / "backlog.toml"
        store.write_text(demo_store_text(NOW))
        os.chmod(store, 0o644)  # root's; bob may not write it
        code = run_as(BOB, lambda: _cli("--file", str(store), "session", "start"), folder / "b")
        assert code == 1 and not session_path(store).exists()
