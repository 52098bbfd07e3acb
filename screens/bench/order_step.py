"""What every bench screen of one order shares: the order at a glance (customer, device,
fault, promise), the device passcode on an explicit key, the delay call, going back.

Every write (a move along the lifecycle, the passcode look that is logged) and the order's
details are asked of a worker (:meth:`DeskScreen.ask`); the answers come back here."""

from __future__ import annotations

from deskapp.screens.base import STEP_CSS, StepScreen
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from deskapp.rules.text import clean, device_label


class OrderScreen(StepScreen):
    """Subclasses yield their own fields from ``form()``; the frame around them is shared."""

    CSS_PATH = [STEP_CSS, "bench.tcss"]
    BINDINGS = [
        Binding("f2", "passcode", "Passcode"),
        Binding("f3", "delay", "Delay call"),
        Binding("escape", "back", "Back"),
    ]

    def on_mount(self) -> None:
        self.show_summary()
        self.sub_title = self.number

    def show_summary(self) -> None:
        from deskapp.documents.order_record import order_details

        if self.asking("summary"):  # read again once the read under way is back
            self._summary_again = True
            return
        self.ask("summary", order_details, self.app.station, self.number)

    def answered_summary(self, d: dict) -> None:
        """The number in bold; every stored text in it shown as it is (a ``Content`` piece)."""
        from deskapp.rules.dates import local_time

        if getattr(self, "_summary_again", False):
            self._summary_again = False
            self.show_summary()

        tr = self.app.tr
        station = self.app.station
        dev = d["device"]
        head = f"  {tr.t('state.' + d['state'])}  ·  {tr.t('warranty_status.' + d['warranty']['status'])}" + (
            f"  ·  {tr.t('bench.chargeable')}" if d["warranty"]["chargeable"] else "")
        due = (tr.t("handoff.inspection_due", time=local_time(station, d["promise"]["inspection_due"]),
                    minutes=station.policy.inspection_estimate_minutes)
               if d["state"] in ("received", "diagnosing")
               else tr.t("handoff.completion_due", time=local_time(station, d["promise"]["completion_due"])))
        self.query_one("#step-summary", Static).update(Content.assemble(
            (d["number"], "bold"), head, "\n",
            *order_flags(tr, station, d),
            f"{tr.t('doc.customer')}: {clean(d['customer']['name'])}  {', '.join(d['customer']['phones'])}\n",
            f"{tr.t('doc.device')}: {device_label(tr, dev['product_line'], dev['brand'], dev['model'])}"
            f"  SN {clean(dev['serial'])}\n",
            f"{tr.t('doc.fault')}: {clean(d['fault']['confirmed'] or d['fault']['reported'])}\n",
            due,
        ))

    def order_changed(self) -> None:
        self.show_summary()

    # ---- the passcode (every look is logged: a write)

    def action_passcode(self) -> None:
        from deskapp.orders.passcodes import reveal_passcode

        self.ask("passcode", reveal_passcode, self.app.station, self.app.actor, self.number)

    def answered_passcode(self, code: str) -> None:
        # exactly as the customer gave it: "a[b]c[red]d[/]x" is shown as that, never as markup
        self.app.notify(self.app.tr.t("bench.passcode", code=clean(code)), timeout=15, markup=False)

    def refused_passcode(self, error) -> None:  # a toast, as the passcode itself: seen at any height
        self.app.notify(clean(error.render(self.app.tr)), severity="warning", markup=False)

    def action_delay(self) -> None:
        from deskapp.screens.bench.delay_call import DelayScreen

        self.app.push_screen(DelayScreen(self.number), lambda _: self.show_summary())

    # ---- moves along the lifecycle

    def move(self, action: str, **details) -> None:
        """Move the order along its lifecycle in a worker; ``answered_<action>`` follows, a
        refusal is shown on the status line."""
        from deskapp.orders.moves import advance

        self.ask(action, advance, self.app.station, self.app.actor, self.number, action, **details)

    def action_start_repair(self) -> None:
        self.move("start_repair")

    def answered_start_repair(self, _order) -> None:
        from deskapp.screens.bench.repair import RepairScreen

        self.app.switch_screen(RepairScreen(self.number))


def order_flags(tr, station, d: dict) -> list:
    """What the engineer must know before touching the order, as lines of the summary: a
    rework (of which order; a free one with its target time from the policy) and a sign-off
    that failed at the counter (the failed items, the counter's note)."""
    from deskapp.bench.work_list import sign_off_failure
    from deskapp.rules.dates import local_time

    out = []
    if d["rework_of"]:
        out += [(tr.t("bench.rework_line", original=d["rework_of"]), "bold $warning"), "\n"]
        if not d["warranty"]["chargeable"]:  # free: the policy's target, and the time it falls at
            out += [(tr.t("bench.rework_target", hours=station.policy.rework_target_hours,
                          time=local_time(station, d["promise"]["completion_due"])[5:]), "$warning"), "\n"]
    failure = sign_off_failure(d["events"])
    if failure is not None:
        out += [(tr.t("bench.sent_back", items=failed_items(tr, failure)), "bold $error"), "\n"]
        if failure["note"]:
            out += [(tr.t("bench.sent_back_note", note=clean(failure["note"])), "$error"), "\n"]
    return out


def failed_items(tr, failure: dict) -> str:
    """The failed checklist items in the screen's language (the reason as recorded when the event
    predates the items being logged)."""
    words = [tr.t(f"verify.{item}") for item in failure["failed"]]
    if failure["fault_gone"] is False:
        words.append(tr.t("verify.fault_still_there"))
    if not words:
        return clean(failure["reason"])
    return ("、" if tr.locale.startswith("zh") else ", ").join(words)
