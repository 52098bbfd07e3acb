"""Diagnosis: findings and the cause; the policy re-checks coverage with the cause known."""

from __future__ import annotations

from deskapp.screens.bench.order_step import OrderScreen
from deskapp.screens.widgets import FormField, Teleprompter
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label, SelectionList, Static

from deskapp.rules.policy import CAUSES
from deskapp.rules.text import clean


class DiagnosisScreen(OrderScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Record diagnosis", priority=True),
        Binding("f6", "start_repair", "Start repair"),
        Binding("f7", "quote", "Quote"),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield FormField(tr.t("bench.findings"), "findings")
        yield FormField(tr.t("bench.cause"), "cause")
        yield Label(tr.t("bench.causes"), classes="field-label")
        yield SelectionList(*[(tr.t(f"cause.{c}"), c) for c in CAUSES], id="causes")
        yield Static("", id="decision")

    def on_mount(self) -> None:
        from deskapp.orders.model import get_order
        from deskapp.orders.moves import advance

        order = get_order(self.app.station, self.number)
        if str(order.state) == "received":  # opening it at the bench starts the diagnosis
            advance(self.app.station, self.app.actor, self.number, "start_diagnosis")
            self.show_summary()
        tr = self.app.tr
        self.query_one(Teleprompter).show(tr.t("bench.prompter"), [tr.phrase("bench.reassure")])
        self.query_one("#findings", Input).focus()

    def action_save(self) -> None:
        from deskapp.bench.diagnosis import record_diagnosis
        from deskapp.rules.errors import DeskError, ValidationError

        tr = self.app.tr
        self.query_one("#field-findings", FormField).clear_error()
        try:
            decision = record_diagnosis(self.app.station, self.app.actor, self.number,
                                        self.query_one("#findings", Input).value, self.query_one("#cause", Input).value,
                                        list(self.query_one("#causes", SelectionList).selected))
        except ValidationError as exc:
            self.query_one(f"#field-{exc.field}", FormField).set_error(exc.render(tr))
            return
        except DeskError as exc:
            self.report(exc.render(tr), error=True)
            return
        reasons, _ = decision.explain(tr)
        verdict = tr.t("bench.needs_quote") if decision.chargeable else tr.t("bench.covered")
        self.query_one("#decision", Static).update(f"[b]{verdict}[/b]\n" + "\n".join(f"- {clean(r)}" for r in reasons))
        self.show_summary()

    def action_quote(self) -> None:
        from deskapp.screens.bench.quote import QuoteScreen

        self.app.switch_screen(QuoteScreen(self.number))
