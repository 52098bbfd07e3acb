"""Versioned schema migrations of the station file.

Migrations are sqlite-utils ``Migrations`` steps, applied in order at open, all inside
one ``BEGIN IMMEDIATE`` transaction so two terminals starting at once cannot race and a
failed upgrade leaves the file as it was. ``PRAGMA user_version`` holds the number of
steps applied: a file with more steps (or steps this code does not know) was written by
a newer deskapp and is refused, untouched. Never edit a released step: add a new one.
"""

from __future__ import annotations

import sqlite3

from deskapp.rules.errors import StoreError

STEPS: list[str] = []
_STEP_FUNCTIONS: list = []


def step(fn):
    STEPS.append(fn.__name__)
    _STEP_FUNCTIONS.append(fn)
    return fn


def migrations():
    """The sqlite-utils migration set, built only when a file needs upgrading: importing
    sqlite-utils costs ~90 ms, kept off the start path of an up-to-date station."""
    from sqlite_utils.migrations import Migrations

    found = Migrations("deskapp")
    for fn in _STEP_FUNCTIONS:
        found()(fn)
    return found


def _run(db, statements: list[str]) -> None:
    for sql in statements:
        db.execute(sql)


@step
def m001_station_core(db) -> None:
    _run(
        db,
        [
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE staff (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('reception', 'engineer', 'pickup', 'manager')),
                pin_hash BLOB NOT NULL,
                pin_salt BLOB NOT NULL,
                active INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL)""",
            """CREATE TABLE customers (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                company TEXT NOT NULL DEFAULT '',
                address TEXT NOT NULL DEFAULT '',
                email TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL)""",
            """CREATE TABLE customer_phones (
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                phone TEXT NOT NULL,
                PRIMARY KEY (customer_id, phone))""",
            "CREATE INDEX customer_phones_phone ON customer_phones(phone, customer_id)",
            """CREATE TABLE dealers (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                phone TEXT NOT NULL,
                company TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL)""",
            """CREATE TABLE devices (
                id INTEGER PRIMARY KEY,
                product_line TEXT NOT NULL,
                brand TEXT NOT NULL DEFAULT '',
                model TEXT NOT NULL DEFAULT '',
                serial TEXT NOT NULL,
                customer_id INTEGER REFERENCES customers(id),
                created_at TEXT NOT NULL,
                UNIQUE (serial, brand))""",
            """CREATE TABLE purchases (
                id INTEGER PRIMARY KEY,
                serial TEXT NOT NULL,
                model TEXT NOT NULL,
                product_line TEXT NOT NULL,
                purchased_on TEXT NOT NULL,
                invoice_no TEXT NOT NULL DEFAULT '',
                seller TEXT NOT NULL,
                customer_name TEXT NOT NULL DEFAULT '',
                customer_phone TEXT NOT NULL DEFAULT '',
                imported_at TEXT NOT NULL,
                UNIQUE (serial, invoice_no))""",
            "CREATE INDEX purchases_invoice ON purchases(invoice_no)",
            """CREATE TABLE contracts (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
                valid_from TEXT NOT NULL,
                valid_until TEXT NOT NULL,
                reference TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL)""",
            "CREATE INDEX contracts_customer ON contracts(customer_id, valid_until)",
            # The event log: who (staff), when, which terminal, what. Append-only.
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                actor TEXT NOT NULL,
                terminal TEXT NOT NULL,
                kind TEXT NOT NULL,
                order_id INTEGER,
                subject TEXT NOT NULL DEFAULT '',
                data TEXT NOT NULL DEFAULT '{}')""",
            "CREATE INDEX events_order ON events(order_id, id) WHERE order_id IS NOT NULL",
            # No index on events.at: ids grow with time, so a date range is an id range.
            """CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
               BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
            """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
               BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
        ],
    )


ORDER_STATES = (
    "received",
    "diagnosing",
    "awaiting_approval",
    "approved",
    "in_repair",
    "waiting_parts",
    "return_unrepaired",
    "ready",
    "released",
    "closed",
    "cancelled",
)


