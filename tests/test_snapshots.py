"""Every screen of the station's flow pinned as an SVG snapshot (pytest-textual-snapshot):
at 80x24 and 160x48 in zh_TW, and the busiest screens in en and zh_CN too.

Each screen is reached by pressing keys as staff would, on the demo station
(``deskapp.demo.build_demo``) built with a fixed station clock. Deterministic by
construction: the station clock and the process time zone are fixed (the header clock
reads the app's clock), the demo's dates are relative to that clock, the terminal is
``T1``, and the input cursor does not blink.

A changed screen is a snapshot diff to review: ``pytest tests/test_snapshots.py`` writes
``snapshot_report.html`` with the old and new screens side by side; once the change is
meant, ``pytest tests/test_snapshots.py --snapshot-update`` rewrites the SVGs in
``tests/__snapshots__/test_snapshots/``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import TAIPEI, MovableClock
from desk_pilot import settle, sign_in, tick, type_in, wait_until

from deskapp.app import DeskApp
from deskapp.station import Station

# The station's "now" in every snapshot: a Tuesday morning at the station.
MOMENT = dt.datetime(2026, 11, 24, 10, 0, tzinfo=TAIPEI)
ZONE = "Asia/Taipei"
TERMINAL = "T1"
CODE = "KMN347"  # the check code on the vouchers of the orders ready at the counter
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}

RECEPTION, ENGINEER, PICKUP, MANAGER = "王美玲", "陳志明", "張家豪", "李建國"

# What the receptionist types at pre-inspection, in each language.
TYPED = {
    "zh_TW": {"fault": "對方聽不到", "restated": "通話時對方聽不到", "notes": "底部輕微刮傷",
              "part": "藍牙模組"},
    "zh_CN": {"fault": "对方听不到", "restated": "通话时对方听不到", "notes": "底部轻微划伤",
              "part": "蓝牙模块"},
    "en": {"fault": "Not heard", "restated": "Far end hears nothing",
           "notes": "light scratch underneath", "part": "Bluetooth module"},
}


# ---------------------------------------------------------------- the station

def build_station(directory: Path, locale: str) -> Path:
    """The demo station at MOMENT, plus what the counter's screens need: the orders ready
    for pickup carry a known check code (issued by the service the demo uses), one has
    passed its voucher check and sign-off (next: the repair order), one out of warranty
    has too and owes its quote (next: fees)."""
    from deskapp.bench.quotes import answer_quote
    from deskapp.bench.repair import record_repair, set_repair_warranty
    from deskapp.counter.sign_off import SignOff, sign_off
    from deskapp.counter.voucher_check import check_voucher, look_up
    from deskapp.demo import build_demo
    from deskapp.documents.thermal import new_check_code
    from deskapp.orders.moves import advance
    from deskapp.records.staff import list_staff
    from deskapp.station import Station

    db = directory / "station.db"
    clock = MovableClock(MOMENT)
    before = os.environ.get("DESKAPP_TERMINAL")
    os.environ["DESKAPP_TERMINAL"] = TERMINAL  # the demo's events are written at T1 too
    try:
        build_demo(db, locale=locale, clock=clock)
    finally:
        if before is None:
            os.environ.pop("DESKAPP_TERMINAL")
        else:
            os.environ["DESKAPP_TERMINAL"] = before
    st = Station.open(db, locale=locale, clock=clock)
    try:
        staff = {s.name: s.actor(TERMINAL) for s in list_staff(st)}
        reception, pickup, engineer = staff[RECEPTION], staff[PICKUP], staff["林雅婷"]
        n = numbers(db)
        # the laptop out of warranty: its quote approved, repaired, ready
        answer_quote(st, engineer, n["NB-X14-0042"], approved=True, method="signed")
        advance(st, engineer, n["NB-X14-0042"], "start_repair")
        record_repair(st, engineer, n["NB-X14-0042"], "DC jack")
        set_repair_warranty(st, engineer, n["NB-X14-0042"], 3)
        advance(st, engineer, n["NB-X14-0042"], "mark_ready")
        for serial in ("CAM-A10002", "CAM-A10003", "NB-X14-0042"):
            new_check_code(st, reception, n[serial], CODE)
        for serial in ("CAM-A10003", "NB-X14-0042"):  # the voucher checked and signed off, as the demo does
            check_voucher(st, pickup, n[serial], CODE)
            view = look_up(st, pickup, n[serial])
            warranty = view.order.repair_warranty_months != 0
            sign_off(st, pickup, n[serial], SignOff(
                results={item: "pass" for item in view.checklist}, fault_gone=True, signed_by=view.customer_name,
                sticker_applied=warranty, sticker_reason="" if warranty else st.tr.t("pickup.no_sticker_no_warranty")))
    finally:
        st.close()
    return db


def numbers(db: Path) -> dict[str, str]:
    """Order number by device serial (the first order of each device)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT d.serial, o.number FROM repair_orders o JOIN devices d ON d.id = o.device_id"
                            " ORDER BY o.id DESC").fetchall()
    finally:
        conn.close()
    return dict(rows)


