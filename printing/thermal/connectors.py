"""Sending bytes to a printer named by a URL, the same in the station config and on the
command line:

    tcp://192.168.1.50:9100   network printer (raw port 9100)
    file:/dev/usb/lp0         a device node or a plain file (appended to)
    usb:04b8:0202             USB vendor:product (python-escpos, needs pyusb)
    serial:/dev/ttyUSB0?baud=9600   serial port (python-escpos, needs pyserial)

A printer that is off, unplugged or busy raises :class:`PrinterError` with a message
staff can act on; nothing else is lost (the order is already saved).
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from deskapp.printing.errors import PrinterError

TIMEOUT_S = 4.0
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


def check_url(url: str) -> str:
    """Validate a printer URL; return it, or raise PrinterError saying what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme == "tcp":
        try:
            port = parts.port
        except ValueError:  # a port past 65535, or not a number
            port = None
        if not parts.hostname or not port:
            raise PrinterError(url, "tcp://HOST:PORT (PORT 1-65535, usually 9100)")
    elif parts.scheme == "file":
        if not (parts.path or parts.netloc):
            raise PrinterError(url, "file:/path")
    elif parts.scheme == "usb":
        vid, _, pid = parts.path.partition(":")
        try:
            int(vid, 16), int(pid, 16)
        except ValueError:
            raise PrinterError(url, "usb:VVVV:PPPP (hex vendor:product)") from None
    elif parts.scheme == "serial":
        if not parts.path:
            raise PrinterError(url, "serial:/dev/ttyUSB0?baud=9600")
        baud = parse_qs(parts.query).get("baud", ["9600"])[0]
        if not baud.isdigit() or int(baud) not in BAUDS:
            raise PrinterError(url, f"serial:PORT?baud=N, N one of {', '.join(map(str, BAUDS))}")
    else:
        raise PrinterError(url, "tcp://, file:, usb: or serial:")
    return url.strip()


def send(url: str, data: bytes) -> None:
    url = check_url(url)
    parts = urlsplit(url)
    try:
        if parts.scheme == "tcp":
            with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT_S) as sock:
                sock.sendall(data)
        elif parts.scheme == "file":
            path = Path(parts.netloc + parts.path).expanduser()
            with path.open("ab") as fh:
                fh.write(data)
        elif parts.scheme == "usb":
            from escpos.printer import Usb

            vid, _, pid = parts.path.partition(":")
            printer = Usb(int(vid, 16), int(pid, 16))
            printer._raw(data)
            printer.close()
        else:
            from escpos.printer import Serial

            baud = int(parse_qs(parts.query).get("baud", ["9600"])[0])
            printer = Serial(devfile=parts.path, baudrate=baud)
            printer._raw(data)
            printer.close()
    except PrinterError:
        raise
    except (OSError, ValueError, ImportError) as exc:
        raise PrinterError(url, getattr(exc, "strerror", None) or str(exc) or type(exc).__name__) from None
    except Exception as exc:  # python-escpos raises its own DeviceNotFoundError and friends
        raise PrinterError(url, str(exc) or type(exc).__name__) from None
