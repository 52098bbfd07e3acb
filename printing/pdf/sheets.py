"""The station's A4 documents laid out as :class:`printing.a4.Sheet` (plain data in).

Each builder takes a translator (the station's locale), the station's contact block and
the document's data as plain strings (see :mod:`deskapp.paperwork`).
"""

from __future__ import annotations

from deskapp.printing.pdf.render import (
    Boxes,
    Checks,
    Columns,
    Fields,
    Heading,
    Paragraph,
    Sheet,
    Signatures,
    Spacer,
    Table,
)


def _station_lines(tr, station: dict) -> tuple[str, ...]:
    """The contact block in three lines: the name; address and phone; hours, e-mail, LINE."""
    def line(*keys):
        return "  ·  ".join(f"{tr.t(f'doc.contact_{k}')}: {station[k]}" for k in keys if station.get(k))

    return tuple(x for x in (station["name"], line("address", "phone"), line("hours", "email", "line")) if x)


def _footer(tr, station: dict) -> str:
    return tr.t("doc.a4_footer", name=station["name"], phone=station.get("phone", ""))


def _lang(tr) -> str:
    return getattr(tr, "locale", "zh_TW")


FAULT_LINES = 3  # a fault, finding or cause longer than this is cut short: the rest goes on the attached page
WORK_LINES = 5  # the work done, full width


def repair_order(tr, station: dict, d: dict, copies: tuple[str, ...] = ("",)) -> Sheet:
    """The repair order (維修單): everything the customer takes home, in copies, each copy on
    one page (long texts cut short, their rest on a page attached to the copy)."""
    t = tr.t
    # what was not recorded is left out rather than printed as "-"
    fault = tuple(pair for pair in (
        (t("doc.fault_reported"), d["fault_reported"]), (t("doc.fault"), d["fault_confirmed"]),
        (t("doc.findings"), d["findings"]), (t("doc.cause"), d["cause"])) if pair[1])
    work = ((t("doc.work"), d["work"] or "-"),) + (
        ((t("doc.minutes"), t("doc.minutes_value", minutes=d["minutes"])),) if d["minutes"] else ())
    blocks = [
        Heading(t("doc.section_customer_device")),
        Fields((
            (t("doc.customer"), d["customer"]), (t("doc.phone"), d["phone"]),
            (t("doc.device"), d["device"]), (t("doc.serial"), d["serial"]),
            (t("doc.received"), d["received"]), (t("doc.released"), d["released"] or "-"),
            (t("doc.warranty"), d["warranty"]), (t("doc.engineer"), d["engineer"] or "-"),
        ) + (((t("doc.rework_of"), d["rework_of"]),) if d["rework_of"] else ()), max_lines=2),
        Heading(t("doc.section_fault_work")),
        *((Fields(fault, max_lines=FAULT_LINES),) if fault else ()),
        Fields(work, columns=1, max_lines=WORK_LINES, attached=bool(fault)),
    ]
    if d["parts"]:
        blocks += [Heading(t("doc.section_parts")),
                   Table((t("doc.part"), t("doc.quantity"), t("doc.old_part_returned")), tuple(d["parts"]),
                         widths=(0.45, 0.1, 0.45), align=("left", "right", "left"))]
    else:
        blocks.append(Fields(((t("doc.section_parts"), t("doc.none")),), columns=1))
    # itemized: each charge, the total, each payment, what was paid, what is owed
    waived = d.get("waived_line")
    payments = tuple(p for p in d["payments"] if p != waived)
    items = tuple(d["charges"]) or ((t("doc.none"), ""),)  # a free repair says so
    rows = (items + ((t("doc.total"), d["total"]),) + payments + ((t("doc.paid"), d["paid"]),)
            + ((waived,) if waived else ()) + ((t("doc.due"), d["due"]),))
    n = len(items)
    charges = (Heading(t("doc.section_charges")),
               Table((t("doc.item"), t("doc.amount")), rows, widths=(0.7, 0.3), align=("left", "right"),
                     totals=(n, n + 1 + len(payments), len(rows) - 1)))
    if d["waiver"]:
        charges += (Paragraph(t("doc.waived", reason=d["waiver"])),)
    warranty = (
        Heading(t("doc.section_repair_warranty")),
        Fields((
            (t("doc.repair_warranty"), d["repair_warranty"]), (t("doc.warranty_scope_label"), d["warranty_scope"]),
            (t("doc.sticker"), d["sticker"]), (t("doc.card"), d["card"]),
            (t("doc.verified_by"), f"{d['verified_by']}  {d['verified_at']}".strip() or "-"),
            (t("doc.holder_check"), d["holder_check"] or "-"),
        ), columns=1, max_lines=5),
    )
    blocks += [
        Columns(charges, warranty),
        Boxes((t("doc.opinion_service"), t("doc.opinion_suggestions")), height_mm=16),
        Signatures((t("doc.sign_customer"), t("doc.sign_engineer"), t("doc.sign_station"))),
    ]
    return Sheet(title=t("doc.repair_order_title"), number=d["number"], blocks=tuple(blocks),
                 station=_station_lines(tr, station), copies=copies, footer=_footer(tr, station), lang=_lang(tr),
                 continued=t("doc.continued"), attached=t("doc.attached_title"))


