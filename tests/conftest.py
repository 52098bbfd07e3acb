"""Shared fixtures: real station files in a temporary directory, a clock we can move."""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from builders import (  # noqa: F401
    NOW,
    TAIPEI,
    MovableClock,
    fixed_clock,
    front_desk_sales,
    import_sales,
)

from deskapp.records.customers import CustomerInput, create_customer
from deskapp.records.staff import add_staff
from deskapp.station import Actor, Station

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clock() -> MovableClock:
    return fixed_clock()


@contextmanager
def refused(key: str, kind: type | None = None, field: str | None = None):
    """Expect a DeskError with exactly this catalog ``key`` (and ``field``, for a ValidationError)."""
    from deskapp.rules.errors import DeskError, ValidationError

    kind = kind or (ValidationError if field is not None else DeskError)
    with pytest.raises(kind) as err:
        yield err
    assert err.value.key == key, f"refused with {err.value.key!r} ({err.value}), expected {key!r}"
    if field is not None:
        assert err.value.field == field, f"refused on {err.value.field!r}, expected {field!r}"


@pytest.fixture
def station(tmp_path, clock):
    st = Station.open(tmp_path / "station.db", locale="en", clock=clock)
    yield st
    st.close()


@pytest.fixture
def system() -> Actor:
    return Actor.system(name="test", terminal="T1")


@pytest.fixture
def team(station, system):
    """One staff member per role, as actors at terminal T1."""
    members = {role: add_staff(station, system, f"{role}-person", role, "1234") for role in
               ("reception", "engineer", "pickup", "manager")}
    return {role: m.actor("T1") for role, m in members.items()} | {"ids": {r: m.id for r, m in members.items()}}


@pytest.fixture
def customer(station, team):
    return create_customer(station, team["reception"], CustomerInput(name="王小明", phones=["0912-345-678"]))


def run_python(*args: str, stdin: str | None = None, env: dict | None = None, timeout: float = 120):
    """Run ``python ARGS`` in a real child process (same interpreter and environment)."""
    import os
    import subprocess

    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=ROOT
    )


def spawn_workers(kind: str, db, count: int, processes: int, at: dt.datetime = NOW) -> list[dict]:
    """Start ``processes`` real processes running tests/workers.py together, their station clock
    stopped at ``at``; return their reports."""
    import json
    import subprocess
    import time

    start = time.time() + 1.5  # let every process import and open first, then go at once
    procs = [
        subprocess.Popen([sys.executable, str(ROOT / "tests" / "workers.py"), kind, str(db), str(count), str(start),
                          at.isoformat()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(processes)
    ]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        reports.append(json.loads(out))
    return reports


@pytest.fixture
def printer():
    from printer_listener import PrinterListener

    listener = PrinterListener()
    yield listener
    listener.close()


def make_front_desk(directory: Path, printer_url: str = "", locale: str = "en", clock=None) -> Path:
    """A small real station for the screens: staff (PIN 1234), sales on record, a customer;
    built at ``clock`` (the fixed NOW unless told), as the apps of desk_pilot.new_app run."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "station.toml").write_text(
        f'[printer]\nurl = "{printer_url}"\npaper_mm = 80\nencoding = "auto"\n', encoding="utf-8")
    db = directory / "station.db"
    clock = clock or fixed_clock()
    st = Station.open(db, locale=locale, clock=clock)
    system = Actor.system(name="setup", terminal="setup")
    for name, role in (("Amy Reception", "reception"), ("陳志明", "engineer"), ("林雅婷", "engineer"),
                       ("Mia Manager", "manager")):
        add_staff(st, system, name, role, "1234")
    import_sales(st, system, directory, front_desk_sales(clock().astimezone(TAIPEI).date()))
    create_customer(st, system, CustomerInput(name="黃淑芬", phones=["0912-345-678"]))
    st.close()
    return db
