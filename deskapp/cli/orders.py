"""``order list``, ``order show`` and ``reprint``: reading repair orders and printing their
documents again."""

from __future__ import annotations

import sys
from pathlib import Path

from deskapp.cli.output import emit_json, lines, local_time, table
from deskapp.cli.station import opened
from deskapp.rules.text import clean, device_label


def cmd_order_list(args, tr) -> int:
    from deskapp.orders.reads import list_orders

    with opened(args) as station:
        orders = list_orders(station, state=args.state, limit=max(1, min(args.limit, 10_000)))
        if args.json:
            emit_json([o.as_dict() for o in orders])
            return 0
        t = station.tr
        if not orders:
            print(t.t("cli.no_orders"))
            return 0
        rows = [[t.t("cli.col_number"), t.t("cli.col_state"), t.t("cli.col_customer"), t.t("cli.col_device"),
                 t.t("cli.col_created")]]
        for o in orders:
            device = f"{t.t('product_line.' + o.product_line)} {o.model} ({o.serial})"
            rows.append([o.number, t.t(f"state.{o.state}"), o.customer, device, local_time(station, o.created_at)])
        print(table(rows))
    return 0


def cmd_order_show(args, tr) -> int:
    from deskapp.documents.order_record import order_details
    from deskapp.rules.policy import Reason

    with opened(args) as station:
        d = order_details(station, args.number)
        if args.json:
            emit_json(d)
            return 0
        t = station.tr
        money = station.policy.money
        c, dev, w = d["customer"], d["device"], d["warranty"]
        out = [t.t("cli.order_title", number=d["number"], state=t.t(f"state.{d['state']}"))]
        out.append(f"{t.t('cli.customer')}: {c['name']}  {', '.join(c['phones'])}")
        out.append(f"{t.t('cli.device')}: {device_label(t, dev['product_line'], dev['brand'], dev['model'])}"
                   f"  SN {dev['serial']}")
        out.append(f"{t.t('cli.warranty')}: {t.t('warranty_status.' + w['status'])}")
        for r in w["reasons"]:
            out.append("  - " + Reason(r["code"], r["params"]).render(t))
        out.append(f"{t.t('cli.fault')}: {d['fault']['confirmed'] or d['fault']['reported']}")
        out.append(f"{t.t('cli.engineer')}: {d['engineer'] or t.t('cli.none')}")
        out.append(f"{t.t('cli.promised')}: {local_time(station, d['promised_at'])}")
        m = d["money"]
        out.append(f"{t.t('cli.charges')}: {money(m['charged'])}  {t.t('cli.due')}: {money(m['due'])}")
        out.append(f"{t.t('cli.events')}:")
        for e in d["events"]:
            out.append(f"  {local_time(station, e['at'])}  {e['actor']}@{e['terminal']}  {t.event(e['kind'])}")
        print(lines(out))
    return 0


def _voucher(station, args) -> int:
    """A new voucher hands out a working check code: a manager's name and PIN first, and
    everything logged under that manager. The code is committed before it prints; a print
    that fails keeps it waiting (printed by the next reprint, or shown once with
    ``--show-code`` for a handwritten voucher)."""
    from deskapp.cli.manager import manager_actor
    from deskapp.documents.thermal import print_voucher, show_check_code_once
    from deskapp.rules.errors import PrintFailed

    t = station.tr
    manager = manager_actor(station, args)
    number = args.number.upper()
    if args.show_code:
        code = show_check_code_once(station, manager, args.number)
        print(t.t("cli.code_shown_once", number=number, code=code))
        return 0
    try:
        print_voucher(station, manager, args.number, reprint=True, printer=args.printer)
    except PrintFailed as exc:
        print(clean(exc.render(t)), file=sys.stderr)
        print(t.t("cli.code_waiting", number=number, manager=manager.name), file=sys.stderr)
        return 1
    print(t.t("cli.reprinted", doc=t.t("cli.doc_voucher"), number=number))
    return 0


def cmd_reprint(args, tr) -> int:
    from deskapp.station import Actor

    with opened(args) as station:
        doc_name = station.tr.t(f"cli.doc_{args.doc.replace('-', '_')}")
        if args.doc in ("repair-order", "quote", "checklist"):  # A4: a PDF file
            from deskapp.documents.a4 import (
                default_pdf_path,
                pdf_font_embedded,
                write_pdf,
            )

            out = Path(args.out) if args.out else default_pdf_path(station, args.number, args.doc)
            try:
                write_pdf(station, Actor.system(), args.number, args.doc, out, reprint=True)
            except (ValueError, OSError) as exc:  # an unusable PDF font or output path: named in the message
                print(str(exc), file=sys.stderr)
                return 1
            print(station.tr.t("cli.pdf_written", doc=doc_name, number=args.number.upper(), path=str(out)))
            if not pdf_font_embedded(station):
                print(station.tr.t("rorder.font_missing"), file=sys.stderr)
            return 0
        if args.doc == "voucher":
            return _voucher(station, args)
        if args.doc == "repair-order-receipt":
            from deskapp.documents.a4 import print_repair_order_receipt

            print_repair_order_receipt(station, Actor.system(), args.number, reprint=True, printer=args.printer)
        else:
            from deskapp.documents.thermal import print_tag

            print_tag(station, Actor.system(), args.number, reprint=True, printer=args.printer)
        print(station.tr.t("cli.reprinted", doc=doc_name, number=args.number.upper()))
    return 0