@step
def m002_queue_and_orders(db) -> None:
    states = ", ".join(f"'{s}'" for s in ORDER_STATES)
    _run(
        db,
        [
            """CREATE TABLE queue_counters (
                service TEXT NOT NULL,
                day TEXT NOT NULL,
                last INTEGER NOT NULL,
                PRIMARY KEY (service, day)) WITHOUT ROWID""",
            """CREATE TABLE queue_tickets (
                id INTEGER PRIMARY KEY,
                service TEXT NOT NULL CHECK (service IN ('drop-off', 'pickup', 'inquiry')),
                day TEXT NOT NULL,
                number INTEGER NOT NULL,
                code TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'waiting'
                    CHECK (status IN ('waiting', 'called', 'served', 'skipped')),
                issued_at TEXT NOT NULL,
                called_at TEXT,
                terminal TEXT NOT NULL,
                UNIQUE (service, day, number))""",
            "CREATE INDEX queue_tickets_day_status ON queue_tickets(day, status, service, number)",
            """CREATE TABLE order_counters (
                period TEXT PRIMARY KEY,
                last INTEGER NOT NULL) WITHOUT ROWID""",
            f"""CREATE TABLE repair_orders (
                id INTEGER PRIMARY KEY,
                number TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL CHECK (state IN ({states})),
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                dealer_id INTEGER REFERENCES dealers(id),
                device_id INTEGER NOT NULL REFERENCES devices(id),
                purchase_id INTEGER REFERENCES purchases(id),
                queue_ticket_id INTEGER REFERENCES queue_tickets(id),
                rework_of INTEGER REFERENCES repair_orders(id),
                warranty_status TEXT NOT NULL CHECK (warranty_status IN ('in_warranty', 'out_of_warranty')),
                chargeable INTEGER NOT NULL,
                warranty_ends TEXT,
                warranty_reasons TEXT NOT NULL DEFAULT '[]',
                contract_level INTEGER CHECK (contract_level IN (1, 2, 3)),
                fault_reported TEXT NOT NULL,
                fault_confirmed TEXT NOT NULL DEFAULT '',
                intake TEXT NOT NULL DEFAULT '{{}}',
                assigned_engineer_id INTEGER REFERENCES staff(id),
                promised_at TEXT,
                quote_status TEXT NOT NULL DEFAULT 'none'
                    CHECK (quote_status IN ('none', 'sent', 'approved', 'declined')),
                quote_total INTEGER NOT NULL DEFAULT 0,
                quote_answer TEXT NOT NULL DEFAULT '',
                repair_record TEXT NOT NULL DEFAULT '',
                outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'repaired', 'unrepaired')),
                unrepaired_reason TEXT NOT NULL DEFAULT '',
                repair_warranty_months INTEGER,
                no_warranty_consent INTEGER NOT NULL DEFAULT 0,
                verified_at TEXT,
                verified_by TEXT NOT NULL DEFAULT '',
                waiver_reason TEXT NOT NULL DEFAULT '',
                cancel_reason TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                released_at TEXT,
                closed_at TEXT)""",
            "CREATE INDEX repair_orders_state ON repair_orders(state, promised_at)",
            "CREATE INDEX repair_orders_customer ON repair_orders(customer_id)",
            "CREATE INDEX repair_orders_device ON repair_orders(device_id)",
            "CREATE INDEX repair_orders_engineer ON repair_orders(assigned_engineer_id, state)"
            " WHERE assigned_engineer_id IS NOT NULL",
            "CREATE INDEX repair_orders_rework ON repair_orders(rework_of) WHERE rework_of IS NOT NULL",
            """CREATE TABLE charges (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                kind TEXT NOT NULL CHECK (kind IN ('inspection_fee', 'quote', 'onsite_visit', 'other')),
                amount INTEGER NOT NULL CHECK (amount >= 0),
                description TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL)""",
            "CREATE INDEX charges_order ON charges(order_id)",
            """CREATE TABLE payments (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                amount INTEGER NOT NULL CHECK (amount > 0),
                method TEXT NOT NULL,
                invoice_no TEXT NOT NULL DEFAULT '',
                paid_at TEXT NOT NULL)""",
            "CREATE INDEX payments_order ON payments(order_id)",
        ],
    )


@step
def m003_intake_drafts_passcodes_vouchers(db) -> None:
    _run(
        db,
        [
            # The check code printed on the pickup voucher, kept only as a salted hash.
            "ALTER TABLE repair_orders ADD COLUMN voucher_code_hash BLOB",
            "ALTER TABLE repair_orders ADD COLUMN voucher_code_salt BLOB",
            "ALTER TABLE repair_orders ADD COLUMN voucher_signed_at TEXT",
            "ALTER TABLE repair_orders ADD COLUMN inspection_due_at TEXT",
            # The device's login password or PIN, if the customer left it for testing:
            # shown only to the assigned engineer, deleted when the order closes.
            """CREATE TABLE device_passcodes (
                order_id INTEGER PRIMARY KEY REFERENCES repair_orders(id),
                passcode TEXT NOT NULL,
                created_at TEXT NOT NULL)""",
            # A pre-inspection in progress, saved at every step so a crash loses nothing.
            """CREATE TABLE intake_drafts (
                id INTEGER PRIMARY KEY,
                terminal TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                step TEXT NOT NULL,
                data TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'refused', 'discarded')),
                order_id INTEGER REFERENCES repair_orders(id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL)""",
            "CREATE INDEX intake_drafts_open ON intake_drafts(status, terminal) WHERE status = 'open'",
        ],
    )


