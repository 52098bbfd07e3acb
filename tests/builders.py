"""One builder per test fixture: the sales file the station verifies warranty against, and an
order repaired and ready at the counter (and collected through the counter's own steps).
Everything goes through the real services; nothing here is a test-only path into the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

TAIPEI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=TAIPEI)  # every test's "now": never the machine's clock


class MovableClock:
    """The station's clock in tests: starts at a fixed moment, moves when told."""

    def __init__(self, start: dt.datetime) -> None:
        self.moment = start

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def advance(self, **delta) -> None:
        self.moment += dt.timedelta(**delta)


def fixed_clock() -> MovableClock:
    """A clock at the tests' NOW, for a station, an app or a demo built in a test."""
    return MovableClock(NOW)


SALES_HEADER = "serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone"

# Sales on record for the core tests, as seen from the fixed clock (2026-11-24): bought in
# June 2026 (in warranty), or in 2024/2023 (out of warranty).
SALES = [
    ("CAM-NEW-1", "VisionCam 4K", "camera", "2026-06-01", "AB-1", "光華數位"),
    ("CAM-NEW-2", "VisionCam 4K", "camera", "2026-06-01", "AB-2", "光華數位"),
    ("NB-OLD-1", "ProBook X14", "laptop", "2024-01-10", "CD-2", "燦坤"),
    ("VB-OLD-1", "RoomBar 55", "video_bar", "2023-05-05", "EF-3", "群星科技"),
]

CODE = "KMN347"  # the check code printed on the test vouchers


def sales_csv(rows) -> str:
    """The text of a sales CSV; each row is (serial, model, line, purchased_on, invoice, seller
    [, customer_name, customer_phone])."""
    lines = [SALES_HEADER]
    for row in rows:
        cells = [str(c) for c in row] + [""] * (8 - len(row))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def write_sales_csv(path: Path, rows=SALES) -> Path:
    path.write_text(sales_csv(rows), encoding="utf-8")
    return path


def import_sales(station, actor, directory: Path, rows=SALES, name: str = "sales.csv"):
    """Write ``rows`` as a sales CSV in ``directory`` and import it, as a manager would."""
    from deskapp.records.purchases import import_sales_csv

    return import_sales_csv(station, actor, write_sales_csv(Path(directory) / name, rows))


def front_desk_sales(today: dt.date):
    """The front desk's sales: a camera bought 60 days ago, a laptop 500 days ago (out of
    warranty), and a grey-import laptop."""
    return [
        ("CAM-A10001", "VisionCam 4K", "camera", today - dt.timedelta(days=60), "AB-12345678", "光華數位"),
        ("NB-X14-0042", "ProBook X14", "laptop", today - dt.timedelta(days=500), "CD-22334455", "燦坤"),
        ("NB-1-US", "ProBook X14", "laptop", today - dt.timedelta(days=30), "EF-1", "Somewhere"),
    ]


def ready_order(station, reception, engineer, customer_id: int, *, serial="CAM-NEW-1", line="camera", quote=0,
                months=3, code=CODE, fault="no picture", findings="", cause="", causes=(), quote_lines=(),
                work="Replaced the sensor cable", part=None) -> str:
    """An order taken in, repaired at the bench and ready; its voucher printed with ``code``.
    ``reception`` and ``engineer`` are actors (the engineer with a staff id). ``findings`` or
    ``causes``: a diagnosis is recorded; ``quote_lines`` (QuoteLine): the bench's quote is sent
    with them and approved (``quote``: a quote of that total without lines); ``part``: the part
    brought in (an adapter is not covered even in warranty)."""
    from deskapp.bench.diagnosis import record_diagnosis
    from deskapp.bench.quotes import answer_quote, send_quote
    from deskapp.bench.repair import PartUsed, record_repair, set_repair_warranty
    from deskapp.documents.thermal import new_check_code
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.orders.moves import advance, assign_engineer

    n = create_order(station, reception, IntakeInput(
        customer_id=customer_id, product_line=line, serial=serial, fault_reported=fault, part=part)).number
    assign_engineer(station, reception, n, engineer.staff_id)
    advance(station, engineer, n, "start_diagnosis")
    if findings or causes:
        record_diagnosis(station, engineer, n, findings or "-", cause, causes=list(causes))
    if quote_lines:
        send_quote(station, engineer, n, quote_lines)
        answer_quote(station, engineer, n, approved=True, method="signed")
    elif quote:
        advance(station, engineer, n, "send_quote", total=quote)
        advance(station, engineer, n, "approve_quote", method="signed")
    advance(station, engineer, n, "start_repair")
    record_repair(station, engineer, n, work, [PartUsed("sensor cable", 1, False, "sent back to the maker")], 30)
    set_repair_warranty(station, engineer, n, months, consent_recorded=months == 0)
    advance(station, engineer, n, "mark_ready")
    new_check_code(station, reception, n, code)
    return n


def all_pass(station, actor, number: str) -> dict:
    """Every item of the order's verification checklist marked as passed."""
    from deskapp.counter.voucher_check import look_up

    return {item: "pass" for item in look_up(station, actor, number).checklist}


def collect(station, pickup, number: str, signed_by: str, code=CODE, method="cash"):
    """The customer collects at the counter, through the counter's own steps: the voucher's
    check code, the sign-off with every item passed, fees agreed and paid if any, release."""
    from deskapp.counter.fees import agree_fees, pay
    from deskapp.counter.release import release
    from deskapp.counter.sign_off import SignOff, sign_off
    from deskapp.counter.voucher_check import check_voucher

    check_voucher(station, pickup, number, code)
    sign_off(station, pickup, number, SignOff(all_pass(station, pickup, number), True, signed_by))
    if agree_fees(station, pickup, number):
        pay(station, pickup, number, method)
    return release(station, pickup, number)