@pytest.fixture(scope="session")
def demo_stations(tmp_path_factory):
    """One demo station per locale for the whole run (built once: ~1 s each); each test
    works on its own copy."""
    built: dict[str, Path] = {}

    def station(locale: str) -> Path:
        if locale not in built:
            built[locale] = build_station(tmp_path_factory.mktemp(f"demo-{locale}"), locale)
        return built[locale]

    return station


@pytest.fixture
def fixed_zone():
    """The process's time zone fixed to the station's (the header clock shows local time)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = ZONE
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


class SnapApp(DeskApp):
    """The desk app as it runs, with the input cursor held on (a blink would make the
    screenshot depend on the moment it is taken)."""

    def on_descendant_focus(self, event) -> None:
        from textual.widgets import Input

        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False


def station_copy(demo_stations, tmp_path, locale: str) -> Path:
    """A fresh copy of the demo station of ``locale`` (with the key its passcodes are sealed with)."""
    db = tmp_path / "station" / "station.db"
    db.parent.mkdir()
    src, dst = sqlite3.connect(demo_stations(locale)), sqlite3.connect(db)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    key = Path(f"{demo_stations(locale)}.key")
    if key.exists():
        shutil.copy2(key, f"{db}.key")
    return db


@pytest.fixture
def snap_app(demo_stations, tmp_path, fixed_zone):
    """``snap_app(locale)``: the app on a fresh copy of the demo station, its clock fixed at MOMENT."""

    def make(locale: str) -> SnapApp:
        db = station_copy(demo_stations, tmp_path, locale)
        return SnapApp(db, locale=locale, clock=MovableClock(MOMENT), terminal=TERMINAL)

    return make


# ---------------------------------------------------------------- the ways to each screen

def order(app, serial: str) -> str:
    return numbers(app.db_path)[serial]


async def signed_in(pilot, name: str) -> None:
    await sign_in(pilot.app, pilot, name)


async def sign_in_screen(pilot):
    await settle(pilot.app, pilot)


async def greeting(pilot):
    await signed_in(pilot, RECEPTION)


async def greeting_call(pilot):
    await signed_in(pilot, RECEPTION)
    await pilot.press("n")  # the next number called to the desk
    await settle(pilot.app, pilot)


async def queue_number(pilot):
    await signed_in(pilot, RECEPTION)
    await pilot.press("t")
    await pilot.pause()
    await pilot.press("1")  # drop-off: issued, the printer (none here) reported
    await settle(pilot.app, pilot)


def locale_of(pilot) -> str:
    return pilot.app.locale_override


# The pre-inspection as the receptionist fills it in, step by step (the fields of each step).
def pre_inspection_data(locale: str, customer_id: int) -> dict[str, dict]:
    typed = TYPED[locale]
    return {
        "fault": {"fault_told": typed["fault"], "fault_restated": typed["restated"], "customer_confirmed": True},
        "customer": {"phone": "0933-555-777", "name": "劉怡君", "customer_id": customer_id},
        "purchase": {"proof": "invoice", "invoice_no": "WX-70707070", "invoice_copy_kept": True,
                     "serial": "SP-300-9900", "product_line": "speakerphone", "brand": "MeetSpeak",
                     "model": "MeetSpeak 300"},
        "fees": {"fees_acknowledged": True},
        "inspection": {"fault_reproduced": True, "backup_reminder": True, "appearance_notes": typed["notes"],
                       "passcode": "4321", "accessories": [], "appearance_items": []},
        "confirm": {"fault_confirmed": typed["restated"]},
    }


async def pre_inspection_at(pilot, step: str) -> None:
    """Pre-inspection open at ``step``, the steps before it filled in: the draft the screen
    saved when the receptionist moved on (every step is saved), resumed after sign-in.
    Typing every earlier step again would make each snapshot take many seconds."""
    from deskapp.reception import drafts
    from deskapp.reception.pre_inspection import STEPS
    from deskapp.records.staff import list_staff
    from deskapp.station import Station

    app = pilot.app
    st = Station.open(app.db_path, clock=app.clock)
    try:
        actor = next(s for s in list_staff(st) if s.name == RECEPTION).actor(TERMINAL)
        customer = st.store.query_one("SELECT id FROM customers WHERE name = '劉怡君'")["id"]
        filled = pre_inspection_data(locale_of(pilot), customer)
        data = {}
        for before in STEPS[:STEPS.index(step)]:
            data.update(filled[before])
        drafts.save(st, actor, step, data)
    finally:
        st.close()
    await signed_in(pilot, RECEPTION)  # the open draft is offered
    await pilot.press("enter")  # resume it
    await settle(app, pilot)


async def pick(app, pilot, select_id: str, value: str) -> None:
    """Open the dropdown and go down the list, key by key, to ``value``; Enter takes it."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    select = app.screen.query_one(f"#{select_id}", Select)
    select.focus()
    await pilot.press("enter")
    overlay = select.query_one(SelectOverlay)
    wanted = [v for _, v in select._options].index(value)
    for _ in range(len(select._options)):
        if overlay.highlighted == wanted:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value


