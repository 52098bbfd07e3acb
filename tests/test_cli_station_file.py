"""The command line as a Unix tool, run as a real ``deskapp`` process: a file it cannot use
is refused with exit 3 and one translated line, and is left byte for byte as it was, with
nothing created beside it; read commands never create a station; a closed pipe is quiet."""

from __future__ import annotations

import hashlib
import os
import pty
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_python

from deskapp.settings.i18n import translator

ANY = object()  # a parameter whose value comes from SQLite or the TOML parser


def deskapp(*args, env=None):
    return run_python("-m", "deskapp", *args, env=env)


def message(locale: str, key: str, /, **params) -> re.Pattern:
    """The catalog's message for ``key`` as exactly one line of stderr (``ANY`` matches any text)."""
    parts = re.split(r"\{(\w+)\}", translator(locale).catalog[key])
    body = "".join(re.escape(p) if i % 2 == 0 else (".+" if params[p] is ANY else re.escape(str(params[p])))
                   for i, p in enumerate(parts))
    return re.compile(body + r"\n\Z")


def files_in(directory: Path) -> dict[str, tuple]:
    """Every file and folder under ``directory`` with its bytes' hash (what must not change)."""
    found = {}
    for p in sorted(directory.rglob("*")):
        if p.is_dir():
            found[str(p.relative_to(directory))] = ("dir",)
        else:
            st = p.stat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if os.access(p, os.R_OK) else None
            found[str(p.relative_to(directory))] = (st.st_size, st.st_mtime_ns, digest)
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A real demo station (closed: no -wal beside it) and one of its order numbers."""
    db = tmp_path_factory.mktemp("demo") / "station.db"
    made = deskapp("demo", "--db", str(db), "--locale", "en")
    assert made.returncode == 0, made.stderr
    number = sqlite3.connect(db).execute("SELECT number FROM repair_orders ORDER BY id LIMIT 1").fetchone()[0]
    return db, number


def copy_of(demo_db: Path, directory: Path) -> Path:
    path = directory / "station.db"
    shutil.copyfile(demo_db, path)
    return path


# --------------------------------------------------------------------------- the station file itself


def random_bytes(directory, demo_db):
    path = directory / "station.db"
    path.write_bytes(os.urandom(8192))
    return path, "error.store_not_sqlite", {}


def a_text_file(directory, demo_db):
    path = directory / "station.db"
    path.write_text("serial,model\nCAM-1,VisionCam\n" * 40, encoding="utf-8")
    return path, "error.store_not_sqlite", {}


def truncated_station(directory, demo_db):
    path = directory / "station.db"
    data = demo_db.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, "error.store_truncated", {}


def station_with_pages_overwritten(directory, demo_db):
    path = copy_of(demo_db, directory)
    data = bytearray(path.read_bytes())
    data[2 * 4096:] = os.urandom(len(data) - 2 * 4096)  # every page after the second: garbage
    path.write_bytes(bytes(data))
    return path, "error.store_damaged", {"detail": ANY}


def a_folder(directory, demo_db):
    path = directory / "station.db"
    path.mkdir()
    (path / "notes.txt").write_text("not a station", encoding="utf-8")
    return path, "error.store_is_directory", {}


def an_empty_file(directory, demo_db):
    path = directory / "station.db"
    path.write_bytes(b"")
    return path, "error.store_empty", {}


def sqlite_without_tables(directory, demo_db):
    path = directory / "station.db"
    raw = sqlite3.connect(path)
    raw.executescript("CREATE TABLE t (x); DROP TABLE t;")
    raw.close()
    return path, "error.store_empty", {}


def another_programs_database(directory, demo_db):
    path = directory / "books.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER NOT NULL)")
    raw.execute("INSERT INTO invoices (total) VALUES (1200), (350)")
    raw.commit()
    raw.close()
    header = path.read_bytes()[:20]
    assert (header[18], header[19]) == (1, 1)  # rollback journal: switching to WAL would rewrite these
    return path, "error.store_not_station", {}


def a_newer_deskapps_station(directory, demo_db):
    path = copy_of(demo_db, directory)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    from deskapp.storage.schema import SCHEMA_VERSION

    return path, "error.store_too_new", {"found": 99, "known": SCHEMA_VERSION}


def a_mistyped_path(directory, demo_db):
    return directory / "statoin" / "station.db", "error.store_missing", {}


FILE_CASES = [random_bytes, a_text_file, truncated_station, station_with_pages_overwritten, a_folder, an_empty_file,
              sqlite_without_tables, another_programs_database, a_newer_deskapps_station, a_mistyped_path]


def commands(number: str) -> list[tuple[str, list[str]]]:
    """Commands that only read, each in one of the three languages."""
    return [("en", ["order", "list"]), ("zh_TW", ["order", "show", number]), ("zh_CN", ["staff", "list", "--json"]),
            ("en", ["reprint", number, "--doc", "tag"])]


def writers() -> list[tuple[str, list[str]]]:
    """Commands that write: refused before they write anything."""
    return [("zh_TW", ["queue", "take", "pickup"]), ("en", ["staff", "add", "Amy", "--role", "pickup"])]


def refused_untouched(directory: Path, path: Path, key: str, params: dict, runs: list[tuple[str, list[str]]]):
    before = files_in(directory)
    for locale, argv in runs:
        result = deskapp(*argv, "--db", str(path), "--locale", locale)
        expected = message(locale, key, path=path, **params)
        assert result.returncode == 3, (argv, result.stderr)
        assert expected.fullmatch(result.stderr), (argv, result.stderr, expected.pattern)
        assert result.stdout == ""
        assert files_in(directory) == before, argv  # not a byte changed, no -wal/-shm, no log, nothing made


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.__name__)
def test_a_file_that_is_not_a_usable_station_is_refused_and_left_as_it_was(case, demo, tmp_path):
    demo_db, number = demo
    path, key, params = case(tmp_path, demo_db)
    refused_untouched(tmp_path, path, key, params, commands(number) + writers()[:1])
    if case is not a_mistyped_path:  # init and demo will not take it over either
        init = deskapp("init", "--db", str(path), "--locale", "en")
        assert init.returncode == 3 and message("en", key, path=path, **params).fullmatch(init.stderr), init.stderr
    start = deskapp("--db", str(path), "--locale", "zh_TW")  # nor will the app start on it
    assert start.returncode == 3 and message("zh_TW", key, path=path, **params).fullmatch(start.stderr), start.stderr
    if case in (another_programs_database, an_empty_file, a_folder):
        demo_run = deskapp("demo", "--db", str(path), "--locale", "en")
        assert demo_run.returncode == 3 and message("en", key, path=path, **params).fullmatch(demo_run.stderr)
    assert not (tmp_path / "statoin").exists()


def test_an_unreadable_station_file_is_refused(demo, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: every file is readable, so chmod 000 cannot make one unreadable")
    demo_db, number = demo
    path = copy_of(demo_db, tmp_path)
    path.chmod(0)
    try:
        refused_untouched(tmp_path, path, "error.store_no_permission", {}, commands(number)[:3])
    finally:
        path.chmod(0o644)


# --------------------------------------------------------------------------- data files beside the station


def station_toml_not_utf8(directory, demo_db):
    (directory / "station.toml").write_bytes('name = "服務站"\n'.encode("big5"))
    return "config.not_utf8", {"path": directory / "station.toml"}


def station_toml_not_toml(directory, demo_db):
    (directory / "station.toml").write_text('name = "Station\n[printer\n', encoding="utf-8")
    return "config.toml_syntax", {"path": directory / "station.toml", "detail": ANY}


def station_toml_invalid(directory, demo_db):
    (directory / "station.toml").write_text("[printer]\npaper_mm = 57\n", encoding="utf-8")
    return "config.invalid_value", {"path": directory / "station.toml", "key": "printer.paper_mm",
                     "problem": "must be 58 or 80"}


def policy_toml_not_utf8(directory, demo_db):
    (directory / "policy.toml").write_bytes(b"[warranty]\nmonths = 12\nnote = \"\xff\xfe\"\n")
    return "config.not_utf8", {"path": directory / "policy.toml"}


def catalog_overlay_not_toml(directory, demo_db):
    (directory / "locales").mkdir()
    for locale in ("en", "zh_TW", "zh_CN"):
        (directory / "locales" / f"{locale}.toml").write_text("[cli\nno_orders = 'x'\n", encoding="utf-8")
    return "config.toml_syntax", {"path": None, "detail": ANY}


DATA_CASES = [station_toml_not_utf8, station_toml_not_toml, station_toml_invalid, policy_toml_not_utf8,
              catalog_overlay_not_toml]


@pytest.mark.parametrize("case", DATA_CASES, ids=lambda c: c.__name__)
def test_a_bad_data_file_beside_the_station_is_refused_and_the_station_left_as_it_was(case, demo, tmp_path):
    demo_db, number = demo
    path = copy_of(demo_db, tmp_path)
    key, expect = case(tmp_path, demo_db)
    runs = commands(number)[:2] + writers()
    before = files_in(tmp_path)
    for locale, argv in runs:
        result = deskapp(*argv, "--db", str(path), "--locale", locale)
        params = dict(expect, path=expect["path"] or tmp_path / "locales" / f"{locale}.toml")
        assert result.returncode == 3, (argv, result.stderr)
        assert message(locale, key, **params).fullmatch(result.stderr), (argv, result.stderr)
        assert files_in(tmp_path) == before, argv


# --------------------------------------------------------------------------- only init, demo and the first run create


def test_read_commands_never_create_a_station_and_say_how_to_make_one(tmp_path):
    path = tmp_path / "station.db"
    for argv in (["order", "list"], ["order", "show", "R2611-00001"], ["staff", "list"], ["queue", "take", "pickup"],
                 ["reprint", "R2611-00001", "--doc", "voucher"], ["import-sales", str(tmp_path / "x.csv")]):
        result = deskapp(*argv, "--db", str(path), "--locale", "en")
        assert result.returncode == 3 and result.stdout == ""
        assert result.stderr == translator("en").t("error.store_missing", path=path) + "\n"
        assert "deskapp init" in result.stderr and "deskapp demo" in result.stderr
    assert list(tmp_path.iterdir()) == []
    made = deskapp("init", "--db", str(path), "--locale", "en")
    en = translator("en")
    assert made.returncode == 0 and made.stdout == (en.t("cli.created", path=path) + "\n"
                                                    + en.t("cli.settings_written", path=path.parent / "station.toml") + "\n")
    assert deskapp("order", "list", "--db", str(path), "--locale", "en").stdout == "No orders.\n"


def test_the_apps_first_run_builds_a_demo_station_and_says_where(tmp_path):
    """No --db and no file at the default place: the app creates a demo station there, says so
    before it starts (on stderr, which the terminal shows), runs on it, and exits 0 on Ctrl+Q."""
    import fcntl
    import struct
    import termios

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8",
           "DESKAPP_TERMINAL": "first-run", "TERM": "xterm-256color"}
    env.pop("DESKAPP_DB", None)
    expected = tmp_path / "data" / "deskapp" / "station.db"
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "deskapp", "--locale", "en"], stdin=secondary, stdout=secondary,
                             stderr=secondary, env=env, cwd=ROOT, close_fds=True)
    os.close(secondary)
    screen = b""

    def read_until(done, seconds: float) -> None:
        nonlocal screen
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(primary, 65536)
                except OSError:  # the child has gone and closed its side
                    return

    try:
        read_until(lambda: "王美玲".encode() in screen or child.poll() is not None, 90)  # sign-in lists the staff
        assert "王美玲".encode() in screen, screen[-2000:]
        os.write(primary, b"\x11")  # Ctrl+Q
        read_until(lambda: child.poll() is not None, 30)
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
        os.close(primary)
    said = screen[:screen.index(b"\x1b")].decode("utf-8").replace("\r\n", "\n")  # before the app draws
    en = translator("en")
    assert said == (en.t("cli.first_run", path=expected) + "\n"
                    + en.t("cli.settings_written", path=expected.parent / "station.toml") + "\n")
    kind = sqlite3.connect(expected).execute("SELECT value FROM meta WHERE key = 'kind'").fetchone()[0]
    assert kind == "demo"


# --------------------------------------------------------------------------- a Unix tool


def test_a_closed_pipe_is_quiet(demo, tmp_path):
    """``deskapp staff list --json | head -1`` on more output than a pipe holds: the reader
    leaves after one line, deskapp stops without a BrokenPipe traceback."""
    path = copy_of(demo[0], tmp_path)
    raw = sqlite3.connect(path)
    raw.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                   INSERT INTO staff (name, role, pin_hash, pin_salt, created_at)
                   SELECT 'engineer ' || i, 'engineer', x'00', x'00', '2026-01-01T00:00:00.000000Z' FROM n""")
    raw.commit()
    raw.close()
    child = subprocess.Popen([sys.executable, "-m", "deskapp", "staff", "list", "--json", "--db", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert child.stdout.readline() == b"[\n"
    child.stdout.close()  # like head -1 leaving
    err = child.stderr.read()
    child.wait(timeout=60)
    assert err == b""
    assert child.returncode == 141  # 20,000 members are far more than a pipe holds: the write met the closed pipe


def test_version_and_python_m(tmp_path):
    from importlib.metadata import version

    shown = deskapp("--version")
    assert shown.returncode == 0 and shown.stdout == f"deskapp {version('deskapp')}\n" == "deskapp 0.1.0\n"
    script = Path(sys.executable).parent / "deskapp"
    if script.exists():  # the console script and python -m are the same program
        same = subprocess.run([str(script), "--version"], capture_output=True, text=True)
        assert same.stdout == shown.stdout


def test_an_unexpected_error_is_one_line_naming_the_log_and_exits_non_zero(demo, tmp_path):
    path = copy_of(demo[0], tmp_path)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE repair_orders SET created_at = 'last tuesday' WHERE id = 1")  # not a stored time
    raw.commit()
    raw.close()
    crashed = deskapp("order", "list", "--db", str(path), "--locale", "en")
    log = tmp_path / "deskapp.log"
    assert crashed.returncode == 70
    assert message("en", "cli.crashed", detail=ANY, path=log).fullmatch(crashed.stderr), crashed.stderr
    assert "ValueError" in crashed.stderr and "Traceback" not in crashed.stderr
    assert "Traceback" in log.read_text(encoding="utf-8") and "strptime" in log.read_text(encoding="utf-8")
    debug = deskapp("order", "list", "--db", str(path), "--locale", "en", env={"DESKAPP_DEBUG": "1"})
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "ValueError" in debug.stderr


ARGPARSE_ENGLISH = ("usage:", "options", "positional arguments", "show this help message and exit",
                    "show program's version number", "error:", "the following arguments are required", "invalid choice")
EVERY_COMMAND = [[], ["init"], ["demo"], ["import-sales"], ["queue"], ["queue", "take"], ["order"], ["order", "list"],
                 ["order", "show"], ["reprint"], ["staff"], ["staff", "add"], ["staff", "list"]]


@pytest.mark.parametrize("locale", ["zh_TW", "zh_CN"])
def test_help_and_usage_errors_speak_the_chosen_language_argparse_words_too(locale):
    tr = translator(locale)
    for argv in EVERY_COMMAND if locale == "zh_TW" else [[], ["order", "list"], ["staff", "add"]]:
        shown = deskapp(*argv, "--help", "--locale", locale)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith(tr.t("argparse.usage") + "deskapp"), shown.stdout
        assert tr.t("argparse.help") in shown.stdout
        for word in ARGPARSE_ENGLISH:
            assert word not in shown.stdout, (argv, word)
    missing = deskapp("order", "show", "--locale", locale)
    said = tr.t("argparse.error") % {"prog": "deskapp order show", "message": tr.t("argparse.required") % tr.t("metavar.number")}
    assert missing.returncode == 2 and missing.stderr.endswith(said), missing.stderr
    wrong = deskapp("queue", "take", "coffee", "--locale", locale)
    assert wrong.returncode == 2 and not any(word in wrong.stderr for word in ARGPARSE_ENGLISH)
