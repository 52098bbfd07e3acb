"""The station file on the command line: which one, opening it, ``init``, ``demo``, and
starting the app.

Only ``init``, ``demo`` and the app's first run (no file yet at the default path) create a
station file; every other command opens an existing one and refuses a missing path, so a
mistyped ``--db`` never becomes a new station whose numbers start again at A001.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path


def default_db_path() -> Path:
    env = os.environ.get("DESKAPP_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("deskapp", appauthor=False)) / "station.db"


def db_path(args) -> Path:
    return getattr(args, "db", None) or default_db_path()


@contextmanager
def opened(args, *, create: bool = False):
    """The station of ``--db``, closed afterwards (so SQLite removes its -wal and -shm). Its
    catalogs and policy are read first: a bad data file refuses the command before it does
    anything."""
    from deskapp.station import Station

    station = Station.open(db_path(args), locale=getattr(args, "locale", None), create=create)
    try:
        station.tr, station.policy  # noqa: B018 - read and validated now, not halfway through
        yield station
    finally:
        station.close()


def check_station_file(path: Path, *, create: bool = False) -> bool:
    """Refuse (StoreError) a path that is not a usable station file, reading only; True if a
    file is there, False if there is none and ``create`` allows making one."""
    from deskapp.rules.errors import StoreError
    from deskapp.storage.schema import refuse_unless_station
    from deskapp.storage.store import look_at

    found = look_at(path)
    if found is None:
        if not create:
            raise StoreError("error.store_missing", path=str(path))
        return False
    refuse_unless_station(path, found, create=False)
    return True


def cmd_init(args, tr) -> int:
    from deskapp.demo import mark_station

    path = db_path(args)
    if check_station_file(path, create=True):
        print(tr.t("cli.exists", path=path), file=sys.stderr)
        return 1
    with opened(args, create=True) as station:
        mark_station(station, "live")
        print(station.tr.t("cli.created", path=path))
        settings_written(station.tr, path)
    return 0


def settings_written(tr, path: Path) -> None:
    """``init`` and ``demo``: the station's own station.toml, all commented, beside its file."""
    from deskapp.settings.station_config import write_station_template

    written = write_station_template(path.parent)
    if written is not None:
        print(tr.t("cli.settings_written", path=written))


def cmd_printer_list(args, tr) -> int:
    """``printer list``: the printer configured, what it prints, and where that was set."""
    from deskapp.cli.output import emit_json, table
    from deskapp.documents.thermal import printer_summary

    with opened(args) as station:
        summary = printer_summary(station)
        if args.json:
            emit_json(summary)
            return 0
        t = station.tr
        rows = [
            [t.t("cli.col_printer"), summary["url"] or t.t("cli.printer_none")],
            [t.t("cli.col_paper"), t.t("cli.paper_columns", mm=summary["paper_mm"], columns=summary["columns"])],
            [t.t("cli.col_encoding"), summary["encoding"] + (f" ({t.t('cli.printer_auto')})" if summary["auto"] else "")],
            [t.t("cli.col_prints"), t.t("cli.list_separator").join(t.t(f"cli.printed_{d}") for d in summary["documents"])],
            [t.t("cli.col_set_in"), summary["set_in"]],
        ]
        print(table(rows))
    return 0


def cmd_demo(args, tr) -> int:
    from deskapp.demo import DemoRefused, build_demo

    path = db_path(args)
    try:
        summary = build_demo(path, locale=getattr(args, "locale", None))
    except DemoRefused:
        print(tr.t("cli.demo_refused_live", path=path), file=sys.stderr)
        return 1
    print(tr.t("cli.demo_created", path=path, **summary))
    settings_written(tr, path)
    return 0


def cmd_board(args, tr) -> int:
    """The waiting area's display board on an existing station file (read-only)."""
    from deskapp.settings.data_files import load_station_data

    path = db_path(args)
    locale = getattr(args, "locale", None)
    load_station_data(path.parent, locale)
    check_station_file(path)
    from deskapp.app import run_board

    return run_board(path, locale=locale, speak=not args.no_speech)


def cmd_kiosk(args, tr) -> int:
    """The customers' query terminal on an existing station file."""
    from deskapp.rules.errors import ValidationError
    from deskapp.settings.data_files import load_station_data

    if not 5 <= args.idle <= 600:
        raise ValidationError("idle", "error.range", low=5, high=600, value=args.idle)
    path = db_path(args)
    locale = getattr(args, "locale", None)
    load_station_data(path.parent, locale)
    check_station_file(path)
    from deskapp.app import run_kiosk

    return run_kiosk(path, locale=locale, terminal=args.terminal, idle_s=args.idle)


def cmd_app(args, tr) -> int:
    """Start the app, after refusing a data file that is not valid and (read-only) a station
    file it cannot use. The first run, with no ``--db`` and no file at the default path yet,
    builds a demo station there and says so."""
    from deskapp.settings.data_files import load_station_data

    explicit = getattr(args, "db", None) or (Path(os.environ["DESKAPP_DB"]) if os.environ.get("DESKAPP_DB") else None)
    path = explicit or default_db_path()
    locale = getattr(args, "locale", None)
    # Every data file beside the station (and bundled) is validated before the app starts: a
    # broken one is one line on stderr naming the file and the key, and exit 3.
    load_station_data(path.parent, locale)
    if explicit is not None:
        check_station_file(path)
    elif not check_station_file(path, create=True):
        from deskapp.demo import build_demo

        build_demo(path, locale=locale)
        print(tr.t("cli.first_run", path=path), file=sys.stderr)
        from deskapp.settings.station_config import write_station_template

        if (written := write_station_template(path.parent)) is not None:
            print(tr.t("cli.settings_written", path=written), file=sys.stderr)
    from deskapp.app import run_app

    return run_app(path, locale=locale)
