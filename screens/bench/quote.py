"""Quote for chargeable work: part and labour lines, the inspection fee already due, total,
validity; then the customer's answer (phone, e-mail, signed or stamped; or declined, and
how the device goes back)."""

from __future__ import annotations

from deskapp.screens.bench.order_step import OrderScreen
from deskapp.screens.widgets import DeskInput, Teleprompter
from deskapp.rules.validate import text_limit
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, Static

from deskapp.rules.lifecycle import QUOTE_ANSWERS
from deskapp.rules.text import clean

LINES = 4


class QuoteScreen(OrderScreen):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send quote", priority=True),
        Binding("ctrl+a", "approved", "Approved", priority=True),
        Binding("ctrl+x", "declined", "Declined", priority=True),
        Binding("f6", "start_repair", "Start repair"),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield Static("", id="charge-reason", markup=False)
        yield Label(tr.t("bench.quote_lines"), classes="field-label")
        for i in range(1, LINES + 1):
            with Horizontal(classes="quote-line"):
                yield Select([(tr.t("bench.kind_part"), "part"), (tr.t("bench.kind_labour"), "labour")],
                             value="part" if i == 1 else "labour", allow_blank=False, id=f"kind{i}", compact=True)
                yield DeskInput(placeholder=tr.t("bench.description"), id=f"desc{i}", compact=True, max_length=text_limit("description"))
                yield Input(placeholder=tr.t("bench.qty"), id=f"qty{i}", compact=True, classes="num")
                yield Input(placeholder=tr.t("bench.price"), id=f"price{i}", compact=True, classes="num")
        yield Label("", id="lines-error", classes="field-error", markup=False)
        yield Static("", id="quote-total", markup=False)
        yield Label(tr.t("bench.answer_method"), classes="field-label")
        yield Select([(tr.t(f"bench.answer_{m}"), m) for m in QUOTE_ANSWERS], id="method", compact=True,
                     prompt=tr.t("pre.pick"))
        yield Label(tr.t("bench.return_method"), classes="field-label")
        yield Select([(tr.t("bench.return_collect"), "collect"), (tr.t("bench.return_ship"), "ship")],
                     id="return_method", compact=True, prompt=tr.t("pre.pick"))

    def on_mount(self) -> None:
        tr = self.app.tr
        self.query_one(Teleprompter).show(tr.t("bench.quote_prompter"), [tr.t("bench.quote_hint")])
        self.show_quote()
        self.query_one("#desc1", Input).focus(scroll_visible=False)

    def show_quote(self) -> None:
        self.ask("quote", quote_now, self.app.station, self.number)

    def answered_quote(self, q: dict) -> None:
        tr = self.app.tr
        money = self.app.station.policy.money
        lines = [f"{clean(l['description'])} × {l['quantity']}  {money(l['amount'])}" for l in q["lines"]]
        # what is true of the inspection fee: still owed (the usual case at the bench) or already paid
        key = "bench.quote_sum_collected" if q["inspection_fee_collected"] else "bench.quote_sum"
        lines.append(tr.t(key, total=money(q["total"]), fee=money(q["inspection_fee"]),
                          grand=money(q["grand_total"]), until=q["valid_until"] or "-"))
        lines.append(tr.t("bench.quote_status", status=tr.t(f"bench.quote_state_{q['status']}")))
        self.query_one("#quote-total", Static).update("\n".join(lines))
        if q["answer"] in QUOTE_ANSWERS:  # an answered quote shows how the customer answered
            self.query_one("#method", Select).value = q["answer"]
        if q["return_method"] in ("collect", "ship"):
            self.query_one("#return_method", Select).value = q["return_method"]

    def answered_summary(self, d: dict) -> None:
        """The order at a glance, and why it is charged: in warranty but charged for a cause
        found (liquid damage...), or outside coverage, as the policy decided."""
        super().answered_summary(d)
        why = self.query_one("#charge-reason", Static)
        why.update(charge_reason(self.app.tr, d["warranty"]))
        why.display = bool(why.content)

    def lines(self):
        from deskapp.bench.quotes import QuoteLine

        out = []
        for i in range(1, LINES + 1):
            desc = self.query_one(f"#desc{i}", Input).value.strip()
            if not desc:
                continue
            qty, price = self.query_one(f"#qty{i}", Input).value.strip() or "1", self.query_one(f"#price{i}", Input).value.strip()
            try:
                quantity, unit = int(qty), int(price.replace(",", ""))
            except ValueError:
                raise ValueError(i) from None
            out.append(QuoteLine(self.query_one(f"#kind{i}", Select).value, desc, quantity, unit))
        return out

    def action_send(self) -> None:
        from deskapp.bench.quotes import send_quote

        error = self.query_one("#lines-error", Label)
        try:
            lines = self.lines()
        except ValueError as bad:
            error.update(self.app.tr.t("bench.line_numbers", line=bad.args[0]))
            return
        error.update("")
        self.ask("send", send_quote, self.app.station, self.app.actor, self.number, lines)

    def answered_send(self, _total) -> None:
        self.query_one("#lines-error", Label).update("")
        self.show_quote()
        self.show_summary()
        self.report(self.app.tr.t("bench.quote_sent"))

    def refused_send(self, error) -> None:  # a wrong line is said under the lines
        self.query_one("#lines-error", Label).update(clean(error.render(self.app.tr)))

    def _answer(self, approved: bool) -> None:
        from deskapp.bench.quotes import answer_quote

        method = self.query_one("#method", Select).value
        back = self.query_one("#return_method", Select).value
        station, actor, number = self.app.station, self.app.actor, self.number

        def answer():
            answer_quote(station, actor, number, approved=approved, method=method if isinstance(method, str) else "",
                         return_method=back if isinstance(back, str) else "")
            return approved

        self.ask("answer", answer)

    def answered_answer(self, approved: bool) -> None:
        self.show_quote()
        self.show_summary()
        self.report(self.app.tr.t("bench.quote_approved" if approved else "bench.quote_declined"))

    def action_approved(self) -> None:
        self._answer(True)

    def action_declined(self) -> None:
        self._answer(False)


def quote_now(station, number: str) -> dict:
    """In the worker: the order's quote as it stands."""
    from deskapp.bench.quotes import quote_of
    from deskapp.orders.model import get_order

    return quote_of(station, get_order(station, number))


def charge_reason(tr, warranty: dict) -> str:
    """Why the order is charged, from the coverage decision's reasons ("" when it is not)."""
    from deskapp.rules.policy import Reason

    if not warranty["chargeable"]:
        return ""
    in_warranty = warranty["status"] == "in_warranty"
    # neither the cover itself nor the inspection fee (it is in the total below) is why the work is charged
    reasons = [Reason(r["code"], r.get("params", {})).render(tr) for r in warranty["reasons"] or ()
               if r["code"] != "inspection_fee" and not (in_warranty and r["code"] == "in_warranty")]
    if not reasons:
        return ""
    return tr.t("bench.charged_in_warranty" if in_warranty else "bench.charged_because",
                reasons=clean(" ".join(reasons)))
