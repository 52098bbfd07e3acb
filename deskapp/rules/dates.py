"""Time at the station.

Timestamps are stored as UTC ISO-8601 text (sortable, unambiguous across terminals);
days that matter to people (queue numbers restart daily, warranty dates) are taken in
the station's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def station_zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # No tz database on this machine: Taipei and Shanghai have no DST, so a
        # fixed +08:00 is exact for the stations this app serves.
        return dt.timezone(dt.timedelta(hours=8), name)


def to_db(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    # isoformat is several times faster than strftime, and this is on every write.
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_db(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def local_time(station, stamp: str | None) -> str:
    """A stored UTC timestamp as the station's wall-clock time, for people to read."""
    moment = from_db(stamp)
    return moment.astimezone(station.tz).strftime("%Y-%m-%d %H:%M") if moment else ""
