"""Finding a customer by phone prefix, an order by number and a device by serial in a
station of 1,000,000 orders, through the same services the screens use.

Goal: each under 5 ms median on this machine, and no full scans: the query plan of
every statement each lookup runs is printed (captured with SQLite's trace callback
while the real service runs, then EXPLAINed). The ratio against a primary-key fetch
on the same file, measured in the same run, is printed too.
"""

from __future__ import annotations

import random
import re

from bench.common import header, row, summary, timed

BIG_TABLES = ("repair_orders", "customers", "customer_phones", "devices", "purchases", "events")


def plans_of(station, call) -> list[tuple[str, list[str]]]:
    """Run ``call`` once with tracing on; return (statement, plan lines) for each SELECT it ran."""
    seen: list[str] = []
    conn = station.store.conn
    conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    out = []
    for sql in seen:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        out.append((" ".join(sql.split()), plan))
    return out


def full_scans(plans) -> list[str]:
    bad = []
    for _, plan in plans:
        for line in plan:
            m = re.match(r"SCAN (\w+)", line)
            if m and m.group(1) in BIG_TABLES and "USING" not in line:
                bad.append(line)
    return bad


def run(orders: int = 1_000_000, samples: int = 1000) -> dict:
    from bench.bigstation import build, phone_of, serial_of
    from deskapp.orders.model import get_order
    from deskapp.records.customers import find_by_phone
    from deskapp.records.devices import find_by_serial
    from deskapp.station import Station

    path = build(orders)
    station = Station.open(path, locale="en")
    header(f"lookups in a station of {orders:,} orders ({path.stat().st_size / 1e6:,.0f} MB), {samples} samples each")
    n_customers = max(1000, orders // 4)
    n_devices = max(1000, orders * 4 // 5)
    numbers = [r["number"] for r in station.store.query(
        "SELECT number FROM repair_orders WHERE id IN (%s)" % ",".join(
            str(random.Random(i).randint(1, orders)) for i in range(samples)))]
    rnd = random.Random(7)
    phones = [phone_of(rnd.randint(1, n_customers))[:6] for _ in range(samples)]
    short = [phone_of(rnd.randint(1, n_customers))[:3] for _ in range(samples)]  # the first keystrokes
    serials = [serial_of(rnd.randint(1, n_devices)) for _ in range(samples)]
    ids = [rnd.randint(1, orders) for _ in range(samples)]

    cases = {
        "order by rowid (baseline)": (lambda i: station.store.query_one("SELECT * FROM repair_orders WHERE id = ?", (ids[i],))),
        "customer by phone prefix (6 digits, 20 max)": (lambda i: find_by_phone(station, phones[i])),
        "customer by phone prefix (3 digits, 20 max)": (lambda i: find_by_phone(station, short[i])),
        "order by number": (lambda i: get_order(station, numbers[i % len(numbers)])),
        "device by serial": (lambda i: find_by_serial(station, serials[i])),
    }
    for fn in cases.values():  # warm the page cache the way a running terminal has it
        for i in range(50):
            fn(i)
    times: dict[str, list[float]] = {label: [] for label in cases}
    for i in range(samples):  # interleaved, so drift and cache effects hit every case alike
        for label, fn in cases.items():
            times[label].append(timed(fn, i))
    results = {label: summary(t) for label, t in times.items()}
    base = results["order by rowid (baseline)"]["median_ms"]
    for label, stats in results.items():
        extra = "" if "baseline" in label else f"   {stats['median_ms'] / base:.1f}x baseline"
        row(label, stats, extra)
    found = len(find_by_phone(station, phones[0]))
    print(f"  (phone prefix {phones[0]} matched {found} customers)")
    print("  query plans:")
    scans = []
    for label, fn in list(cases.items())[1:]:
        plans = plans_of(station, lambda: fn(0))
        scans += full_scans(plans)
        for sql, plan in plans:
            print(f"    [{label}] {sql[:110]}")
            for line in plan:
                print(f"        {line}")
    print(f"  full scans of big tables: {len(scans)}")
    station.close()
    return {"results": results, "full_scans": scans}


if __name__ == "__main__":
    run()
