"""The station file: the SQLite store (WAL, BEGIN IMMEDIATE, busy retries), its schema and
migrations, the append-only event log, and the counters that number tickets and orders."""
