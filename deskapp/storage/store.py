"""The station file: one SQLite database shared by every terminal of the station.

- WAL journal, so readers never block the writer and the writer never blocks readers.
- ``synchronous=FULL``: a commit is on disk before the call returns. A power cut right
  after staff see "saved" loses nothing; the price is one fsync per commit, which is
  small next to a person at a counter (see ``bench/``).
- Foreign keys on; a busy timeout; and every write in a ``BEGIN IMMEDIATE`` transaction,
  which takes the write lock up front. A deferred transaction that upgrades from read to
  write skips the busy handler and fails with "database is locked" under concurrency;
  an immediate one waits its turn. If the lock is still held after the timeout the user
  sees :class:`StoreBusy` with a message, never the raw SQLite error.
- Before anything opens it for writing, the file is looked at read-only (:func:`look_at`):
  a directory, an unreadable, empty, truncated or damaged file, or one that is not SQLite
  is refused with a :class:`StoreError`; so is another program's database and a file from
  a newer deskapp (``deskapp.storage.schema.refuse_unless_station``), all left byte for
  byte as they were (switching to WAL alone rewrites the header). A missing file is only
  created when asked (``create=True``), and appears whole: a header page written under a
  temporary name and linked into place, so another terminal never sees a 0-byte file; it is
  created readable by the station's user only (0600, and so are its -wal and -shm; a new
  folder for it 0700).
- Schema migrations (``deskapp.schema``) run at open, under the write lock so that
  two terminals starting at once do not race; a file newer than this code is refused.
- Two connections: writes (and the reads a write makes to check its rules) go through the
  writer, under its lock; every other read goes through a reader of its own. So while a
  worker waits its turn for the write lock (another terminal is writing), the UI thread's
  reads still answer at once: WAL lets a reader read while someone else writes.
- ``data_version()`` is a cheap change signal: it moves when any terminal (this one
  included) commits. It asks on a connection of its own, so a timer polling it on the
  UI thread never waits behind a long query a worker thread is running.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple
from urllib.parse import quote

from deskapp.rules.errors import StoreError

BUSY_TIMEOUT_S = 10.0  # SQLite's own wait for the lock on each attempt
BUSY_DEADLINE_S = 60.0  # how long we keep retrying before telling the user


class StoreBusy(StoreError):
    def __init__(self) -> None:
        super().__init__("error.store_busy", seconds=int(BUSY_DEADLINE_S))


class StoreTooNew(StoreError):
    pass


class DeferredWrite(RuntimeError):
    """A write asked for inside a transaction that did not start with ``Store.write()`` (a bug)."""

    def __init__(self) -> None:
        super().__init__("Store.write() inside a transaction opened without the write lock (a deferred BEGIN):"
                         " open the transaction with Store.write() itself")


SQLITE_HEADER = b"SQLite format 3\x00"


class FileLook(NamedTuple):
    """What a read-only look at an existing SQLite file found."""

    version: int  # PRAGMA user_version
    tables: frozenset[str]


def look_at(path: Path) -> FileLook | None:
    """The file at ``path`` looked at without writing to it or creating anything beside it;
    None if there is no file. Raises :class:`StoreError` if it cannot be a station file."""
    where = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise StoreError("error.store_no_permission", path=where) from exc
    except OSError as exc:
        raise StoreError("error.store_unreadable", path=where, detail=exc.strerror or str(exc)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise StoreError("error.store_is_directory", path=where)
    if not stat.S_ISREG(st.st_mode):
        raise StoreError("error.store_not_sqlite", path=where)
    wal = Path(f"{path}-wal")
    in_use = wal.is_file() and wal.stat().st_size > 0  # another terminal's writes may sit in the WAL
    if st.st_size == 0 and not in_use:
        raise StoreError("error.store_empty", path=where)
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except PermissionError as exc:
        raise StoreError("error.store_no_permission", path=where) from exc
    except OSError as exc:
        raise StoreError("error.store_unreadable", path=where, detail=exc.strerror or str(exc)) from exc
    if head and not head.startswith(SQLITE_HEADER):
        raise StoreError("error.store_not_sqlite", path=where)
    if head and len(head) < 100:
        raise StoreError("error.store_truncated", path=where)
    if head and not in_use:
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        if head[24:28] == head[92:96] and pages and st.st_size < pages * page_size:  # size field valid
            raise StoreError("error.store_truncated", path=where)
    # Read-only. Without a WAL beside it, as an immutable file (SQLite then creates no -wal or
    # -shm and takes no lock); with one, read-only through the WAL another terminal writes.
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("" if in_use else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StoreError("error.store_unreadable", path=where, detail=str(exc)) from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
            raise StoreBusy() from exc
        if "not a database" in str(exc):
            raise StoreError("error.store_not_sqlite", path=where) from exc
        raise StoreError("error.store_damaged", path=where, detail=str(exc)) from exc
    finally:
        conn.close()
    return FileLook(version, tables)


def create_file(path: Path) -> None:
    """A new, empty SQLite file in WAL mode at ``path``, unless one appeared meanwhile. It is
    written under a temporary name and linked into place, so nobody sees it half made."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        # for the station's user only: SQLite gives the -wal and -shm the main file's mode
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")  # writes the header page
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another terminal created it first: use theirs
        except OSError:  # a file system without hard links
            if not path.exists():
                os.rename(tmp, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _retry_busy(action, deadline_s: float = BUSY_DEADLINE_S):
    """Run ``action`` and retry while SQLite reports the database busy/locked."""
    start = time.monotonic()
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            if time.monotonic() - start > deadline_s:
                raise StoreBusy() from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


class Store:
    """The station file, for one terminal. Thread-safe: a Textual worker thread and the UI
    thread share one Store. ``conn`` is the writer (serialised by a lock); reads outside a
    write go to a second connection with a lock of its own."""

    def __init__(self, path: str | Path, *, migrate: bool = True, create: bool = True) -> None:
        """Open the station file at ``path``. A missing file is created only if ``create``; an
        existing one is checked read-only first (see :func:`look_at`); with ``create`` False an
        SQLite file without tables (nothing to read) is refused rather than set up."""
        from deskapp.storage.schema import refuse_unless_station

        self.path = Path(path)
        found = look_at(self.path)
        if found is None:
            if not create:
                raise StoreError("error.store_missing", path=str(self.path))
            create_file(self.path)
        else:
            refuse_unless_station(self.path, found, create=create)
        self._lock = threading.RLock()
        self.conn = _retry_busy(self._connect)
        self._reader: sqlite3.Connection | None = None
        self._read_lock = threading.RLock()
        self._writing = threading.local()  # this thread is inside write(): its reads see the write
        self._db = None
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        if migrate:
            from deskapp.storage.schema import migrate as run_migrations

            run_migrations(self)

    @property
    def db(self):
        """sqlite-utils on our connection, for migrations and savepoints (imported on first use)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            str(self.path),
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
            check_same_thread=False,
        )
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError("error.store_no_wal", path=str(self.path), mode=mode)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the station's write lock from its first statement.

        Nested use joins the outer transaction (a savepoint), so services can call
        each other and still commit as one. Only a write of this thread's own is joined:
        a transaction opened on the writer any other way (a deferred ``BEGIN``, sqlite-utils'
        ``atomic()``) would have to upgrade from read to write, which skips the busy timeout
        and fails with "database is locked" when another terminal writes; and the checks made
        in it would rest on reads taken before the lock. It is refused, loudly (a bug to fix).
        """
        with self._lock:
            if self.conn.in_transaction:
                if not self._in_write():
                    raise DeferredWrite()
                with self.db.atomic():
                    yield self.conn
                return
            _retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
            self._writing.depth = 1
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                try:
                    _retry_busy(lambda: self.conn.execute("COMMIT"))
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
            finally:
                self._writing.depth = 0

    def _in_write(self) -> bool:
        return getattr(self._writing, "depth", 0) > 0

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection this thread reads on: the writer inside its own write, else the reader."""
        if self._in_write():
            with self._lock:
                yield self.conn
            return
        with self._read_lock:
            if self._reader is None:
                self._reader = _retry_busy(self._connect_reader)
            yield self._reader

    def _connect_reader(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Reads only: a write slipped into a read (its deferred transaction upgrading, which skips
        # the busy timeout) fails at once and loudly instead of "database is locked" under load.
        conn.execute("PRAGMA query_only = ON")
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several queries (deferred read transaction)."""
        with self._reading() as conn:
            if conn.in_transaction:
                yield conn
                return
            _retry_busy(lambda: conn.execute("BEGIN"))
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        with self._reading() as conn:
            return _retry_busy(lambda: conn.execute(sql, params).fetchall())

    def query_one(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Row | None:
        with self._reading() as conn:
            return _retry_busy(lambda: conn.execute(sql, params).fetchone())

    # ------------------------------------------------------------------ signals

    def data_version(self) -> int:
        """Changes when anyone (another terminal, or this one) has committed since we last looked.

        Cheap enough to poll from a timer several times a second, and asked on a second
        connection: polling on the main lock once stalled the work list for 0.2-0.9 s
        while a worker thread was reading 2,000 orders.
        """
        with self._watch_lock:
            if self._watch is None:
                self._watch = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                              check_same_thread=False)
            return _retry_busy(lambda: self._watch.execute("PRAGMA data_version").fetchone()[0])

    def schema_version(self) -> int:
        with self._lock:
            return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self.conn.close()
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
