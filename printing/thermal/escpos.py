"""Render a :class:`~printing.document.Document` to ESC/POS bytes.

Text is sent raw in the printer's double-byte encoding inside Chinese mode (``FS &``),
because python-escpos encodes Chinese as GB18030 only and has no Big5 path; python-escpos
builds the barcode, QR and cut commands. 58 mm paper has 32 columns, 80 mm 48.
"""

from __future__ import annotations

import contextlib
import io

from deskapp.printing.thermal.blocks import (
    Barcode,
    Blank,
    Document,
    Field,
    QRCode,
    Rule,
    Signature,
    Text,
)
from deskapp.printing.thermal.layout import char_bytes, field_lines, pad, wrap
from escpos.printer import Dummy

COLUMNS = {58: 32, 80: 48}
# cp950: the Big5 of Taiwan's printers and of Windows (Big5 with 碁, 銹 and the other
# characters Microsoft added); big5 for a printer that has only the 1984 set.
ENCODINGS = ("cp950", "big5", "gb18030", "ascii")

ESC_INIT = b"\x1b@"
CHINESE_ON = b"\x1c&"  # FS &
CHINESE_OFF = b"\x1c."  # FS .
ALIGN = {"left": b"\x1ba\x00", "center": b"\x1ba\x01", "right": b"\x1ba\x02"}
BOLD = {True: b"\x1bE\x01", False: b"\x1bE\x00"}
SIZE = {True: b"\x1d!\x11", False: b"\x1d!\x00"}


def encode(text: str, encoding: str) -> bytes:
    return b"".join(char_bytes(ch, encoding) for ch in text)


def encoding_for(locale: str, configured: str = "auto") -> str:
    """The printer's encoding: as configured, else GB18030 for Simplified, CP950 (Taiwan's
    Big5) otherwise."""
    if configured != "auto":
        return configured
    return "gb18030" if locale == "zh_CN" else "cp950"


def render(doc: Document, *, paper_mm: int = 80, encoding: str = "cp950") -> bytes:
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}")
    columns = COLUMNS[paper_mm]
    cjk = encoding != "ascii"
    p = Dummy()
    p._raw(ESC_INIT)
    if cjk:
        p._raw(CHINESE_ON)

    def line(text: str, *, align: str = "left", bold: bool = False, big: bool = False) -> None:
        p._raw(ALIGN[align] + BOLD[bold] + SIZE[big])
        p._raw(encode(text, encoding) + b"\n")

    for block in doc.blocks:
        if isinstance(block, Text):
            width = columns // 2 if block.big else columns
            for part in wrap(block.text, width, encoding):
                line(part, align=block.align, bold=block.bold, big=block.big)
        elif isinstance(block, Field):
            for part in field_lines(block.label, block.value, columns, encoding):
                line(part)
        elif isinstance(block, Rule):
            line(block.char * columns)
        elif isinstance(block, Blank):
            p._raw(b"\n" * block.lines)
        elif isinstance(block, Signature):
            p._raw(b"\n\n")
            line("_" * (columns * 2 // 3))
            for part in wrap(block.label, columns, encoding):
                line(part)
        elif isinstance(block, (Barcode, QRCode)):
            if cjk:
                p._raw(CHINESE_OFF)
            p._raw(ALIGN["center"] + BOLD[False] + SIZE[False])
            # python-escpos announces its barcode renderer on stdout; keep it off the screen.
            with contextlib.redirect_stdout(io.StringIO()):
                if isinstance(block, Barcode):
                    p.barcode("{B" + block.data, "CODE128", height=64, width=2, pos="BELOW", font="A",
                              function_type="B")
                else:
                    p.qr(block.data, native=True, size=6)
            p._raw(b"\n")
            if cjk:
                p._raw(CHINESE_ON)
    p._raw(ALIGN["left"] + BOLD[False] + SIZE[False])
    if cjk:
        p._raw(CHINESE_OFF)
    if doc.cut:
        p.cut()
    return p.output


def preview(doc: Document, *, paper_mm: int = 80, encoding: str = "cp950") -> list[str]:
    """The document as the paper will show it, for the screen (barcodes drawn as bars)."""
    columns = COLUMNS[paper_mm]
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Text):
            width = columns // 2 if block.big else columns
            for part in wrap(block.text, width, encoding):
                shown = " ".join(part) if block.big and part.isascii() else part
                out.append(pad(shown, columns, encoding, block.align).rstrip())
        elif isinstance(block, Field):
            out += field_lines(block.label, block.value, columns, encoding)
        elif isinstance(block, Rule):
            out.append(block.char * columns)
        elif isinstance(block, Blank):
            out += [""] * block.lines
        elif isinstance(block, Signature):
            out += ["", "", "_" * (columns * 2 // 3)] + wrap(block.label, columns, encoding)
        elif isinstance(block, Barcode):
            # the bars stand in for what the printer draws: one screen column each, whatever
            # the printer's encoding makes of these characters
            out += ["▌║▌▌║▌║║▌▌║▌║▌".center(columns).rstrip(), pad(block.data, columns, encoding, "center").rstrip()]
        elif isinstance(block, QRCode):
            out += ["▛▀▀▜ QR".center(columns).rstrip(), ("▙▄▄▟ " + block.data).center(columns).rstrip()]
    if doc.cut:
        out.append("✂ " + "- " * (columns // 2 - 1))
    return out