async def pre_1_fault(pilot):
    typed = TYPED[locale_of(pilot)]
    await signed_in(pilot, RECEPTION)
    await pilot.press("i")
    await settle(pilot.app, pilot)
    await pilot.press(*typed["fault"], "enter", *typed["restated"], "enter", "space")


async def pre_2_customer(pilot):
    await pre_inspection_at(pilot, "customer")
    await type_in(pilot.app, pilot, "phone", "0933")
    await settle(pilot.app, pilot)
    await pilot.press("enter", "enter")  # to the customers found; the first one picked
    await settle(pilot.app, pilot)


async def pre_3_purchase(pilot):
    app = pilot.app
    await pre_inspection_at(pilot, "purchase")
    await pilot.press("enter")  # proof: the purchase invoice
    await type_in(app, pilot, "invoice_no", "WX-70707070")
    await tick(app, pilot, "invoice_copy_kept")
    await type_in(app, pilot, "serial", "SP-300-9900")
    await pilot.press("enter")  # on record: its product line, brand and model are filled in
    await settle(app, pilot)
    await settle(app, pilot)


async def pre_4_fees(pilot):
    await pre_inspection_at(pilot, "fees")
    await pilot.press("space")  # the fees explained and agreed


async def pre_5_inspection(pilot):
    app = pilot.app
    await pre_4_fees(pilot)
    await pilot.press("pagedown")
    await settle(app, pilot)
    await tick(app, pilot, "fault_reproduced")
    await tick(app, pilot, "backup_reminder")
    await type_in(app, pilot, "appearance_notes", TYPED[locale_of(pilot)]["notes"])
    await type_in(app, pilot, "passcode", "4321")


async def pre_6_confirm(pilot):
    await pre_5_inspection(pilot)
    await pilot.press("pagedown")
    await settle(pilot.app, pilot)


