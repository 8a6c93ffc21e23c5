"""History entries: typed where they are written, and older entries read by their words."""

from __future__ import annotations

import pytest

from modelboard.core.actor import Actor
from modelboard.core.history import EventKind, entry_from_data, kind_of, moved
from tests.conftest import NOW


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("created in proposed", EventKind.CREATED),
        ("imported", EventKind.IMPORTED),
        ("stage: proposed -> ready", EventKind.MOVED),
        ("scores: value 3 -> 4", EventKind.RESCORED),
        ("reviewed", EventKind.REVIEWED),
        ("snoozed until 2026-12-01", EventKind.SNOOZED),
        ("owner: - -> bea", EventKind.EDITED),
        ("reviewed the text with bea", EventKind.EDITED),  # only the exact word is a review
        ("imported from the old tracker by hand", EventKind.EDITED),
    ],
)
def test_entries_without_a_kind_are_read_by_their_words(words: str, kind: EventKind) -> None:
    assert kind_of({"at": NOW, "change": words}) is kind


def test_a_stored_kind_wins_over_the_words() -> None:
    assert kind_of({"kind": "reviewed", "change": "looked at it"}) is EventKind.REVIEWED
    assert kind_of({"kind": "nonsense", "change": "reviewed"}) is EventKind.REVIEWED


def test_a_move_round_trips_with_from_and_to() -> None:
    entry = moved(Actor("anna", NOW), "proposed", "ready")
    data = entry.as_data()
    assert data["kind"] == "moved" and (data["from"], data["to"]) == ("proposed", "ready")
    assert entry_from_data(data) == entry
    old = entry_from_data({"at": NOW, "by": "anna", "change": "stage: proposed -> ready"})
    assert old is not None and old.extra == {"from": "proposed", "to": "ready"}
    assert old.detail == "proposed -> ready"


def test_an_undone_review_says_so_in_words() -> None:
    from modelboard.core.history import field_changed

    entry = field_changed(Actor("anna", NOW), "reviewed", NOW, None)
    assert entry.change == "review taken back"
