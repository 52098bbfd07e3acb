"""A real TCP 'printer' on 127.0.0.1: accepts connections and keeps what each one sent."""

from __future__ import annotations

import socket
import threading


class PrinterListener:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(5)
                chunks = []
                while True:
                    try:
                        data = conn.recv(65536)
                    except socket.timeout:
                        break
                    if not data:
                        break
                    chunks.append(data)
                self.jobs.append(b"".join(chunks))

    def wait_for(self, count: int, timeout: float = 10.0) -> list[bytes]:
        import time

        end = time.time() + timeout
        while len(self.jobs) < count and time.time() < end:
            time.sleep(0.02)
        return list(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def closed_port_url() -> str:
    """A loopback port nobody listens on: a printer that is switched off."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"tcp://127.0.0.1:{port}"
