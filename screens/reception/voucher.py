"""Pickup voucher (取機憑證): preview, print (with the device tag), the customer signs.
Reprint is always possible and logged; each print carries a fresh check code that no
screen shows, except once, when it could not be printed (no printer, or the printer failed),
for a voucher written by hand (``c``)."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, Teleprompter
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Label, Static

from deskapp.rules.text import clean


def voucher_preview(station, number: str) -> list[str]:
    """In a worker: the voucher as it will print, the check code hidden."""
    from deskapp.documents.thermal import HIDDEN_CODE, preview_lines, voucher_document

    return preview_lines(station, voucher_document(station, number, HIDDEN_CODE))


def print_documents(station, actor, number: str, reprint: bool, with_tag: bool) -> None:
    """In a worker: the voucher (a fresh check code), and the device tag with it."""
    from deskapp.documents.thermal import print_tag, print_voucher

    print_voucher(station, actor, number, reprint=reprint)
    if with_tag:
        print_tag(station, actor, number, reprint=reprint)


class VoucherScreen(DeskScreen):
    CSS_PATH = "voucher.tcss"
    BINDINGS = [
        Binding("p", "print", "Print voucher and tag"),
        Binding("r", "reprint", "Reprint voucher"),
        Binding("c", "show_code", "Show the check code once"),
        Binding("s", "signed", "Customer signed"),
        Binding("pagedown", "continue", "Hand-off", priority=True),
        Binding("enter", "continue", "Hand-off", show=False),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.printed = False
        self.signed = False

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(id="voucher"):
            with VerticalScroll(id="paper"):
                yield Static("", id="preview", markup=False)  # names, models, faults as typed
            with Vertical(id="voucher-side"):
                yield Teleprompter(id="prompter")
                yield Label("", id="voucher-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.query_one("#paper").border_title = tr.t("doc.voucher_title") + " " + self.number
        self.query_one(Teleprompter).show(tr.t("voucherui.prompter"), [tr.phrase("voucher.hand_over")])
        self.status(tr.t("voucherui.press_print"))
        self.sub_title = self.number
        self.ask("preview", voucher_preview, self.app.station, self.number)

    def answered_preview(self, lines: list[str]) -> None:
        self.query_one("#preview", Static).update("\n".join(lines))

    def status(self, message: str, error: bool = False) -> None:
        label = self.query_one("#voucher-status", Label)
        label.update(clean(message))
        label.set_class(error, "error")
        self._status_text = message
        self._status_error = error

    def say(self, message: str, error: bool = False) -> None:
        """"Waiting for the station file", a refusal: beside the voucher. The waiting notice
        keeps what the line said before it, to come back with the answer."""
        waiting = self.app.tr.t("app.waiting_for_store")
        if message == waiting and getattr(self, "_status_text", "") != waiting:
            self._before_waiting = (getattr(self, "_status_text", ""), getattr(self, "_status_error", False))
        self.status(message, error)

    def waited(self) -> None:
        """The answer came: the waiting notice beside the voucher goes and what was there before
        it is back (the step's hint: press P to print); the answer's handler may say more.
        What an earlier answer said (a refusal) stays until the next key."""
        if getattr(self, "_status_text", "") == self.app.tr.t("app.waiting_for_store"):
            self.status(*getattr(self, "_before_waiting", ("", False)))

    def action_print(self) -> None:
        self.print_documents(reprint=self.printed, with_tag=True)

    def action_reprint(self) -> None:
        self.print_documents(reprint=True, with_tag=False)

    def print_documents(self, reprint: bool, with_tag: bool) -> None:
        if self.asking("print"):
            return
        self.status(self.app.tr.t("print.printing"))
        self.ask("print", print_documents, self.app.station, self.app.actor, self.number, reprint, with_tag)

    def answered_print(self, _result) -> None:
        self.printed = True
        self.status(self.app.tr.t("voucherui.printed"))

    def refused_print(self, error) -> None:
        from deskapp.documents.thermal import code_waiting

        tr = self.app.tr
        hint = tr.t("voucherui.reprint_hint")
        if code_waiting(self.app.station, self.number):  # the code is committed, not on paper
            hint += " " + tr.t("voucherui.code_waiting")
        self.status(error.render(tr) + " " + hint, True)

    def action_show_code(self) -> None:
        """No printer (or it failed): the waiting check code, once, for a handwritten voucher."""
        from deskapp.documents.thermal import show_check_code_once

        self.ask("show_code", show_check_code_once, self.app.station, self.app.actor, self.number)

    def answered_show_code(self, code: str) -> None:
        self.printed = True
        self.status(self.app.tr.t("voucherui.code_shown", code=code))

    def action_signed(self) -> None:
        from deskapp.documents.thermal import record_signed

        self.ask("signed", record_signed, self.app.station, self.app.actor, self.number)

    def answered_signed(self, _result) -> None:
        self.signed = True
        self.status(self.app.tr.t("voucherui.signed"))

    def action_continue(self) -> None:
        from deskapp.screens.reception.hand_off import HandOffScreen

        if not self.signed:
            self.status(self.app.tr.t("voucherui.sign_first"), error=True)
            return
        self.app.switch_screen(HandOffScreen(self.number))
