"""What every screen of the desk shares: footer keys in the station's language, timers
that rest while the screen is hidden, the status line, and :meth:`DeskScreen.ask`, the one
way a screen calls a service that writes or reads many rows (see :mod:`.messages`)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from deskapp.screens.messages import (
    ServiceDone,
    ServiceFailed,
    ServiceRefused,
    StillWaiting,
)
from textual.screen import Screen
from textual.widgets import Static

log = logging.getLogger("deskapp.screens")

# After this long without an answer the screen says it is waiting for the station file.
WAIT_NOTICE_S = 0.3

# The frame every step screen shares; absolute, because Textual resolves a relative
# CSS_PATH beside the file of the concrete screen class, wherever it lives.
STEP_CSS = Path(__file__).with_name("step.tcss")


class DeskScreen(Screen):
    """A screen whose footer keys read in the station's language, and whose timers (the
    header clock, change polling) rest while another screen is on top of it.

    A hidden screen's ticking clock makes Textual repaint the whole visible screen every
    second (measured: 20 KB/s of output at 160x40 instead of 0.1 KB/s), which a key
    press then has to wait behind. Textual runs ``on_mount`` and the screen events of
    every class in the hierarchy, so subclasses keep their own handlers.
    """

    def on_mount(self) -> None:
        from deskapp.screens.textual_words import speak_selects

        localize_bindings(self, self.app.tr)
        speak_selects(self, self.app.tr)

    @property
    def active_bindings(self):
        """The keys the footer and the palette show: Textual's own widgets' keys (an open
        dropdown's Esc) in the station's language too."""
        from deskapp.screens.textual_words import speak_bindings

        return speak_bindings(super().active_bindings, self.app.tr)

    def _timers_here(self):
        for node in (self, *self.query("*")):
            yield from list(node._timers)

    def on_screen_suspend(self) -> None:
        for timer in self._timers_here():
            timer.pause()
        # Left for another screen (another order, the next step): what went wrong here is no
        # longer the news. A dialog opened over this screen keeps it: it may be about it.
        from textual.screen import ModalScreen

        if not (isinstance(self.app.screen, ModalScreen) and self in self.app.screen_stack):
            self.drop_errors()

    def on_screen_resume(self) -> None:
        for timer in self._timers_here():
            timer.resume()
        if getattr(self, "_stale", False):  # changed while another screen was in front of it
            self._stale = False
            self.station_changed()
        # Back in front, often after this terminal's own write (an order closed at farewell):
        # look at the file now rather than show the old list until the next watch beat.
        look = getattr(self.app, "watch_station", None)
        if look is not None:
            look()

    # ---- asking services (workers) and hearing back (Messages)

    def ask(self, request: str, service, *args, **kwargs) -> None:
        """Call ``service(*args, **kwargs)`` in a thread worker. The answer comes back as a
        Message: ``answered_<request>(result)`` handles success, ``refused_<request>(error)``
        (if the screen has one) a refusal; otherwise the refusal is shown on the status line
        (under its field for a wrong field). Another request of the same name still running
        is not started twice."""
        pending = self._pending()
        if request in pending:
            return
        pending[request] = self.set_timer(WAIT_NOTICE_S, lambda: self.post_message(StillWaiting(request)))
        self.run_worker(lambda: self._serve(request, service, args, kwargs), thread=True,
                        group=f"ask:{request}", name=request, exit_on_error=False)

    def _pending(self) -> dict:
        if not hasattr(self, "_asked"):
            self._asked = {}
        return self._asked

    def asking(self, request: str) -> bool:
        return request in self._pending()

    def _serve(self, request: str, service, args, kwargs) -> None:
        """In the worker thread: call the service, post what happened. Touches no widget."""
        from deskapp.rules.errors import DeskError

        try:
            result = service(*args, **kwargs)
        except DeskError as exc:
            self.post_message(ServiceRefused(request, exc))
        except Exception as exc:  # a bug: logged with its traceback, shown, never an app exit
            log.exception("service %s failed", request)
            self.post_message(ServiceFailed(request, exc))
        else:
            self.post_message(ServiceDone(request, result))

    def _answered(self, request: str) -> None:
        timer = self._pending().pop(request, None)
        if timer is not None:
            timer.stop()
        if not self._pending() and self.has_class("-waiting"):
            self.remove_class("-waiting")
            self.waited()

    def waited(self) -> None:
        """The answer came after the screen said it was waiting: that notice goes, and what the
        status line said before it is back (a step's hint; the answer's handler may then say
        more). A screen whose notice is elsewhere overrides."""
        if self.query("#status"):
            before = getattr(self, "_said_before_waiting", None)
            self._said_before_waiting = None
            if before is not None and before[0]:
                self.report(*before)
            else:
                self.report("")

    def on_still_waiting(self, message: StillWaiting) -> None:
        if message.request in self._pending():
            self.add_class("-waiting")
            status = self.query("#status")
            if status and getattr(self, "_said_before_waiting", None) is None:
                line = status.first()
                self._said_before_waiting = (str(line.render()), line.has_class("error"))
            self.say(self.app.tr.t("app.waiting_for_store"))
            for line in status:  # the notice is not news to scroll to: where staff are stays put
                if isinstance(line, InView):
                    line._bring = False

    def on_service_done(self, message: ServiceDone) -> None:
        self._answered(message.request)
        message.stop()
        handler = getattr(self, f"answered_{message.request.replace('-', '_')}", None)
        if handler is not None:
            handler(message.result)
        self._ask_again(message.request)

    # ---- another terminal's changes (one watch per app, see StationChanged)

    def on_station_changed(self, message) -> None:
        """The station file changed. A screen in sight (in front, or behind a dialog) reads
        what it shows again now; one further back reads it when it comes to the front (its
        ``on_screen_resume``), so a form being typed over it never waits behind its reads."""
        if self.in_sight():
            self.station_changed()
        else:
            self._stale = True

    def in_sight(self) -> bool:
        from textual.screen import ModalScreen

        stack = self.app.screen_stack
        if self not in stack:
            return False
        return all(isinstance(above, ModalScreen) for above in stack[stack.index(self) + 1:])

    def station_changed(self) -> None:
        """Overridden by the screens that show shared state: read it again (with :meth:`reread`)."""

    def reread(self, request: str, service, *args, **kwargs) -> None:
        """:meth:`ask`, or if that request is still on its way, ask again once it has answered
        (a change committed while it was being read is not missed)."""
        if self.asking(request):
            self._again()[request] = (service, args, kwargs)
            return
        self.ask(request, service, *args, **kwargs)

    def _again(self) -> dict:
        if not hasattr(self, "_asked_again"):
            self._asked_again = {}
        return self._asked_again

    def _ask_again(self, request: str) -> None:
        again = self._again().pop(request, None)
        if again is not None:
            service, args, kwargs = again
            self.ask(request, service, *args, **kwargs)

    def on_service_refused(self, message: ServiceRefused) -> None:
        self._answered(message.request)
        message.stop()
        handler = getattr(self, f"refused_{message.request.replace('-', '_')}", None)
        if handler is not None:
            handler(message.error)
        else:
            self.show_refusal(message.error)
        self._ask_again(message.request)

    def on_service_failed(self, message: ServiceFailed) -> None:
        self._answered(message.request)
        message.stop()
        self.say(self.app.tr.t("app.unexpected_error", detail=type(message.error).__name__), error=True)
        self._ask_again(message.request)

    def show_refusal(self, error) -> None:
        """A refusal under its field if the screen has that field, else on the status line."""
        from deskapp.screens.widgets import show_field_error

        from deskapp.rules.errors import ValidationError

        text = error.render(self.app.tr)
        if isinstance(error, ValidationError) and show_field_error(self, error.field, text):
            return
        self.say(text, error=True)

    def say(self, message: str, error: bool = False) -> None:
        """The status line if the screen has one, else a toast; always shown literally. An
        error stays until it is fixed: the next edit of a field, or leaving the screen, takes
        it away (:meth:`drop_errors`)."""

        found = self.query("#status")
        if found:
            self.report(message, error)
        else:
            from textual.notifications import Notification, Notify

            from deskapp.rules.text import clean

            toast = Notification(clean(message), "", "error" if error else "information",
                                 self.app.NOTIFICATION_TIMEOUT, markup=False)
            if error:
                self._errors_raised().append(toast)
                self._error_showing = True
                self._typing_is_news()
            self.app.post_message(Notify(toast))

    def _errors_raised(self) -> list:
        if not hasattr(self, "_error_toasts"):
            self._error_toasts = []
        return self._error_toasts

    def _typing_is_news(self) -> None:
        """From now on a key or a paste into a field is staff fixing what was said."""
        from deskapp.screens.widgets import DeskInput

        for field in self.query(DeskInput):
            field.edited_by_hand = False

    def drop_errors(self) -> None:
        """Take away the error this screen shows on its status line and in its toasts."""
        for toast in self._errors_raised():
            self.app._unnotify(toast)
        self._errors_raised().clear()
        status = self.query("#status")
        if status and status.first().has_class("error"):
            self.report("")

    def _edited(self, widget) -> None:
        """A field changed: if staff changed it (a key, a paste) since the error was said, the
        error goes. (A value the screen itself set is not an edit.)"""
        if getattr(widget, "edited_by_hand", False) and getattr(self, "_error_showing", False):
            self._error_showing = False
            self.drop_errors()

    def on_desk_input_cut(self, event) -> None:
        """A paste cut to its field's length, in a field without a place for its error."""
        from deskapp.screens.widgets import paste_cut_message

        event.stop()
        self.say(paste_cut_message(self.app.tr, event), error=True)

    def on_input_changed(self, event) -> None:
        self._edited(event.input)

    def report(self, message: str, error: bool = False) -> None:
        """Say something on the screen's status line (``#status``), cleaned; red if ``error``."""
        from textual.widgets import Static

        from deskapp.rules.text import clean

        status = self.query_one("#status", Static)
        status.update(clean(message))
        status.set_class(error, "error")
        self._error_showing = error
        if error:
            self._typing_is_news()


class InView(Static):
    """A line said when something happens (a verdict, a refusal): each time it is given text it
    scrolls into view, once laid out at its new height (at 80x24 it is often below the fold).
    Scrolled on its resize too: a scroll asked before the layout would use its old height."""

    _bring = False

    def update(self, content="", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self._bring = bool(str(content))
        if self._bring:
            self.call_after_refresh(self._into_view)

    def on_resize(self) -> None:
        self._into_view()
        self._bring = False

    def _into_view(self) -> None:
        if self._bring and self.is_mounted:
            self.scroll_visible(animate=False, immediate=True)


class StepScreen(DeskScreen):
    """One step of the flow for one order (a bench step, a pickup-counter step): the order at
    a glance, the step's own fields from :meth:`form`, a status line, and the standard
    phrases beside them; Escape goes back. Styles: ``step.tcss``.

    A step opens at its top, the summary in view: its first field takes the focus with
    ``scroll_visible=False`` (centring it would scroll the summary away once it arrives, or
    not, depending on which came first)."""

    CSS_PATH = STEP_CSS
    SUMMARY_MARKUP = False  # the summary shows stored text; a subclass that adds markup escapes it

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self):
        from deskapp.screens.widgets import DeskHeader, Teleprompter
        from textual.containers import Horizontal, VerticalScroll
        from textual.widgets import Footer, Static

        yield DeskHeader()
        with Horizontal(classes="step-layout"):
            with VerticalScroll(classes="step-form"):
                yield Static("", id="step-summary", markup=self.SUMMARY_MARKUP)
                yield from self.form()
                yield InView("", id="status", markup=False)
            yield Teleprompter(id="prompter")
        yield Footer()

    # ---- the order changed at another terminal

    def on_mount(self) -> None:
        from deskapp.orders.reads import last_event

        self.ask("last_event", last_event, self.app.station, self.number)  # where the order stands now

    def station_changed(self) -> None:
        from deskapp.orders.reads import last_event

        self.reread("last_event", last_event, self.app.station, self.number)

    def answered_last_event(self, event: dict | None) -> None:
        """The step shows the order again when the order itself changed, and says so when it
        was someone at another terminal (a write from here is checked against the order as it
        is then, inside its transaction: nothing is saved over what the other did)."""
        seen = getattr(self, "_last_event_id", None)
        if event is None or event["id"] == seen:
            return
        self._last_event_id = event["id"]
        if seen is None:
            return  # the first look
        self.order_changed()
        status = self.query("#status")
        if status and status.first().has_class("error"):
            return  # a refusal on the status line already says what the other terminal did
        if event["terminal"] != self.app.actor.terminal:
            from deskapp.rules.text import clean

            tr = self.app.tr
            self.say(tr.t("app.changed_elsewhere", number=self.number, what=tr.event(event["kind"]),
                          who=clean(event["actor"]), terminal=clean(event["terminal"])))

    def order_changed(self) -> None:
        """Overridden by the steps: read and show the order again."""

    def form(self):
        return iter(())

    def action_back(self) -> None:
        self.app.pop_screen()


def binding_key(action: str) -> str:
    """The catalog key of a binding's action: ``key.call_next``; an action with an argument,
    ``outcome('reached')``, reads ``key.outcome_reached``."""
    name, _, arg = action.partition("(")
    arg = arg.rstrip(")").strip("'\"")
    return f"key.{name}_{arg}" if arg else f"key.{name}"


def localize_bindings(node, tr) -> None:
    """Footer and palette show each key's action in the station's language (``key.<action>``)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=tr.t(binding_key(b.action))) if tr.has(binding_key(b.action)) else b
            for b in bindings
        ]
    if node.is_mounted:
        node.refresh_bindings()
