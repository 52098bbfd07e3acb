"""A generated station of 1,000,000 repair orders, for benchmarks only.

Generated on demand into ``bench/.cache/`` (never committed), reused while the schema
is the same. Rows stream through ``executemany`` in chunks, so memory stays flat
whatever the size (peak 270 MB, most of it the 200 MB SQLite page cache); on the
2-core machine here 1,000,000 orders take about 32 s and 620 MB of disk. The schema is the real one (created by
``deskapp.store.Store``); only the bulk insert bypasses the services, which would
spend their time on the event log and fsyncs this file does not need.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import sys
import time
from pathlib import Path

from bench.common import CACHE

CHUNK = 50_000


def phone_of(i: int) -> str:
    # Taiwanese mobiles 09xxxxxxxx, spread so prefixes of 4-6 digits select small groups.
    return f"09{(i * 7919) % 100_000_000:08d}"


def serial_of(i: int) -> str:
    return f"SN{(i * 104_729) % 10**10:010d}"


def path_for(orders: int) -> Path:
    from deskapp.storage.schema import SCHEMA_VERSION

    return CACHE / f"station-{orders}-s{SCHEMA_VERSION}-v3.db"


def build(orders: int = 1_000_000, *, quiet: bool = False) -> Path:
    """The generated station file for ``orders`` orders (built if missing)."""
    from deskapp.storage.store import Store

    path = path_for(orders)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    Store(tmp).close()  # the real schema, by the real migrations
    started = time.perf_counter()
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    rnd = random.Random(20261124)
    customers = max(1000, orders // 4)
    devices = max(1000, orders * 4 // 5)
    lines = ["camera", "speakerphone", "headset", "video_bar", "vc_codec", "laptop", "desktop", "monitor"]
    stamp = "2026-01-01T00:00:00.000000Z"

    def say(what: str) -> None:
        if not quiet:
            print(f"  generating: {what} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)

    def bulk(sql: str, rows) -> None:
        batch = []
        for r in rows:
            batch.append(r)
            if len(batch) >= CHUNK:
                conn.execute("BEGIN")
                conn.executemany(sql, batch)
                conn.execute("COMMIT")
                batch.clear()
        if batch:
            conn.execute("BEGIN")
            conn.executemany(sql, batch)
            conn.execute("COMMIT")

    say(f"{customers:,} customers")
    bulk("INSERT INTO customers (id, name, created_at) VALUES (?, ?, ?)",
         ((i, f"客戶{i}", stamp) for i in range(1, customers + 1)))
    bulk("INSERT INTO customer_phones (customer_id, phone) VALUES (?, ?)",
         ((i, phone_of(i)) for i in range(1, customers + 1)))
    bulk("INSERT INTO customer_phones (customer_id, phone) VALUES (?, ?)",
         ((i, f"02{(i * 31) % 100_000_000:08d}") for i in range(1, customers + 1, 10)))
    say(f"{devices:,} devices and purchase records")
    bulk("INSERT INTO devices (id, product_line, brand, model, serial, customer_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
         ((i, lines[i % 8], "Brand", f"Model {i % 97}", serial_of(i), 1 + i % customers, stamp)
          for i in range(1, devices + 1)))
    start_day = dt.date(2022, 1, 1)
    bulk("INSERT INTO purchases (serial, model, product_line, purchased_on, invoice_no, seller, imported_at)"
         " VALUES (?, ?, ?, ?, ?, ?, ?)",
         ((serial_of(i), f"Model {i % 97}", lines[i % 8], (start_day + dt.timedelta(days=i % 1700)).isoformat(),
           f"IN-{i:08d}", "Shop", stamp) for i in range(1, devices + 1)))

    say(f"{orders:,} orders and their events")
    months = 48
    per_month = -(-orders // months)
    counters: dict[str, int] = {}

    def order_rows():
        for i in range(1, orders + 1):
            m = (i - 1) // per_month
            year, month = 2022 + m // 12, m % 12 + 1
            period = f"{year % 100:02d}{month:02d}"
            counters[period] = counters.get(period, 0) + 1
            created = f"{year}-{month:02d}-{1 + (i % 28):02d}T02:00:00.000000Z"
            device = 1 + (i * 7) % devices
            state = "closed" if i <= orders - 2000 else rnd.choice(["received", "diagnosing", "in_repair", "ready"])
            yield (i, f"R{period}-{counters[period]:05d}", state, 1 + device % customers, device,
                   "in_warranty" if i % 3 else "out_of_warranty", int(i % 3 == 0), "[]", "故障描述",
                   created, created, created if state == "closed" else None)

    bulk("INSERT INTO repair_orders (id, number, state, customer_id, device_id, warranty_status, chargeable,"
         " warranty_reasons, fault_reported, created_at, updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         order_rows())
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO order_counters (period, last) VALUES (?, ?)", counters.items())
    conn.execute("COMMIT")
    data = json.dumps({"warranty": "in_warranty"})
    bulk("INSERT INTO events (at, actor, terminal, kind, order_id, subject, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
         ((stamp, "generator", "bench", "order.created", i, "", data) for i in range(1, orders + 1)))
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    add_bench_staff(tmp)
    tmp.rename(path)
    say(f"done: {path.stat().st_size / 1e6:,.0f} MB")
    return path


def add_bench_staff(path: Path) -> None:
    """Staff to sign in with (PIN 1234), through the real service."""
    from deskapp.records.staff import add_staff
    from deskapp.station import Actor, Station

    station = Station.open(path, locale="en")
    actor = Actor.system(name="bench", terminal="bench")
    members = {name: add_staff(station, actor, name, role, "1234") for name, role in (
        ("Bench Reception", "reception"), ("Bench Engineer A", "engineer"), ("Bench Engineer B", "engineer"))}
    # The open orders (the last 2,000) are on Engineer A's bench, due over the coming days.
    import datetime as dt

    from deskapp.rules.dates import to_db

    now = dt.datetime.now(dt.timezone.utc)
    with station.store.write() as conn:
        last = conn.execute("SELECT MAX(id) FROM repair_orders").fetchone()[0]
        states = ("received", "diagnosing", "awaiting_approval", "in_repair", "waiting_parts")
        conn.executemany(
            "UPDATE repair_orders SET assigned_engineer_id = ?, state = ?, inspection_due_at = ?, promised_at = ?"
            " WHERE id = ?",
            [(members["Bench Engineer A"].id, states[i % 5], to_db(now + dt.timedelta(minutes=i)),
              to_db(now + dt.timedelta(hours=i)), last - i) for i in range(min(2000, last))])
    station.close()


if __name__ == "__main__":
    print(build(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
