"""The A4 documents and the thermal repair order, from the store to plain data to paper.

- :func:`repair_order_data`, :func:`quote_data`, :func:`checklist_data` read an order and
  return plain strings in the station's language (nothing printer-specific);
- :mod:`printing.sheets` lays them out as A4 sheets, :mod:`printing.a4` renders PDF, and
  :mod:`printing.documents` the thermal receipt;
- :func:`write_pdf` and :func:`print_repair_order_receipt` produce them and log every
  print and reprint, like the vouchers. The screens and ``deskapp reprint`` call these.
"""

from __future__ import annotations

import os
from pathlib import Path

from deskapp.documents.order_record import order_details
from deskapp.documents.thermal import print_document, station_block
from deskapp.orders.model import get_order
from deskapp.rules.dates import from_db, local_time
from deskapp.rules.text import device_label, mask_phone
from deskapp.settings.checklists import verification_items
from deskapp.storage import events

A4_DOCS = ("repair-order", "quote", "checklist")
COPIES = ("stub", "engineer", "customer")  # 存根聯, 工程師聯, 客戶聯


def _device(tr, dev: dict) -> str:
    return device_label(tr, dev["product_line"], dev["brand"], dev["model"])


def _when(station, value) -> str:
    return local_time(station, value) if value else ""


def repair_warranty_ends(station, d: dict) -> str:
    """The repair warranty's last day (the policy's rule), counted from the day of release."""
    months = d["repair"]["warranty_months"] or 0
    if not months or not d["released_at"]:
        return ""
    ends = station.policy.repair_warranty_end(from_db(d["released_at"]).astimezone(station.tz).date(), months)
    return ends.isoformat() if ends else ""


def _yes_no(tr, flag, reason: str) -> str:
    if flag is None:
        return "-"
    return tr.t("doc.yes") if flag else tr.t("doc.no_because", reason=reason)


def charge_label(tr, charge: dict) -> str:
    """How a charge reads to the customer: the inspection fee with its category; a quote
    without its description (that is the answer method)."""
    label = tr.t(f"charge.{charge['kind']}")
    if charge["kind"] == "inspection_fee" and tr.has(f"category.{charge['description']}"):
        return f"{label} ({tr.t('category.' + charge['description'])})"
    if charge["kind"] == "other" and tr.has(f"charge.{charge['description']}"):  # e.g. the return shipping
        return tr.t(f"charge.{charge['description']}")
    if charge["kind"] == "quote" or not charge["description"]:
        return label
    return f"{label} ({charge['description']})"


REPAIR_CHARGES = ("inspection_fee", "quote", "on_site")  # what the device's repair cost (not its shipping)


def warranty_wording(tr, d: dict) -> str:
    """The order's warranty as the repair order states it: what was charged decides. An order
    taken in under warranty but charged (liquid inside, opened by someone else, ...) reads as a
    charged repair with its causes, never as "in warranty"."""
    status = d["warranty"]["status"]
    charged = d["warranty"]["chargeable"] or any(c["kind"] in REPAIR_CHARGES and c["amount"] > 0
                                                 for c in d["money"]["charges"])
    if status != "in_warranty" or not charged:
        return tr.t(f"warranty_status.{status}")
    causes = [tr.t(f"cause.{r['code'][len('cause_'):]}") for r in d["warranty"]["reasons"] or []
              if r.get("code", "").startswith("cause_") and tr.has(f"cause.{r['code'][len('cause_'):]}")]
    return tr.t("doc.charged_repair_because", causes=", ".join(causes)) if causes else tr.t("doc.charged_repair")


def charge_lines(tr, money, d: dict) -> list[tuple[str, str]]:
    """Every charge as (label, amount); an approved quote itemized by its lines (part, labour)
    when they add up to what was charged for it."""
    lines = d["quote"]["lines"]
    out = []
    for c in d["money"]["charges"]:
        if c["kind"] == "quote" and lines and sum(line["amount"] for line in lines) == c["amount"]:
            for line in lines:
                kind = tr.t(f"bench.kind_{line['kind']}")
                label = (tr.t("doc.quote_line", kind=kind, description=line["description"]) if line["quantity"] == 1
                         else tr.t("doc.quote_line_many", kind=kind, description=line["description"],
                                   quantity=line["quantity"], unit_price=money(line["unit_price"])))
                out.append((label, money(line["amount"])))
        else:
            out.append((charge_label(tr, c), money(c["amount"])))
    return out


