"""Decode the ESC/POS bytes deskapp sends, as a printer would read them (tests only)."""

from __future__ import annotations

from dataclasses import dataclass, field

ESC_ONE_ARG = set(b"!Eat{-MdJGV")
GS_ONE_ARG = set(b"!bBhwHfL")


@dataclass
class Printed:
    lines: list = field(default_factory=list)  # (text, align, bold, big)
    barcodes: list = field(default_factory=list)
    qrcodes: list = field(default_factory=list)
    cuts: int = 0
    chinese_mode_entries: int = 0

    @property
    def text(self) -> list[str]:
        return [t for t, *_ in self.lines]

    def find(self, needle: str) -> tuple:
        for line in self.lines:
            if needle in line[0]:
                return line
        raise AssertionError(f"{needle!r} not printed; lines: {self.text}")


def decode(data: bytes, encoding: str) -> Printed:
    out = Printed()
    align, bold, big, chinese = "left", False, False, False
    buf = bytearray()
    i = 0

    def flush():
        nonlocal buf
        out.lines.append((buf.decode(encoding if chinese else "ascii", errors="strict"), align, bold, big))
        buf = bytearray()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush()
            i += 1
        elif b == 0x1B:  # ESC
            cmd = data[i + 1]
            if cmd == ord("@"):
                i += 2
            elif cmd in ESC_ONE_ARG:
                arg = data[i + 2]
                if cmd == ord("a"):
                    align = {0: "left", 1: "center", 2: "right"}[arg]
                elif cmd == ord("E"):
                    bold = bool(arg)
                i += 3
            else:
                raise AssertionError(f"unknown ESC {chr(cmd)!r} at {i}")
        elif b == 0x1C:  # FS
            cmd = data[i + 1]
            if cmd == ord("&"):
                chinese = True
                out.chinese_mode_entries += 1
            elif cmd == ord("."):
                chinese = False
            else:
                raise AssertionError(f"unknown FS {cmd} at {i}")
            i += 2
        elif b == 0x1D:  # GS
            cmd = data[i + 1]
            if cmd == ord("k"):
                m = data[i + 2]
                n = data[i + 3]
                payload = data[i + 4:i + 4 + n].decode("ascii")
                out.barcodes.append(payload[2:] if payload.startswith("{") else payload)
                i += 4 + n
            elif cmd == ord("(") and data[i + 2] == ord("k"):
                length = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5:i + 5 + length]
                if body[:3] == b"1P0":
                    out.qrcodes.append(body[3:].decode("utf-8"))
                i += 5 + length
            elif cmd == ord("V"):
                out.cuts += 1
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
            elif cmd in GS_ONE_ARG:
                if cmd == ord("!"):
                    big = data[i + 2] != 0
                i += 3
            else:
                raise AssertionError(f"unknown GS {chr(cmd)!r} at {i}")
        else:
            buf.append(b)
            i += 1
    if buf:
        flush()
    return out
