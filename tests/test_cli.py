"""The command line, run as a real process against real station files."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import run_python

from deskapp.settings.i18n import translator

EN = translator("en")


def deskapp(*args, stdin=None, locale="en"):
    return run_python("-m", "deskapp", *args, "--locale", locale, stdin=stdin) if locale else \
        run_python("-m", "deskapp", *args, stdin=stdin)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "station.db"
    result = deskapp("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Demo station ready" in result.stdout
    return db


def test_help_lists_every_command():
    out = deskapp("--help").stdout
    for command in ("init", "demo", "import-sales", "queue", "order", "staff"):
        assert command in out
    assert "取排隊號" in deskapp("queue", "take", "--help", locale="zh_TW").stdout


def test_init_creates_an_empty_station_and_will_not_overwrite_it(tmp_path):
    db = tmp_path / "new" / "station.db"
    first = deskapp("init", "--db", str(db))
    assert first.returncode == 0 and db.exists()
    second = deskapp("init", "--db", str(db))
    assert second.returncode == 1 and second.stderr == EN.t("cli.exists", path=db) + "\n"


def test_demo_refuses_to_touch_a_live_station(tmp_path):
    db = tmp_path / "live.db"
    deskapp("init", "--db", str(db))
    refused = deskapp("demo", "--db", str(db))
    assert refused.returncode == 1 and refused.stderr == EN.t("cli.demo_refused_live", path=db) + "\n"


def test_demo_leaves_orders_in_every_state_and_can_be_refreshed(demo_db):
    from deskapp.rules.lifecycle import State

    states = {r[0] for r in sqlite3.connect(demo_db).execute("SELECT DISTINCT state FROM repair_orders")}
    assert states == {str(s) for s in State}
    again = deskapp("demo", "--db", str(demo_db))
    assert again.returncode == 0
    assert sqlite3.connect(demo_db).execute("SELECT COUNT(*) FROM repair_orders").fetchone()[0] == 18


def test_queue_take_prints_the_number_and_how_many_are_ahead(demo_db):
    plain = deskapp("queue", "take", "pickup", "--db", str(demo_db))
    assert plain.returncode == 0 and plain.stdout.startswith("B00") and "Pickup" in plain.stdout
    data = json.loads(deskapp("queue", "take", "drop-off", "--db", str(demo_db), "--json").stdout)
    assert data["service"] == "drop-off" and data["code"].startswith("A") and data["ahead"] >= 3
    bad = deskapp("queue", "take", "coffee", "--db", str(demo_db))
    assert bad.returncode == 2 and bad.stderr.endswith(
        "argument service: invalid choice: 'coffee' (choose from 'drop-off', 'pickup', 'inquiry')\n")


def test_order_list_and_show_as_text_and_json(demo_db):
    listing = json.loads(deskapp("order", "list", "--db", str(demo_db), "--json").stdout)
    assert len(listing) == 18 and listing[0]["number"] > listing[-1]["number"]
    waiting = json.loads(deskapp("order", "list", "--state", "waiting_parts", "--db", str(demo_db), "--json").stdout)
    assert [o["state"] for o in waiting] == ["waiting_parts"]
    number = waiting[0]["number"]
    shown = json.loads(deskapp("order", "show", number.lower(), "--db", str(demo_db), "--json").stdout)
    assert shown["number"] == number and shown["state"] == "waiting_parts"
    assert {"order.wait_for_part", "order.delay_called", "order.promise_changed"} <= {e["kind"] for e in shown["events"]}
    assert all({"actor", "terminal", "at", "kind"} <= set(e) for e in shown["events"])
    text = deskapp("order", "show", number, "--db", str(demo_db), locale="zh_TW").stdout
    assert "等待零件" in text and "事件記錄" in text
    table = deskapp("order", "list", "--db", str(demo_db), locale="zh_CN").stdout
    assert "维修单号" in table and "等待备件" in table


def test_unknown_order_is_an_error_on_stderr(demo_db):
    missing = deskapp("order", "show", "R9999-99999", "--db", str(demo_db))
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr == EN.t("error.order_not_found", number="R9999-99999") + "\n"
    bad_state = deskapp("order", "list", "--state", "lost", "--db", str(demo_db))
    assert bad_state.returncode == 1 and bad_state.stderr.startswith(EN.t("error.choice", value="lost", allowed=""))


def test_staff_add_reads_the_pin_and_refuses_a_bad_one(tmp_path):
    db = tmp_path / "s.db"
    assert deskapp("init", "--db", str(db)).returncode == 0
    ok = deskapp("staff", "add", "陳志明", "--role", "engineer", "--db", str(db), stdin="2468\n")
    assert ok.returncode == 0 and "陳志明" in ok.stdout
    row = sqlite3.connect(db).execute("SELECT role, pin_hash FROM staff").fetchone()
    assert row[0] == "engineer" and b"2468" not in row[1] and len(row[1]) == 32
    short = deskapp("staff", "add", "Amy", "--role", "engineer", "--db", str(db), stdin="12\n")
    assert short.returncode == 1 and short.stderr == EN.t("error.pin_format") + "\n"
    janitor = deskapp("staff", "add", "Amy", "--role", "janitor", "--db", str(db), stdin="1234\n")
    assert janitor.returncode == 1 and janitor.stderr.startswith(EN.t("error.choice", value="janitor", allowed=""))
    empty = deskapp("staff", "add", "Amy", "--role", "pickup", "--db", str(db), stdin="")
    assert empty.returncode == 1 and empty.stderr == EN.t("cli.pin_no_input") + "\n"
    listed = json.loads(deskapp("staff", "list", "--db", str(db), "--json").stdout)
    assert [m["name"] for m in listed] == ["陳志明"]


def test_import_sales_reports_bad_lines_and_imports_nothing(tmp_path):
    db = tmp_path / "s.db"
    assert deskapp("init", "--db", str(db)).returncode == 0
    csv = tmp_path / "sales.csv"
    csv.write_text("serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone\n"
                   "CAM-1,Cam,camera,2026-01-01,I-1,Shop,,\nCAM-2,Cam,camera,2026-13-01,I-2,Shop,,\n",
                   encoding="utf-8")
    rejected = deskapp("import-sales", str(csv), "--db", str(db))
    assert rejected.returncode == 1
    assert rejected.stderr.splitlines()[0] == EN.t("error.import_rejected", path=csv, count=1)
    assert rejected.stderr.splitlines()[1].startswith("line 3, purchased_on: ")
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM purchases").fetchone()[0] == 0
    csv.write_text(csv.read_text(encoding="utf-8").replace("2026-13-01", "2026-03-01"), encoding="utf-8")
    done = json.loads(deskapp("import-sales", str(csv), "--db", str(db), "--json").stdout)
    assert done == {"added": 2, "updated": 0, "unchanged": 0}
    missing = deskapp("import-sales", str(tmp_path / "nope.csv"), "--db", str(db))
    assert missing.returncode == 1
    assert missing.stderr == EN.t("error.file_unreadable", path=tmp_path / "nope.csv", detail="No such file or directory") + "\n"


def test_a_station_file_from_a_newer_deskapp_is_refused_with_exit_3(tmp_path):
    db = tmp_path / "s.db"
    deskapp("init", "--db", str(db))
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    refused = deskapp("order", "list", "--db", str(db))
    from deskapp.storage.schema import SCHEMA_VERSION

    assert refused.returncode == 3
    assert refused.stderr == EN.t("error.store_too_new", path=db, found=99, known=SCHEMA_VERSION) + "\n"


def test_control_characters_in_data_never_reach_the_terminal(tmp_path):
    db = tmp_path / "s.db"
    assert deskapp("init", "--db", str(db)).returncode == 0
    deskapp("staff", "add", "Eve\x1b[2J\x1b]0;x\x07", "--role", "pickup", "--db", str(db), stdin="1234\n")
    out = deskapp("staff", "list", "--db", str(db)).stdout
    assert "\x1b" not in out and "\x07" not in out and "Eve" in out


def test_demo_leaves_orders_at_every_step_of_the_bench(demo_db):
    conn = sqlite3.connect(demo_db)
    q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT COUNT(*) FROM repair_orders WHERE state = 'received' AND assigned_engineer_id IS NULL") >= 1
    for state in ("diagnosing", "awaiting_approval", "in_repair", "waiting_parts", "return_unrepaired"):
        assert q(f"SELECT COUNT(*) FROM repair_orders WHERE state = '{state}'") >= 1, state
    # declined: one to collect, one to ship back
    assert q("SELECT COUNT(*) FROM repair_orders WHERE state = 'return_unrepaired' AND quote_status = 'declined'") == 2
    assert q("SELECT COUNT(*) FROM contact_attempts WHERE purpose = 'delay' AND before_promise = 1") == 1
    assert q("SELECT COUNT(*) FROM promises") == 1
    assert q("SELECT COUNT(*) FROM repair_orders WHERE state = 'ready' AND notified_at IS NULL") >= 1
    assert q("SELECT COUNT(*) FROM repair_orders WHERE state = 'ready' AND notified_at IS NOT NULL") == 1


def test_init_writes_the_stations_own_settings_commented_and_printer_list_says_where_the_printer_is_set(tmp_path):
    from deskapp.settings.station_config import load_station_config

    db = tmp_path / "new" / "station.db"
    done = deskapp("init", "--db", str(db))
    toml = db.parent / "station.toml"
    assert done.returncode == 0 and EN.t("cli.settings_written", path=toml) in done.stdout
    text = toml.read_text(encoding="utf-8")
    assert "# [printer]" in text and "# url = " in text
    assert load_station_config(db.parent, "en") == load_station_config(None, "en")  # commented: changes nothing
    shown = deskapp("printer", "list", "--db", str(db))
    assert EN.t("cli.printer_none") in shown.stdout and "data/station.toml" in shown.stdout
    # uncommented: the printer is this station's, and said so
    toml.write_text(text.replace("# [printer]", "[printer]").replace('# url = ""', 'url = "tcp://192.168.1.50:9100"'),
                    encoding="utf-8")
    listed = json.loads(deskapp("printer", "list", "--db", str(db), "--json").stdout)
    assert listed["url"] == "tcp://192.168.1.50:9100" and listed["set_in"] == str(toml)
    assert listed["encoding"] == "cp950" and listed["auto"] is True
    # a station's own settings are never written over
    again = deskapp("demo", "--db", str(tmp_path / "new" / "other.db"))
    assert again.returncode == 0 and EN.t("cli.settings_written", path=toml) not in again.stdout
    assert 'url = "tcp://192.168.1.50:9100"' in toml.read_text(encoding="utf-8")
