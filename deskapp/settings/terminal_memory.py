"""What one terminal remembers between customers: who signed in here last, and the choices
reception made last (the proof of purchase, the product line, the accessories ticked for each
product line), offered again as the defaults of the next pre-inspection.

A small JSON file per terminal name beside the station file (``terminals/<name>.json``, 0600
in a 0700 folder): each terminal reads and writes only its own, so two terminals never fight
over one value, and nothing of it is in the station file that every terminal shares. It is a
convenience: a missing or damaged file is an empty memory, a write that fails is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from pathlib import Path

RECENT_STAFF = 10  # names kept, newest first
_LOCK = threading.Lock()  # the workers of one app write one at a time


def memory_path(station_path: str | Path, terminal: str) -> Path:
    """The file of ``terminal`` beside the station file (a name made safe for any file system)."""
    name = str(terminal or "terminal")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:40]
    if safe != name:  # two names that differ only in unsafe characters keep files of their own
        safe += "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return Path(station_path).parent / "terminals" / f"{safe}.json"


def recall(station_path: str | Path, terminal: str) -> dict:
    """Everything ``terminal`` remembers (an empty dict if nothing, or the file cannot be read)."""
    try:
        data = json.loads(memory_path(station_path, terminal).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(station_path: str | Path, terminal: str, **changes) -> None:
    """Merge ``changes`` into the terminal's memory (a dict value is merged key by key)."""
    path = memory_path(station_path, terminal)
    with _LOCK:
        data = recall(station_path, terminal)
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass  # a convenience only: the next customer starts from the standard defaults


def signed_in_here(station_path: str | Path, terminal: str, name: str) -> None:
    """``name`` signed in on ``terminal``: first in its list from now on."""
    recent = [n for n in recent_staff(station_path, terminal) if n != name]
    remember(station_path, terminal, recent_staff=[name, *recent][:RECENT_STAFF])


def recent_staff(station_path: str | Path, terminal: str) -> list[str]:
    names = recall(station_path, terminal).get("recent_staff")
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def first_signed_in_here(members, recent: list[str]) -> list:
    """``members`` (staff, each with a ``name``) with those who signed in here last first,
    newest first; the others keep their order."""
    rank = {name: i for i, name in enumerate(recent)}
    return sorted(members, key=lambda m: rank.get(m.name, len(rank)))  # sorted() is stable
