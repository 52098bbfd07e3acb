"""The demo station, built from ``data/demo.toml`` through the real services.

A station file records what it is (``meta.kind``: ``demo`` or ``live``); ``deskapp demo``
refreshes a demo file and refuses to touch a live one.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from pathlib import Path

from deskapp.bench import calls, diagnosis, quotes
from deskapp.bench.quotes import QuoteLine
from deskapp.bench.repair import record_repair, set_repair_warranty
from deskapp.counter.farewell import farewell
from deskapp.counter.fees import agree_fees, charge_shipping, pay, ship_back
from deskapp.counter.release import withdraw
from deskapp.counter.sign_off import SignOff, sign_off
from deskapp.counter.voucher_check import check_voucher, look_up
from deskapp.orders.creation import IntakeInput, Refused, create_order
from deskapp.orders.model import get_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.orders.rework import create_rework
from deskapp.reception import queue
from deskapp.records import staff
from deskapp.records.customers import (
    CustomerInput,
    add_contract,
    create_customer,
    create_dealer,
)
from deskapp.records.purchases import import_sales_csv
from deskapp.rules.dates import Clock, from_db, system_clock
from deskapp.rules.errors import DeskError
from deskapp.rules.text import clean
from deskapp.settings.files import data_path, read_toml
from deskapp.station import Actor, Station, terminal_name
from deskapp.storage.store import Store


class DemoRefused(DeskError):
    def __init__(self, path: Path) -> None:
        super().__init__("cli.demo_refused_live", path=str(path))


def mark_station(station: Station, kind: str) -> None:
    with station.store.write() as conn:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('kind', ?)", (kind,))


def station_kind(path: Path) -> str | None:
    store = Store(path, create=False)
    try:
        row = store.query_one("SELECT value FROM meta WHERE key = 'kind'")
        return row["value"] if row else None
    finally:
        store.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".key"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def build_demo(path: str | Path, *, locale: str | None = None, clock: Clock = system_clock) -> dict:
    """Create (or rebuild) a demo station at ``path``; refuse if ``path`` is a live station.
    Its dates are relative to ``clock``'s today (the station's clock)."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists() and station_kind(path) != "demo":
        raise DemoRefused(path)
    building = path.with_name(path.name + ".building")
    _remove(building)
    station = Station.open(building, locale=locale, clock=clock)
    try:
        summary = populate(station)
    finally:
        station.close()
    _remove(path)
    os.replace(building, path)
    if os.path.exists(f"{building}.key"):  # the key its sealed passcodes were sealed with goes along
        os.replace(f"{building}.key", f"{path}.key")
    return summary


def populate(station: Station) -> dict:
    """Walk the demo's people and orders through the real services. The demo is
    ``data/demo.toml``, or a ``demo.toml`` beside the station file (a station's own demo
    for training, in its own names and faults)."""
    own = station.directory / "demo.toml"
    spec = read_toml(own if own.is_file() else data_path("demo.toml"))
    locale = station.config.locale
    terminal = terminal_name()
    mark_station(station, "demo")
    system = Actor.system(name="demo", terminal=terminal)
    # keyed by the name as stored (cleaned), which the steps' "assign:NAME" is matched against
    members = {s.name: s for s in (staff.add_staff(station, system, m["name"], m["role"], spec["pin"])
                                   for m in spec["staff"])}
    by_role = {m.role: m.actor(terminal) for m in members.values()}
    reception, pickup, manager = by_role["reception"], by_role["pickup"], by_role["manager"]

    customers = []
    today = station.today()
    for c in spec["customers"]:
        customer = create_customer(
            station, reception,
            CustomerInput(name=c["name"], phones=c["phones"], company=c.get("company", ""),
                          address=c.get("address", ""), email=c.get("email", "")),
        )
        customers.append(customer)
        if c.get("contract_level"):
            add_contract(station, manager, customer.id, c["contract_level"], today - dt.timedelta(days=180),
                         today + dt.timedelta(days=185), reference=f"MC-{customer.id:04d}")

    with tempfile.TemporaryDirectory() as tmp:
        sales = Path(tmp) / "sales.csv"
        with sales.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["serial", "model", "product_line", "purchased_on", "invoice_no", "seller",
                             "customer_name", "customer_phone", "brand"])
            for p in spec["purchases"]:
                owner = customers[p["customer"]]
                writer.writerow([p["serial"], p["model"], p["product_line"],
                                 (today - dt.timedelta(days=p["days_ago"])).isoformat(), p["invoice_no"],
                                 p["seller"], owner.name, owner.phones[0], p.get("brand", "")])
        imported = import_sales_csv(station, manager, sales)

    products = {p["serial"]: p for p in spec["purchases"]}
    count = 0
    for o in spec["orders"]:
        product = products[o["serial"]]
        data = IntakeInput(
            customer_id=customers[o["customer"]].id, product_line=product["product_line"], serial=o["serial"],
            brand=o.get("brand", ""), model=product["model"], fault_reported=o["fault"][locale],
            fault_confirmed=o["fault"][locale], invoice_no=product["invoice_no"],
            intake={"accessories": ["adapter"] if product["product_line"] == "laptop" else [],
                    "appearance": "", "backup_reminder_given": True},
            passcode=o.get("passcode", ""),
        )
        order = create_order(station, reception, data)
        count += 1
        number = order.number
        for step in o["steps"]:  # the steps after "rework" are the rework order's own
            created, number = _step(station, number, step, members, terminal, pickup, manager, o["fault"][locale])
            count += created

    # Refusals are recorded too: a grey import and a dealer without the end customer.
    for serial in ("NB-X14-0099-US",):
        try:
            create_order(station, reception, IntakeInput(
                customer_id=customers[5].id, product_line="laptop", serial=serial, fault_reported="-"))
        except Refused:
            pass
    create_dealer(station, reception, "大同經銷 陳先生", "02-2999-0000", "大同電腦行")

    for service in ("drop-off", "drop-off", "drop-off", "pickup", "inquiry"):
        queue.take_number(station, Actor.system(name="kiosk", terminal="kiosk-1"), service)
    return {"orders": count, "staff": len(members), "purchases": imported.added}


