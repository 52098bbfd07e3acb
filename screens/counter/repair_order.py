"""The repair order (維修單) and the release: the device goes to the customer exactly once;
the repair order is written as an A4 PDF in three copies (station stub, engineer copy,
customer copy) and printed as a thermal receipt, both in workers; then the farewell."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep
from deskapp.screens.widgets import Teleprompter
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static


class RepairOrderScreen(CounterStep):
    BINDINGS = [
        Binding("ctrl+r", "release", "Release", priority=True),
        Binding("p", "print_pdf", "Repair order (A4)"),
        Binding("t", "print_receipt", "Receipt"),
        Binding("c", "print_checklist", "Checklist (A4)"),
        Binding("pagedown", "next_step", "Next step", priority=True),
    ]

    def form(self) -> ComposeResult:
        yield Label(self.app.tr.t("rorder.title"), classes="section")
        with VerticalScroll(id="receipt-box"):  # the receipt scrolls; the status stays in view
            yield Static("", id="receipt-preview", markup=False)

    def on_mount(self) -> None:
        tr = self.app.tr
        self.show_preview()
        self.query_one(Teleprompter).show(tr.t("rorder.title"), [
            tr.phrase("sign_off.operate_confirm", customer=self.view.customer_name)])
        if str(self.view.order.state) == "ready":
            self.report(tr.t("rorder.not_released"))

    def show_preview(self) -> None:
        from deskapp.documents.a4 import repair_order_receipt
        from deskapp.documents.thermal import preview_lines

        lines = preview_lines(self.app.station, repair_order_receipt(self.app.station, self.number))
        self.query_one("#receipt-preview", Static).update("\n".join(lines))

    def action_release(self) -> None:
        from deskapp.counter.release import release
        from deskapp.rules.errors import DeskError

        tr = self.app.tr
        try:
            release(self.app.station, self.app.actor, self.number)
        except DeskError as exc:
            self.report(exc.render(tr), error=True)
            return
        self.show_summary()
        self.show_preview()
        self.released_line = tr.t("rorder.released", number=self.number, customer=self.view.customer_name)
        self.report(self.released_line)
        self.print_documents()

    @work(thread=True, exclusive=True, group="repair-order")
    def print_documents(self, docs: tuple[str, ...] = ("repair-order", "checklist", "receipt")) -> None:
        """The A4 repair order and checklist written, the receipt printed, off the UI thread.
        Each failure (a dead printer, an unwritable folder) is reported on its own line, and
        the release already committed stays."""
        from deskapp.documents.a4 import (
            default_pdf_path,
            pdf_font_embedded,
            print_repair_order_receipt,
            write_pdf,
        )
        from deskapp.rules.errors import DeskError

        tr, station, actor = self.app.tr, self.app.station, self.app.actor

        def write(doc: str, key: str) -> str:
            path = default_pdf_path(station, self.number, doc)
            write_pdf(station, actor, self.number, doc, path)
            return tr.t(key, path=str(path))

        def receipt() -> str:
            print_repair_order_receipt(station, actor, self.number)
            return tr.t("rorder.receipt_printed")

        jobs = {"repair-order": lambda: write("repair-order", "rorder.pdf_written"),
                "checklist": lambda: write("checklist", "rorder.checklist_written"), "receipt": receipt}
        messages = []
        for doc in docs:
            try:
                messages.append((jobs[doc](), False))
            except DeskError as exc:
                messages.append((exc.render(tr), True))
            except Exception as exc:  # noqa: BLE001 - the release is saved; say what failed, keep the app up
                messages.append((tr.t("rorder.pdf_failed", problem=f"{type(exc).__name__}: {exc}"[:200]), True))
        if set(docs) - {"receipt"} and not pdf_font_embedded(station):
            messages.append((tr.t("rorder.font_missing"), True))
        for text, error in messages:
            self.app.call_from_thread(self.app.notify, text, severity="error" if error else "information",
                                      timeout=8)
        lines = [getattr(self, "released_line", ""), *(t for t, _ in messages)]
        self.app.call_from_thread(self.report, "\n".join(line for line in lines if line),
                                  any(e for _, e in messages))

    def action_print_pdf(self) -> None:
        self.print_documents(("repair-order", "checklist"))

    def action_print_checklist(self) -> None:
        self.print_documents(("checklist",))

    def action_print_receipt(self) -> None:
        self.print_documents(("receipt",))

    def action_next_step(self) -> None:
        from deskapp.orders.model import get_order

        if str(get_order(self.app.station, self.number).state) == "ready":  # not handed over yet
            self.report(self.app.tr.t("rorder.release_first"), error=True)
            return
        self.next_step()
