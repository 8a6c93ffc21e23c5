"""Errors that carry the exit code the command line maps them to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_CONFLICT = 4


class ModelboardError(Exception):
    """A failure with a message meant for the user and the exit code that goes with it."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OperationError(ModelboardError):
    """A request that cannot be carried out: an unknown id, an unknown stage, a bad value."""


class UsageError(ModelboardError):
    """The command was called the wrong way."""

    exit_code = EXIT_USAGE


class StoreUnreadableError(ModelboardError):
    """The store does not parse, has the wrong version, or cannot be opened."""

    exit_code = EXIT_UNREADABLE


class SaveError(ModelboardError):
    """A save failed before the file was replaced; the file on disk is unchanged."""


class LockTimeoutError(SaveError):
    """Another process held the store's lock for too long."""


@dataclass(frozen=True)
class Conflict:
    """One field changed on disk and here, to different values."""

    item_id: str
    field: str
    theirs: object
    mine: object

    def describe(self) -> str:
        """One line for a message: which field, and both values."""
        return f"{self.item_id} {self.field}: on disk {self.theirs!r}, here {self.mine!r}"


class ConflictError(ModelboardError):
    """Someone else changed the same field; a person has to decide. Nothing was written."""

    exit_code = EXIT_CONFLICT

    def __init__(self, conflicts: tuple[Conflict, ...]) -> None:
        lines = "\n".join(f"  {c.describe()}" for c in conflicts)
        super().__init__("someone else changed the same fields; nothing was written:\n" + lines)
        self.conflicts = conflicts