def repair_order_data(station, number: str) -> dict:
    tr, money = station.tr, station.policy.money
    d = order_details(station, number)
    diag = d["diagnoses"][-1] if d["diagnoses"] else None
    months = d["repair"]["warranty_months"]
    if d["repair"]["outcome"] == "unrepaired":
        warranty = tr.t("doc.repair_warranty_unrepaired")
    elif months is None:
        warranty = tr.t("doc.repair_warranty_not_set")
    elif months == 0:
        warranty = tr.t("doc.repair_warranty_none_consent" if d["repair"]["no_warranty_consent"]
                        else "doc.repair_warranty_none")
    else:
        ends = repair_warranty_ends(station, d)
        warranty = tr.t("doc.repair_warranty_months", months=months) + (f"  ({tr.t('doc.until', date=ends)})"
                                                                           if ends else "")
    parts = [(p["part"], str(p["quantity"]), _yes_no(tr, p["old_part_returned"], p["old_part_reason"]))
             for p in d["repair"]["parts"]]
    charges = charge_lines(tr, money, d)
    payments = [(tr.t(f"payment_method.{p['method']}") + (f" · {tr.t('doc.invoice')} {p['invoice_no']}"
                                                           if p["invoice_no"] else f" · {tr.t('doc.invoice_declined')}"),
                 money(p["amount"])) for p in d["money"]["payments"]]
    waived = (tr.t("doc.waived_line"), "-" + money(d["money"]["waived"])) if d["money"]["waived"] else None
    if waived:  # the waiver is a line of its own, and nothing is left due
        payments.append(waived)
    holder = d["pickup"]["holder_check"]
    return {
        "number": d["number"],
        "received": _when(station, d["created_at"]),
        "released": _when(station, d["released_at"]),
        "customer": d["customer"]["name"],
        "phone": mask_phone(d["customer"]["phones"][0]) if d["customer"]["phones"] else "",
        "device": _device(tr, d["device"]),
        "serial": d["device"]["serial"],
        "warranty": warranty_wording(tr, d),
        "fault_reported": d["fault"]["reported"],
        "fault_confirmed": d["fault"]["confirmed"] or d["fault"]["reported"],
        "findings": diag["findings"] if diag else "",
        "cause": diag["cause"] if diag else "",
        "work": d["repair"]["record"] or (tr.t("doc.returned_unrepaired", reason=tr.t(
            f"unrepaired.{d['repair']['unrepaired_reason']}") if tr.has(f"unrepaired.{d['repair']['unrepaired_reason']}")
            else d["repair"]["unrepaired_reason"]) if d["repair"]["outcome"] == "unrepaired" else ""),
        "engineer": d["engineer"] or "",
        "minutes": d["repair"]["minutes"] or 0,
        "parts": parts,
        "charges": charges,
        "payments": payments,
        "total": money(d["money"]["charged"]),
        "paid": money(d["money"]["paid"]),
        "due": money(d["money"]["due"]),
        "waiver": d["money"]["waiver_reason"],
        "waived_line": waived,
        "repair_warranty": warranty,
        # no repair warranty (returned unrepaired, or repaired without one as agreed): no free rework promised
        "warranty_scope": (tr.t("doc.warranty_scope_none")
                           if d["repair"]["outcome"] == "unrepaired" or not d["repair"]["warranty_months"]
                           else tr.t("doc.warranty_scope" if station.policy.rework_free else "doc.warranty_scope_charged",
                                     fault=d["fault"]["confirmed"] or d["fault"]["reported"],
                                     hours=station.policy.rework_target_hours)),
        "sticker": _yes_no(tr, d["pickup"]["sticker_applied"], d["pickup"]["sticker_reason"]),
        "card": _yes_no(tr, d["pickup"]["card_left"], d["pickup"]["card_reason"]),
        "verified_by": d["verification"]["signed_by"],
        "verified_at": _when(station, d["verification"]["at"]),
        "holder_check": tr.t(f"pickup.method_{holder['method']}") if holder else "",
        "rework_of": d["rework_of"] or "",
    }


