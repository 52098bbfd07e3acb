"""Purchase records: the sales the station can verify warranty against.

``import_sales_csv`` reads the seller's export (UTF-8, BOM tolerated) with the header
``serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone``, and
optionally ``brand`` (pre-inspection fills the device's brand from it).
The whole file is validated first; any bad row rejects the file with its line number,
so nothing is ever half imported. A record is keyed by (serial, invoice_no): importing
the same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DeskError, ValidationError
from deskapp.rules.policy import PurchaseFacts
from deskapp.storage import events

COLUMNS = ("serial", "model", "product_line", "purchased_on", "invoice_no", "seller", "customer_name", "customer_phone")
OPTIONAL_COLUMNS = ("brand",)
MAX_REPORTED = 20


@dataclass(frozen=True)
class PurchaseRecord:
    id: int
    serial: str
    model: str
    product_line: str
    purchased_on: dt.date
    invoice_no: str
    seller: str
    customer_name: str
    customer_phone: str
    brand: str = ""

    def facts(self) -> PurchaseFacts:
        return PurchaseFacts(self.serial, self.purchased_on, self.invoice_no, self.product_line)

    def as_dict(self) -> dict:
        return {
            "serial": self.serial,
            "model": self.model,
            "product_line": self.product_line,
            "purchased_on": self.purchased_on.isoformat(),
            "invoice_no": self.invoice_no,
            "seller": self.seller,
            "brand": self.brand,
        }


def _record(row) -> PurchaseRecord:
    return PurchaseRecord(
        row["id"], row["serial"], row["model"], row["product_line"], dt.date.fromisoformat(row["purchased_on"]),
        row["invoice_no"], row["seller"], row["customer_name"], row["customer_phone"],
        row["brand"] if "brand" in row.keys() else "",
    )


def find_purchase(station, *, serial: str | None = None, invoice_no: str | None = None,
                  product_line: str | None = None) -> PurchaseRecord | None:
    """The sale the policy accepts as evidence: the newest sale of this serial; failing that,
    the sale on this invoice -- the line with this serial if the invoice has one, else its
    line of this product line (the seller's export may carry another serial for the unit
    the customer holds the invoice of). None if neither finds one."""
    evidence = station.policy.evidence
    if serial and "serial" in evidence:
        row = station.store.query_one(
            "SELECT * FROM purchases WHERE serial = ? ORDER BY purchased_on DESC LIMIT 1", (serial,)
        )
        if row is not None:
            return _record(row)
    if invoice_no and "invoice" in evidence:
        rows = station.store.query(
            "SELECT * FROM purchases WHERE invoice_no = ? ORDER BY purchased_on DESC, id DESC",
            (invoice_no.strip().upper(),),
        )
        for row in rows:
            if serial and row["serial"] == serial:
                return _record(row)
        for row in rows:
            if not serial or product_line is None or row["product_line"] == product_line:
                return _record(row)
    return None


def purchase_by_id(station, purchase_id: int | None) -> PurchaseRecord | None:
    """The sale recorded on an order at intake (``repair_orders.purchase_id``)."""
    if purchase_id is None:
        return None
    row = station.store.query_one("SELECT * FROM purchases WHERE id = ?", (purchase_id,))
    return _record(row) if row is not None else None


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


class ImportRejected(DeskError):
    """The file was rejected whole; ``problems`` lists (line number, field, message key, params)."""

    def __init__(self, path: str, problems: list[tuple[int, ValidationError]]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("error.import_rejected", path=path, count=len(problems))

    def render(self, tr) -> str:
        lines = [super().render(tr)]
        for line_no, err in self.problems[:MAX_REPORTED]:
            lines.append(tr.t("error.import_line", line=line_no, field=err.field, message=err.render(tr)))
        if len(self.problems) > MAX_REPORTED:
            lines.append(tr.t("error.import_more", count=len(self.problems) - MAX_REPORTED))
        return "\n".join(lines)


def _validate_row(station, row: dict, today: dt.date) -> tuple:
    product_line = validate.required_text("product_line", row.get("product_line"))
    if product_line not in station.policy.product_lines:
        raise ValidationError(
            "product_line", "error.unknown_product_line", product_line=product_line,
            known=", ".join(station.policy.product_lines),
        )
    phone = str(row.get("customer_phone") or "").strip()
    return (
        validate.serial("serial", row.get("serial")),
        validate.required_text("model", row.get("model"), max_len=60),
        product_line,
        validate.iso_date("purchased_on", row.get("purchased_on"), not_after=today).isoformat(),
        validate.optional_text("invoice_no", row.get("invoice_no"), max_len=30).upper(),
        validate.required_text("seller", row.get("seller"), max_len=80),
        validate.optional_text("customer_name", row.get("customer_name"), max_len=60),
        validate.phone("customer_phone", phone) if phone else "",
        validate.optional_text("brand", row.get("brand"), max_len=40),
    )


def read_sales_csv(station, path: Path) -> list[tuple]:
    """Parse and validate every row; raise ImportRejected listing each bad line."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(str(path), [(1, ValidationError("file", "error.import_not_utf8", detail=str(exc)))]) from None
    except OSError as exc:
        raise DeskError("error.file_unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRejected(str(path), [(1, ValidationError("header", "error.import_header", missing=", ".join(missing), expected=",".join(COLUMNS)))])
    reader.fieldnames = header
    today = station.today()
    rows: list[tuple] = []
    problems: list[tuple[int, ValidationError]] = []
    seen: dict[tuple[str, str], tuple[int, tuple]] = {}
    for raw in reader:
        line_no = reader.line_num
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # blank line
        if None in raw:
            problems.append((line_no, ValidationError("row", "error.import_extra_fields")))
            continue
        try:
            values = _validate_row(station, raw, today)
        except ValidationError as err:
            problems.append((line_no, err))
            continue
        key = (values[0], values[4])
        if key in seen and seen[key][1] != values:
            problems.append((line_no, ValidationError("serial", "error.import_duplicate", other=seen[key][0])))
            continue
        seen[key] = (line_no, values)
        rows.append(values)
    if problems:
        raise ImportRejected(str(path), problems)
    return rows


def import_sales_csv(station, actor, path: Path) -> ImportResult:
    rows = read_sales_csv(station, path)
    added = updated = unchanged = 0
    now = to_db(station.now())
    with station.store.write() as conn:
        for values in rows:
            existing = conn.execute(
                "SELECT id, serial, model, product_line, purchased_on, invoice_no, seller, customer_name, customer_phone,"
                " brand FROM purchases WHERE serial = ? AND invoice_no = ?",
                (values[0], values[4]),
            ).fetchone()
            if existing is None:
                conn.execute(
                    "INSERT INTO purchases (serial, model, product_line, purchased_on, invoice_no, seller,"
                    " customer_name, customer_phone, brand, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, now),
                )
                added += 1
            elif tuple(existing)[1:] == values:
                unchanged += 1
            else:
                conn.execute(
                    "UPDATE purchases SET model = ?, product_line = ?, purchased_on = ?, seller = ?,"
                    " customer_name = ?, customer_phone = ?, brand = ?, imported_at = ? WHERE id = ?",
                    (values[1], values[2], values[3], values[5], values[6], values[7], values[8], now,
                     existing["id"]),
                )
                updated += 1
        if added or updated:
            events.record(
                conn, station, actor, "sales.imported", subject=Path(path).name,
                data={"added": added, "updated": updated, "unchanged": unchanged},
            )
    return ImportResult(added, updated, unchanged)
