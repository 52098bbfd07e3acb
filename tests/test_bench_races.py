"""The bench's rules under two terminals at once: two real processes meet at the same order at
the same moment, round after round (tests/bench_workers.py). Every rule that guards a write is
checked on the row read under that write's lock, so one of the two is refused, never both
told "done"; and ``Store.write`` never joins a transaction that does not hold the lock."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest
from builders import NOW, collect, import_sales, ready_order
from conftest import ROOT
from holding import another_terminal_writing

from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.records.customers import add_contract
from deskapp.records.staff import add_staff

ROUNDS = 40
SLOT_S = 0.15  # one round: both processes act on one order within it


def race(db, tag: str, *players: tuple[str, str, float]) -> list[list[str]]:
    """Each player (action, staff name, sweep in seconds: see tests/bench_workers.py) in its own
    process, all acting on the orders tagged ``tag`` round by round; returns each player's
    outcomes, round by round."""
    start = time.time() + 2.0  # every process imports and opens first, then they go together
    procs = [subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "bench_workers.py"), action, str(db), tag, staff, str(start),
         str(SLOT_S), NOW.isoformat(), str(sweep)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for action, staff, sweep in players]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        reports.append(json.loads(out))
    assert all(len(r["outcomes"]) == ROUNDS for r in reports), [len(r["outcomes"]) for r in reports]
    assert all(r["numbers"] == reports[0]["numbers"] for r in reports)
    return [r["outcomes"] for r in reports]


def no_errors(*outcomes: list[str]) -> None:
    """No round ended in anything but "ok" or a clear refusal ("database is locked" included)."""
    errors = [o for seq in outcomes for o in seq if o.startswith("crash")]
    assert errors == [], errors[:3]


@pytest.fixture
def bench_team(station, team):
    """Two engineers at two bench terminals, and the manager."""
    a = add_staff(station, team["manager"], "engineer-a", "engineer", "1234")
    b = add_staff(station, team["manager"], "engineer-b", "engineer", "1234")
    return {"a": a, "b": b}


def orders(station, team, customer, tag: str, count: int = ROUNDS, *, engineer=None, diagnosing=False) -> list[str]:
    out = []
    for _ in range(count):
        n = create_order(station, team["reception"], IntakeInput(
            customer_id=customer.id, product_line="camera", serial="CAM-NEW-1", fault_reported=tag)).number
        if engineer is not None:
            assign_engineer(station, team["reception"], n, engineer)
        if diagnosing:
            advance(station, team["engineer"], n, "start_diagnosis")
        out.append(n)
    return out


def event_ids(db, kind: str) -> dict[str, list[int]]:
    conn = sqlite3.connect(db)
    try:
        found: dict[str, list[int]] = {}
        for subject, event_id in conn.execute("SELECT subject, id FROM events WHERE kind = ? ORDER BY id", (kind,)):
            found.setdefault(subject, []).append(event_id)
        return found
    finally:
        conn.close()


def after_withdrawal(db, kind: str) -> list[str]:
    """Orders where ``kind`` was recorded after the customer had withdrawn (the device left the bench)."""
    withdrawn = {s: ids[0] for s, ids in event_ids(db, "order.withdraw").items()}
    return [s for s, ids in event_ids(db, kind).items() if s in withdrawn and max(ids) > withdrawn[s]]


def test_two_engineers_taking_one_order_from_the_pool_one_is_refused(station, team, customer, tmp_path, bench_team):
    import_sales(station, team["manager"], tmp_path)
    numbers = orders(station, team, customer, "pool race")
    a, b = race(station.store.path, "pool race", ("take", "engineer-a", 0.0), ("take", "engineer-b", 0.0))
    no_errors(a, b)
    both = sum(1 for x, y in zip(a, b) if x == y == "ok")
    assert both == 0, f"both engineers told 'taken' in {both} of {ROUNDS} races"
    assert all(sorted((x, y)) == ["error.already_assigned", "ok"] for x, y in zip(a, b)), list(zip(a, b))
    conn = sqlite3.connect(station.store.path)
    owners = dict(conn.execute("SELECT number, assigned_engineer_id FROM repair_orders WHERE fault_reported = ?",
                               ("pool race",)))
    for n, x in zip(numbers, a):  # the one told "taken" is the one it is assigned to
        assert owners[n] == (bench_team["a"].id if x == "ok" else bench_team["b"].id), n
    taken = event_ids(station.store.path, "order.engineer_assigned")
    assert all(len(taken[n]) == 1 for n in numbers)  # one assignment each: nobody silently replaced


def test_two_terminals_opening_a_rework_of_one_repair_make_one(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path)
    originals = []
    for _ in range(ROUNDS):
        n = ready_order(station, team["reception"], team["engineer"], customer.id, fault="rework race")
        collect(station, team["pickup"], n, "王小明")
        originals.append(n)
    add_staff(station, team["manager"], "reception-b", "reception", "1234")
    a, b = race(station.store.path, "rework race", ("rework", "reception-person", 0.0), ("rework", "reception-b", 0.0))
    no_errors(a, b)
    both = sum(1 for x, y in zip(a, b) if x == y == "ok")
    assert both == 0, f"two open reworks of one repair in {both} of {ROUNDS} races"
    assert all(sorted((x, y)) == ["error.rework_already_open", "ok"] for x, y in zip(a, b)), list(zip(a, b))
    conn = sqlite3.connect(station.store.path)
    per_original = conn.execute(
        "SELECT o.number, COUNT(r.id) FROM repair_orders o LEFT JOIN repair_orders r ON r.rework_of = o.id"
        " WHERE o.fault_reported = 'rework race' GROUP BY o.id").fetchall()
    assert sorted(per_original) == sorted((n, 1) for n in originals)


def test_a_diagnosis_is_not_recorded_on_an_order_withdrawn_meanwhile(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path)
    orders(station, team, customer, "diagnosis race", engineer=team["ids"]["engineer"], diagnosing=True)
    d, c = race(station.store.path, "diagnosis race", ("diagnose", "engineer-person", 0.0005),
                ("withdraw", "manager-person", 0.0))
    no_errors(d, c)
    late = after_withdrawal(station.store.path, "order.diagnosed")
    assert late == [], f"a diagnosis recorded on {len(late)} of {ROUNDS} withdrawn orders"
    assert all(x == "ok" or x == "error.not_in_state" for x in d), d
    assert "ok" in c  # the races did meet: some withdrawals went through


def test_a_delay_call_does_not_move_the_promise_of_an_order_withdrawn_meanwhile(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path)
    orders(station, team, customer, "delay race", engineer=team["ids"]["engineer"], diagnosing=True)
    d, c = race(station.store.path, "delay race", ("delay", "engineer-person", 0.0005),
                ("withdraw", "manager-person", 0.0))
    no_errors(d, c)
    late = after_withdrawal(station.store.path, "order.promise_changed")
    assert late == [], f"the promise of {len(late)} of {ROUNDS} withdrawn orders moved by a delay call"
    assert "ok" in c


def test_a_loaner_does_not_go_out_on_an_order_withdrawn_meanwhile(station, team, customer, tmp_path):
    import datetime as dt

    import_sales(station, team["manager"], tmp_path)
    add_contract(station, team["manager"], customer.id, 2, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    orders(station, team, customer, "loaner race", engineer=team["ids"]["engineer"], diagnosing=True)
    d, c = race(station.store.path, "loaner race", ("loaner", "engineer-person", 0.0005),
                ("withdraw", "manager-person", 0.0))
    no_errors(d, c)
    late = after_withdrawal(station.store.path, "order.loaner_issued")
    assert late == [], f"a loaner went out on {len(late)} of {ROUNDS} withdrawn orders"
    assert "ok" in c


def test_store_write_refuses_to_join_a_deferred_transaction(tmp_path):
    """A deferred ``BEGIN`` on the writer, then a write: once refused with a clear error, never a
    silent join that fails with "database is locked" (or decides on a read before the lock)."""
    from deskapp.storage.store import DeferredWrite, Store

    store = Store(tmp_path / "station.db")
    store.conn.execute("BEGIN")  # deferred: a read transaction, no write lock
    store.conn.execute("SELECT COUNT(*) FROM staff").fetchone()
    with another_terminal_writing(store.path) as other:
        other.execute("INSERT INTO meta (key, value) VALUES ('other', 'terminal')")
        with pytest.raises(DeferredWrite, match="deferred BEGIN"):
            with store.write() as conn:
                conn.execute("INSERT INTO meta (key, value) VALUES ('ours', 'x')")
    store.conn.execute("ROLLBACK")
    with store.write() as conn:  # its own write, nested, still joins (one business action)
        conn.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with store.write() as inner:
            inner.execute("INSERT INTO meta (key, value) VALUES ('inner', '1')")
    assert {r[0] for r in store.query("SELECT key FROM meta WHERE key IN ('outer', 'inner', 'ours')")} \
        == {"outer", "inner"}
    store.close()


def test_two_hand_overs_of_one_order_at_once_the_second_is_refused(station, team, customer, tmp_path, bench_team):
    """The engineer's order handed to two colleagues from two terminals at the same moment: one
    hand-over, and the other refused (the order is no longer theirs), never silently replaced."""
    import_sales(station, team["manager"], tmp_path)
    add_staff(station, team["manager"], "engineer-c", "engineer", "1234")
    numbers = orders(station, team, customer, "give race", engineer=bench_team["a"].id)
    b, c = race(station.store.path, "give race", ("give:engineer-b", "engineer-a", 0.0),
                ("give:engineer-c", "engineer-a", 0.0))
    no_errors(b, c)
    both = sum(1 for x, y in zip(b, c) if x == y == "ok")
    assert both == 0, f"both hand-overs went through in {both} of {ROUNDS} races"
    assert all(sorted((x, y)) == ["error.already_assigned", "ok"] for x, y in zip(b, c)), list(zip(b, c))
    handed = event_ids(station.store.path, "order.handed_over")
    assert all(len(handed[n]) == 1 for n in numbers)


def test_a_write_slipped_into_a_read_fails_at_once_and_loudly(tmp_path):
    """The reader is for reads only: a write in ``Store.read()`` would be a deferred transaction
    upgrading to write (no busy wait, "database is locked" under load); it is refused at once,
    while another terminal writes or not, and nothing is written."""
    from deskapp.storage.store import Store

    store = Store(tmp_path / "station.db")
    for holding in (False, True):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            with store.read() as conn:
                conn.execute("SELECT COUNT(*) FROM staff").fetchone()
                if holding:
                    with another_terminal_writing(store.path):
                        conn.execute("INSERT INTO meta (key, value) VALUES ('slipped', 'in')")
                else:
                    conn.execute("INSERT INTO meta (key, value) VALUES ('slipped', 'in')")
    assert store.query("SELECT key FROM meta WHERE key = 'slipped'") == []
    store.close()
