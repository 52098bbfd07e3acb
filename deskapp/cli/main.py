"""``deskapp``: the app (no command) and the station's command line.

Output that is data goes to stdout (``--json`` for JSON); anything that went wrong is one
line on stderr, in the chosen language, with no traceback, and an exit code:

    0    done
    1    the request was refused or is wrong (bad input, not found, a station rule)
    2    wrong usage (argparse)
    3    the station file or a data file beside it cannot be used (missing, empty, not a
         station, damaged, unreadable, from a newer deskapp; a station.toml, policy.toml or
         catalog that is not UTF-8, not TOML or not valid)
    70   a bug: an unexpected error, logged with its traceback in deskapp.log beside the
         station file (``DESKAPP_DEBUG=1`` shows the traceback instead)
    130  interrupted (Ctrl+C)
    141  stdout was closed early (``deskapp order list --json | head -1``): quietly

Without a command the app runs, and its exit code is deskapp's.
"""

from __future__ import annotations

import os
import sys
from functools import cached_property

from deskapp.rules.errors import ConfigError, DeskError, StoreError
from deskapp.rules.text import clean

EXIT_REFUSED = 1
EXIT_STATION = 3
EXIT_BUG = 70
EXIT_INTERRUPTED = 130
EXIT_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE


def _commands():
    from deskapp.cli import orders, queue, records, serve, station

    return {
        ("init", None): station.cmd_init,
        ("demo", None): station.cmd_demo,
        ("board", None): station.cmd_board,
        ("kiosk", None): station.cmd_kiosk,
        ("serve", None): serve.cmd_serve,
        ("import-sales", None): records.cmd_import,
        ("queue", "take"): queue.cmd_queue_take,
        ("order", "list"): orders.cmd_order_list,
        ("order", "show"): orders.cmd_order_show,
        ("reprint", None): orders.cmd_reprint,
        ("staff", "add"): records.cmd_staff_add,
        ("staff", "list"): records.cmd_staff_list,
        ("printer", "list"): station.cmd_printer_list,
    }


def pre_locale(argv: list[str]) -> str:
    """The language for help and messages before the station file is open."""
    from deskapp.settings.i18n import LOCALES, locale_from_environment, normalise_locale

    for i, arg in enumerate(argv):
        value = None
        if arg == "--locale" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--locale="):
            value = arg.split("=", 1)[1]
        if value and normalise_locale(value) in LOCALES:
            return normalise_locale(value)
    return locale_from_environment()


class LazyTranslator:
    """The translator of ``--locale`` (else the terminal's), read from the catalogs only
    when something is said: starting the app needs none."""

    def __init__(self, argv: list[str]) -> None:
        self._argv = argv

    @cached_property
    def real(self):
        from deskapp.settings.i18n import translator

        return translator(pre_locale(self._argv))

    def t(self, key: str, /, **params) -> str:
        return self.real.t(key, **params)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        # The reader has gone (``| head``): stop quietly. Point stdout at /dev/null so the
        # interpreter's own flush at exit does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE


def _run(argv: list[str]) -> int:
    from deskapp.cli.parser import app_start_args

    tr = LazyTranslator(argv)
    quick = app_start_args(argv)
    if quick is not None:
        from deskapp.cli.station import cmd_app

        return _guarded(cmd_app, quick, tr)
    from deskapp.cli.parser import build_parser, speaking
    from deskapp.cli.station import default_db_path

    with speaking(tr.real):
        args = build_parser(tr.real, default_db_path()).parse_args(argv)
    if not args.command:
        from deskapp.cli.station import cmd_app

        return _guarded(cmd_app, args, tr)
    sub = getattr(args, "queue_command", None) or getattr(args, "order_command", None) or \
        getattr(args, "staff_command", None) or getattr(args, "printer_command", None)
    return _guarded(_commands()[(args.command, sub)], args, tr)


def _guarded(handler, args, tr) -> int:
    """Run one command; whatever goes wrong becomes one line on stderr and an exit code."""
    try:
        return handler(args, tr)
    except (StoreError, ConfigError) as exc:
        return _say(clean(exc.render(tr)), EXIT_STATION)
    except DeskError as exc:
        return _say(clean(exc.render(tr), multiline=True), EXIT_REFUSED)
    except KeyboardInterrupt:
        return _say(tr.t("cli.interrupted"), EXIT_INTERRUPTED)
    except BrokenPipeError:
        raise
    except Exception as exc:
        sqlite3 = sys.modules.get("sqlite3")
        if sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError):
            # The file passed the look at opening but a page read later is damaged.
            from deskapp.cli.station import db_path

            damaged = StoreError("error.store_damaged", path=str(db_path(args)), detail=str(exc))
            return _say(clean(damaged.render(tr)), EXIT_STATION)
        if os.environ.get("DESKAPP_DEBUG") == "1":
            raise
        return _say(clean(_unexpected(exc, args, tr)), EXIT_BUG)


def _say(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def _unexpected(exc: Exception, args, tr) -> str:
    """Log the traceback in deskapp.log beside the station file; the line that says so."""
    import logging

    from deskapp.cli.station import db_path

    detail = f"{type(exc).__name__}: {exc}"
    log_path = db_path(args).parent / "deskapp.log"
    try:
        os.close(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # the station user's only
        handler = logging.FileHandler(log_path, encoding="utf-8")
    except OSError:
        return tr.t("cli.unexpected", detail=detail)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"))
    log = logging.getLogger("deskapp.cli")
    log.addHandler(handler)
    log.error("unexpected error in deskapp %s", " ".join(sys.argv[1:]), exc_info=exc)
    handler.close()
    log.removeHandler(handler)
    return tr.t("cli.crashed", detail=detail, path=str(log_path))
