"""What every bench screen of one order shares: the order at a glance (customer, device,
fault, promise), the device passcode on an explicit key, the delay call, going back."""

from __future__ import annotations

from deskapp.screens.base import STEP_CSS, StepScreen
from deskapp.screens.widgets import shown
from textual.binding import Binding
from textual.widgets import Static

from deskapp.rules.text import clean


class OrderScreen(StepScreen):
    """Subclasses yield their own fields from ``form()``; the frame around them is shared."""

    CSS_PATH = [STEP_CSS, "bench.tcss"]
    SUMMARY_MARKUP = True  # the number in bold; the stored text in it is escaped (``shown``)
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
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        station = self.app.station
        d = order_details(station, self.number)
        dev = d["device"]
        lines = [
            f"[b]{d['number']}[/b]  {tr.t('state.' + d['state'])}  ·  {tr.t('warranty_status.' + d['warranty']['status'])}"
            + (f"  ·  {tr.t('bench.chargeable')}" if d["warranty"]["chargeable"] else ""),
            f"{tr.t('doc.customer')}: {shown(d['customer']['name'])}  {', '.join(d['customer']['phones'])}",
            f"{tr.t('doc.device')}: {tr.t('product_line.' + dev['product_line'])} {shown(dev['brand'])} "
            f"{shown(dev['model'])}  SN {shown(dev['serial'])}",
            f"{tr.t('doc.fault')}: {shown(d['fault']['confirmed'] or d['fault']['reported'])}",
            f"{tr.t('handoff.inspection_due', time=local_time(station, d['promise']['inspection_due']), minutes=station.policy.inspection_estimate_minutes)}"
            if d["state"] in ("received", "diagnosing")
            else tr.t("handoff.completion_due", time=local_time(station, d["promise"]["completion_due"])),
        ]
        self.query_one("#step-summary", Static).update("\n".join(lines))

    def action_passcode(self) -> None:
        from deskapp.orders.passcodes import reveal_passcode
        from deskapp.rules.errors import DeskError

        try:
            code = reveal_passcode(self.app.station, self.app.actor, self.number)
        except DeskError as exc:
            self.notify(exc.render(self.app.tr), severity="warning")
            return
        self.notify(self.app.tr.t("bench.passcode", code=clean(code)), timeout=15)

    def action_delay(self) -> None:
        from deskapp.screens.bench.delay_call import DelayScreen

        self.app.push_screen(DelayScreen(self.number), lambda _: self.show_summary())

    def move(self, action: str, **details) -> bool:
        """Move the order along its lifecycle; a refusal is shown on the screen, not raised."""
        from deskapp.orders.moves import advance
        from deskapp.rules.errors import DeskError

        try:
            advance(self.app.station, self.app.actor, self.number, action, **details)
        except DeskError as exc:
            self.report(exc.render(self.app.tr), error=True)
            return False
        return True

    def action_start_repair(self) -> None:
        from deskapp.screens.bench.repair import RepairScreen

        if self.move("start_repair"):
            self.app.switch_screen(RepairScreen(self.number))

