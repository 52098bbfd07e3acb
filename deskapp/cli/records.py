"""``staff add``, ``staff list`` and ``import-sales``: the station's people and purchase records."""

from __future__ import annotations

import getpass
import sys

from deskapp.cli.output import emit_json, table
from deskapp.cli.station import opened
from deskapp.rules.errors import DeskError
from deskapp.rules.text import clean


def read_pin(name: str, tr) -> str:
    """The PIN: asked twice on a terminal, else one line of standard input."""
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
    from deskapp.records.staff import add_staff, list_staff
    from deskapp.station import Actor

    with opened(args) as station:
        # Once the station has a manager, only a manager adds staff (else anyone could add
        # themselves as a manager and approve what a manager must): name and PIN first.
        actor = Actor.system()
        if args.manager or list_staff(station, "manager"):
            from deskapp.cli.manager import manager_actor

            actor = manager_actor(station, args)
        pin = read_pin(clean(args.name), station.tr)
        member = add_staff(station, actor, args.name, args.role, pin, manager_needed_if_any=True)
        print(station.tr.t("cli.staff_added", name=member.name, role=station.tr.t(f"role.{member.role}")))
    return 0


def cmd_staff_list(args, tr) -> int:
    from deskapp.records.staff import list_staff

    with opened(args) as station:
        members = list_staff(station)
        if args.json:
            emit_json([{"id": m.id, "name": m.name, "role": m.role} for m in members])
        elif members:
            print(table([[m.name, station.tr.t(f"role.{m.role}")] for m in members]))
    return 0


def cmd_import(args, tr) -> int:
    from deskapp.records.purchases import import_sales_csv
    from deskapp.station import Actor

    with opened(args) as station:
        result = import_sales_csv(station, Actor.system(), args.file)
        if args.json:
            emit_json(result.__dict__)
        else:
            print(station.tr.t("cli.import_done", **result.__dict__))
    return 0
