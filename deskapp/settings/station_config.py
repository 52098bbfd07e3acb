"""Station configuration: name, locale, time zone, numbering, contact block.

The bundled ``data/station.toml`` is the default; ``station.toml`` in the station's
directory (beside the station file) overrides it key by key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deskapp.rules.errors import ConfigError
from deskapp.settings.files import data_path, read_toml
from deskapp.settings.i18n import LOCALES, locale_from_environment, normalise_locale

SERVICES = ("drop-off", "pickup", "inquiry")
CONTACT_KEYS = ("phone", "fax", "email", "address", "hours", "line")


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

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad("name", "must be a non-empty text")
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
    contact = {k: str(raw.get("contact", {}).get(k, "")) for k in CONTACT_KEYS}
    localized = {}
    for loc, values in raw.get("localized", {}).items():
        if loc not in LOCALES or not isinstance(values, dict):
            raise bad(f"localized.{loc}", f"locale must be one of {', '.join(LOCALES)}")
        localized[loc] = {k: str(v) for k, v in values.items()}
    printer = raw.get("printer", {})
    paper = printer.get("paper_mm", 80)
    if paper not in (58, 80):
        raise bad("printer.paper_mm", "must be 58 or 80")
    encoding = printer.get("encoding", "auto")
    if encoding not in ("auto", "big5", "gb18030", "ascii"):
        raise bad("printer.encoding", "must be auto, big5, gb18030 or ascii")
    url = str(printer.get("url", "")).strip()
    if url and not re.match(r"^(tcp://|file:|usb:|serial:)", url):
        raise bad("printer.url", "must start with tcp://, file:, usb: or serial: (or be empty)")
    documents = raw.get("documents", {})
    pdf_font = str(documents.get("pdf_font", "")).strip()
    pdf_dir = str(documents.get("pdf_dir", "")).strip()
    assignment = {}
    for line, names in raw.get("assignment", {}).items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise bad(f"assignment.{line}", "must be a list of engineer names")
        assignment[line] = names
    return StationConfig(
        name=name.strip(),
        locale=resolved,
        timezone=str(raw.get("timezone", "Asia/Taipei")),
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
    )
