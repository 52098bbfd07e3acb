"""The command line's parser, in the chosen language.

Our own help texts come from the catalogs (``cli.*``). argparse's own words ("usage:",
"options", "show this help message and exit", its error messages) are looked up through
``argparse._``, which argparse calls for every one of them at the moment it needs it;
:func:`speaking` points it at the catalog's ``argparse.*`` keys while the parser is built
and used, and puts it back afterwards.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from pathlib import Path

# argparse's message -> our catalog key (Python 3.11-3.13 wording; an unknown one stays English)
ARGPARSE_WORDS = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "invalid %(type)s value: %(value)r": "argparse.invalid_type",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "not allowed with argument %s": "argparse.not_allowed",
    "ignored explicit argument %r": "argparse.ignored_explicit",
    "one of the arguments %s is required": "argparse.one_of_required",
}
DOCUMENTS = ("voucher", "tag", "repair-order", "quote", "checklist", "repair-order-receipt")
SERVICES = ("drop-off", "pickup", "inquiry")


@contextmanager
def speaking(tr):
    """argparse's own words in ``tr``'s language while the block runs."""
    original = argparse._, argparse.ngettext

    def gettext(message: str) -> str:
        key = ARGPARSE_WORDS.get(message)
        return tr.t(key) if key else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        if singular == "expected %s argument":
            return tr.t("argparse.expected_n")
        return original[1](singular, plural, n)

    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = original


def _cells(text: str) -> int:
    """Columns ``text`` takes on a terminal (a CJK character takes two)."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, its help column lined up when an argument's name is in Chinese (argparse
    counts characters, a terminal shows a CJK character two columns wide)."""

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:  # the help column as wide as the name shows
            shown = _cells(self._format_action_invocation(action)) + self._current_indent
            self._action_max_length = max(self._action_max_length, shown)

    def _format_action(self, action):
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = _cells(invocation) - len(invocation)
        first, newline, rest = text.partition("\n")
        at = first.find(invocation)
        if extra and at >= 0:
            head, tail = first[:at + len(invocation)], first[at + len(invocation):]
            spaces = len(tail) - len(tail.lstrip(" "))
            if tail.strip() and spaces - extra >= 2:
                first = head + tail[extra:]
        return first + newline + rest


def build_parser(tr, default_db: Path) -> argparse.ArgumentParser:
    """The full parser (call inside :func:`speaking`)."""
    from deskapp import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, metavar=tr.t("metavar.db"), help=tr.t("cli.db_help", path=default_db))
    common.add_argument("--locale", default=argparse.SUPPRESS, metavar=tr.t("metavar.locale"), help=tr.t("cli.locale_help"))
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help=tr.t("cli.json_help"))

    def command(group, name: str, help_key: str, *parents):
        return group.add_parser(name, parents=list(parents), help=tr.t(help_key), description=tr.t(help_key),
                                formatter_class=HelpFormatter)

    parser = argparse.ArgumentParser(prog="deskapp", description=tr.t("cli.description"), parents=[common],
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"deskapp {__version__}",
                        help=tr.t("cli.version_help"))
    sub = parser.add_subparsers(dest="command", metavar=tr.t("metavar.command"))
    command(sub, "init", "cli.init_help", common)
    command(sub, "demo", "cli.demo_help", common)
    board = command(sub, "board", "cli.board_help", common)
    board.add_argument("--no-speech", action="store_true", help=tr.t("cli.no_speech_help"))
    kiosk = command(sub, "kiosk", "cli.kiosk_help", common)
    kiosk.add_argument("--terminal", default="KIOSK", metavar=tr.t("metavar.name"), help=tr.t("cli.kiosk_terminal_help"))
    kiosk.add_argument("--idle", type=float, default=20.0, metavar=tr.t("metavar.seconds"), help=tr.t("cli.kiosk_idle_help"))
    serve = command(sub, "serve", "cli.serve_help", common)
    serve.add_argument("mode", nargs="?", choices=("board", "kiosk", "desk"), default="board",
                       help=tr.t("cli.serve_mode_help"))
    serve.add_argument("--host", default=None, metavar=tr.t("metavar.host"), help=tr.t("cli.serve_host_help"))
    serve.add_argument("--port", type=int, default=None, metavar=tr.t("metavar.port"), help=tr.t("cli.serve_port_help"))
    imp = command(sub, "import-sales", "cli.import_help", common, as_json)
    imp.add_argument("file", type=Path, metavar=tr.t("metavar.csv"), help=tr.t("cli.csv_help"))

    queue = command(sub, "queue", "cli.queue_help")
    qsub = queue.add_subparsers(dest="queue_command", metavar=tr.t("metavar.command"), required=True)
    take = command(qsub, "take", "cli.queue_take_help", common, as_json)
    take.add_argument("service", choices=SERVICES, help=tr.t("cli.service_help"))

    order = command(sub, "order", "cli.order_help")
    osub = order.add_subparsers(dest="order_command", metavar=tr.t("metavar.command"), required=True)
    olist = command(osub, "list", "cli.order_list_help", common, as_json)
    olist.add_argument("--state", metavar=tr.t("metavar.state"), help=tr.t("cli.state_help"))
    olist.add_argument("--limit", type=int, default=50, metavar=tr.t("metavar.limit"), help=tr.t("cli.limit_help"))
    oshow = command(osub, "show", "cli.order_show_help", common, as_json)
    oshow.add_argument("number", metavar=tr.t("metavar.number"), help=tr.t("cli.number_help"))

    rep = command(sub, "reprint", "cli.reprint_help", common)
    rep.add_argument("number", metavar=tr.t("metavar.number"), help=tr.t("cli.number_help"))
    rep.add_argument("--doc", required=True, choices=DOCUMENTS, help=tr.t("cli.doc_help"))
    rep.add_argument("--printer", metavar=tr.t("metavar.url"), help=tr.t("cli.printer_help"))
    rep.add_argument("--out", metavar=tr.t("metavar.pdf"), help=tr.t("cli.out_help"))
    rep.add_argument("--manager", metavar=tr.t("metavar.name"), help=tr.t("cli.manager_help"))
    rep.add_argument("--show-code", action="store_true", help=tr.t("cli.show_code_help"))

    printer = command(sub, "printer", "cli.printer_group_help")
    psub = printer.add_subparsers(dest="printer_command", metavar=tr.t("metavar.command"), required=True)
    command(psub, "list", "cli.printer_list_help", common, as_json)

    staff = command(sub, "staff", "cli.staff_help")
    ssub = staff.add_subparsers(dest="staff_command", metavar=tr.t("metavar.command"), required=True)
    sadd = command(ssub, "add", "cli.staff_add_help", common)
    sadd.add_argument("name", metavar=tr.t("metavar.name"), help=tr.t("cli.name_help"))
    sadd.add_argument("--role", required=True, metavar=tr.t("metavar.role"), help=tr.t("cli.role_help"))
    sadd.add_argument("--manager", metavar=tr.t("metavar.name"), help=tr.t("cli.manager_help"))
    command(ssub, "list", "cli.staff_help", common, as_json)
    return parser


def app_start_args(argv: list[str]):
    """Starting the app (no command, no help asked) needs only --db and --locale: parse those
    without building the translated help of every command (start-up time is felt). None if
    ``argv`` asks for anything else."""
    if any(a in ("-h", "--help") for a in argv):
        return None
    quick = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    quick.add_argument("--db", type=Path)
    quick.add_argument("--locale")
    try:
        args, rest = quick.parse_known_args(argv)
    except argparse.ArgumentError:  # the full parser says what is wrong, in the right language
        return None
    if rest:
        return None
    if args.db is None:
        del args.db
    if args.locale is None:
        del args.locale
    return args
