"""The whole station at once: 8 terminal processes doing the day's mixed work on one station
file, with a display board and a kiosk beside them, through the services the screens call.

    python -m bench load                 paced 120 s, then full throttle 60 s (about 4 min)
    python -m bench.load --paced 120 --throttle 60

Terminals: 3 reception desks (take a number, call it, take the device in: pre-inspection's
order, its engineer, its voucher printed with its check code), 2 benches (each engineer moves
their orders on: diagnosis, repair, repair warranty, ready), 2 pickup counters (voucher number
and check code, verification sign-off, release, farewell; both counters see the same list,
so they race for the same customers), 1 manager (hands work from the busier engineer to the
other). The board reads what it shows; the kiosk issues numbers and answers progress questions
with right and wrong phone digits.

Phase 1, **paced**: each terminal one action every 0.5-2 s (a station's real pace); goal:
every operation's p99 under 50 ms. Phase 2, **full throttle**: no pause, and every terminal
also times a bare ``BEGIN IMMEDIATE; INSERT; COMMIT`` on its own connection between its
actions, so the baseline meets the same contention; each operation is printed beside it.

At the end the file is checked: queue numbers unique, without gaps and in time order per
service and day; order numbers unique and without gaps per month; every order's event log a
chain of moves from "received" to the state stored; every write a terminal was told succeeded
is in the file (no lost write); no "database is locked" (or any other error) reached a
terminal. A refusal (two counters releasing the same order, a wrong phone at the kiosk) is
the station's rules at work, counted apart. Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.common import ROOT, header, machine

PACED_GOAL_MS = 50.0
# Not a store operation: its time is the check code's deliberate slow hash (scrypt, about 60 ms
# of CPU), computed outside the write lock, so no other terminal waits for it.
SLOW_BY_DESIGN = {"print voucher", "check voucher"}
ROLES = ("reception", "reception", "reception", "bench", "bench", "counter", "counter", "manager")
ENGINEERS = ("陳志明", "林雅婷")
SERIALS_PER_DESK = 4000
PHONE = "0912-{:06d}"


# --------------------------------------------------------------------------- the station


def build(directory: Path) -> Path:
    """A demo station, with devices on record for the desks to take in and customers for them."""
    from deskapp.demo import build_demo
    from deskapp.records.customers import CustomerInput, create_customer
    from deskapp.records.purchases import import_sales_csv
    from deskapp.station import Actor, Station

    db = directory / "station.db"
    build_demo(db, locale="zh_TW")
    station = Station.open(db, locale="zh_TW")
    setup = Actor.system(name="bench", terminal="setup")
    on = (station.today() - dt.timedelta(days=45)).isoformat()  # in warranty
    csv = directory / "sales.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone\n")
        for desk in range(ROLES.count("reception")):
            for i in range(SERIALS_PER_DESK):
                out.write(f"LOAD-{desk}-{i:05d},VisionCam 4K,camera,{on},INV-{desk}-{i},光華數位,,\n")
    import_sales_csv(station, setup, csv)
    for i in range(40):
        create_customer(station, setup, CustomerInput(name=f"客戶{i:02d}", phones=[PHONE.format(i)]))
    with station.store.write() as conn:
        conn.execute("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, terminal TEXT, at REAL)")
    (directory / "vouchers.txt").touch()
    station.close()
    return db


# --------------------------------------------------------------------------- one terminal


class Terminal:
    """One process: its role's actions, each timed; what it was told was committed."""

    def __init__(self, db: str, role: str, index: int, seed: int) -> None:
        from deskapp.records.staff import list_staff
        from deskapp.station import Actor, Station

        self.station = Station.open(db)
        self.role, self.index = role, index
        self.rng = random.Random(seed)
        self.name = f"{role[0].upper()}{index}"
        staff = {s.name: s for s in list_staff(self.station)}
        first = {"reception": "王美玲", "counter": "張家豪", "manager": "李建國"}
        if role == "bench":
            member = staff[ENGINEERS[index % len(ENGINEERS)]]
        elif role in first:
            member = staff[first[role]]
        else:
            member = None
        self.staff = staff
        self.actor = member.actor(self.name) if member else Actor.system(name=role, terminal=self.name)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.refused: dict[str, int] = defaultdict(int)
        self.why: dict[str, int] = defaultdict(int)  # the refusals' message keys
        self.errors: list[str] = []
        self.committed: dict[str, list] = defaultdict(list)
        self.serial = 0
        self.customers = [r["id"] for r in self.station.store.query("SELECT id FROM customers ORDER BY id")]
        self.printer = f"file:{Path(db).parent / f'printer-{self.name}.bin'}"
        self.codes = Path(db).parent / "vouchers.txt"  # the paper the customers carry
        self.bare = None

    def timed(self, op: str, fn, *args, **kwargs):
        from deskapp.rules.errors import DeskError

        start = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except DeskError as refusal:  # the station's rules: a refusal, not a failure
            self.times[op].append(time.perf_counter() - start)
            self.refused[op] += 1
            self.why[f"{op}: {refusal.key}"] += 1
            return refusal
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            self.errors.append(f"{op}: {type(exc).__name__}: {exc}")
            return exc
        self.times[op].append(time.perf_counter() - start)
        return result

    def ok(self, result) -> bool:
        """Done: neither refused by the station's rules nor failed."""
        return not isinstance(result, Exception)

    # ---- the roles

    def reception(self) -> None:
        from deskapp.documents.thermal import print_voucher
        from deskapp.orders.creation import IntakeInput, create_order
        from deskapp.orders.moves import assign_engineer
        from deskapp.reception.queue import call_next, take_number

        ticket = self.timed("take number", take_number, self.station, self.actor, "drop-off")
        if self.ok(ticket):
            self.committed["tickets"].append(ticket.code)
        called = self.timed("call next", call_next, self.station, self.actor, "drop-off")
        if not self.ok(called) or called is None or self.rng.random() < 0.3:
            return  # a question answered at the desk: no device taken in
        serial = f"LOAD-{self.index}-{self.serial:05d}"
        self.serial += 1
        order = self.timed("intake (create order)", create_order, self.station, self.actor, IntakeInput(
            customer_id=self.rng.choice(self.customers), product_line="camera", serial=serial,
            fault_reported="開機無畫面", queue_code=called.code))
        if not self.ok(order):
            return
        self.committed["orders"].append(order.number)
        engineer = self.staff[ENGINEERS[self.serial % len(ENGINEERS)]]
        if self.ok(self.timed("assign engineer", assign_engineer, self.station, self.actor, order.number, engineer.id)):
            self.committed["moves"].append((order.number, "order.engineer_assigned"))
        code = self.timed("print voucher", print_voucher, self.station, self.actor, order.number, printer=self.printer)
        if self.ok(code):
            with self.codes.open("a", encoding="utf-8") as paper:  # one short append: whole lines
                paper.write(f"{order.number} {code}\n")

    def bench(self) -> None:
        from deskapp.bench.repair import PartUsed, record_repair, set_repair_warranty
        from deskapp.bench.work_list import my_work
        from deskapp.orders.moves import advance

        work = self.timed("work list", my_work, self.station, self.actor.staff_id)
        if not self.ok(work) or not work:
            return
        # an engineer finishes what is on the bench before starting the next one
        stage = {"in_repair": 0, "diagnosing": 1, "received": 2}
        item = min(work, key=lambda i: stage.get(i.state, 9))
        number, state = item.number, item.state
        if state == "received":
            step = self.timed("start diagnosis", advance, self.station, self.actor, number, "start_diagnosis")
            action = "order.start_diagnosis"
        elif state == "diagnosing":
            step = self.timed("start repair", advance, self.station, self.actor, number, "start_repair")
            action = "order.start_repair"
        elif state == "in_repair":
            done = self.timed("record repair", record_repair, self.station, self.actor, number, "更換感光元件排線",
                              [PartUsed("排線", 1, False, "送回原廠")], 20)
            if not self.ok(done):
                return
            if not self.ok(self.timed("repair warranty", set_repair_warranty, self.station, self.actor, number, 3)):
                return
            step = self.timed("mark ready", advance, self.station, self.actor, number, "mark_ready")
            action = "order.mark_ready"
        else:
            return
        if self.ok(step):
            self.committed["moves"].append((number, action))

    def counter(self) -> None:
        from deskapp.counter.farewell import farewell
        from deskapp.counter.lists import at_the_counter
        from deskapp.counter.release import release
        from deskapp.counter.sign_off import SignOff, sign_off
        from deskapp.counter.voucher_check import check_voucher, look_up

        waiting = self.timed("counter list", at_the_counter, self.station)
        if not self.ok(waiting):
            return
        # the customers who came back with their voucher (the demo's own orders have none here)
        codes = dict(line.split() for line in self.codes.read_text(encoding="utf-8").splitlines() if line.strip())
        ready = [o for o in waiting if o.state in ("ready", "released") and o.number in codes]
        if not ready:
            return
        order = self.rng.choice(ready[:3])  # the other counter sees the same list: they race
        number = order.number
        if order.state == "ready":
            checked = self.timed("check voucher", check_voucher, self.station, self.actor, number, codes[number])
            if isinstance(checked, Exception):
                return
            view = self.timed("look up", look_up, self.station, self.actor, number)
            if isinstance(view, Exception):
                return
            signed = self.timed("sign-off", sign_off, self.station, self.actor, number,
                                SignOff({item: "pass" for item in view.checklist}, True, "客戶"))
            if isinstance(signed, Exception):
                return
            self.committed["moves"].append((number, "order.verified"))
            released = self.timed("release", release, self.station, self.actor, number)
            if isinstance(released, Exception):
                return
            self.committed["moves"].append((number, "order.release"))
        done = self.timed("farewell (close)", farewell, self.station, self.actor, number,
                          {"wiped": True, "card": True, "belongings": True})
        if not isinstance(done, Exception):
            self.committed["moves"].append((number, "order.close"))

    def manager(self) -> None:
        from deskapp.bench.work_list import give, my_work

        a, b = (self.staff[n] for n in ENGINEERS)
        loads = {a.id: self.timed("work list", my_work, self.station, a.id),
                 b.id: self.timed("work list", my_work, self.station, b.id)}
        if not all(self.ok(v) for v in loads.values()):
            return
        busy, free = sorted(loads, key=lambda k: -len(loads[k]))
        waiting = [i for i in loads[busy] if i.state == "received"]
        if len(loads[busy]) - len(loads[free]) > 2 and waiting:
            item = waiting[-1]
            given = self.timed("hand over", give, self.station, self.actor, item.number, free, "平衡工作量")
            if self.ok(given):
                self.committed["moves"].append((item.number, "order.handed_over"))

    def board(self) -> None:
        from deskapp.reception.board import board_view

        self.timed("board read", board_view, self.station)

    def kiosk(self) -> None:
        from deskapp.reception.kiosk import check_progress
        from deskapp.reception.queue import take_number

        if self.rng.random() < 0.5:
            ticket = self.timed("kiosk number", take_number, self.station, self.actor,
                                self.rng.choice(("drop-off", "pickup", "inquiry")))
            if self.ok(ticket):
                self.committed["tickets"].append(ticket.code)
            return
        row = self.station.store.query_one(
            "SELECT o.number, p.phone FROM repair_orders o JOIN customer_phones p ON p.customer_id = o.customer_id"
            " ORDER BY o.id DESC LIMIT 1 OFFSET ?", (self.rng.randrange(20),))
        if row is None:
            return
        digits = "".join(ch for ch in row["phone"] if ch.isdigit())[-4:]
        wrong = self.rng.random() < 0.2
        self.timed("kiosk progress", check_progress, self.station, self.actor, row["number"].lower(),
                   "0000" if wrong and digits != "0000" else digits)

    def bare_write(self) -> None:
        """The baseline: a bare BEGIN IMMEDIATE / INSERT / COMMIT on a connection of its own,
        set up as the store's writer is (WAL, synchronous=FULL, the same busy timeout)."""
        from deskapp.storage.store import BUSY_TIMEOUT_S

        if self.bare is None:
            self.bare = sqlite3.connect(str(self.station.store.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.bare.execute("PRAGMA synchronous = FULL")

        def write() -> None:
            self.bare.execute("BEGIN IMMEDIATE")
            self.bare.execute("INSERT INTO bench_bare (terminal, at) VALUES (?, ?)", (self.name, time.time()))
            self.bare.execute("COMMIT")

        self.timed("bare BEGIN IMMEDIATE/INSERT/COMMIT", write)

    def run(self, until: float, paced: bool) -> None:
        act = getattr(self, self.role)
        while time.time() < until:
            act()
            if paced:
                time.sleep(self.rng.uniform(0.25, 1.0) if self.role == "board" else self.rng.uniform(0.5, 2.0))
            else:
                self.bare_write()
        self.station.close()


def terminal_main(db: str, role: str, index: int, seed: int, start_at: float, seconds: float, paced: bool) -> None:
    t = Terminal(db, role, index, seed)
    while time.time() < start_at:
        time.sleep(0.005)
    t.run(start_at + seconds, paced)
    print(json.dumps({"role": role, "name": t.name, "times": t.times, "refused": t.refused, "why": t.why, "errors": t.errors,
                      "committed": t.committed}, ensure_ascii=False))


# --------------------------------------------------------------------------- a phase


def phase(db: Path, seconds: float, paced: bool, seed: int) -> list[dict]:
    roles = [(r, ROLES[:i].count(r)) for i, r in enumerate(ROLES)] + [("board", 0), ("kiosk", 0)]
    start_at = time.time() + 3.0  # every process opened its station before the first action
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "bench.load", "--terminal", role, str(index), str(seed + n), repr(start_at),
         repr(seconds), "1" if paced else "0", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT, env=env) for n, (role, index) in enumerate(roles)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 120)
        if proc.returncode != 0:
            raise SystemExit(f"a terminal failed:\n{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def refusals(results: list[dict]) -> None:
    why: dict[str, int] = defaultdict(int)
    for r in results:
        for key, n in r["why"].items():
            why[key] += n
    if why:
        print("  refused, by the station's rules: " + "; ".join(f"{k} x{n}" for k, n in sorted(why.items())))


def report(title: str, results: list[dict], *, goal_ms: float | None = None) -> bool:
    times: dict[str, list[float]] = defaultdict(list)
    first: dict[str, float] = defaultdict(float)
    refused: dict[str, int] = defaultdict(int)
    for r in results:
        for op, samples in r["times"].items():
            # a process's first call of a service loads its modules and fills its caches: the
            # time of a terminal's first action of the day, shown apart
            first[op] = max(first[op], samples[0])
            times[op] += samples[1:]
        for op, n in r["refused"].items():
            refused[op] += n
    header(title)
    bare = times.get("bare BEGIN IMMEDIATE/INSERT/COMMIT")
    met = True
    print(f"  {'operation (after its first call)':<36} {'n':>6} {'refused':>8} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}"
          + ("   p50/bare  p99/bare" if bare else ("   goal" if goal_ms else "")))
    for op in sorted(times, key=lambda o: (o.startswith("bare"), o)):
        s = times[op]
        if not s:
            continue
        p50, p99, top = percentile(s, 0.5), percentile(s, 0.99), max(s) * 1000
        extra = ""
        if bare and not op.startswith("bare"):
            extra = f"   {p50 / percentile(bare, 0.5):8.2f}x {p99 / percentile(bare, 0.99):8.2f}x"
        elif goal_ms is not None and op in SLOW_BY_DESIGN:
            extra = "   (the check code's slow hash: outside the lock)"
        elif goal_ms is not None:
            ok = p99 < goal_ms
            met &= ok
            extra = f"   {'met' if ok else 'NOT MET'} (p99 < {goal_ms:.0f} ms)"
        print(f"  {op:<36} {len(s):>6} {refused.get(op, 0):>8} {p50:9.2f} {p99:9.2f} {top:9.2f}{extra}")
    refusals(results)
    slowest = sorted(first.items(), key=lambda kv: -kv[1])[:4]
    print("  first call in a process (not counted above), slowest: "
          + ", ".join(f"{op} {t * 1000:.0f} ms" for op, t in slowest))
    return met


# --------------------------------------------------------------------------- the checks


def checks(db: Path, results: list[dict]) -> bool:
    conn = sqlite3.connect(str(db))
    conn.row_factory = sqlite3.Row
    verdicts = []

    def check(name: str, bad: list, detail: str = "") -> None:
        verdicts.append(not bad)
        print(f"  {'PASS' if not bad else 'FAIL'}  {name}: {len(bad)} {detail}"
              + (f"  e.g. {bad[:3]}" if bad else ""))

    header("checks on the station file")
    tickets = conn.execute("SELECT service, day, number, code, issued_at FROM queue_tickets"
                           " ORDER BY service, day, number").fetchall()
    gaps, out_of_order, last = [], [], {}
    for t in tickets:
        key = (t["service"], t["day"])
        prev = last.get(key)
        if prev is None and t["number"] != 1 or prev is not None and t["number"] != prev["number"] + 1:
            gaps.append(t["code"])
        if prev is not None and t["issued_at"] < prev["issued_at"]:
            out_of_order.append(t["code"])
        last[key] = t
    codes = [(t["day"], t["code"]) for t in tickets]
    check("queue numbers issued twice", [c for c in set(codes) if codes.count(c) > 1])
    check("queue numbers missing in a day's sequence", gaps)
    check("queue numbers issued out of time order", out_of_order)
    numbers = [r["number"] for r in conn.execute("SELECT number FROM repair_orders")]
    check("order numbers given twice", [n for n in set(numbers) if numbers.count(n) > 1])
    periods = defaultdict(list)
    for n in numbers:
        prefix, seq = n.rsplit("-", 1)
        periods[prefix].append(int(seq))
    check("order numbers missing in a month's sequence",
          [p for p, seqs in periods.items() if sorted(seqs) != list(range(1, len(seqs) + 1))])
    # every order's moves: a chain from "received" to the state it is in
    from deskapp.rules.lifecycle import State

    states = {str(s) for s in State}
    broken = []
    for order in conn.execute("SELECT id, number, state FROM repair_orders"):
        at = "received"
        for e in conn.execute("SELECT kind, data FROM events WHERE order_id = ? ORDER BY id", (order["id"],)):
            data = json.loads(e["data"] or "{}")
            if data.get("from") in states and data.get("to") in states:
                if data["from"] != at:
                    broken.append(f"{order['number']}: {e['kind']} from {data['from']} after {at}")
                    break
                at = data["to"]
        else:
            if at != order["state"]:
                broken.append(f"{order['number']}: log ends at {at}, stored {order['state']}")
    check("orders whose event log does not lead to their state", broken)
    # no lost write: what a terminal was told is committed is in the file
    stored_codes = {(t["code"]) for t in tickets}
    stored_orders = set(numbers)
    moves = {(r["subject"], r["kind"]) for r in conn.execute("SELECT subject, kind FROM events")}
    lost = []
    for r in results:
        c = r["committed"]
        lost += [t for t in c.get("tickets", []) if t not in stored_codes]
        lost += [o for o in c.get("orders", []) if o not in stored_orders]
        lost += [f"{n} {k}" for n, k in c.get("moves", []) if (n, k) not in moves]
    check("writes reported done but not in the file", lost)
    errors = [e for r in results for e in r["errors"]]
    check("\"database is locked\" seen by a terminal", [e for e in errors if "locked" in e])
    check("other errors seen by a terminal", [e for e in errors if "locked" not in e])
    conn.close()
    return all(verdicts)


def run(paced: float = 120.0, throttle: float = 60.0) -> bool:
    header(f"the whole station at once: {len(ROLES)} terminals ({', '.join(sorted(set(ROLES)))}),"
           f" a board and a kiosk on one file; paced {paced:.0f} s, full throttle {throttle:.0f} s")
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp))
        results = []
        met = True
        if paced > 0:
            done = phase(db, paced, True, seed=1)
            met = report("paced: each terminal an action every 0.5-2 s (the board every 0.25-1 s)", done,
                         goal_ms=PACED_GOAL_MS)
            results += done
        if throttle > 0:
            done = phase(db, throttle, False, seed=100)
            report("full throttle: no pause; each action beside a bare BEGIN IMMEDIATE/INSERT/COMMIT"
                   " timed between them", done)
            results += done
        ok = checks(db, results)
        orders = sum(len(r["committed"].get("orders", [])) for r in results)
        closed = sum(1 for r in results for _, k in r["committed"].get("moves", []) if k == "order.close")
        print(f"  orders taken in: {orders}, closed at the counter: {closed}")
    print(f"  paced goal (every p99 < {PACED_GOAL_MS:.0f} ms): {'met' if met else 'NOT MET'}")
    return ok


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--terminal":
        role, index, seed, start_at, seconds, paced, db = sys.argv[2:9]
        terminal_main(db, role, int(index), int(seed), float(start_at), float(seconds), paced == "1")
        return
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--paced", type=float, default=120.0, help="seconds at a station's pace")
    parser.add_argument("--throttle", type=float, default=60.0, help="seconds at full throttle")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    raise SystemExit(0 if run(args.paced, args.throttle) else 1)


if __name__ == "__main__":
    main()
