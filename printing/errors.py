"""What can go wrong on the way to a printer, as plain data: ``url`` and a ``detail``
(the operating system's words). The station's services turn it into a message in the
station's language; this library knows no languages."""

from __future__ import annotations


class PrinterError(Exception):
    """A printer that is off, unplugged, busy, or named by a URL that cannot work."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.detail = detail