async def voucher(pilot):
    await pre_6_confirm(pilot)
    await pilot.press("pagedown")  # confirmed: the order is created, its pickup voucher shown
    await settle(pilot.app, pilot)


async def hand_off(pilot):
    await voucher(pilot)
    for key in ("p", "c"):  # no printer: the code is shown once for a handwritten voucher
        await pilot.press(key)
        await settle(pilot.app, pilot)
    await pilot.press("s", "pagedown")  # the customer signed what they read; on to the hand-off
    await settle(pilot.app, pilot)


async def resume_draft(pilot):
    """A pre-inspection left open at this terminal (the app ended mid-way): offered at sign-in."""
    from deskapp.reception import drafts
    from deskapp.records.staff import list_staff
    from deskapp.station import Station

    app = pilot.app
    st = Station.open(app.db_path, clock=app.clock)
    try:
        actor = next(s for s in list_staff(st) if s.name == RECEPTION).actor(TERMINAL)
        drafts.save(st, actor, "customer", {"fault_told": TYPED[locale_of(pilot)]["fault"], "phone": "0933-555-777",
                                            "name": "劉怡君"})
    finally:
        st.close()
    await signed_in(pilot, RECEPTION)


async def work_list(pilot):
    await signed_in(pilot, ENGINEER)


async def work_list_pool(pilot):
    await signed_in(pilot, ENGINEER)
    await pilot.press("p")
    await settle(pilot.app, pilot)


async def find_order(pilot):
    await signed_in(pilot, ENGINEER)
    await pilot.press("f4")
    await pilot.pause()
    await pilot.press(*order(pilot.app, "MON-27Q-3310"))  # as the scanner types the device tag


async def at_bench(pilot, serial: str) -> None:
    """The engineer scans the device tag (F4) and the order opens at its step."""
    await signed_in(pilot, ENGINEER)
    await pilot.press("f4")
    await pilot.pause()
    await pilot.press(*order(pilot.app, serial), "enter")
    await settle(pilot.app, pilot)


async def diagnosis(pilot):
    await at_bench(pilot, "MON-27Q-3310")


async def quote(pilot):
    await at_bench(pilot, "VB-55-1200")


async def repair(pilot):
    await at_bench(pilot, "SP-300-7788")


async def passcode(pilot):
    await at_bench(pilot, "SP-300-7788")
    await pilot.press("f2")
    await settle(pilot.app, pilot)


async def delay_call(pilot):
    await at_bench(pilot, "SP-300-7788")
    await pilot.press("f3")
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "DelayScreen", what="the delay dialog opens")
    await settle(pilot.app, pilot)
    await pilot.press(*TYPED[locale_of(pilot)]["part"])
    await settle(pilot.app, pilot)


async def notify_list(pilot):
    await signed_in(pilot, ENGINEER)
    await pilot.press("n")
    await settle(pilot.app, pilot)


async def counter(pilot):
    await signed_in(pilot, PICKUP)


async def scan(pilot, serial: str) -> None:
    """At the counter: the voucher scanned (its order number and Enter)."""
    await signed_in(pilot, PICKUP)
    await pilot.press(*order(pilot.app, serial), "enter")
    await settle(pilot.app, pilot)


async def counter_scanned(pilot):
    await scan(pilot, "CAM-A10002")


async def lost_voucher(pilot):
    await scan(pilot, "CAM-A10002")
    await pilot.press("ctrl+l")  # the customer lost the voucher: a manager checks the identity
    await settle(pilot.app, pilot)


async def sign_off(pilot):
    await scan(pilot, "CAM-A10002")
    await pilot.press(*CODE, "enter")  # the check code on the voucher: on to the sign-off
    await settle(pilot.app, pilot)
    await pilot.press("a")  # every item passes


async def fees(pilot):
    await scan(pilot, "NB-X14-0042")  # signed off, owes its quote


async def repair_order(pilot):
    await scan(pilot, "CAM-A10003")  # signed off, nothing owed


async def farewell(pilot):
    await scan(pilot, "NB-X14-0777")  # released, the farewell to do