def _step(station, number, step, members, terminal, pickup, manager, fault) -> tuple[int, str]:
    """Run one demo step; returns how many new orders it created (rework) and the order the
    next steps apply to."""
    name, _, arg = step.partition(":")
    order = get_order(station, number)
    engineer = members.get(clean(arg)) if name == "assign" else None
    bench = (station.store.query_one("SELECT name FROM staff WHERE id = ?", (order.assigned_engineer_id,))
             if order.assigned_engineer_id else None)
    bench_actor = members[bench["name"]].actor(terminal) if bench else manager
    if name == "assign":
        assign_engineer(station, manager, number, engineer.id)
    elif name == "send_quote":
        total = int(arg)
        part = total * 7 // 10
        quotes.send_quote(station, bench_actor, number, [QuoteLine("part", fault, 1, part),
                                                          QuoteLine("labour", station.tr.t("bench.kind_labour"), 1, total - part)])
    elif name in ("approve_quote", "decline_quote"):
        method, _, back = arg.partition(":")  # decline_quote:phone:ship -- the customer pays the return shipping
        quotes.answer_quote(station, bench_actor, number, approved=name == "approve_quote", method=method,
                            return_method="" if name == "approve_quote" else (back or "collect"))
    elif name == "diagnose":
        diagnosis.record_diagnosis(station, bench_actor, number, fault, fault)
    elif name == "delay_call":
        order = get_order(station, number)
        new_due = from_db(order.promised_at) + dt.timedelta(days=3)
        calls.record_delay_call(station, bench_actor, number, kind="part", part=arg, outcome="reached",
                                new_due=new_due)
    elif name == "notified":
        calls.record_notify_attempt(station, bench_actor, number, "no_answer")
        calls.record_notify_attempt(station, bench_actor, number, "reached")
    elif name == "wait_for_part":
        advance(station, bench_actor, number, name, part=arg)
    elif name == "record_repair":
        record_repair(station, bench_actor, number, f"{fault}: OK")
    elif name == "repair_warranty":
        set_repair_warranty(station, bench_actor, number, int(arg))
    elif name == "no_warranty":
        set_repair_warranty(station, bench_actor, number, 0, consent_recorded=True)
    elif name == "declare_unrepairable":
        advance(station, bench_actor, number, name, reason=arg or "-")
    elif name == "verify":  # the voucher's code checked, every checklist item passed, signed
        from deskapp.documents.thermal import new_check_code

        customer = station.store.query_one("SELECT name FROM customers WHERE id = ?", (order.customer_id,))
        check_voucher(station, pickup, number, new_check_code(station, by_reception(members, terminal), number))
        view = look_up(station, pickup, number)
        no_warranty = view.order.repair_warranty_months == 0  # no repair warranty: no sticker either
        sign_off(station, pickup, number, SignOff(
            results={item: "pass" for item in view.checklist}, fault_gone=True, signed_by=customer["name"],
            sticker_applied=not no_warranty,
            sticker_reason=station.tr.t("pickup.no_sticker_no_warranty") if no_warranty else ""))
    elif name == "pay":

        if agree_fees(station, pickup, number) > 0:
            pay(station, pickup, number, "card", invoice_no="ZZ-00000001")
    elif name == "release":
        advance(station, pickup, number, name)
    elif name == "close":

        farewell(station, pickup, number, {"wiped": True, "card": True, "belongings": True})
    elif name == "cancel":  # before the device came in (no voucher issued): it ends directly
        advance(station, manager, number, "cancel", reason="customer withdrew the request")
    elif name == "withdraw":  # the device is here: it goes back through the counter
        withdraw(station, manager, number, arg or "customer withdrew the request")
    elif name == "ship":  # shipping charged, agreed and paid by transfer, the parcel sent; the order closes
        charge_shipping(station, pickup, number, int(arg))
        if agree_fees(station, pickup, number) > 0:
            pay(station, pickup, number, "transfer", invoice_no="ZZ-00000002")
        ship_back(station, pickup, number, "黑貓宅急便", f"DEMO-{order.id:06d}")
    elif name == "rework":
        rework, _ = create_rework(station, by_reception(members, terminal), number, fault, same_fault=True)
        return 1, rework.number
    else:
        advance(station, bench_actor, number, name)
    return 0, number


def by_reception(members, terminal) -> Actor:
    return next(m for m in members.values() if m.role == "reception").actor(terminal)