def quote_data(station, number: str) -> dict:
    tr, money = station.tr, station.policy.money
    d = order_details(station, number)
    q = d["quote"]
    return {
        "number": d["number"],
        "customer": d["customer"]["name"],
        "phone": mask_phone(d["customer"]["phones"][0]) if d["customer"]["phones"] else "",
        "device": _device(tr, d["device"]),
        "serial": d["device"]["serial"],
        "fault": d["fault"]["confirmed"] or d["fault"]["reported"],
        "lines": [(tr.t(f"bench.kind_{l['kind']}"), l["description"], str(l["quantity"]), money(l["unit_price"]),
                   money(l["amount"])) for l in q["lines"]],
        "total": money(q["total"]),
        "inspection_fee": money(q["inspection_fee"]),
        # what is true of it: owed (the usual case while a quote is out) or already paid
        "inspection_fee_label": tr.t("doc.inspection_fee_collected" if q["inspection_fee_collected"]
                                     else "doc.inspection_fee_owed"),
        "grand_total": money(q["grand_total"]),
        "valid_until": q["valid_until"] or "",
        "status": tr.t(f"bench.quote_state_{q['status']}"),
        "answer": tr.t(f"bench.answer_{q['answer']}") if q["answer"] else "",
    }


def checklist_data(station, number: str) -> dict:
    tr = station.tr
    d = order_details(station, number)
    record = d["pickup"]["verification"] or {}
    results = record.get("items", {})
    items = [(tr.t(f"verify.{i}"), tr.t(f"pickup.result_{results[i]}") if i in results else "")
             for i in verification_items(d["device"]["product_line"])]
    fault = {True: tr.t("pickup.result_pass"), None: tr.t("pickup.result_na"), False: ""}[record.get("fault_gone")] \
        if record else ""
    return {
        "number": d["number"],
        "customer": d["customer"]["name"],
        "device": _device(tr, d["device"]),
        "serial": d["device"]["serial"],
        "fault": d["fault"]["confirmed"] or d["fault"]["reported"],
        "items": items,
        "fault_gone": fault,
        "signed_by": d["verification"]["signed_by"],
        "verified_at": _when(station, d["verification"]["at"]),
        "note": record.get("note", ""),
    }


def sheet_for(station, number: str, doc: str):
    """The A4 sheet of ``doc`` (repair-order | quote | checklist) for an order."""
    from deskapp.printing.pdf import sheets

    tr, block = station.tr, station_block(station)
    if doc == "repair-order":
        return sheets.repair_order(tr, block, repair_order_data(station, number),
                                   copies=tuple(tr.t(f"doc.copy_{c}") for c in COPIES))
    if doc == "quote":
        return sheets.quote(tr, block, quote_data(station, number))
    if doc == "checklist":
        return sheets.checklist(tr, block, checklist_data(station, number))
    raise ValueError(doc)


def default_pdf_path(station, number: str, doc: str) -> Path:
    """``documents/R2611-00042-repair-order.pdf`` beside the station file (or ``[documents] pdf_dir``)."""
    folder = Path(station.config.pdf_dir) if station.config.pdf_dir else station.directory / "documents"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # customers' names and phones: the station's user only
    return folder / f"{get_order(station, number).number}-{doc}.pdf"


def pdf_font_embedded(station) -> bool:
    """Will the A4 PDFs embed a Chinese font (so any viewer shows them alike)?"""
    from deskapp.printing.pdf.render import find_cjk_font

    return find_cjk_font(station.config.pdf_font or None, station.config.locale) is not None


def write_pdf(station, actor, number: str, doc: str, out: str | Path | None = None, *, reprint: bool = False) -> bytes:
    """Render ``doc`` as PDF (to ``out`` if given) and log it like any print."""
    from deskapp.printing.pdf.render import render_pdf_with_info

    order = get_order(station, number)
    pdf, info = render_pdf_with_info(sheet_for(station, number, doc), font_path=station.config.pdf_font or None)
    if out is not None:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
    with station.store.write() as conn:
        events.record(conn, station, actor, f"print.{doc.replace('-', '_')}_pdf", order_id=order.id,
                      subject=order.number, data={"out": str(out) if out else None, "reprint": reprint,
                                                  "outcome": "written", "font_embedded": info["embedded"]})
    return pdf


def repair_order_receipt(station, number: str):
    from deskapp.printing.thermal import tickets as documents

    return documents.repair_order(station.tr, station_block(station), repair_order_data(station, number))


def print_repair_order_receipt(station, actor, number: str, *, reprint: bool = False, printer: str | None = None):
    order = get_order(station, number)
    print_document(station, actor, repair_order_receipt(station, number), subject=order.number, order_id=order.id,
                   reprint=reprint, printer=printer)

