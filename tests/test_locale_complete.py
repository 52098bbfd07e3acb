"""The locale is complete: in zh_TW and zh_CN no English word is left on a screen as it is
rendered (its footer, an opened command palette with Textual's own commands, an opened
dropdown), nor in ``deskapp --help``.

Each screen of the flow is reached by keys on the demo station, the way the snapshot tests
reach it (their routes are reused), and what the screen shows is read back as text; every
run of ASCII letters in it must be on a short, explicit allow-list: data from the demo
station (model names, order numbers), key names, units.
"""

from __future__ import annotations

import re

import pytest
from conftest import run_python
from desk_pilot import screen_text, settle, wait_until
from test_snapshots import BUSIEST, SCREENS, demo_stations, fixed_zone, snap_app, steadily  # noqa: F401

from deskapp.settings.i18n import translator

# Words a Chinese screen may show in Latin letters.
KEY_NAMES = {"esc", "enter", "tab", "space", "pgup", "pgdn", "ctrl", "shift", "del", "delete", "home", "end",
             "up", "down", "left", "right", "backspace", "ins", "insert", "super", "alt"}
# Names, units and formats, written so in Chinese too; "Level" names the maintenance
# contracts (Level 1/2/3, as the station's contracts are called).
UNITS_AND_NAMES = {"NT", "deskapp", "PIN", "PDF", "A4", "JSON", "CSV", "TOML", "SVG", "ESC", "POS", "USB", "SN",
                   "IMEI", "QR", "Level", "zh", "TW", "CN", "en"}


def demo_words() -> set[str]:
    """Every Latin word stored in the demo station's data (models, brands, serials, numbers,
    invoice numbers, the one English-named customer...): data, not interface."""
    from deskapp.settings.files import data_path

    text = data_path("demo.toml").read_text(encoding="utf-8")
    values = re.findall(r'=\s*"([^"]*)"', text) + re.findall(r'"([^"]*)"', text)
    return {w for v in values for w in re.findall(r"[A-Za-z]+", v)}


# The station file's own names, which a message tells staff to set ("station.toml 的 [printer] url").
CONFIG_NAMES = {"station", "toml", "printer", "url"}

TOKEN = re.compile(r"[A-Za-z0-9_$.+@\-]*[A-Za-z][A-Za-z0-9_$.+@\-]*")
EDGE = r"[\s│┃|▌▐▏▕]*"  # blanks and box sides between a line's text and the line's end


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The runs of ASCII letters in ``text`` that are not allowed: F-keys (F1..F12), order
    and serial numbers (letters joined to digits or dashes), and the allow-list pass. A piece
    of an allowed word wrapped at the end of a line (``st`` / ``ation.toml``) passes too."""
    found = []
    for line in text.splitlines():
        for match in TOKEN.finditer(line):
            token = match.group()
            at_end = re.fullmatch(EDGE, line[match.end():]) is not None
            at_start = re.fullmatch(EDGE, line[:match.start()]) is not None or line[match.start() - 1:match.start()] in "│┃"
            for word in re.findall(r"[A-Za-z]+", token):
                if re.fullmatch(r"[Ff]\d{1,2}", word) or word in allowed or word.lower() in KEY_NAMES:
                    continue
                if (at_end and any(a.startswith(word) for a in allowed if len(a) > len(word))
                        or at_start and any(a.endswith(word) for a in allowed if len(a) > len(word))):
                    continue
                if len(word) == 1:  # a key of the footer ("n 叫號", "^p 指令")
                    continue
                if re.search(r"\d", token) and len(word) <= 3:  # part of a number: RO-2026..., WX-7070...
                    continue
                found.append(word)
    return found


@pytest.fixture(scope="module")
def allowed() -> set[str]:
    return KEY_NAMES | UNITS_AND_NAMES | CONFIG_NAMES | demo_words()


async def palette_text(app, pilot) -> str:
    """The command palette opened on the screen: what it shows, and every command it lists."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette opens")
    palette = app.screen
    await wait_until(pilot, lambda: palette.query(CommandList) and palette.query_one(CommandList).option_count,
                     what="the palette lists its commands")
    await pilot.pause(0.1)
    commands = palette.query_one(CommandList)
    listed = [str(getattr(p, "plain", p)) for p in
              (commands.get_option_at_index(i).prompt for i in range(commands.option_count))]
    shown = screen_text(app)
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette closes")
    return "\n".join([shown, *listed])


async def dropdown_text(app, pilot) -> str:
    """The first dropdown of the screen opened with Enter: its list and the footer then."""
    from textual.widgets import Select

    selects = [s for s in app.screen.query(Select) if s.display and s.focusable and not s.disabled]
    if not selects:
        return ""
    selects[0].focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause(0.1)
    shown = screen_text(app)
    await pilot.press("escape")
    await pilot.pause()
    return shown


async def everything_shown(app, pilot, reach) -> dict[str, str]:
    await steadily(reach)(pilot)
    seen = {"screen": screen_text(app)}
    seen["palette"] = await palette_text(app, pilot)
    seen["dropdown"] = await dropdown_text(app, pilot)
    await settle(app, pilot)
    return seen


# Every screen in zh_TW; in zh_CN (the same keys, its own words) the busiest screens of each
# role and the dialogs (the suite's time is the station's too: a screen walk costs ~10 s).
CASES = ([(screen, "zh_TW") for screen in SCREENS]
         + [(screen, "zh_CN") for screen in SCREENS if screen in set(BUSIEST) | {"delay_call", "lost_voucher"}])


