"""Times as people read them. The engine stores UTC ISO-8601 timestamps; every view shows
them in the workstation's time zone, always with the year, through these helpers."""

from __future__ import annotations

import datetime as dt


def _moment(iso: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def local_time(iso: str | None, *, seconds: bool = False) -> str:
    """"2026-12-04 18:10" in local time for a stored UTC timestamp; "" for none, and an
    unreadable value as it is (never a made-up time)."""
    if not iso:
        return ""
    moment = _moment(iso)
    if moment is None:
        return iso
    return moment.astimezone().strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else ""))


def zone_name() -> str:
    """The local zone's abbreviation now ("CET", "UTC"), for column titles."""
    return dt.datetime.now().astimezone().tzname() or "local"


def local_day_bounds(day: dt.date) -> tuple[str, str]:
    """The first and last instant of a local calendar day as stored UTC timestamps, so that a
    filter by a day the user picked matches what the views show for that day."""
    start = dt.datetime.combine(day, dt.time()).astimezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).astimezone()
    end -= dt.timedelta(microseconds=1)
    return tuple(t.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
                 for t in (start, end))  # type: ignore[return-value]