async def rework(pilot):
    await signed_in(pilot, PICKUP)
    await pilot.press("ctrl+w")
    await pilot.pause()
    await pilot.press(*"CODEC-9-0007", "enter")  # the earlier repairs of the returning device
    await settle(pilot.app, pilot)


SCREENS = {
    "sign_in": sign_in_screen,
    "greeting": greeting,
    "greeting_call": greeting_call,
    "queue_number": queue_number,
    "pre_1_fault": pre_1_fault,
    "pre_2_customer": pre_2_customer,
    "pre_3_purchase": pre_3_purchase,
    "pre_4_fees": pre_4_fees,
    "pre_5_inspection": pre_5_inspection,
    "pre_6_confirm": pre_6_confirm,
    "voucher": voucher,
    "hand_off": hand_off,
    "resume_draft": resume_draft,
    "work_list": work_list,
    "work_list_pool": work_list_pool,
    "find_order": find_order,
    "diagnosis": diagnosis,
    "quote": quote,
    "repair": repair,
    "passcode": passcode,
    "delay_call": delay_call,
    "notify_list": notify_list,
    "counter": counter,
    "counter_scanned": counter_scanned,
    "lost_voucher": lost_voucher,
    "sign_off": sign_off,
    "fees": fees,
    "repair_order": repair_order,
    "farewell": farewell,
    "rework": rework,
}
# the busiest screens, in the other two languages as well
BUSIEST = ("greeting", "pre_3_purchase", "work_list", "repair", "counter_scanned", "fees")

CASES = ([(screen, size, "zh_TW") for screen in SCREENS for size in SIZES]
         + [(screen, size, locale) for locale in ("en", "zh_CN") for screen in BUSIEST for size in SIZES])


def steadily(reach):
    """Reach the screen, then let it come to rest: no worker running, no screen still saying it
    waits for the station file (a loaded machine must not change the picture)."""
    async def run_before(pilot):
        await reach(pilot)
        app = pilot.app

        def at_rest() -> bool:
            busy = any(not w.is_finished for w in app.workers)
            return not busy and not any(s.has_class("-waiting") for s in app.screen_stack)

        await wait_until(pilot, at_rest, what="the screen at rest")
        # a "waiting for the station file" toast a loaded machine raised is not the screen's
        # picture: it goes (any other toast stays, the passcode's for one), also one raised
        # while the tables settle (a read the live refresh started on a busy machine)
        waiting = app.tr.t("app.waiting_for_store")

        def drop_waiting_toasts() -> bool:
            found = [note for note in list(app._notifications) if note.message == waiting]
            for note in found:
                app._unnotify(note)
            return bool(found)

        drop_waiting_toasts()
        await pilot.pause(0.3)  # tables size their columns once their rows are in
        await wait_until(pilot, at_rest, what="the screen at rest")
        while drop_waiting_toasts():
            await pilot.pause(0.1)
            await wait_until(pilot, at_rest, what="the screen at rest")
    return run_before


@pytest.mark.parametrize("screen,size,locale", CASES, ids=[f"{s}-{z}-{lo}" for s, z, lo in CASES])
def test_screen(snap_compare, snap_app, screen, size, locale):
    assert snap_compare(snap_app(locale), terminal_size=SIZES[size], run_before=steadily(SCREENS[screen]))


# ---------------------------------------------------------------- what must show at 80x24

def full_date(text: str) -> bool:
    import re

    return re.search(r"20\d\d-\d\d-\d\d\s", text) is not None


# (the way to the screen, what a person must be able to read on it at 80x24 in zh_TW)
MUST_SHOW = {
    "counter_scanned": lambda t, tr: all(tr.t(f"state.{s}") in t for s in ("ready", "return_unrepaired")),
    "sign_off": lambda t, tr: t.count("✔ " + tr.t("pickup.result_pass")) >= 6,
    "lost_voucher": lambda t, tr: tr.t("key.approve") in t.splitlines()[-1] and tr.t("key.dismiss") in t,
    "pre_4_fees": lambda t, tr: tr.t("pre.fees_acknowledged") in t and "4/6" in t.splitlines()[0],
    "pre_5_inspection": lambda t, tr: tr.t("pre.step_fault") not in t,  # the step list gave the form its width
    "rework": lambda t, tr: full_date(t),
}