def quote(tr, station: dict, d: dict) -> Sheet:
    """The quote (報價單) the customer signs or stamps to approve."""
    t = tr.t
    blocks = (
        Fields(((t("doc.customer"), d["customer"]), (t("doc.phone"), d["phone"]), (t("doc.device"), d["device"]),
                (t("doc.serial"), d["serial"]), (t("doc.fault"), d["fault"]),
                (t("doc.valid_until"), d["valid_until"] or "-"))),
        Heading(t("doc.section_quote")),
        Table((t("doc.kind"), t("doc.item"), t("doc.quantity"), t("doc.unit_price"), t("doc.amount")),
              tuple(d["lines"]) + (("", t("doc.total"), "", "", d["total"]),
                                   ("", d["inspection_fee_label"], "", "", d["inspection_fee"]),
                                   ("", t("doc.grand_total"), "", "", d["grand_total"])),
              widths=(0.12, 0.43, 0.1, 0.17, 0.18), align=("left", "left", "right", "right", "right")),
        Fields(((t("doc.quote_status"), d["status"]), (t("doc.quote_answer"), d["answer"] or "-"))),
        Paragraph(t("doc.quote_terms")),
        Spacer(6),
        Signatures((t("doc.sign_or_stamp"), t("doc.sign_engineer"))),
    )
    return Sheet(title=t("doc.quote_title"), number=d["number"], blocks=blocks, station=_station_lines(tr, station),
                 footer=_footer(tr, station), lang=_lang(tr))


def checklist(tr, station: dict, d: dict) -> Sheet:
    """The verification sign-off (驗機服務操作確認單) the customer signs at pickup."""
    t = tr.t
    blocks = (
        Fields(((t("doc.customer"), d["customer"]), (t("doc.device"), d["device"]), (t("doc.serial"), d["serial"]),
                (t("doc.fault"), d["fault"]))),
        Heading(t("doc.section_checklist")),
        Checks(tuple(d["items"]) + ((t("verify.fault_gone"), d["fault_gone"]),)),
        Fields(((t("doc.note"), d["note"] or "-"),
                (t("doc.verified_by"), f"{d['signed_by']}  {d['verified_at']}".strip() or "-")), columns=1),
        Paragraph(t("doc.checklist_terms")),
        Spacer(6),
        Signatures((t("doc.sign_customer"), t("doc.sign_engineer"))),
    )
    return Sheet(title=t("doc.checklist_title"), number=d["number"], blocks=blocks,
                 station=_station_lines(tr, station), footer=_footer(tr, station), lang=_lang(tr))
