"""Station configuration: name, locale, time zone, numbering, contact block.

The bundled ``data/station.toml`` is the default; ``station.toml`` in the station's
directory (beside the station file) overrides it key by key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from deskapp.rules.dates import WEEKDAYS, ServiceHours, parse_period, station_zone
from deskapp.rules.errors import ConfigError
from deskapp.settings.files import data_path, read_toml
from deskapp.settings.i18n import LOCALES, locale_from_environment, normalise_locale

SERVICES = ("drop-off", "pickup", "inquiry")
CONTACT_KEYS = ("phone", "fax", "email", "address", "hours", "line")
LOCALIZED_KEYS = ("name", *CONTACT_KEYS)
# Every key station.toml may have; anything else is a typo and refused, with its name.
TOP_KEYS = ("name", "locale", "timezone", "numbers", "contact", "localized", "printer", "documents", "assignment",
            "service_hours", "holidays", "serve")
TABLE_KEYS = {"numbers": ("order_prefix", "queue_prefix"), "printer": ("url", "paper_mm", "encoding"),
              "documents": ("pdf_font", "pdf_dir"), "contact": CONTACT_KEYS, "service_hours": WEEKDAYS,
              "holidays": ("closed",), "serve": ("host", "port", "font")}
# The hours the station keeps when station.toml says nothing: Mon-Fri 09:00-12:00, 13:00-17:30.
DEFAULT_WEEK = tuple(((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17, 30))) if i < 5 else () for i in range(7))


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class StationConfig:
    name: str
    locale: str  # resolved: one of LOCALES
    timezone: str
    order_prefix: str
    queue_prefix: dict[str, str]
    contact: dict[str, str]
    localized: dict[str, dict[str, str]] = field(default_factory=dict)
    printer_url: str = ""
    paper_mm: int = 80
    printer_encoding: str = "auto"
    pdf_font: str = ""  # a TrueType CJK font for A4 PDFs; empty: the first one found on this machine
    pdf_dir: str = ""  # where A4 PDFs are written; empty: "documents" beside the station file
    assignment: dict[str, list[str]] = field(default_factory=dict)
    service_hours: ServiceHours = field(default_factory=lambda: ServiceHours(DEFAULT_WEEK))
    serve_host: str = "127.0.0.1"  # where `deskapp serve` listens
    serve_port: int = 8000
    serve_font: str = ""  # a CJK font for the browsers; empty: the first one found

    def text(self, key: str, locale: str) -> str:
        """A customer-facing value (name, address, hours) in ``locale``, falling back to the default."""
        local = self.localized.get(locale, {})
        if key in local:
            return local[key]
        if key == "name":
            return self.name
        return self.contact.get(key, "")


def load_station_config(station_dir: Path | None = None, locale: str | None = None, environ=None) -> StationConfig:
    raw = read_toml(data_path("station.toml"))
    where = str(data_path("station.toml"))
    if station_dir is not None:
        override = Path(station_dir) / "station.toml"
        if override.is_file():
            raw = _merge(raw, read_toml(override))
            where = str(override)

    def bad(key: str, problem: str) -> ConfigError:
        return ConfigError("config.invalid_value", path=where, key=key, problem=problem)

    for key in raw:
        if key not in TOP_KEYS:
            raise bad(key, f"is not a known key; known: {', '.join(TOP_KEYS)}")
    for table, keys in TABLE_KEYS.items():
        value = raw.get(table, {})
        if not isinstance(value, dict):
            raise bad(table, "must be a table")
        for key in value:
            if key not in keys:
                raise bad(f"{table}.{key}", f"is not a known key; known: {', '.join(keys)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise bad("name", "must be a text of 1-80 characters")
    timezone = raw.get("timezone", "Asia/Taipei")
    if not isinstance(timezone, str):
        raise bad("timezone", "must be a time zone name such as Asia/Taipei")
    try:
        station_zone(timezone)
    except ValueError:
        raise bad("timezone", f"{timezone!r} is not a known time zone; use a name such as Asia/Taipei") from None
    service_hours = _service_hours(raw, bad)
    wanted = locale if locale is not None else raw.get("locale", "")
    if wanted:
        resolved = normalise_locale(str(wanted))
        if resolved not in LOCALES:
            raise bad("locale", f"must be one of {', '.join(LOCALES)} (got {wanted!r})")
    else:
        resolved = locale_from_environment(environ)
    numbers = raw.get("numbers", {})
    prefix = numbers.get("order_prefix", "R")
    if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z]{1,3}", prefix):
        raise bad("numbers.order_prefix", "must be 1-3 capital letters A-Z")
    qp = numbers.get("queue_prefix", {})
    queue_prefix = {}
    for service in SERVICES:
        letter = qp.get(service)
        if not isinstance(letter, str) or not re.fullmatch(r"[A-Z]", letter):
            raise bad(f"numbers.queue_prefix.{service}", "must be one capital letter A-Z")
        queue_prefix[service] = letter
    if len(set(queue_prefix.values())) != len(queue_prefix):
        raise bad("numbers.queue_prefix", "each service needs its own letter")
    contact = {}
    for k in CONTACT_KEYS:
        value = raw.get("contact", {}).get(k, "")
        if not isinstance(value, str) or len(value) > 200:
            raise bad(f"contact.{k}", "must be a text of at most 200 characters")
        contact[k] = value
    localized = {}
    if not isinstance(raw.get("localized", {}), dict):
        raise bad("localized", "must be a table")
    for loc, values in raw.get("localized", {}).items():
        if loc not in LOCALES or not isinstance(values, dict):
            raise bad(f"localized.{loc}", f"locale must be one of {', '.join(LOCALES)}")
        for k, v in values.items():
            if k not in LOCALIZED_KEYS:
                raise bad(f"localized.{loc}.{k}", f"is not a known key; known: {', '.join(LOCALIZED_KEYS)}")
            if not isinstance(v, str) or not v.strip() or len(v) > 200:
                raise bad(f"localized.{loc}.{k}", "must be a text of 1-200 characters")
        localized[loc] = dict(values)
    printer = raw.get("printer", {})
    paper = printer.get("paper_mm", 80)
    if paper not in (58, 80):
        raise bad("printer.paper_mm", "must be 58 or 80")
    encoding = printer.get("encoding", "auto")
    if encoding not in ("auto", "cp950", "big5", "gb18030", "ascii"):
        raise bad("printer.encoding", "must be auto, cp950, big5, gb18030 or ascii")
    url = str(printer.get("url", "")).strip()
    if url:
        from deskapp.printing.errors import PrinterError
        from deskapp.printing.thermal.connectors import check_url

        try:  # checked now, not at the first print: tcp://host:99999 is refused here
            check_url(url)
        except PrinterError as error:
            raise bad("printer.url", f"must be like {error.detail} (or be empty)") from None
    documents = raw.get("documents", {})
    pdf_font = str(documents.get("pdf_font", "")).strip()
    pdf_dir = str(documents.get("pdf_dir", "")).strip()
    serve = raw.get("serve", {})
    serve_host = serve.get("host", "127.0.0.1")
    if not isinstance(serve_host, str) or not re.fullmatch(r"[0-9A-Za-z.:\[\]-]{1,253}", serve_host):
        raise bad("serve.host", "must be an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every network)")
    serve_port = serve.get("port", 8000)
    if not isinstance(serve_port, int) or isinstance(serve_port, bool) or not 1 <= serve_port <= 65535:
        raise bad("serve.port", "must be a whole number 1-65535")
    serve_font = serve.get("font", "")
    if not isinstance(serve_font, str):
        raise bad("serve.font", "must be a font file's path (or empty)")
    assignment = {}
    if not isinstance(raw.get("assignment", {}), dict):
        raise bad("assignment", "must be a table")
    for line, names in raw.get("assignment", {}).items():
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise bad(f"assignment.{line}", "must be a list of engineer names")
        assignment[line] = names
    return StationConfig(
        name=name.strip(),
        locale=resolved,
        timezone=timezone,
        order_prefix=prefix,
        queue_prefix=queue_prefix,
        contact=contact,
        localized=localized,
        printer_url=url,
        paper_mm=paper,
        printer_encoding=encoding,
        pdf_font=pdf_font,
        pdf_dir=pdf_dir,
        assignment=assignment,
        service_hours=service_hours,
        serve_host=serve_host,
        serve_port=serve_port,
        serve_font=serve_font.strip(),
    )


def _service_hours(raw: dict, bad) -> ServiceHours:
    """[service_hours] mon..sun: lists of "HH:MM-HH:MM" periods in order (empty: closed);
    [holidays] closed: "YYYY-MM-DD" dates the station is shut whatever the weekday."""
    table = raw.get("service_hours", {})
    week = []
    for i, day in enumerate(WEEKDAYS):
        if day not in table:
            week.append(DEFAULT_WEEK[i])
            continue
        periods = table[day]
        if not isinstance(periods, list) or not all(isinstance(p, str) for p in periods):
            raise bad(f"service_hours.{day}", 'must be a list of periods such as "09:00-12:00" (empty: closed)')
        parsed = []
        for text in periods:
            try:
                parsed.append(parse_period(text))
            except ValueError as exc:
                raise bad(f"service_hours.{day}", str(exc)) from None
        for (_, end), (begin, _) in zip(parsed, parsed[1:]):
            if begin < end:
                raise bad(f"service_hours.{day}", "periods must be in order and not overlap")
        week.append(tuple(parsed))
    if not any(week):
        raise bad("service_hours", "the station must be open on at least one weekday")
    closed = raw.get("holidays", {}).get("closed", [])
    if not isinstance(closed, list):
        raise bad("holidays.closed", 'must be a list of dates such as "2026-10-10"')
    return ServiceHours(tuple(week), frozenset(_date(value, bad) for value in closed))


def _date(value, bad) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # a TOML date (2026-10-10 without quotes)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise bad("holidays.closed", f"{value!r} is not a date YYYY-MM-DD")


def printer_source(station_dir: Path | None) -> Path:
    """The station.toml the printer settings come from: the station's own if it sets any of
    them, else the bundled default."""
    own = Path(station_dir) / "station.toml" if station_dir is not None else None
    if own is not None and own.is_file() and read_toml(own).get("printer"):
        return own
    return data_path("station.toml")


def write_station_template(station_dir: Path) -> Path | None:
    """A station.toml beside a new station file, every setting of the bundled one commented
    out (so it changes nothing until a line is uncommented): where the printer, the hours,
    the address are set is then in plain sight. None if the station already has its own."""
    import os

    target = Path(station_dir) / "station.toml"
    if target.exists():
        return None
    bundled = data_path("station.toml").read_text(encoding="utf-8").splitlines()
    head = [
        "# This station's own settings. Every line below is the bundled default, commented out:",
        "# uncomment a line (and its [table] heading) to change it for this station. deskapp",
        "# checks this file at every start and names the key of a value it refuses.",
        "#",
        "# To print: set [printer] url, e.g. url = \"tcp://192.168.1.50:9100\"; then",
        "# `deskapp printer list` shows what is configured and where it came from.",
        "",
    ]
    body = [line if not line.strip() or line.lstrip().startswith("#") else f"# {line}" for line in bundled[2:]]
    part = target.with_name(f".station.toml.{os.getpid()}.part")
    part.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    try:  # whole or not at all, and never over a station.toml written meanwhile
        os.link(part, target)
    except FileExistsError:
        return None
    finally:
        part.unlink()
    return target
