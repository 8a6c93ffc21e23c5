"""Moments as the store keeps them: UTC, whole seconds, written with a `Z`. One home for each."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current time in UTC, whole seconds, as the store keeps times."""
    return whole_seconds(dt.datetime.now(dt.UTC))


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware datetime in UTC; a local (offset-less) time is taken as UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    """A moment as a new value is stored: UTC, no fraction of a second."""
    return as_utc(moment).replace(microsecond=0)


def midnight(date: dt.date) -> dt.datetime:
    """The start of a day, UTC: how a date stands where a moment is wanted."""
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """ISO 8601: times in UTC with a `Z`, dates as `YYYY-MM-DD`; None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def day(moment: dt.datetime) -> str:
    """The UTC day of a moment, `YYYY-MM-DD`."""
    return as_utc(moment).strftime("%Y-%m-%d")
