"""`deskapp serve`: the board and the kiosk in a browser, end to end.

A real `deskapp serve` process (textual-serve, each browser its own app process) on
127.0.0.1, and Debian's chromium, headless, driven by Playwright. What the page shows is read
two ways: the terminal bytes the page received over its websocket, replayed into a terminal
emulator (pyte) to get the screen's cells, and a screenshot of what the browser drew.

The desk's refusal on an open address is in the same file: it needs no browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import make_front_desk

from deskapp.screens.widgets.big_text import pixels
from deskapp.settings.i18n import translator

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TESTS = Path(__file__).resolve().parent
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")


def apps_on(db: Path) -> list[int]:
    """The processes running deskapp on this station file (the server's app processes)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            words = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(db).encode() in words and b"serve" not in words and proc.name.isdigit():
            found.append(int(proc.name))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deskapp(db: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deskapp", "--db", str(db), *args], capture_output=True,
                          text=True, timeout=60, **kw)


@contextmanager
def serving(db: Path, mode: str, locale: str = "zh_TW"):
    port = free_port()
    log = (db.parent / f"serve-{mode}.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "deskapp", "--db", str(db), "--locale", locale, "serve", mode,
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"deskapp serve did not start: {(db.parent / f'serve-{mode}.log').read_text()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()  # textual-serve ends its app processes, then itself
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        # the app processes it started for the browsers end with it
        deadline = time.monotonic() + 15
        while apps_on(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not apps_on(db), "app processes were left running after the server stopped"


class BrowserPage:
    """One page in headless chromium: every request it makes, and its terminal's screen."""

    def __init__(self, browser, url: str) -> None:
        import pyte

        self.origin = url
        self.requests: list[str] = []
        self.size: tuple[int, int] | None = None
        self.received: list[bytes] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 720})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("websocket", self._watch)
        self._pyte = pyte
        self.page.goto(url + "/")

    def _watch(self, ws) -> None:
        ws.on("framesent", self._sent)
        ws.on("framereceived", lambda payload: self.received.append(payload) if isinstance(payload, bytes) else None)

    def _sent(self, payload) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.size = (size["width"], size["height"])

    def cells(self) -> list[list[str]]:
        """The terminal's screen, cell by cell, from every byte the page was sent."""
        assert self.size is not None, "the page never told the app its size"
        screen = self._pyte.Screen(*self.size)
        stream = self._pyte.ByteStream(screen)
        for chunk in list(self.received):
            stream.feed(chunk)
        return [[screen.buffer[y][x].data for x in range(screen.columns)] for y in range(screen.lines)]

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.cells())

    def wait_for(self, condition, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.size is not None and condition():
                return
            if time.monotonic() > deadline:
                shown = self.text() if self.size else "(nothing)"
                raise AssertionError(f"the page never showed {what}; it shows:\n{shown}")
            self.page.wait_for_timeout(100)

    def cell_box(self) -> tuple[float, float, float, float]:
        """The terminal's drawn area in page pixels, and one cell's width and height."""
        box = self.page.locator(".xterm-screen").bounding_box()
        cols, rows = self.size
        return box["x"], box["y"], box["width"] / cols, box["height"] / rows


def column_of(row: list[str], text: str) -> int:
    """The column where ``text`` starts in a screen row of cells ('' after a wide character)."""
    for x in range(len(row)):
        got, i = "", x
        while i < len(row) and len(got) < len(text):
            got += row[i]
            i += 1
        if got == text:
            return x
    raise AssertionError(f"{text!r} is not in the row {''.join(row)!r}")


def shows_in_blocks(cells: list[list[str]], code: str) -> bool:
    """Whether ``code`` is on the screen in the board's block letters, at any size."""
    art = pixels(code)
    for ph in range(1, 12):
        for pw in range(1, 2 * ph + 1):
            rows = ["".join(("█" if p == "#" else " ") * pw for p in line) for line in art for _ in range(ph)]
            width = len(rows[0])
            for y in range(len(cells) - len(rows) + 1):
                line = "".join(c or "\0" for c in cells[y])
                x = line.find(rows[0])
                while x != -1:
                    if all("".join(c or "\0" for c in cells[y + k][x:x + width]) == rows[k] for k in range(len(rows))):
                        return True
                    x = line.find(rows[0], x + 1)
    return False


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def station_font_loaded(page: BrowserPage) -> bool:
    """The page's Chinese face, the one `deskapp serve` sends, is loaded (a tablet without
    Chinese fonts of its own draws with it)."""
    faces = page.page.evaluate("() => [...document.fonts].filter(f => f.unicodeRange.includes('4E00'))"
                               ".map(f => f.status)")
    return faces == ["loaded"]


def only_from(page: BrowserPage) -> None:
    outside = [url for url in page.requests if not url.startswith(page.origin + "/")]
    assert page.requests and not outside, f"requests outside the station's server: {outside}"


@needs_chromium
def test_the_board_in_a_browser_shows_a_number_called_at_another_terminal(tmp_path, browser):
    db = make_front_desk(tmp_path / "station")
    tr = translator("zh_TW")
    env = {**os.environ, "OTHER_TERMINAL_CLOCK": "real"}  # the served board shows today's numbers
    with serving(db, "board") as url:
        page = BrowserPage(browser, url)
        page.wait_for(lambda: tr.t("board.nobody_waiting") in page.text(), "the empty board")
        first = deskapp(db, "queue", "take", "drop-off").stdout  # a number taken at reception
        assert "A001" in first
        second = subprocess.run([sys.executable, str(TESTS / "other_terminal.py"), str(db), "take-number", "drop-off"],
                                capture_output=True, text=True, env=env, timeout=60)
        assert second.stdout.strip() == "A002", second.stderr
        page.wait_for(lambda: tr.t("board.next", codes="A001 A002") in page.text(), "both numbers waiting")
        assert not shows_in_blocks(page.cells(), "A001")
        called = subprocess.run([sys.executable, str(TESTS / "other_terminal.py"), str(db), "call-next", "drop-off"],
                                capture_output=True, text=True, env=env, timeout=60)
        assert called.stdout.strip() == "A001", called.stderr
        page.wait_for(lambda: shows_in_blocks(page.cells(), "A001"), "A001 being served, in block letters")
        assert tr.t("board.next", codes="A002") in page.text()
        only_from(page)


@needs_chromium
def test_the_kiosk_in_a_browser_draws_chinese_and_issues_a_number_from_a_click(tmp_path, browser):
    from PIL import Image, ImageChops

    db = make_front_desk(tmp_path / "station")
    tr = translator("zh_TW")
    with serving(db, "kiosk") as url:
        page = BrowserPage(browser, url)
        button = tr.t("kiosk.take_drop-off")
        page.wait_for(lambda: tr.t("kiosk.welcome") in page.text() and button in page.text(), "the kiosk's welcome")
        # Chinese drawn as glyphs, not boxes: the welcome's first characters, each 2 cells
        # wide, have ink, and no two look alike (a missing glyph draws the same box for all).
        assert station_font_loaded(page)
        cells = page.cells()
        row = next(y for y, r in enumerate(cells) if tr.t("kiosk.welcome") in "".join(r))
        x0 = column_of(cells[row], tr.t("kiosk.welcome"))
        shot = tmp_path / "kiosk.png"
        page.page.screenshot(path=str(shot))
        left, top, cw, ch = page.cell_box()
        image = Image.open(shot).convert("L")
        glyphs = []
        for i, char in enumerate(tr.t("kiosk.welcome")[:4]):
            assert ord(char) > 0x2E80, f"the welcome should start with Chinese, not {char!r}"
            x = left + (x0 + 2 * i) * cw
            glyph = image.crop((round(x), round(top + row * ch), round(x + 2 * cw), round(top + (row + 1) * ch)))
            assert glyph.getextrema()[1] - glyph.getextrema()[0] > 80, f"no ink where {char} is drawn"
            glyphs.append(glyph)
        for a in range(len(glyphs)):
            for b in range(a + 1, len(glyphs)):
                assert ImageChops.difference(glyphs[a], glyphs[b]).getbbox() is not None, "two glyphs drawn the same"
        # a click on the drop-off button issues a number, shown large
        by = next(y for y, r in enumerate(cells) if button in "".join(r))
        bx = column_of(cells[by], button)
        page.page.mouse.click(left + (bx + 1) * cw, top + (by + 0.5) * ch)
        page.wait_for(lambda: shows_in_blocks(page.cells(), "A001"), "the number taken, in block letters")
        assert tr.t("kiosk.your_number", service=tr.t("service.drop-off")) in page.text()
        only_from(page)
    from deskapp.station import Station

    station = Station.open(db)
    try:  # the number on the screen is the one in the file, issued by the kiosk
        rows = station.store.query("SELECT code, service, terminal FROM queue_tickets")
    finally:
        station.close()
    assert [tuple(r) for r in rows] == [("A001", "drop-off", "WEB-KIOSK")]


def test_the_desk_is_not_served_on_an_open_address(tmp_path):
    db = make_front_desk(tmp_path / "station")
    refused = deskapp(db, "--locale", "en", "serve", "desk", "--host", "0.0.0.0", "--port", str(free_port()))
    assert refused.returncode == 1
    assert "cannot be served on 0.0.0.0" in refused.stderr and "127.0.0.1" in refused.stderr


@pytest.mark.parametrize("setting, problem", [
    ('port = 70000', "serve.port"),
    ('host = "a b"', "serve.host"),
    ('font = "/nowhere/font.ttc"', "/nowhere/font.ttc"),
])
def test_a_wrong_serve_setting_is_refused_before_anything_is_served(tmp_path, setting, problem):
    db = make_front_desk(tmp_path / "station")
    toml = db.parent / "station.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[serve]\n{setting}\n", encoding="utf-8")
    refused = deskapp(db, "--locale", "en", "serve", "board")
    assert refused.returncode == 3, refused.stderr
    assert problem in refused.stderr
