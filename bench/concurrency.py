"""Eight terminals issuing queue numbers at once: 8 processes x 500 numbers on one file.

Reports numbers issued, duplicates (must be 0), lost writes (numbers a terminal was
given that are not in the file; must be 0), lock errors that reached the caller
(must be 0) and throughput. Each process goes through ``deskapp.queue.take_number``,
the same service the screens and ``deskapp queue take`` use.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import ROOT, header


def worker(db: str, count: int, start_at: float) -> None:
    from deskapp.reception.queue import take_number
    from deskapp.station import Actor, Station

    station = Station.open(db, locale="en")
    actor = Actor.system(name="bench", terminal=f"T{__import__('os').getpid()}")
    while time.time() < start_at:
        time.sleep(0.001)
    issued, errors = [], []
    began = time.perf_counter()
    for _ in range(count):
        try:
            issued.append(take_number(station, actor, "drop-off").number)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"issued": issued, "errors": errors, "seconds": time.perf_counter() - began}))


def run(processes: int = 8, count: int = 500) -> dict:
    from deskapp.station import Station

    header(f"concurrency: {processes} processes x {count} queue numbers on one station file")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "station.db")
        Station.open(db, locale="en").close()
        start_at = time.time() + 2.0
        procs = [subprocess.Popen([sys.executable, "-m", "bench.concurrency", "worker", db, str(count), str(start_at)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(processes)]
        reports = []
        for p in procs:
            out, err = p.communicate(timeout=600)
            if p.returncode != 0:
                raise SystemExit(f"worker failed: {err}")
            reports.append(json.loads(out))
        station = Station.open(db, locale="en")
        stored = [r["number"] for r in station.store.query("SELECT number FROM queue_tickets")]
        station.close()
    issued = [n for r in reports for n in r["issued"]]
    errors = [e for r in reports for e in r["errors"]]
    dupes = sum(c - 1 for c in Counter(issued).values() if c > 1)
    lost = len(set(issued) - set(stored))
    locked = sum(1 for e in errors if "locked" in e.lower() or "busy" in e.lower())
    busiest = max(r["seconds"] for r in reports)
    result = {"issued": len(issued), "stored": len(stored), "duplicates": dupes, "lost_writes": lost,
              "lock_errors": locked, "other_errors": len(errors) - locked,
              "throughput_per_s": len(issued) / busiest, "contiguous": sorted(stored) == list(range(1, len(stored) + 1))}
    print(f"  numbers issued {result['issued']} (stored {result['stored']}, 1..N without gaps: {result['contiguous']})")
    print(f"  duplicates {dupes}   lost writes {lost}   lock errors surfaced {locked}   other errors {result['other_errors']}")
    print(f"  throughput {result['throughput_per_s']:,.0f} numbers/s across {processes} processes "
          f"(slowest process {busiest:.2f} s)")
    return result


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        run()
