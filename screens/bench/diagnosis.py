"""Diagnosis: findings and the cause; the policy re-checks coverage with the cause known."""

from __future__ import annotations

from deskapp.screens.base import InView
from deskapp.screens.bench.order_step import OrderScreen
from deskapp.screens.widgets import FormField, Teleprompter, clear_field_errors
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
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
        yield InView("", id="decision", markup=False)

    def on_mount(self) -> None:
        tr = self.app.tr
        self.query_one(Teleprompter).show(tr.t("bench.prompter"), [tr.phrase("bench.reassure")])
        self.query_one("#findings", Input).focus(scroll_visible=False)
        self.ask("open", start_diagnosis_if_received, self.app.station, self.app.actor, self.number)

    def answered_open(self, started: bool) -> None:
        if started:  # its own engineer opening it at the bench started the diagnosis
            self.show_summary()

    def action_save(self) -> None:
        from deskapp.bench.diagnosis import record_diagnosis

        clear_field_errors(self)
        station, actor, number = self.app.station, self.app.actor, self.number
        findings, cause = self.query_one("#findings", Input).value, self.query_one("#cause", Input).value
        causes = list(self.query_one("#causes", SelectionList).selected)

        def diagnose():  # started first if the opening's own start has not gone through yet
            start_diagnosis_if_received(station, actor, number)
            return record_diagnosis(station, actor, number, findings, cause, causes)

        self.ask("diagnosis", diagnose)

    def answered_diagnosis(self, decision) -> None:
        tr = self.app.tr
        reasons, _ = decision.explain(tr)
        verdict = tr.t("bench.needs_quote") if decision.chargeable else tr.t("bench.covered")
        self.query_one("#decision", Static).update(  # below the causes at 80x24: it scrolls into view
            Content.assemble((verdict, "bold"), *(f"\n- {clean(r)}" for r in reasons)))
        self.report("")
        self.show_summary()

    def action_quote(self) -> None:
        from deskapp.screens.bench.quote import QuoteScreen

        self.app.switch_screen(QuoteScreen(self.number))


def start_diagnosis_if_received(station, actor, number: str) -> bool:
    """In the worker: the order's own engineer opening it while still "received" starts its
    diagnosis (that is them taking it up). Anyone else opening it (reception's F4, a
    colleague, the counter) only looks: nothing is written. Decided on the row read under the
    write lock; the read before it only spares a lookup the lock."""
    from deskapp.orders.model import get_order, locked_row
    from deskapp.orders.moves import advance

    def mine_and_received(state, engineer_id) -> bool:
        return str(state) == "received" and actor.staff_id is not None and engineer_id == actor.staff_id

    order = get_order(station, number)
    if not mine_and_received(order.state, order.assigned_engineer_id):
        return False
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if not mine_and_received(row["state"], row["assigned_engineer_id"]):
            return False
        advance(station, actor, number, "start_diagnosis")
    return True
