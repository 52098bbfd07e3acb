"""Write path: issuing a queue number and creating an order, against the same bare
INSERT in a BEGIN IMMEDIATE transaction on the same station file (goal: at most 2x).

"The same bare INSERT" is the row the service stores (a queue_tickets row, a
repair_orders row), inserted into the same table with a literal number, without the
service's validation, numbering, lookups and event log. An intake necessarily writes
more than the order row (the device, the month's counter, the event), so the same rows
inserted bare in one transaction are measured too: that is the floor the service's own
work sits on. A trivial one-column INSERT is printed for scale. Everything commits with synchronous=FULL on the same file,
interleaved, so disk and machine noise hit all sides alike; the figures that count
are the ratios of the medians.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import header, row, summary, timed


def run(rounds: int = 300) -> dict:
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.reception.queue import take_number
    from deskapp.records.customers import CustomerInput, create_customer
    from deskapp.records.purchases import import_sales_csv
    from deskapp.station import Actor, Station

    header(f"write path: {rounds} rounds each, interleaved, on one station file (synchronous=FULL)")
    with tempfile.TemporaryDirectory() as tmp:
        station = Station.open(Path(tmp) / "station.db", locale="en")
        actor = Actor.system(name="bench", terminal="B1")
        csv = Path(tmp) / "sales.csv"
        csv.write_text("serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone\n"
                       + "".join(f"CAM-B{i:05d},Cam,camera,2026-06-01,I-{i},Shop,,\n" for i in range(rounds)),
                       encoding="utf-8")
        import_sales_csv(station, actor, csv)
        customer = create_customer(station, actor, CustomerInput(name="Bench", phones=["0912000000"]))
        conn = station.store.conn
        conn.execute("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)")

        def trivial(i: int) -> None:
            with station.store.write() as c:
                c.execute("INSERT INTO bench_bare (a, b) VALUES (?, ?)", ("x", i))

        def bare_ticket(i: int) -> None:
            with station.store.write() as c:
                c.execute("INSERT INTO queue_tickets (service, day, number, code, issued_at, terminal)"
                          " VALUES ('inquiry', '2000-01-01', ?, ?, '2026-11-24T02:00:00.000000Z', 'B1')",
                          (i, f"C{i:03d}"))

        device_id = station.store.query_one("SELECT id FROM devices LIMIT 1")

        def bare_order(i: int) -> None:
            with station.store.write() as c:
                c.execute(
                    "INSERT INTO repair_orders (number, state, customer_id, device_id, warranty_status, chargeable,"
                    " warranty_ends, warranty_reasons, fault_reported, fault_confirmed, intake, promised_at,"
                    " created_at, updated_at) VALUES (?, 'received', ?, ?, 'in_warranty', 0, '2027-05-31',"
                    " '[]', 'bench', '', '{}', '2026-11-27T09:30:00.000000Z', '2026-11-24T02:00:00.000000Z',"
                    " '2026-11-24T02:00:00.000000Z')",
                    (f"B0001-{i:05d}", customer.id, device_id["id"]),
                )

        def bare_intake_rows(i: int) -> None:
            """The rows an intake writes (device, counter, order, event), bare, in one transaction."""
            with station.store.write() as c:
                dev = c.execute("INSERT INTO devices (product_line, model, serial, customer_id, created_at)"
                                " VALUES ('camera', 'Cam', ?, ?, '2026-11-24T02:00:00.000000Z')",
                                (f"BARE-{i:05d}", customer.id)).lastrowid
                c.execute("INSERT INTO order_counters (period, last) VALUES ('0001', 1)"
                          " ON CONFLICT (period) DO UPDATE SET last = last + 1")
                oid = c.execute(
                    "INSERT INTO repair_orders (number, state, customer_id, device_id, warranty_status, chargeable,"
                    " warranty_ends, warranty_reasons, fault_reported, fault_confirmed, intake, promised_at,"
                    " created_at, updated_at) VALUES (?, 'received', ?, ?, 'in_warranty', 0, '2027-05-31',"
                    " '[]', 'bench', '', '{}', '2026-11-27T09:30:00.000000Z', '2026-11-24T02:00:00.000000Z',"
                    " '2026-11-24T02:00:00.000000Z')",
                    (f"B0002-{i:05d}", customer.id, dev),
                ).lastrowid
                c.execute("INSERT INTO events (at, actor, terminal, kind, order_id, subject, data)"
                          " VALUES ('2026-11-24T02:00:00.000000Z', 'bench', 'B1', 'order.created', ?, '', '{}')",
                          (oid,))

        create_order(station, actor, IntakeInput(customer_id=customer.id, product_line="camera",
                                                 serial="CAM-B00000", fault_reported="warm-up"))
        device_id = station.store.query_one("SELECT id FROM devices LIMIT 1")
        t_triv, t_bt, t_bo, t_br, t_q, t_o = [], [], [], [], [], []
        for i in range(1, rounds):
            t_triv.append(timed(trivial, i))
            t_bt.append(timed(bare_ticket, i))
            t_q.append(timed(take_number, station, actor, "drop-off"))
            t_bo.append(timed(bare_order, i))
            t_br.append(timed(bare_intake_rows, i))
            t_o.append(timed(create_order, station, actor, IntakeInput(
                customer_id=customer.id, product_line="camera", serial=f"CAM-B{i:05d}", fault_reported="bench")))
        station.close()
    triv, bt, bo, br, q, o = map(summary, (t_triv, t_bt, t_bo, t_br, t_q, t_o))
    row("trivial one-column INSERT (scale)", triv)
    row("bare INSERT of a queue_tickets row (baseline)", bt)
    row("issue a queue number (deskapp.queue)", q, f"   {q['median_ms'] / bt['median_ms']:.2f}x baseline")
    row("bare INSERT of a repair_orders row (baseline)", bo)
    row("bare INSERTs of the rows an intake writes", br, f"   {br['median_ms'] / bo['median_ms']:.2f}x baseline")
    row("create a repair order (deskapp.orders intake)", o,
        f"   {o['median_ms'] / bo['median_ms']:.2f}x baseline, {o['median_ms'] / br['median_ms']:.2f}x its rows bare")
    return {"queue_ratio": q["median_ms"] / bt["median_ms"], "order_ratio": o["median_ms"] / bo["median_ms"],
            "order_vs_rows": o["median_ms"] / br["median_ms"]}


if __name__ == "__main__":
    run()
