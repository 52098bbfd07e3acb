"""Another terminal holding the station's write lock, for as long as a test wants."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager


@contextmanager
def another_terminal_writing(db):
    """Hold the write lock (``BEGIN IMMEDIATE``) on a connection of our own, as a terminal in
    the middle of a long write would; released (nothing written) when the block ends."""
    conn = sqlite3.connect(str(db), isolation_level=None, timeout=5)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()