@pytest.mark.parametrize("screen", sorted(MUST_SHOW))
async def test_what_matters_is_not_cut_off_at_80x24(snap_app, screen):
    from desk_pilot import screen_text

    app = snap_app("zh_TW")
    async with app.run_test(size=SIZES["80x24"]) as pilot:
        await steadily(SCREENS[screen])(pilot)
        text = screen_text(app)
        assert MUST_SHOW[screen](text, app.tr), text


@pytest.mark.parametrize("locale", ["zh_TW", "zh_CN", "en"])
async def test_the_voucher_preview_shows_its_lines_whole_at_80x24(snap_app, locale):
    """Every line of the ticket on screen is there to its end (the box was narrower than the
    ticket at 80 columns and the terms lost the end of each clause)."""
    from desk_pilot import screen_text

    app = snap_app(locale)
    async with app.run_test(size=SIZES["80x24"]) as pilot:
        await steadily(SCREENS["voucher"])(pilot)
        text = screen_text(app)
        lines = {line.strip() for line in str(app.screen.query_one("#preview").render()).splitlines()}
        # the paper is the box at the left: what is between its borders on each row
        inside = [row.split("│")[1].strip() for row in text.splitlines()[2:] if row.count("│") >= 2]
        inside = [cell.rstrip("▁▔█▇▆▅▄▃▂ ").strip() for cell in inside if cell.strip()]
        assert len(inside) >= 8, text
        cut = [cell for cell in inside if cell not in lines]
        assert not cut, (cut, text)


# ---------------------------------------------------------------- the board and the kiosk

async def kiosk_home(pilot):
    await settle(pilot.app, pilot)


async def kiosk_progress(pilot):
    await settle(pilot.app, pilot)
    number = numbers(pilot.app.station.store.path)["CAM-A10002"]  # a demo order ready at the counter
    phone = pilot.app.station.store.query_one(
        "SELECT p.phone FROM customer_phones p JOIN repair_orders o ON o.customer_id = p.customer_id"
        " WHERE o.number = ?", (number,))["phone"]
    await pilot.press("4")
    await settle(pilot.app, pilot)
    await pilot.press(*number, "enter", *"".join(ch for ch in phone if ch.isdigit())[-4:], "enter")
    await settle(pilot.app, pilot)


WINDOWS = {"board": None, "kiosk_home": kiosk_home, "kiosk_progress": kiosk_progress}


@pytest.mark.parametrize("window,size", [(w, s) for w in WINDOWS for s in SIZES], ids=lambda v: str(v))
def test_board_and_kiosk(snap_compare, demo_stations, tmp_path, fixed_zone, window, size):
    from deskapp.app import BoardApp, KioskApp

    class SnapKiosk(KioskApp):  # the input cursor held on, as SnapApp's
        on_descendant_focus = SnapApp.on_descendant_focus

    station = Station.open(station_copy(demo_stations, tmp_path, "zh_TW"), locale="zh_TW", clock=MovableClock(MOMENT))
    app = (BoardApp(station, speak=False) if window == "board"
           else SnapKiosk(station, terminal="KIOSK-1"))
    reach = WINDOWS[window] or kiosk_home
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steadily(reach))


async def test_the_code_asked_for_before_the_voucher_is_printed_says_print_first(snap_app):
    from desk_pilot import screen_text

    app = snap_app("en")
    async with app.run_test(size=SIZES["80x24"]) as pilot:
        await steadily(SCREENS["voucher"])(pilot)
        await pilot.press("c")  # before P: there is no code yet
        await settle(app, pilot)
        said = str(app.screen.query_one("#voucher-status").render())
        assert said == app.tr.t("error.no_code_yet", number=app.screen.number)
        assert "the voucher has it" not in screen_text(app)
