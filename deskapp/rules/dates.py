"""Time at the station.

Timestamps are stored as UTC ISO-8601 text (sortable, unambiguous across terminals);
days that matter to people (queue numbers restart daily, warranty dates) are taken in
the station's time zone.
"""

from __future__ import annotations

import calendar
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


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months starting on ``start`` (a warranty, a
    repair warranty): the day before the same date ``months`` later; where that date does not
    exist (2024-02-29 + 12, 2025-11-30 + 3) the period ends on that month's last day
    (2025-02-28, 2026-02-28)."""
    if months < 1:
        raise ValueError("a period of at least one month")
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return dt.date(year, month, last)
    return dt.date(year, month, start.day) - dt.timedelta(days=1)


def local_time(station, stamp: str | None) -> str:
    """A stored UTC timestamp as the station's wall-clock time, for people to read."""
    moment = from_db(stamp)
    return moment.astimezone(station.tz).strftime("%Y-%m-%d %H:%M") if moment else ""
