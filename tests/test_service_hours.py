"""Service hours and holidays are station data (station.toml), and promises follow them: the
completion promised at drop-off, the inspection estimate, a rework's target and the bench's
at-risk check count the station's open time, not the calendar's."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import import_sales
from conftest import TAIPEI

from deskapp.bench import work_list
from deskapp.bench.promises import open_minutes_left
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.moves import assign_engineer
from deskapp.records.customers import CustomerInput, create_customer
from deskapp.records.staff import add_staff
from deskapp.rules.dates import from_db
from deskapp.station import Actor, Station

SYSTEM = Actor.system(name="test", terminal="T1")
FRIDAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=TAIPEI)


def local(stamp: str) -> dt.datetime:
    return from_db(stamp).astimezone(TAIPEI)


@pytest.fixture
def desk(tmp_path, clock):
    """A station with its own station.toml (``write`` it first), staff, a customer and sales."""
    opened = []

    def make(station_toml: str = "") -> tuple:
        if station_toml:
            (tmp_path / "station.toml").write_text(station_toml, encoding="utf-8")
        station = Station.open(tmp_path / "station.db", locale="en", clock=clock)
        opened.append(station)
        staff = {r: add_staff(station, SYSTEM, f"{r}-person", r, "1234") for r in ("reception", "engineer", "manager")}
        actors = {r: m.actor("T1") for r, m in staff.items()}
        import_sales(station, actors["manager"], tmp_path)
        customer = create_customer(station, actors["reception"], CustomerInput(name="王小明", phones=["0912-345-678"]))

        def intake(serial="CAM-NEW-1", line="camera"):
            order = create_order(station, actors["reception"], IntakeInput(
                customer_id=customer.id, product_line=line, serial=serial, fault_reported="no picture"))
            assign_engineer(station, actors["reception"], order.number, staff["engineer"].id)
            return order

        return station, intake, staff["engineer"].id

    yield make
    for station in opened:
        station.close()


def test_the_default_station_keeps_mon_to_fri_and_the_1730_close(desk, clock):
    clock.set(FRIDAY)
    station, intake, _ = desk()
    order = intake()  # a camera: 3 working days
    assert local(order.promised_at) == dt.datetime(2026, 12, 2, 17, 30, tzinfo=TAIPEI)  # Wednesday
    assert local(order.inspection_due_at) == FRIDAY + dt.timedelta(minutes=20)


def test_a_station_open_on_saturday_counts_it(desk, clock):
    clock.set(FRIDAY)
    station, intake, _ = desk('[service_hours]\nsat = ["09:00-13:00"]\n')
    order = intake()
    # Saturday, Monday, Tuesday: due at Tuesday's close (before: Wednesday, Saturday skipped).
    assert local(order.promised_at) == dt.datetime(2026, 12, 1, 17, 30, tzinfo=TAIPEI)
    clock.set(dt.datetime(2026, 11, 26, 10, 0, tzinfo=TAIPEI))  # a Thursday: Friday, Saturday, Monday
    assert local(intake("CAM-NEW-2").promised_at) == dt.datetime(2026, 11, 30, 17, 30, tzinfo=TAIPEI)


def test_a_public_holiday_is_not_a_working_day(desk, clock):
    clock.set(FRIDAY)
    station, intake, _ = desk('[holidays]\nclosed = ["2026-11-30", "2026-12-02"]\n')
    order = intake()
    # Monday and Wednesday closed: Tuesday, Thursday, Friday.
    assert local(order.promised_at) == dt.datetime(2026, 12, 4, 17, 30, tzinfo=TAIPEI)


def test_the_close_is_that_days_own(desk, clock):
    clock.set(FRIDAY)
    station, intake, _ = desk('[service_hours]\nwed = ["09:00-12:00", "13:00-16:00"]\n')
    assert local(intake().promised_at) == dt.datetime(2026, 12, 2, 16, 0, tzinfo=TAIPEI)


@pytest.mark.parametrize("at,due", [
    (dt.datetime(2026, 11, 27, 17, 20), dt.datetime(2026, 11, 30, 9, 10)),  # Friday near the close: Monday morning
    (dt.datetime(2026, 11, 24, 11, 50), dt.datetime(2026, 11, 24, 13, 10)),  # over lunch
    (dt.datetime(2026, 11, 24, 12, 30), dt.datetime(2026, 11, 24, 13, 20)),  # taken in during lunch
    (dt.datetime(2026, 11, 24, 10, 0), dt.datetime(2026, 11, 24, 10, 20)),  # inside the hours: as before
])
def test_the_inspection_estimate_counts_open_minutes(desk, clock, at, due):
    clock.set(at.replace(tzinfo=TAIPEI))
    station, intake, _ = desk()
    assert local(intake().inspection_due_at) == due.replace(tzinfo=TAIPEI)


def test_the_inspection_estimate_skips_a_holiday(desk, clock):
    clock.set(dt.datetime(2026, 11, 27, 17, 25, tzinfo=TAIPEI))
    station, intake, _ = desk('[holidays]\nclosed = ["2026-11-30"]\n')
    assert local(intake().inspection_due_at) == dt.datetime(2026, 12, 1, 9, 15, tzinfo=TAIPEI)


def test_the_bench_is_warned_on_friday_of_a_promise_early_on_monday(desk, clock):
    """Due Monday 09:10, seen Friday 17:25: 5 open minutes on Friday and 10 on Monday, inside
    the 60-minute margin -- at risk, so the customer is called before the promise breaks
    (before: 'ok', with more than 60 hours on the calendar)."""
    clock.set(dt.datetime(2026, 11, 27, 17, 20, tzinfo=TAIPEI))
    station, intake, engineer = desk()
    order = intake()  # inspection due Monday 09:10
    clock.set(dt.datetime(2026, 11, 27, 17, 25, tzinfo=TAIPEI))
    (item,) = work_list.my_work(station, engineer)
    assert item.status == "at_risk" and item.minutes_left == 5 + 10
    # The weekend goes by with the station shut: still 10 open minutes left on Monday at 09:00.
    clock.set(dt.datetime(2026, 11, 30, 9, 0, tzinfo=TAIPEI))
    (item,) = work_list.my_work(station, engineer)
    assert item.status == "at_risk" and item.minutes_left == 10
    clock.set(dt.datetime(2026, 11, 30, 9, 11, tzinfo=TAIPEI))
    (item,) = work_list.my_work(station, engineer)
    assert item.status == "overdue" and item.minutes_left < 0
    assert open_minutes_left(station, from_db(order.inspection_due_at)) == -1


def test_a_rework_target_counts_open_hours():
    """A free rework is handled within 2 hours: at 16:30 on a Friday that is 10:00 on Monday."""
    from deskapp.rules.dates import ServiceHours, parse_period

    week = tuple((parse_period("09:00-12:00"), parse_period("13:00-17:30")) if i < 5 else () for i in range(7))
    hours = ServiceHours(week)
    start = dt.datetime(2026, 11, 27, 16, 30, tzinfo=TAIPEI)
    assert hours.minutes_later(start, 120) == dt.datetime(2026, 11, 30, 10, 0, tzinfo=TAIPEI)
    assert hours.minutes_later(dt.datetime(2026, 11, 24, 10, 0, tzinfo=TAIPEI), 120) == \
        dt.datetime(2026, 11, 24, 12, 0, tzinfo=TAIPEI)


@pytest.mark.parametrize("minutes", [1, 59, 600, 2_999, 10_000, 55_555, 123_457])
def test_open_minutes_over_weeks_and_holidays_count_back_what_was_added(desk, clock, minutes):
    """The work list counts what each promise leaves by whole weeks between its first and last
    day: over spans of weeks, holidays and a split Saturday, the open minutes from a moment
    to ``minutes`` of open time later are ``minutes``, either way round."""
    clock.set(FRIDAY)
    station, _, _ = desk('[service_hours]\nsat = ["09:00-12:00", "13:00-15:00"]\n'
                         '[holidays]\nclosed = ["2026-11-30", "2026-12-25", "2027-01-01", "2027-02-16"]\n')
    hours = station.service_hours
    for start in (FRIDAY, FRIDAY + dt.timedelta(hours=7, minutes=13, seconds=30), FRIDAY + dt.timedelta(days=2)):
        start = start.astimezone(station.tz)
        later = hours.minutes_later(start, minutes)
        assert hours.open_minutes_between(start, later) == minutes
        assert hours.open_minutes_between(later, start) == -minutes


def test_time_left_counts_working_days_of_the_stations_hours(station):
    """Open minutes are shown in open days: 30 open hours on a 7.5-hour day are 4 working days,
    not "1 day 6 h" (a day of 24 hours of open time the station never has)."""
    from deskapp.screens.bench.work_list import span
    from deskapp.settings.i18n import translator

    hours = station.service_hours
    assert hours.day_minutes == 450  # Mon-Fri 09:00-12:00 and 13:00-17:30
    tr = translator("en")
    assert span(tr, 30 * 60, hours.day_minutes) == "4wd0h"
    assert span(tr, 450 + 125, hours.day_minutes) == "1wd2h"
    assert span(tr, 449, hours.day_minutes) == "7h29m"
    assert translator("zh_TW").t("bench.span_days", d=4, h=0) == "4工作天0時"
