"""The display board of the waiting area (``deskapp board``): per service desk the number
being served in block letters as large as the screen allows, the next numbers, and the
orders ready for pickup by number only. A new call chimes, flashes its desk and, where a
speech engine is installed (espeak-ng), is spoken in the station's language."""

from __future__ import annotations

import logging
import shutil
import subprocess

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from deskapp.reception.board import board_view
from deskapp.rules.text import clean
from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader
from deskapp.screens.widgets.big_text import BigText
from deskapp.settings.station_config import SERVICES

log = logging.getLogger("deskapp.board")
FLASH_S = 6.0
VOICES = {"zh_TW": "cmn", "zh_CN": "cmn", "en": "en"}  # espeak-ng: Mandarin, English


def speech_engine() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def say_aloud(engine: str, voice: str, text: str) -> None:
    """In a worker: speak ``text`` (offline); a failure is logged, never shown as a crash."""
    try:
        subprocess.run([engine, "-v", voice, text], check=False, timeout=20,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        log.warning("speaking the call failed", exc_info=True)


class BoardScreen(DeskScreen):
    CSS_PATH = "board.tcss"

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Horizontal(id="desks"):
            for service in SERVICES:
                with Vertical(classes="desk", id=f"desk-{service}"):
                    yield Static(tr.t(f"board.desk_{service}"), classes="desk-name", markup=False)
                    yield BigText(id=f"serving-{service}", classes="serving")
                    yield Static("", id=f"next-{service}", classes="next", markup=False)
        yield Static("", id="ready", markup=False)
        yield Static("", id="board-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.title = tr.t("board.title")
        self.sub_title = clean(self.app.station.config.text("name", tr.locale))
        self._last_call = None
        self._first = True
        self.engine = speech_engine() if getattr(self.app, "speak", True) else None
        if getattr(self.app, "speak", True) and self.engine is None:
            self.query_one("#board-note", Static).update(tr.t("board.speech_off"))
        self.station_changed()

    def station_changed(self) -> None:
        self.reread("board", board_view, self.app.station)

    def answered_board(self, view) -> None:
        tr = self.app.tr
        for desk in view.desks:
            self.query_one(f"#serving-{desk.service}", BigText).text = clean(desk.serving)  # blank: none called yet
            codes = " ".join(clean(c) for c in desk.next_codes)
            self.query_one(f"#next-{desk.service}", Static).update(
                tr.t("board.next", codes=codes) if codes else tr.t("board.nobody_waiting"))
        ready = self.query_one("#ready", Static)
        if view.ready:
            more = view.ready_count - len(view.ready)
            line = "  ".join(clean(n) for n in view.ready) + (f"  (+{more})" if more > 0 else "")
            ready.update(Text.assemble((tr.t("board.ready", count=view.ready_count), "bold"), "\n", line))
        else:
            ready.update(tr.t("board.none_ready"))
        latest = view.latest_call()
        call = (latest.call_id, latest.called_at) if latest else None
        if call != self._last_call:
            self._last_call = call
            if latest is not None and not self._first:  # a new call (or a recall) since the board opened
                self.announce(latest.service, latest.serving)
        self._first = False

    def announce(self, service: str, code: str) -> None:
        tr = self.app.tr
        desk = self.query_one(f"#desk-{service}")
        desk.add_class("-calling")
        self.set_timer(FLASH_S, lambda: desk.remove_class("-calling"))
        self.app.bell()
        if self.engine is not None:
            text = tr.t("board.call", number=clean(code), desk=tr.t(f"board.desk_{service}"))
            voice = VOICES.get(tr.locale, "en")
            self.run_worker(lambda: say_aloud(self.engine, voice, text), thread=True, group="speech",
                            exclusive=True, exit_on_error=False)
