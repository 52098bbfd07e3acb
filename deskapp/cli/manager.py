"""A manager's name and PIN for the commands that hand out or change what a manager must
approve (a voucher's check code, staff). The PIN is checked like a sign-in at a terminal:
logged, and locked out after too many wrong tries (``deskapp.records.staff.sign_in``); the
command's own events are then logged under that manager."""

from __future__ import annotations

import getpass
import sys

from deskapp.rules.errors import DeskError


def read_manager_pin(name: str, tr) -> str:
    """The manager's PIN: asked on a terminal, else the first line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(tr.t("cli.manager_pin_prompt", name=name))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise DeskError("cli.manager_pin_no_input")
    return line.strip()


def manager_actor(station, args):
    """The signed-in manager of ``--manager NAME`` (PIN read now) as the actor; refused
    without ``--manager``, with a wrong PIN, or for someone who is not a manager."""
    from deskapp.records.staff import sign_in
    from deskapp.rules.errors import DomainError
    from deskapp.rules.text import clean
    from deskapp.station import Actor

    name = clean(getattr(args, "manager", None) or "")
    if not name:
        raise DeskError("cli.manager_needed")
    terminal = Actor.system().terminal
    staff = sign_in(station, name, read_manager_pin(name, station.tr), terminal)
    if staff.role != "manager":
        raise DomainError("cli.not_a_manager", name=staff.name)
    return staff.actor(terminal)