@pytest.mark.parametrize("screen,locale", CASES, ids=[f"{s}-{lo}" for s, lo in CASES])
async def test_no_english_word_on_a_chinese_screen(snap_app, allowed, screen, locale):
    app = snap_app(locale)
    async with app.run_test(size=(160, 48)) as pilot:
        seen = await everything_shown(app, pilot, SCREENS[screen])
    left = {part: sorted(set(english_words(text, allowed))) for part, text in seen.items()}
    left = {part: words for part, words in left.items() if words}
    assert left == {}, "\n\n".join(f"{part}: {words}\n{seen[part]}" for part, words in left.items())


# ---------------------------------------------------------------- deskapp --help

COMMANDS = [[], ["init"], ["demo"], ["import-sales"], ["queue"], ["queue", "take"], ["order"], ["order", "list"],
            ["order", "show"], ["reprint"], ["staff"], ["staff", "add"], ["staff", "list"]]


def cli_words() -> set[str]:
    """What one types on the command line, written as typed in any language: the command
    names, the options, the values of a choice, the URL schemes of a printer."""
    from deskapp.cli.parser import DOCUMENTS, SERVICES

    words = {"deskapp", "init", "demo", "import", "sales", "queue", "take", "order", "list", "show", "reprint",
             "staff", "add", "db", "locale", "version", "json", "state", "limit", "doc", "printer", "out", "manager",
             "show", "code", "role", "help", "tcp", "file", "usb", "serial", "VID", "PID", "csv", "pdf",
             "board", "no", "speech", "kiosk", "terminal", "idle", "KIOSK", "serve", "desk", "host", "port",
             "toml", "serve.host", "serve.port"}
    roles = tuple(key.split(".", 1)[1] for key in translator("en").catalog if key.startswith("role."))
    return words | {w for value in DOCUMENTS + SERVICES + roles for w in re.findall(r"[a-z]+", value)}


def cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


@pytest.mark.parametrize("locale", ["zh_TW", "zh_CN"])
def test_every_help_of_the_command_line_is_in_chinese(locale):
    allowed = KEY_NAMES | UNITS_AND_NAMES | cli_words()
    for argv in COMMANDS:
        # unwrapped (a wrapped path or URL would read as words); paths are the machine's, not words
        shown = run_python("-m", "deskapp", *argv, "--help", "--locale", locale, env={"COLUMNS": "400"})
        assert shown.returncode == 0, shown.stderr
        left = sorted(set(english_words(re.sub(r"\S*/\S*", "", shown.stdout), allowed)))
        assert left == [], f"{argv}: {left}\n{shown.stdout}"
        # the help of each option starts in one column as the terminal shows it (a Chinese
        # argument name is two columns a character)
        starts = {cells(m.group(1)) for m in re.finditer(r"^(  -\S[^\n]*? {2,})\S", shown.stdout, re.M)}
        assert len(starts) == 1, f"{argv}: help columns at {starts}\n{shown.stdout}"
    wrong = run_python("-m", "deskapp", "order", "lis", "--locale", locale)
    missing = run_python("-m", "deskapp", "order", "show", "--locale", locale)
    for said in (wrong, missing):
        assert said.returncode == 2
        assert english_words(said.stderr, allowed | {"lis"}) == [], said.stderr  # "lis": what was typed
    assert translator(locale).t("metavar.number") in missing.stderr


# ---------------------------------------------------------------- Textual's own words, one by one

@pytest.mark.parametrize("locale", ["zh_TW", "zh_CN", "en"])
async def test_the_palette_searches_and_finds_nothing_in_the_station_language(snap_app, locale):
    from desk_pilot import run_command, sign_in

    from test_snapshots import RECEPTION

    app = snap_app(locale)
    tr = translator(locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, RECEPTION)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert tr.t("textual.search_commands") in screen_text(app)
        await pilot.press(*"zqzqzq")
        await wait_until(pilot, lambda: tr.t("textual.no_matches") in screen_text(app), what="no matches said")
        await pilot.press("escape")
        await pilot.pause()
        if locale == "en":  # (in English a fuzzy "Theme" matches many commands)
            return
        # Textual's theme command, found by its name in the station's language, opens its own search
        await run_command(app, pilot, tr.t("textual.theme"), tr.t("textual.theme"))
        await wait_until(pilot, lambda: tr.t("textual.search_themes") in screen_text(app),
                         what=f"the theme search, not:\n{screen_text(app)}")
        await pilot.press("escape")


async def test_fail_and_not_applicable_read_apart_on_the_sign_off(snap_app):
    from test_snapshots import CODE, scan

    app = snap_app("zh_TW")
    tr = translator("zh_TW")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "CAM-A10002")
        await pilot.press(*CODE, "enter")  # the check code: on to the sign-off
        await settle(app, pilot)
        await pilot.press("2", "3")  # the first item fails, the second does not apply
        await pilot.pause()
        shown = screen_text(app)
    fail, na = tr.t("pickup.result_fail"), tr.t("pickup.result_na")
    assert fail != na
    assert f"✖ {fail}" in shown and f"– {na}" in shown, shown


@pytest.mark.parametrize("screen,locale", [("pre_1_fault", "zh_TW"), ("pre_3_purchase", "zh_CN"),
                                           ("work_list", "zh_TW"), ("sign_off", "zh_CN")])
async def test_the_keys_panel_speaks_the_station_language(snap_app, allowed, screen, locale):
    """Textual's Keys command (from the palette) lists every key of the focused field, its
    editing keys too: all in the station's language."""
    from desk_pilot import run_command

    app = snap_app(locale)
    tr = translator(locale)
    async with app.run_test(size=(160, 48)) as pilot:
        await steadily(SCREENS[screen])(pilot)
        await run_command(app, pilot, tr.t("textual.keys"), tr.t("textual.keys"))
        await wait_until(pilot, lambda: app.screen.query("KeyPanel"), what="the keys panel")
        await pilot.pause(0.2)
        shown = screen_text(app)
    assert english_words(shown, allowed) == [], shown
