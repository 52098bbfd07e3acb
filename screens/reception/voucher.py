"""Pickup voucher (取機憑證): preview, print (with the device tag), the customer signs.
Reprint is always possible and logged; each print carries a fresh check code that no
screen ever shows."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, Teleprompter
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Label, Static

from deskapp.rules.text import clean


class VoucherScreen(DeskScreen):
    CSS_PATH = "voucher.tcss"
    BINDINGS = [
        Binding("p", "print", "Print voucher and tag"),
        Binding("r", "reprint", "Reprint voucher"),
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
                yield Static("", id="preview")
            with Vertical(id="voucher-side"):
                yield Teleprompter(id="prompter")
                yield Label("", id="voucher-status")
        yield Footer()

    def on_mount(self) -> None:
        from deskapp.documents.thermal import (
            HIDDEN_CODE,
            preview_lines,
            voucher_document,
        )

        tr = self.app.tr
        station = self.app.station
        doc = voucher_document(station, self.number, HIDDEN_CODE)
        self.query_one("#preview", Static).update("\n".join(preview_lines(station, doc)))
        self.query_one("#paper").border_title = tr.t("doc.voucher_title") + " " + self.number
        self.query_one(Teleprompter).show(tr.t("voucherui.prompter"), [tr.phrase("voucher.hand_over")])
        self.status(tr.t("voucherui.press_print"))
        self.sub_title = self.number

    def status(self, message: str, error: bool = False) -> None:
        label = self.query_one("#voucher-status", Label)
        label.update(clean(message))
        label.set_class(error, "error")

    def action_print(self) -> None:
        self.status(self.app.tr.t("print.printing"))
        self.print_documents(reprint=self.printed, with_tag=True)

    def action_reprint(self) -> None:
        self.status(self.app.tr.t("print.printing"))
        self.print_documents(reprint=True, with_tag=False)

    @work(thread=True, exclusive=True, group="print")
    def print_documents(self, reprint: bool, with_tag: bool) -> None:
        from deskapp.documents.thermal import print_tag, print_voucher
        from deskapp.rules.errors import DeskError

        tr = self.app.tr
        station, actor = self.app.station, self.app.actor
        try:
            print_voucher(station, actor, self.number, reprint=reprint)
            if with_tag:
                print_tag(station, actor, self.number, reprint=reprint)
        except DeskError as exc:
            self.app.call_from_thread(self.status, exc.render(tr) + " " + tr.t("voucherui.reprint_hint"), True)
            return
        self.printed = True
        self.app.call_from_thread(self.status, tr.t("voucherui.printed"))

    def action_signed(self) -> None:
        from deskapp.documents.thermal import record_signed

        record_signed(self.app.station, self.app.actor, self.number)
        self.signed = True
        self.status(self.app.tr.t("voucherui.signed"))

    def action_continue(self) -> None:
        from deskapp.screens.reception.hand_off import HandOffScreen

        if not self.signed:
            self.status(self.app.tr.t("voucherui.sign_first"), error=True)
            return
        self.app.switch_screen(HandOffScreen(self.number))
