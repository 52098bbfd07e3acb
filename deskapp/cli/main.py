"""``deskapp``: the app (no command) and the station's command line.

Output that is data can be printed as JSON (``--json``); errors go to stderr with a
message a station manager can act on and a non-zero exit code:

    1  the request was refused or is wrong (bad input, not found, rule)
    2  wrong usage (argparse)
    3  the station file or a data file cannot be used
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import unicodedata
from pathlib import Path

from deskapp.rules.errors import ConfigError, DeskError, StoreError
from deskapp.rules.text import clean
from deskapp.settings.i18n import (
    LOCALES,
    locale_from_environment,
    normalise_locale,
    translator,
)

EXIT_REFUSED = 1
EXIT_STATION = 3


def default_db_path() -> Path:
    env = os.environ.get("DESKAPP_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("deskapp", appauthor=False)) / "station.db"


def _pre_locale(argv: list[str]) -> str:
    """The language for help and messages before the station file is open."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--locale" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--locale="):
            value = arg.split("=", 1)[1]
        if value and normalise_locale(value) in LOCALES:
            return normalise_locale(value)
    return locale_from_environment()


def build_parser(tr) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=tr.t("cli.db_help", path=default_db_path()))
    common.add_argument("--locale", default=argparse.SUPPRESS, help=tr.t("cli.locale_help"))
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help=tr.t("cli.json_help"))

    parser = argparse.ArgumentParser(prog="deskapp", description=tr.t("cli.description"), parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("init", parents=[common], help=tr.t("cli.init_help"), description=tr.t("cli.init_help"))
    sub.add_parser("demo", parents=[common], help=tr.t("cli.demo_help"), description=tr.t("cli.demo_help"))
    imp = sub.add_parser("import-sales", parents=[common, as_json], help=tr.t("cli.import_help"), description=tr.t("cli.import_help"))
    imp.add_argument("file", type=Path, metavar="FILE.csv")

    queue = sub.add_parser("queue", help=tr.t("cli.queue_help"), description=tr.t("cli.queue_help"))
    qsub = queue.add_subparsers(dest="queue_command", metavar="COMMAND", required=True)
    take = qsub.add_parser("take", parents=[common, as_json], help=tr.t("cli.queue_take_help"), description=tr.t("cli.queue_take_help"))
    take.add_argument("service", choices=["drop-off", "pickup", "inquiry"])

    order = sub.add_parser("order", help=tr.t("cli.order_help"), description=tr.t("cli.order_help"))
    osub = order.add_subparsers(dest="order_command", metavar="COMMAND", required=True)
    olist = osub.add_parser("list", parents=[common, as_json], help=tr.t("cli.order_list_help"), description=tr.t("cli.order_list_help"))
    olist.add_argument("--state", help=tr.t("cli.state_help"))
    olist.add_argument("--limit", type=int, default=50, help=tr.t("cli.limit_help"))
    oshow = osub.add_parser("show", parents=[common, as_json], help=tr.t("cli.order_show_help"), description=tr.t("cli.order_show_help"))
    oshow.add_argument("number", metavar="NUMBER")

    rep = sub.add_parser("reprint", parents=[common], help=tr.t("cli.reprint_help"), description=tr.t("cli.reprint_help"))
    rep.add_argument("number", metavar="ORDER")
    rep.add_argument("--doc", required=True, choices=["voucher", "tag", "repair-order", "quote", "checklist",
                                                      "repair-order-receipt"])
    rep.add_argument("--printer", metavar="URL", help=tr.t("cli.printer_help"))
    rep.add_argument("--out", metavar="FILE.pdf", help=tr.t("cli.out_help"))

    staff = sub.add_parser("staff", help=tr.t("cli.staff_help"), description=tr.t("cli.staff_help"))
    ssub = staff.add_subparsers(dest="staff_command", metavar="COMMAND", required=True)
    sadd = ssub.add_parser("add", parents=[common], help=tr.t("cli.staff_add_help"), description=tr.t("cli.staff_add_help"))
    sadd.add_argument("name", metavar="NAME")
    sadd.add_argument("--role", required=True, help=tr.t("cli.role_help"))
    ssub.add_parser("list", parents=[common, as_json], help=tr.t("cli.staff_help"), description=tr.t("cli.staff_help"))
    return parser


# --------------------------------------------------------------------------- output helpers


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def table(rows: list[list[str]]) -> str:
    rows = [[clean(c) for c in row] for row in rows]
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows)


def emit_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --------------------------------------------------------------------------- commands


def open_station(args):
    from deskapp.station import Station

    return Station.open(getattr(args, "db", None) or default_db_path(), locale=getattr(args, "locale", None))


