"""Time at the station.

Timestamps are stored as UTC ISO-8601 text (sortable, unambiguous across terminals);
days that matter to people (queue numbers restart daily, warranty dates) are taken in
the station's time zone.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# Zones that are a fixed +08:00 all year (no DST): on a machine with no tz database these
# stations still get their exact wall clock.
FIXED_PLUS_EIGHT = ("Asia/Taipei", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Singapore")


def station_zone(name: str) -> dt.tzinfo:
    """The station's time zone by its IANA name. An unknown name raises ValueError (a
    mistyped zone must be refused, not become +08:00 behind the clock's back); only on a
    machine with no tz database at all do the fixed +08:00 zones fall back to that offset."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in FIXED_PLUS_EIGHT and not available_timezones():
            return dt.timezone(dt.timedelta(hours=8), name)
        raise ValueError(f"unknown time zone {name!r}") from None


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


# --------------------------------------------------------------------------- service hours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Period = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class ServiceHours:
    """When the station serves customers, in its own wall clock: per weekday (Monday first)
    the open periods in order (none: closed that day), and the dates it is closed whatever
    the weekday (public holidays, its own days off). Promises count only these hours."""

    week: tuple[tuple[Period, ...], ...]
    holidays: frozenset[dt.date] = frozenset()

    def periods(self, day: dt.date) -> tuple[Period, ...]:
        return () if day in self.holidays else self.week[day.weekday()]

    def is_open_day(self, day: dt.date) -> bool:
        return bool(self.periods(day))

    def closing_time(self, day: dt.date) -> dt.time | None:
        periods = self.periods(day)
        return periods[-1][1] if periods else None

    def _has_open_days(self) -> bool:
        return any(self.week)

    def working_days_later(self, start: dt.datetime, days: int) -> dt.datetime:
        """The close of the ``days``-th open day after ``start``'s day (``start`` aware, in the
        station's zone): a drop-off promised in 3 working days on a Friday is due at Wednesday's
        close when the station is shut at the weekend, at Tuesday's when it opens on Saturday."""
        if not self._has_open_days():
            raise ValueError("a station with no open day")
        day = start.date()
        while days > 0:
            day += dt.timedelta(days=1)
            if self.is_open_day(day):
                days -= 1
        return _at(day, self.closing_time(day), start.tzinfo)

    def minutes_later(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """``minutes`` of open time after ``start``: 20 minutes from 17:20 at a station that
        closes at 17:30 is 09:10 on its next open day."""
        if not self._has_open_days():
            raise ValueError("a station with no open day")
        tz = start.tzinfo
        left = dt.timedelta(minutes=minutes)
        moment = start
        day = start.date()
        while True:
            for begin, end in self.periods(day):
                a, b = _at(day, begin, tz), _at(day, end, tz)
                if b <= moment:
                    continue
                a = max(a, moment)
                if a + left <= b:
                    return a + left
                left -= b - a
                moment = b
            day += dt.timedelta(days=1)
            moment = max(moment, _at(day, dt.time(0), tz))

    def open_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Minutes of open time from ``start`` to ``end`` (negative if ``end`` is before):
        the time a promise really leaves, for the at-risk check and the SLA figures.

        The first and last day are counted period by period; the whole days between by
        weeks (an order a year overdue costs what one a day overdue does: the work list
        counts this for every open order)."""
        if end < start:
            return -self.open_minutes_between(end, start)
        tz = start.tzinfo
        end = end.astimezone(tz)
        first, last = start.date(), end.date()
        if first == last:
            return int(self._open_time_on(first, start, end, tz).total_seconds() // 60)
        total = self._open_time_on(first, start, None, tz) + self._open_time_on(last, None, end, tz)
        begin, finish = first + dt.timedelta(days=1), last - dt.timedelta(days=1)
        if begin <= finish:
            weeks, rest = divmod((finish - begin).days + 1, 7)
            minutes = weeks * sum(self._weekday_minutes)
            minutes += sum(self._weekday_minutes[(begin.weekday() + i) % 7] for i in range(rest))
            minutes -= sum(self._weekday_minutes[day.weekday()] for day in self.holidays if begin <= day <= finish)
            total += dt.timedelta(minutes=minutes)
        return int(total.total_seconds() // 60)

    @cached_property
    def day_minutes(self) -> int:
        """The open minutes of a usual open day (the week's open minutes over its open days):
        what "a working day" of time left means to staff."""
        open_days = [m for m in self._weekday_minutes if m > 0]
        return round(sum(open_days) / len(open_days)) if open_days else 24 * 60

    @cached_property
    def _weekday_minutes(self) -> tuple[int, ...]:
        """Open minutes of each weekday, Monday first (on the wall clock, as the periods are)."""
        return tuple(sum((b.hour * 60 + b.minute) - (a.hour * 60 + a.minute) for a, b in day) for day in self.week)

    def _open_time_on(self, day: dt.date, start: dt.datetime | None, end: dt.datetime | None, tz) -> dt.timedelta:
        """Open time on ``day`` after ``start`` and before ``end`` (None: no bound that day)."""
        total = dt.timedelta()
        for begin, finish in self.periods(day):
            a, b = _at(day, begin, tz), _at(day, finish, tz)
            if start is not None:
                a = max(a, start)
            if end is not None:
                b = min(b, end)
            if b > a:
                total += b - a
        return total


def _at(day: dt.date, time: dt.time, tz) -> dt.datetime:
    return dt.datetime.combine(day, time, tz)


def parse_period(text: str) -> Period:
    """'09:00-12:00' -> (09:00, 12:00); ValueError if not HH:MM-HH:MM with start before end."""
    try:
        a, b = text.split("-")
        begin, end = dt.time.fromisoformat(a.strip()), dt.time.fromisoformat(b.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not HH:MM-HH:MM") from None
    if len(a.strip()) != 5 or len(b.strip()) != 5:
        raise ValueError(f"{text!r} is not HH:MM-HH:MM")
    if not begin < end:
        raise ValueError(f"{text!r} ends before it starts")
    return begin, end
