"""The station file: pragmas, migrations, refusal of newer files, the event log, change signal."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import spawn_workers

from deskapp.rules.errors import StoreError
from deskapp.settings.i18n import translator
from deskapp.storage import events
from deskapp.storage.schema import SCHEMA_VERSION, STEPS, migrate
from deskapp.storage.store import Store, StoreTooNew


def test_station_file_uses_wal_full_sync_foreign_keys_and_busy_timeout(tmp_path):
    store = Store(tmp_path / "s.db")
    pragma = lambda name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000
    assert store.schema_version() == SCHEMA_VERSION == len(STEPS)
    store.close()


def test_write_rolls_back_everything_on_error(tmp_path):
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            raise RuntimeError("power cut in the middle")
    assert store.query("SELECT * FROM meta") == []
    store.close()


def test_older_station_file_upgrades_in_place_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    old = Store(path, migrate=False)
    migrate(old, stop_before=STEPS[-1])  # a file as the previous release left it
    assert old.schema_version() == len(STEPS) - 1
    with old.write() as conn:
        conn.execute(
            "INSERT INTO customers (name, created_at) VALUES ('黃淑芬', '2026-01-01T00:00:00.000000Z')"
        )
    old.close()

    upgraded = Store(path)
    assert upgraded.schema_version() == SCHEMA_VERSION
    assert upgraded.query_one("SELECT name FROM customers")["name"] == "黃淑芬"
    assert "repair_orders" in upgraded.db.table_names()
    upgraded.close()


def test_newer_station_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreTooNew) as refused:
        Store(path)
    message = refused.value.render(translator("en"))
    assert "newer deskapp" in message and "not changed" in message
    assert "較新版" in refused.value.render(translator("zh_TW"))
    assert path.read_bytes() == before


def test_file_with_unknown_migration_is_refused(tmp_path):
    path = tmp_path / "fork.db"
    store = Store(path)
    with store.write() as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('deskapp', 'm999_future', 'x')"
        )
        conn.execute("PRAGMA user_version = 0")
    store.close()
    with pytest.raises(StoreError) as refused:
        Store(path)
    assert refused.value.key == "error.store_too_new"


def test_database_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError) as refused:
        Store(path)
    assert refused.value.key == "error.store_not_station"
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_a_file_that_is_not_sqlite_is_refused_with_a_message(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not a database, just some notes " * 50)
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        Store(path)
    assert refused.value.key == "error.store_not_sqlite"
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_event_log_is_append_only(station, system):
    with station.store.write() as conn:
        events.record(conn, station, system, "test.happened", subject="x", data={"n": 1})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with station.store.write() as conn:
            conn.execute("UPDATE events SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with station.store.write() as conn:
            conn.execute("DELETE FROM events")
    (event,) = events.recent(station, kind_prefix="test.")
    assert (event.actor, event.terminal, event.kind, event.data) == ("test", "T1", "test.happened", {"n": 1})
    assert event.at.endswith("Z")


def test_data_version_moves_when_any_terminal_commits(tmp_path):
    here, there = Store(tmp_path / "s.db"), Store(tmp_path / "s.db")
    before = here.data_version()
    assert here.data_version() == before  # nothing committed: no change
    with here.write() as conn:  # our own commits count too: the screens must show them
        conn.execute("INSERT INTO meta (key, value) VALUES ('mine', '1')")
    mine = here.data_version()
    assert mine != before
    with there.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('theirs', '1')")
    assert here.data_version() != mine
    here.close(), there.close()


def test_polling_for_changes_never_waits_behind_a_long_read(tmp_path):
    """The UI thread polls data_version every second while a worker thread may hold the
    store for a long query; the poll must answer at once, not after the query."""
    import threading

    store = Store(tmp_path / "s.db")
    holding, release = threading.Event(), threading.Event()

    def long_read():
        with store.read():
            holding.set()
            release.wait(5)

    worker = threading.Thread(target=long_read)
    worker.start()
    assert holding.wait(5)
    answered = threading.Event()
    poller = threading.Thread(target=lambda: (store.data_version(), answered.set()))
    poller.start()
    try:
        assert answered.wait(2), "data_version waited for the worker's read"
    finally:
        release.set()
        worker.join(), poller.join()
    store.close()


def test_many_terminals_opening_a_new_station_at_once_all_succeed(tmp_path):
    db = tmp_path / "fresh.db"
    reports = spawn_workers("open", db, 0, processes=6)
    assert [r["version"] for r in reports] == [SCHEMA_VERSION] * 6
    applied = sqlite3.connect(db).execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == SCHEMA_VERSION  # each step applied exactly once