def cmd_init(args, tr) -> int:
    from deskapp.demo import mark_station

    path = getattr(args, "db", None) or default_db_path()
    if path.exists():
        print(tr.t("cli.exists", path=path), file=sys.stderr)
        return EXIT_REFUSED
    station = open_station(args)
    mark_station(station, "live")
    print(station.tr.t("cli.created", path=path))
    return 0


def cmd_demo(args, tr) -> int:
    from deskapp.demo import DemoRefused, build_demo

    path = getattr(args, "db", None) or default_db_path()
    try:
        summary = build_demo(path, locale=getattr(args, "locale", None))
    except DemoRefused:
        print(tr.t("cli.demo_refused_live", path=path), file=sys.stderr)
        return EXIT_REFUSED
    print(tr.t("cli.demo_created", path=path, **summary))
    return 0


def cmd_import(args, tr) -> int:
    from deskapp.records.purchases import import_sales_csv
    from deskapp.station import Actor

    station = open_station(args)
    result = import_sales_csv(station, Actor.system(), args.file)
    if args.json:
        emit_json(result.__dict__)
    else:
        print(station.tr.t("cli.import_done", **result.__dict__))
    return 0


def cmd_queue_take(args, tr) -> int:
    from deskapp.reception.queue import take_number
    from deskapp.rules.dates import from_db
    from deskapp.station import Actor

    station = open_station(args)
    ticket = take_number(station, Actor.system(), args.service)
    if args.json:
        emit_json(ticket.as_dict())
    else:
        t = station.tr
        at = from_db(ticket.issued_at).astimezone(station.tz).strftime("%Y-%m-%d %H:%M")
        print(t.t("cli.queue_ticket", code=ticket.code, service=t.t(f"service.{ticket.service}"), time=at, ahead=ticket.ahead))
    return 0


def _local(station, stamp: str | None) -> str:
    from deskapp.rules.dates import from_db

    moment = from_db(stamp)
    return moment.astimezone(station.tz).strftime("%Y-%m-%d %H:%M") if moment else station.tr.t("cli.none")


def cmd_order_list(args, tr) -> int:
    from deskapp.orders.reads import list_orders

    station = open_station(args)
    orders = list_orders(station, state=args.state, limit=max(1, min(args.limit, 10_000)))
    if args.json:
        emit_json([o.as_dict() for o in orders])
        return 0
    t = station.tr
    if not orders:
        print(t.t("cli.no_orders"))
        return 0
    rows = [[t.t("cli.col_number"), t.t("cli.col_state"), t.t("cli.col_customer"), t.t("cli.col_device"), t.t("cli.col_created")]]
    for o in orders:
        device = f"{t.t('product_line.' + o.product_line)} {o.model} ({o.serial})"
        rows.append([o.number, t.t(f"state.{o.state}"), o.customer, device, _local(station, o.created_at)])
    print(table(rows))
    return 0


def cmd_order_show(args, tr) -> int:
    from deskapp.documents.order_record import order_details
    from deskapp.rules.policy import Reason

    station = open_station(args)
    d = order_details(station, args.number)
    if args.json:
        emit_json(d)
        return 0
    t = station.tr
    money = station.policy.money
    c, dev, w = d["customer"], d["device"], d["warranty"]
    lines = [t.t("cli.order_title", number=d["number"], state=t.t(f"state.{d['state']}"))]
    lines.append(f"{t.t('cli.customer')}: {c['name']}  {', '.join(c['phones'])}")
    lines.append(f"{t.t('cli.device')}: {t.t('product_line.' + dev['product_line'])} {dev['brand']} {dev['model']}  SN {dev['serial']}")
    lines.append(f"{t.t('cli.warranty')}: {t.t('warranty_status.' + w['status'])}")
    for r in w["reasons"]:
        lines.append("  - " + Reason(r["code"], r["params"]).render(t))
    lines.append(f"{t.t('cli.fault')}: {d['fault']['confirmed'] or d['fault']['reported']}")
    lines.append(f"{t.t('cli.engineer')}: {d['engineer'] or t.t('cli.none')}")
    lines.append(f"{t.t('cli.promised')}: {_local(station, d['promised_at'])}")
    m = d["money"]
    lines.append(f"{t.t('cli.charges')}: {money(m['charged'])}  {t.t('cli.due')}: {money(m['due'])}")
    lines.append(f"{t.t('cli.events')}:")
    for e in d["events"]:
        kind = t.t(f"event.{e['kind']}") if t.has(f"event.{e['kind']}") else e["kind"]
        lines.append(f"  {_local(station, e['at'])}  {e['actor']}@{e['terminal']}  {kind}")
    print("\n".join(clean(line) for line in lines))
    return 0


