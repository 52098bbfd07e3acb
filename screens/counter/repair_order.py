"""The repair order (維修單) and the release: the device goes to the customer exactly once;
the repair order is written as an A4 PDF in three copies (station stub, engineer copy,
customer copy) and printed as a thermal receipt, both by a service in a worker; then the
farewell."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep
from deskapp.screens.widgets import Teleprompter
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from deskapp.rules.text import clean

ALL_DOCUMENTS = ("repair-order", "checklist", "receipt")


def receipt_preview(station, number: str) -> str:
    """The thermal receipt of the repair order as it will print, line by line (in a worker)."""
    from deskapp.documents.a4 import repair_order_receipt
    from deskapp.documents.thermal import preview_lines

    return "\n".join(clean(line) for line in preview_lines(station, repair_order_receipt(station, number)))


def release_and_look(station, actor, number: str):
    """Hand the device over (exactly once), then the counter's view of the order and its receipt."""
    from deskapp.counter.release import release
    from deskapp.counter.voucher_check import look_up

    release(station, actor, number)
    return look_up(station, actor, number), receipt_preview(station, number)


def write_documents(station, actor, tr, number: str, docs: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The A4 repair order and checklist written, the receipt printed (in a worker). Each
    failure (a dead printer, an unwritable folder) is its own line, ``(text, True)``, and the
    release already committed stays."""
    from deskapp.documents.a4 import (
        default_pdf_path,
        pdf_font_embedded,
        print_repair_order_receipt,
        write_pdf,
    )
    from deskapp.rules.errors import DeskError

    def write(doc: str, key: str) -> str:
        path = default_pdf_path(station, number, doc)
        write_pdf(station, actor, number, doc, path)
        return tr.t(key, path=str(path))

    def receipt() -> str:
        print_repair_order_receipt(station, actor, number)
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
    return messages


class RepairOrderScreen(CounterStep):
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # a short terminal: a shorter receipt, the status in view
    BINDINGS = [
        Binding("ctrl+r", "release", "Release", priority=True),
        Binding("p", "print_pdf", "Repair order (A4)"),
        Binding("t", "print_receipt", "Receipt"),
        Binding("c", "print_checklist", "Checklist (A4)"),
        Binding("pagedown", "next_step", "Next step", priority=True),
    ]

    released_line = ""

    def form(self) -> ComposeResult:
        yield Label(self.app.tr.t("rorder.title"), classes="section")
        with VerticalScroll(id="receipt-box"):  # the receipt scrolls; the status stays in view
            yield Static("", id="receipt-preview", markup=False)

    def on_mount(self) -> None:
        tr = self.app.tr
        self.ask("preview", receipt_preview, self.app.station, self.number)
        self.query_one(Teleprompter).show(tr.t("rorder.title"), [
            tr.phrase("sign_off.operate_confirm_unrepaired" if self.view.order.outcome == "unrepaired"
                      else "sign_off.operate_confirm", customer=self.view.customer_name)])
        if str(self.view.order.state) in ("ready", "return_unrepaired"):  # at the counter, not handed over yet
            self.report(tr.t("rorder.not_released"))

    def answered_preview(self, text: str) -> None:
        self.query_one("#receipt-preview", Static).update(text)

    def action_release(self) -> None:
        self.ask("release", release_and_look, self.app.station, self.app.actor, self.number)

    def answered_release(self, result) -> None:
        view, preview = result
        tr = self.app.tr
        self.show_summary(view)
        self.answered_preview(preview)
        self.released_line = tr.t("rorder.released", number=self.number, customer=clean(view.customer_name))
        self.report(self.released_line)
        self.print_documents(ALL_DOCUMENTS)

    def print_documents(self, docs: tuple[str, ...]) -> None:
        if self.asking("documents"):
            return
        self.report("\n".join(line for line in (self.released_line, self.app.tr.t("rorder.writing")) if line))
        self.ask("documents", write_documents, self.app.station, self.app.actor, self.app.tr, self.number, docs)

    def on_still_waiting(self, message) -> None:
        if message.request == "documents":  # rendering takes a while too: say what is being done
            message.prevent_default()
            if self.asking("documents"):
                self.add_class("-waiting")

    def answered_documents(self, messages: list[tuple[str, bool]]) -> None:
        for text, error in messages:
            self.app.notify(clean(text), severity="error" if error else "information", timeout=8, markup=False)
        lines = [self.released_line, *(t for t, _ in messages)]
        self.report("\n".join(line for line in lines if line), any(e for _, e in messages))

    def action_print_pdf(self) -> None:
        self.print_documents(("repair-order", "checklist"))

    def action_print_checklist(self) -> None:
        self.print_documents(("checklist",))

    def action_print_receipt(self) -> None:
        self.print_documents(("receipt",))

    def action_next_step(self) -> None:
        self.next_step()

    def answered_next_step(self, at) -> None:
        if at.state in ("ready", "return_unrepaired"):  # not handed over yet
            self.report(self.app.tr.t("rorder.release_first"), error=True)
            return
        self.go_to(at)