@step
def m004_bench_promises_quotes_repairs_calls(db) -> None:
    _run(
        db,
        [
            # Every promise made to the customer and every change to it: old time, new time,
            # reason, who, when. repair_orders keeps the current ones (inspection_due_at,
            # promised_at) for the work lists.
            """CREATE TABLE promises (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                kind TEXT NOT NULL CHECK (kind IN ('inspection', 'completion')),
                due_at TEXT NOT NULL,
                previous_due_at TEXT,
                reason TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                actor TEXT NOT NULL,
                at TEXT NOT NULL)""",
            "CREATE INDEX promises_order ON promises(order_id, id)",
            """CREATE TABLE diagnoses (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                findings TEXT NOT NULL,
                cause TEXT NOT NULL DEFAULT '',
                causes TEXT NOT NULL DEFAULT '[]',
                chargeable INTEGER NOT NULL,
                reasons TEXT NOT NULL DEFAULT '[]',
                actor TEXT NOT NULL,
                at TEXT NOT NULL)""",
            "CREATE INDEX diagnoses_order ON diagnoses(order_id, id)",
            """CREATE TABLE quote_lines (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                kind TEXT NOT NULL CHECK (kind IN ('part', 'labour')),
                description TEXT NOT NULL,
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                unit_price INTEGER NOT NULL CHECK (unit_price >= 0))""",
            "CREATE INDEX quote_lines_order ON quote_lines(order_id)",
            "ALTER TABLE repair_orders ADD COLUMN quote_valid_until TEXT",
            "ALTER TABLE repair_orders ADD COLUMN return_method TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE repair_orders ADD COLUMN minutes_spent INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE repair_orders ADD COLUMN notified_at TEXT",
            """CREATE TABLE repair_parts (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                part TEXT NOT NULL,
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                old_part_returned INTEGER NOT NULL,
                old_part_reason TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX repair_parts_order ON repair_parts(order_id)",
            """CREATE TABLE loaners (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                device TEXT NOT NULL,
                issued_at TEXT NOT NULL,
                returned_at TEXT)""",
            "CREATE INDEX loaners_order ON loaners(order_id)",
            # Calls to the customer: a delay announced before the promise breaks, or "ready".
            """CREATE TABLE contact_attempts (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES repair_orders(id),
                purpose TEXT NOT NULL CHECK (purpose IN ('delay', 'ready')),
                outcome TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'message_left')),
                note TEXT NOT NULL DEFAULT '',
                before_promise INTEGER,
                actor TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                at TEXT NOT NULL)""",
            "CREATE INDEX contact_attempts_order ON contact_attempts(order_id, id)",
            "CREATE INDEX repair_orders_to_notify ON repair_orders(state) WHERE state = 'ready' AND notified_at IS NULL",
        ],
    )



@step
def m005_pickup_counter(db) -> None:
    _run(
        db,
        [
            # How the person collecting the device was checked (voucher check code, or a
            # manager's identity check for a lost voucher), and the wrong codes tried.
            "ALTER TABLE repair_orders ADD COLUMN pickup_failures INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE repair_orders ADD COLUMN holder_check TEXT NOT NULL DEFAULT ''",
            # The verification sign-off: checklist results and the customer's own check.
            "ALTER TABLE repair_orders ADD COLUMN verification TEXT NOT NULL DEFAULT ''",
            # What is owed was shown and agreed before charging (the amount agreed).
            "ALTER TABLE repair_orders ADD COLUMN fees_agreed_at TEXT",
            "ALTER TABLE repair_orders ADD COLUMN fees_agreed_amount INTEGER",
            # The repair order's flags: warranty sticker applied, business card left (or why not).
            "ALTER TABLE repair_orders ADD COLUMN sticker_applied INTEGER",
            "ALTER TABLE repair_orders ADD COLUMN sticker_reason TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE repair_orders ADD COLUMN card_left INTEGER",
            "ALTER TABLE repair_orders ADD COLUMN card_reason TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE repair_orders ADD COLUMN farewell TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX repair_orders_rework_of ON repair_orders(rework_of) WHERE rework_of IS NOT NULL",
        ],
    )

@step
def m006_sign_in_guard_and_voucher_codes(db) -> None:
    _run(
        db,
        [
            # Wrong PINs in a row per staff name (known or not), and until when that name is
            # locked out: kept in the file, so the lock-out holds on every terminal and restart.
            """CREATE TABLE sign_in_guard (
                name TEXT PRIMARY KEY,
                failures INTEGER NOT NULL DEFAULT 0,
                locked_until TEXT)""",
            # A voucher check code issued but not yet known to be on paper, sealed with the key
            # beside the file (deskapp.storage.sealed): printed later, or shown once, then deleted.
            """CREATE TABLE voucher_codes_pending (
                order_id INTEGER PRIMARY KEY REFERENCES repair_orders(id),
                sealed TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                issued_at TEXT NOT NULL)""",
        ],
    )
    _seal_plaintext_passcodes(db)


@step
def m007_purchase_brand(db) -> None:
    # The seller's export may name the brand (an optional column): pre-inspection fills the
    # device's product line, brand and model from the sale of a serial on record.
    _run(db, ["ALTER TABLE purchases ADD COLUMN brand TEXT NOT NULL DEFAULT ''"])


@step
def m008_kiosk_guard(db) -> None:
    # The customers' query terminal: wrong (order number, phone digits) tries per kiosk in a
    # window, and until when that kiosk no longer answers progress questions.
    _run(db, ["""CREATE TABLE kiosk_guard (
                terminal TEXT PRIMARY KEY,
                failures INTEGER NOT NULL DEFAULT 0,
                window_start TEXT,
                locked_until TEXT)"""])


def _seal_plaintext_passcodes(db) -> None:
    """Passcodes written before they were sealed (orders and open drafts): sealed now, with the
    key beside the station file, so the file no longer holds them in plain text."""
    import json

    from deskapp.storage.sealed import is_sealed, seal

    path = next((r[2] for r in db.execute("PRAGMA database_list").fetchall() if r[1] == "main"), "")
    plain = [(o, p) for o, p in db.execute("SELECT order_id, passcode FROM device_passcodes").fetchall()
             if not is_sealed(p)]
    drafts = [(i, json.loads(d)) for i, d in db.execute("SELECT id, data FROM intake_drafts WHERE status = 'open'")]
    drafts = [(i, d) for i, d in drafts if d.get("passcode") and not is_sealed(str(d["passcode"]))]
    if not path or not (plain or drafts):
        return
    for order_id, passcode in plain:
        db.execute("UPDATE device_passcodes SET passcode = ? WHERE order_id = ?",
                   (seal(path, f"passcode:{order_id}", passcode), order_id))
    for draft_id, data in drafts:
        data["passcode"] = seal(path, "draft:passcode", str(data["passcode"]))
        db.execute("UPDATE intake_drafts SET data = ? WHERE id = ?", (json.dumps(data, ensure_ascii=False), draft_id))


SCHEMA_VERSION = len(STEPS)
OUR_TABLES = {"meta", "_sqlite_migrations"}


def migrate(store, *, stop_before: str | None = None) -> None:
    """Bring the station file up to this code's schema, or refuse a newer one untouched."""
    try:
        version = store.schema_version()
    except sqlite3.DatabaseError as exc:
        raise StoreError("error.store_damaged", path=str(store.path), detail=str(exc)) from exc
    if version == SCHEMA_VERSION and stop_before is None:
        return
    _refuse_if_newer(store, version)
    MIGRATIONS = migrations()
    with store.write():
        version = store.schema_version()  # another terminal may have migrated meanwhile
        _refuse_if_newer(store, version)
        tables = set(store.db.table_names())
        if version == 0 and tables and not tables & OUR_TABLES:
            raise StoreError("error.store_not_station", path=str(store.path))
        applied = {m.name for m in MIGRATIONS.applied(store.db)}
        unknown = applied - set(STEPS)
        if unknown:
            raise StoreError(
                "error.store_too_new", path=str(store.path), found=len(applied), known=SCHEMA_VERSION
            )
        MIGRATIONS.apply(store.db, stop_before=stop_before)
        done = len({m.name for m in MIGRATIONS.applied(store.db)})
        store.conn.execute(f"PRAGMA user_version = {done}")


def refuse_unless_station(path, found, *, create: bool) -> None:
    """Refuse, before anything writes to it, a file that ``look_at`` found is another program's
    database (tables, none of ours), from a newer deskapp, or, unless creating, without tables."""
    if found.tables and not found.tables & OUR_TABLES:
        raise StoreError("error.store_not_station", path=str(path))
    if found.version > SCHEMA_VERSION:
        from deskapp.storage.store import StoreTooNew

        raise StoreTooNew("error.store_too_new", path=str(path), found=found.version, known=SCHEMA_VERSION)
    if not found.tables and not create:
        raise StoreError("error.store_empty", path=str(path))


def _refuse_if_newer(store, version: int) -> None:
    if version > SCHEMA_VERSION:
        from deskapp.storage.store import StoreTooNew

        raise StoreTooNew("error.store_too_new", path=str(store.path), found=version, known=SCHEMA_VERSION)