def _read_pin(name: str, tr) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(tr.t("cli.pin_prompt", name=name))
        second = getpass.getpass(tr.t("cli.pin_again"))
        if first != second:
            raise DeskError("cli.pin_mismatch")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise DeskError("cli.pin_no_input")
    return line.strip()


def cmd_staff_add(args, tr) -> int:
    from deskapp.records.staff import add_staff
    from deskapp.station import Actor

    station = open_station(args)
    pin = _read_pin(clean(args.name), station.tr)
    member = add_staff(station, Actor.system(), args.name, args.role, pin)
    print(station.tr.t("cli.staff_added", name=member.name, role=station.tr.t(f"role.{member.role}")))
    return 0


def cmd_staff_list(args, tr) -> int:
    from deskapp.records.staff import list_staff

    station = open_station(args)
    members = list_staff(station)
    if args.json:
        emit_json([{"id": m.id, "name": m.name, "role": m.role} for m in members])
    else:
        print(table([[m.name, station.tr.t(f"role.{m.role}")] for m in members]) if members else "")
    return 0


def cmd_reprint(args, tr) -> int:
    from deskapp.documents.thermal import print_tag, print_voucher
    from deskapp.station import Actor

    station = open_station(args)
    doc_name = station.tr.t(f"cli.doc_{args.doc.replace('-', '_')}")
    if args.doc in ("repair-order", "quote", "checklist"):  # A4: a PDF file
        from deskapp.documents.a4 import default_pdf_path, write_pdf

        out = Path(args.out) if args.out else default_pdf_path(station, args.number, args.doc)
        try:
            write_pdf(station, Actor.system(), args.number, args.doc, out, reprint=True)
        except (ValueError, OSError) as exc:  # an unusable PDF font or output path: named in the message
            print(str(exc), file=sys.stderr)
            return 1
        print(station.tr.t("cli.pdf_written", doc=doc_name, number=args.number.upper(), path=str(out)))
        from deskapp.documents.a4 import pdf_font_embedded

        if not pdf_font_embedded(station):
            print(station.tr.t("rorder.font_missing"), file=sys.stderr)
        return 0
    if args.doc == "voucher":
        print_voucher(station, Actor.system(), args.number, reprint=True, printer=args.printer)
    elif args.doc == "repair-order-receipt":
        from deskapp.documents.a4 import print_repair_order_receipt

        print_repair_order_receipt(station, Actor.system(), args.number, reprint=True, printer=args.printer)
    else:
        print_tag(station, Actor.system(), args.number, reprint=True, printer=args.printer)
    print(station.tr.t("cli.reprinted", doc=doc_name, number=args.number.upper()))
    return 0


def cmd_app(args, tr) -> int:
    from deskapp.app import run_app

    path = getattr(args, "db", None)
    if path is None:
        path = default_db_path()
        if not path.exists():
            from deskapp.demo import build_demo

            build_demo(path, locale=getattr(args, "locale", None))
    return run_app(path, locale=getattr(args, "locale", None))


COMMANDS = {
    ("init", None): cmd_init,
    ("demo", None): cmd_demo,
    ("import-sales", None): cmd_import,
    ("queue", "take"): cmd_queue_take,
    ("order", "list"): cmd_order_list,
    ("order", "show"): cmd_order_show,
    ("reprint", None): cmd_reprint,
    ("staff", "add"): cmd_staff_add,
    ("staff", "list"): cmd_staff_list,
}


def _app_start_args(argv: list[str]):
    """Starting the app (no command, no help asked) needs only --db and --locale: parse those
    without building the translated help of every command (start-up time is felt)."""
    if any(a in ("-h", "--help") for a in argv):
        return None
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--db", type=Path)
    quick.add_argument("--locale")
    args, rest = quick.parse_known_args(argv)
    if rest:
        return None
    if args.db is None:
        del args.db
    if args.locale is None:
        del args.locale
    return args


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = _app_start_args(argv)
    if quick is not None:
        return cmd_app(quick, None)
    tr = translator(_pre_locale(argv))
    args = build_parser(tr).parse_args(argv)
    sub = getattr(args, "queue_command", None) or getattr(args, "order_command", None) or getattr(args, "staff_command", None)
    handler = COMMANDS.get((args.command, sub), cmd_app) if args.command else cmd_app
    try:
        return handler(args, tr)
    except (StoreError, ConfigError) as exc:
        print(exc.render(tr), file=sys.stderr)
        return EXIT_STATION
    except DeskError as exc:
        print(exc.render(tr), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(tr.t("cli.interrupted"), file=sys.stderr)
        return 130
