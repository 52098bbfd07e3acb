"""What a worker tells the screen that asked it: the Messages of the desk.

A key handler gathers input and calls :meth:`DeskScreen.ask` with a request name and one
service function. The service runs in a thread worker; the worker never touches a widget:
it posts one of these Messages to the screen, and the screen's handler shows the result.

- :class:`ServiceDone`: the service answered; ``result`` is what it returned.
- :class:`ServiceRefused`: a refusal staff can act on (:class:`~deskapp.rules.errors.DeskError`:
  a rule, a wrong field, the station file busy for too long, a printer fault).
- :class:`ServiceFailed`: anything else (a bug): logged, shown, the app keeps running.
- :class:`StillWaiting`: the answer has not come yet (another terminal holds the station
  file): the screen says it is waiting, and input stays live.
"""

from __future__ import annotations

from textual.message import Message


class ServiceMessage(Message):
    """The answer to one request a screen made."""

    def __init__(self, request: str) -> None:
        super().__init__()
        self.request = request


class ServiceDone(ServiceMessage):
    def __init__(self, request: str, result: object) -> None:
        super().__init__(request)
        self.result = result


class ServiceRefused(ServiceMessage):
    def __init__(self, request: str, error) -> None:
        super().__init__(request)
        self.error = error


class ServiceFailed(ServiceMessage):
    def __init__(self, request: str, error: BaseException) -> None:
        super().__init__(request)
        self.error = error


class StillWaiting(ServiceMessage):
    """Posted by the screen itself when an answer is slow (not from the worker)."""


class StationChanged(Message, bubble=False):
    """Someone committed to the station file: another terminal, or a worker of this one.

    The app watches the file once (``PRAGMA data_version`` on a connection of its own, four
    times a second) and posts this to every screen on its stack; a screen that shows shared
    state reads it again (:meth:`DeskScreen.station_changed`), keeping its cursor and what is
    being typed. No screen polls the file itself.
    """

    def __init__(self, version: int) -> None:
        super().__init__()
        self.version = version
