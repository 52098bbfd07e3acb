"""Security at the station (issue 11, items 15-19): who may hand out a check code, paper and
store never disagreeing about it, a code without a printer, PIN lock-outs, the station file
for its user only, device passcodes sealed with a key outside the file, and typed text that
cannot reach a terminal or a printer as control bytes."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest
from builders import CODE, fixed_clock, import_sales, ready_order
from conftest import ROOT, make_front_desk, refused, run_python
from desk_pilot import new_app, settle, sign_in, type_in, wait_until
from escpos_decode import decode
from printer_listener import PrinterListener

from deskapp.station import Actor, Station

CODE_RE = re.compile(r"\b([ACDEFHJKMNPRTUVWXY347]{6})\b")


def deskapp(*args, stdin: str | None = None):
    return run_python("-m", "deskapp", *args, stdin=stdin)


def take_in(st, actor, **extra):
    """A camera taken in at reception (the front desk's customer, no purchase record)."""
    from deskapp.reception.pre_inspection import complete
    from deskapp.records.customers import find_by_phone

    customer = find_by_phone(st, "0912")[0]
    return complete(st, actor, {
        "fault_told": "no picture", "fault_restated": "no picture", "customer_confirmed": True,
        "customer_id": customer.id, "name": customer.name, "phone": customer.phones[0], "proof": "none",
        "serial": "CAM-A10001", "product_line": "camera", "fees_acknowledged": True, "backup_reminder": True,
        "fault_confirmed": "no picture", **extra})


def events_of(db, kind: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT actor, staff_id, data FROM events WHERE kind = ? ORDER BY id", (kind,)).fetchall()
    finally:
        conn.close()


def code_hash(db, number: str):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT voucher_code_hash, voucher_code_salt FROM repair_orders WHERE number = ?",
                            (number,)).fetchone()
    finally:
        conn.close()


def works(db, number: str, code: str) -> bool:
    from deskapp.rules.hashing import matches

    digest, salt = code_hash(db, number)
    return matches(code, salt, digest)


def printed_code(raw: bytes) -> str:
    text = "\n".join(decode(raw, "big5").text)
    after = text[text.index("Check code"):]
    return CODE_RE.search(after).group(1)


# --------------------------------------------------------------------------- 15: a manager hands out a code


def test_a_new_voucher_from_the_command_line_needs_a_managers_name_and_pin(tmp_path, printer):
    db = make_front_desk(tmp_path / "station", printer.url)
    st = Station.open(db, locale="en", clock=fixed_clock())
    number = take_in(st, Actor(name="Amy Reception", terminal="R1")).number
    st.close()
    before = code_hash(db, number)
    argv = ("reprint", number, "--doc", "voucher", "--db", str(db), "--locale", "en")

    anyone = deskapp(*argv)
    assert anyone.returncode == 1 and "--manager" in anyone.stderr
    not_manager = deskapp(*argv, "--manager", "Amy Reception", stdin="1234\n")
    assert not_manager.returncode == 1 and "not a manager" in not_manager.stderr
    wrong_pin = deskapp(*argv, "--manager", "Mia Manager", stdin="9999\n")
    assert wrong_pin.returncode == 1 and "PIN is wrong" in wrong_pin.stderr
    assert code_hash(db, number) == before and printer.jobs == []  # no code handed out, nothing printed

    ok = deskapp(*argv, "--manager", "Mia Manager", stdin="1234\n")
    assert ok.returncode == 0, ok.stderr
    code = printed_code(printer.wait_for(1)[0])
    assert works(db, number, code)
    (actor, staff_id, _), = events_of(db, "voucher.code_issued")
    assert actor == "Mia Manager" and staff_id is not None  # logged under the manager who approved it
    assert [a for a, _, _ in events_of(db, "staff.sign_in_failed")] == ["Mia Manager"]


def test_once_there_is_a_manager_only_a_manager_adds_staff(tmp_path):
    db = tmp_path / "s.db"
    assert deskapp("init", "--db", str(db)).returncode == 0
    first = deskapp("staff", "add", "Boss", "--role", "manager", "--db", str(db), stdin="1234\n")
    assert first.returncode == 0, first.stderr  # a new station's first manager
    eve = deskapp("staff", "add", "Eve", "--role", "manager", "--db", str(db), stdin="5678\n")
    assert eve.returncode == 1 and "--manager" in eve.stderr
    approved = deskapp("staff", "add", "Eve", "--role", "pickup", "--manager", "Boss", "--db", str(db),
                       stdin="1234\n5678\n")
    assert approved.returncode == 0, approved.stderr
    added = events_of(db, "staff.added")
    assert [a for a, _, _ in added][1:] == ["Boss"]
    listed = json.loads(deskapp("staff", "list", "--json", "--db", str(db)).stdout)
    assert sorted(m["name"] for m in listed) == ["Boss", "Eve"]


# --------------------------------------------------------------------------- 16: paper and store agree


class KillingPrinter(PrinterListener):
    """A real TCP printer that, as soon as the first bytes of a job arrive, kills the process
    printing (SIGKILL) and keeps what reached it: the paper that came out."""

    def __init__(self) -> None:
        self.victim: int | None = None
        self.killed = threading.Event()
        super().__init__()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(5)
                chunks = []
                while True:
                    try:
                        data = conn.recv(65536)
                    except socket.timeout:
                        break
                    if data and self.victim and not self.killed.is_set():
                        os.kill(self.victim, signal.SIGKILL)
                        self.killed.set()
                    if not data:
                        break
                    chunks.append(data)
                self.jobs.append(b"".join(chunks))


@pytest.mark.parametrize("run", range(5))
def test_killed_while_the_voucher_prints_the_paper_carries_a_working_code(tmp_path, run):
    """The CLI reprint of a voucher, SIGKILLed the moment its bytes reach the printer: the
    code on the paper works, the print was logged as started, and the next reprint prints
    the same code if the print was not yet known to be done (a new one if it was)."""
    printer = KillingPrinter()
    try:
        db = make_front_desk(tmp_path / "station", printer.url)
        st = Station.open(db, locale="en", clock=fixed_clock())
        number = take_in(st, Actor(name="Amy Reception", terminal="R1")).number
        st.close()
        proc = subprocess.Popen([sys.executable, "-m", "deskapp", "reprint", number, "--doc", "voucher",
                                 "--manager", "Mia Manager", "--db", str(db), "--locale", "en"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        printer.victim = proc.pid
        proc.communicate("1234\n".encode(), timeout=120)
        assert printer.killed.is_set() and proc.returncode == -signal.SIGKILL
        paper = printed_code(printer.wait_for(1)[0])
        assert works(db, number, paper), "the paper carries a code the store does not accept"
        assert len(events_of(db, "print.voucher_started")) == 1  # on record even though the process died
        outcomes = [json.loads(d)["outcome"] for _, _, d in events_of(db, "print.voucher")]
        assert outcomes in ([], ["printed"])
    finally:
        printer.close()
    again = PrinterListener()
    try:
        ok = deskapp("reprint", number, "--doc", "voucher", "--manager", "Mia Manager", "--printer", again.url,
                     "--db", str(db), "--locale", "en", stdin="1234\n")
        assert ok.returncode == 0, ok.stderr
        reprinted = printed_code(again.wait_for(1)[0])
        assert (reprinted == paper) == (outcomes == []) and works(db, number, reprinted)
    finally:
        again.close()


# --------------------------------------------------------------------------- 17: no printer


async def test_without_a_printer_the_code_is_shown_once_for_a_handwritten_voucher_and_works(tmp_path):
    from deskapp.screens.reception.voucher import VoucherScreen

    db = make_front_desk(tmp_path / "station", "")
    st = Station.open(db, locale="en", clock=fixed_clock())
    number = take_in(st, Actor(name="Amy Reception", terminal="R1")).number
    st.close()
    app = new_app(db, "en")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        app.push_screen(VoucherScreen(number))
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        status = lambda: str(app.screen.query_one("#voucher-status").render())  # noqa: E731
        assert "no printer" in status() and "press C" in status().replace("or C", "press C")
        await pilot.press("c")
        await settle(app, pilot)
        shown = CODE_RE.search(status())
        assert shown, status()
        code = shown.group(1)
        await pilot.press("c")  # once only
        await settle(app, pilot)
        assert code not in status() and "no check code is waiting" in status()
    assert works(db, number, code)
    (actor, _, _), = events_of(db, "voucher.code_shown")
    assert actor == "Amy Reception"


def test_a_code_waiting_for_its_paper_is_shown_only_to_who_printed_it_or_a_manager(tmp_path, station, team,
                                                                                   customer):
    from deskapp.documents.thermal import print_voucher, show_check_code_once
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.rules.errors import PrintFailed

    import_sales(station, team["manager"], tmp_path)
    n = create_order(station, team["reception"], IntakeInput(customer_id=customer.id, product_line="camera",
                                                             serial="CAM-NEW-1", fault_reported="x")).number
    with refused("error.no_code_yet"):  # nothing printed yet: not "the voucher has it"
        show_check_code_once(station, team["reception"], n)
    with pytest.raises(PrintFailed):
        print_voucher(station, team["reception"], n)
    with refused("error.code_not_yours"):
        show_check_code_once(station, team["engineer"], n)
    code = show_check_code_once(station, team["manager"], n)
    assert works(station.store.path, n, code)
    with refused("error.no_code_waiting"):
        show_check_code_once(station, team["reception"], n)


# --------------------------------------------------------------------------- 18: lock-outs


def test_wrong_pins_lock_the_name_out_with_back_off_on_every_terminal(tmp_path, clock):
    from deskapp.records.staff import add_staff, sign_in

    db = tmp_path / "station.db"
    st = Station.open(db, locale="en", clock=clock)
    add_staff(st, Actor.system(name="setup"), "Mia Manager", "manager", "1234")
    for _ in range(4):
        with refused("error.sign_in_failed"):
            sign_in(st, "Mia Manager", "0000", "T1")
    with refused("error.sign_in_locked"):
        sign_in(st, "Mia Manager", "0000", "T1")  # the fifth: locked out for 30 s
    with refused("error.sign_in_locked") as err:
        sign_in(st, "Mia Manager", "1234", "T1")  # the right PIN is not even checked now
    assert err.value.params["seconds"] == 30
    st.close()
    other = Station.open(db, locale="en", clock=clock)  # another terminal, after a restart
    with refused("error.sign_in_locked"):
        sign_in(other, "Mia Manager", "1234", "T2")
    clock.advance(seconds=31)
    with refused("error.sign_in_locked") as err:
        sign_in(other, "Mia Manager", "0000", "T2")  # one more wrong PIN: twice as long
    assert err.value.params["seconds"] == 60
    clock.advance(seconds=61)
    assert sign_in(other, "Mia Manager", "1234", "T2").name == "Mia Manager"
    with refused("error.sign_in_failed"):
        sign_in(other, "Mia Manager", "0000", "T2")  # the count starts again after a good PIN
    other.close()
    locked = [json.loads(d) for _, _, d in events_of(db, "staff.locked_out")]
    assert [(e["failures"], e["seconds"]) for e in locked] == [(5, 30), (6, 60)]
    assert len(events_of(db, "staff.sign_in_locked")) == 2


def test_two_hundred_wrong_pins_from_two_processes_do_not_get_in(tmp_path):
    """The PIN guessing of the report (200 tries), from two real processes at once: at most
    five PINs are checked before the lock-out, and the right PIN is then refused too."""
    db = make_front_desk(tmp_path / "station")
    script = (
        "import sys\n"
        "from deskapp.station import Station\n"
        "from deskapp.records.staff import sign_in\n"
        "from deskapp.rules.errors import DeskError\n"
        "st = Station.open(sys.argv[1], locale='en')\n"
        "keys = []\n"
        "for i in range(100):\n"
        "    try:\n"
        "        sign_in(st, 'Mia Manager', f'{i:04d}', 'X')\n"
        "        keys.append('in')\n"
        "    except DeskError as e:\n"
        "        keys.append(e.key)\n"
        "print(keys.count('error.sign_in_failed'), keys.count('error.sign_in_locked'), keys.count('in'))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT) for _ in range(2)]
    start = time.monotonic()
    counts = [tuple(map(int, p.communicate(timeout=300)[0].split())) for p in procs]
    took = time.monotonic() - start
    assert all(p.returncode == 0 for p in procs)
    assert sum(c[2] for c in counts) == 0  # '1234' is among the guesses of both: never let in
    assert sum(c[0] for c in counts) == 4 and sum(c[1] for c in counts) == 196, (counts, took)
    st = Station.open(db, locale="en")
    from deskapp.records.staff import sign_in

    with refused("error.sign_in_locked"):
        sign_in(st, "Mia Manager", "1234", "R1")
    st.close()


async def test_the_sign_in_screen_says_the_name_is_locked_out(tmp_path):
    db = make_front_desk(tmp_path / "station")
    app = new_app(db, "en")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(5):
            await sign_in(app, pilot, "Mia Manager", "9999")
        await sign_in(app, pilot, "Mia Manager", "1234")
        error = str(app.screen.query_one("#field-pin .field-error").render())
        assert "Too many wrong PINs" in error and "locked out" in error
        assert app.actor is None


def test_after_the_lock_out_a_manager_has_tries_not_unlimited(station, team, customer, tmp_path):
    from deskapp.counter.voucher_check import check_voucher

    import_sales(station, team["manager"], tmp_path)
    n = ready_order(station, team["reception"], team["engineer"], customer.id)
    allowed = station.policy.wrong_voucher_codes_allowed
    for _ in range(allowed):
        with pytest.raises(Exception):
            check_voucher(station, team["pickup"], n, "WRONG1")
    for _ in range(allowed):
        with pytest.raises(Exception):
            check_voucher(station, team["manager"], n, "WRONG1")
    with refused("error.check_code_dead"):
        check_voucher(station, team["manager"], n, CODE)  # even the right code: only the ID check now


def test_the_station_file_its_wal_and_key_and_the_documents_are_the_station_users_only(tmp_path):
    from deskapp.documents.a4 import default_pdf_path, write_pdf

    db = make_front_desk(tmp_path / "new" / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    number = take_in(st, Actor(name="Amy Reception", terminal="R1"), passcode="0000").number
    out = default_pdf_path(st, number, "repair-order")
    write_pdf(st, Actor(name="Amy Reception", terminal="R1"), number, "repair-order", out)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in db.parent.iterdir() if p.name.startswith("station.db")}
    assert modes == {"station.db": 0o600, "station.db-wal": 0o600, "station.db-shm": 0o600, "station.db.key": 0o600}
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700 and stat.S_IMODE(out.stat().st_mode) == 0o600
    st.close()
    raw = sqlite3.connect(db)  # a bug's traceback (it may name a customer) goes to deskapp.log
    raw.execute("UPDATE repair_orders SET created_at = 'last tuesday'")
    raw.commit()
    raw.close()
    assert deskapp("order", "list", "--db", str(db)).returncode == 70
    assert stat.S_IMODE((db.parent / "deskapp.log").stat().st_mode) == 0o600


def test_passcodes_are_sealed_in_the_file_a_copy_without_the_key_leaks_nothing_and_release_erases(tmp_path):
    from deskapp.orders.moves import assign_engineer
    from deskapp.orders.passcodes import has_passcode, reveal_passcode
    from deskapp.reception import drafts
    from deskapp.records.staff import list_staff

    secret = "Sunflower-4711"
    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    amy = Actor(name="Amy Reception", terminal="R1")
    draft_id = drafts.save(st, amy, "inspection", {"name": "x", "passcode": secret})
    assert drafts.get(st, draft_id).data["passcode"] == secret
    number = take_in(st, amy, passcode=secret).number
    engineer = next(s for s in list_staff(st) if s.name == "陳志明")
    assign_engineer(st, amy, number, engineer.id)
    assert reveal_passcode(st, engineer.actor("B1"), number) == secret
    st.close()
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith("station.db")
                   and not p.name.endswith(".key"))
    assert secret.encode() not in raw  # neither the order's nor the draft's, in the file or its WAL

    copy = tmp_path / "backup" / "station.db"  # the file copied alone, as a backup would
    copy.parent.mkdir()
    shutil.copy(db, copy)
    thief = Station.open(copy, locale="en", clock=fixed_clock())
    with refused("error.key_missing"):
        reveal_passcode(thief, engineer.actor("B1"), number)
    thief.close()

    st = Station.open(db, locale="en", clock=fixed_clock())
    conn = st.store.conn
    conn.execute("BEGIN IMMEDIATE")  # a sealed value moved to another row is refused, never decrypted
    sealed = conn.execute("SELECT passcode FROM device_passcodes").fetchone()[0]
    assert sealed.startswith("s1:")
    conn.execute("ROLLBACK")
    assert has_passcode(st, number)
    st.close()


def test_the_passcode_is_erased_when_the_device_is_released(station, team, customer, tmp_path):
    from deskapp.counter.release import release
    from deskapp.counter.sign_off import SignOff, sign_off
    from deskapp.counter.voucher_check import check_voucher
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.orders.passcodes import has_passcode
    from builders import all_pass

    import_sales(station, team["manager"], tmp_path)
    n = create_order(station, team["reception"], IntakeInput(customer_id=customer.id, product_line="camera",
                                                             serial="CAM-NEW-1", fault_reported="x",
                                                             passcode="1357")).number
    assert has_passcode(station, n)
    # the rest of ready_order's walk, for this order
    from deskapp.bench.repair import PartUsed, record_repair, set_repair_warranty
    from deskapp.documents.thermal import new_check_code
    from deskapp.orders.moves import advance, assign_engineer

    e = team["engineer"]
    assign_engineer(station, team["reception"], n, e.staff_id)
    advance(station, e, n, "start_diagnosis")
    advance(station, e, n, "start_repair")
    record_repair(station, e, n, "fixed", [PartUsed("cable", 1, False, "kept by maker")], 10)
    set_repair_warranty(station, e, n, 3, consent_recorded=False)
    advance(station, e, n, "mark_ready")
    new_check_code(station, team["reception"], n, CODE)
    check_voucher(station, team["pickup"], n, CODE)
    sign_off(station, team["pickup"], n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    release(station, team["pickup"], n)
    assert not has_passcode(station, n)


# --------------------------------------------------------------------------- 19: typed text


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x7f\x9b2J\u202e"


def test_intake_text_is_cleaned_and_bounded_where_it_enters(tmp_path):
    from deskapp.rules.errors import ValidationError

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    amy = Actor(name="Amy Reception", terminal="R1")
    with refused("error.field_too_long", field="accessories"):
        take_in(st, amy, accessories=["x" * 10_000])
    with refused("error.choice", field="accessories"):
        take_in(st, amy, accessories=["a rubber duck"])
    with refused("error.too_many_items", field="accessories"):
        take_in(st, amy, accessories=["strap"] * 21)
    with pytest.raises(ValidationError):
        take_in(st, amy, appearance_items=["z" * 41])
    order = take_in(st, amy, fault_restated="no picture" + HOSTILE, accessories=["lens_cap" + HOSTILE])
    st.close()
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT intake FROM repair_orders WHERE number = ?", (order.number,)).fetchone()[0]
    conn.close()
    assert not any(c in stored for c in "\x1b\x07\x7f\x9b\u202e")
    intake = json.loads(stored)
    assert intake["fault_restated"] == "no picture" and intake["accessories"] == ["lens_cap"]


def test_order_show_json_escapes_del_and_c1_and_errors_never_echo_escapes(tmp_path):
    from deskapp.rules.errors import NotFound
    from deskapp.settings.i18n import translator

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    number = take_in(st, Actor(name="Amy Reception", terminal="R1")).number
    st.close()
    conn = sqlite3.connect(db)  # text stored before it was cleaned (an older deskapp)
    conn.execute("UPDATE repair_orders SET fault_confirmed = ? WHERE number = ?", ("a\x7fb\x9b2Jc\u2028d", number))
    conn.commit()
    conn.close()
    shown = deskapp("order", "show", number, "--json", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert not any(c in shown.stdout for c in "\x7f\x9b\u2028\x1b")
    assert json.loads(shown.stdout)["fault"]["confirmed"] == "a\x7fb\x9b2Jc\u2028d"  # exact for a program
    echoed = NotFound("error.order_not_found", number="R1" + HOSTILE + "x" * 10_000).render(translator("en"))
    assert not any(c in echoed for c in "\x1b\x07\x7f\x9b\u202e") and len(echoed) < 400
    typed = deskapp("order", "show", "R1\x1b]0;pwned\x07", "--db", str(db))
    assert typed.returncode == 1 and "\x1b" not in typed.stderr and "\x07" not in typed.stderr


def test_the_longest_intake_prints_a_voucher_of_bounded_length(tmp_path, printer):
    from deskapp.documents.thermal import print_voucher
    from deskapp.settings.checklists import accessories_for

    db = make_front_desk(tmp_path / "station", printer.url)
    st = Station.open(db, locale="en", clock=fixed_clock())
    amy = Actor(name="Amy Reception", terminal="R1")
    order = take_in(st, amy, accessories=accessories_for("camera"), appearance_notes="n" * 300,
                    non_standard_parts="p" * 300, fault_confirmed="f" * 500)
    print_voucher(st, amy, order.number)
    lines = decode(printer.wait_for(1)[0], "big5").text
    st.close()
    assert len(lines) < 120, len(lines)


def test_passcodes_a_previous_release_left_in_plain_text_are_sealed_at_the_upgrade(tmp_path):
    """A station file as the release before the sealing left it (its passcodes in plain text,
    its schema one step short): opening it seals them, and the engineer still reads them."""
    from deskapp.orders.moves import assign_engineer
    from deskapp.orders.passcodes import reveal_passcode
    from deskapp.records.staff import list_staff

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    amy = Actor(name="Amy Reception", terminal="R1")
    number = take_in(st, amy, passcode="Tulip-2024").number
    engineer = next(s for s in list_staff(st) if s.name == "陳志明")
    assign_engineer(st, amy, number, engineer.id)
    st.close()
    raw = sqlite3.connect(db)
    step = "m006_sign_in_guard_and_voucher_codes"
    version = raw.execute("PRAGMA user_version").fetchone()[0]
    raw.executescript(f"""UPDATE device_passcodes SET passcode = 'Tulip-2024';
        DROP TABLE sign_in_guard; DROP TABLE voucher_codes_pending;
        DELETE FROM _sqlite_migrations WHERE name = '{step}'; PRAGMA user_version = {version - 1};""")
    raw.close()
    (db.parent / "station.db.key").unlink()
    st = Station.open(db, locale="en", clock=fixed_clock())
    assert st.store.query_one("SELECT passcode FROM device_passcodes")["passcode"].startswith("s1:")
    assert reveal_passcode(st, engineer.actor("B1"), number) == "Tulip-2024"
    st.close()


async def test_the_managers_pin_at_the_counter_locks_out_too(tmp_path):
    """The lost-voucher approval at the counter checks the manager's PIN like a sign-in:
    after five wrong PINs even the right one is refused there, with the lock-out said."""
    from desk_pilot import screen_name
    from test_pickup_flow import ready_order as front_desk_ready_order

    from deskapp.records.staff import add_staff

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    add_staff(st, Actor.system(name="setup", terminal="setup"), "Paul Pickup", "pickup", "1234")
    st.close()
    n = front_desk_ready_order(db)
    app = new_app(db, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "Paul Pickup")
        await type_in(app, pilot, "voucher_number", n)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert screen_name(app) == "ManagerApprovalScreen"
        await type_in(app, pilot, "id_name", "黃淑芬")
        await type_in(app, pilot, "id_phone", "0912345678")
        await type_in(app, pilot, "id_document", "ID card A12****678")
        status = lambda: str(app.screen.query_one("#approval-status").render())  # noqa: E731
        for pin in ["9999"] * 5 + ["1234"]:
            await type_in(app, pilot, "manager_pin", pin)
            app.screen.query_one("#id_document").focus()
            await pilot.press("enter")
            await settle(app, pilot)
            assert screen_name(app) == "ManagerApprovalScreen", pin
        assert "Too many wrong PINs for Mia Manager" in status()
    assert len(events_of(db, "staff.locked_out")) == 1 and len(events_of(db, "staff.sign_in_locked")) == 1
    assert events_of(db, "pickup.holder_checked") == []
