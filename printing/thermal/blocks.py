"""A printable document: a title and a list of blocks, nothing printer-specific."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    big: bool = False  # double width and height


@dataclass(frozen=True)
class Field:
    """``label: value``; a long value wraps under itself."""

    label: str
    value: str


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Barcode:
    data: str  # CODE128, printed with its text below


@dataclass(frozen=True)
class QRCode:
    data: str


@dataclass(frozen=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True)
class Signature:
    """A line to sign on, with its caption."""

    label: str


Block = Text | Field | Rule | Barcode | QRCode | Blank | Signature


@dataclass(frozen=True)
class Document:
    name: str  # queue_ticket | voucher | tag | ...
    blocks: tuple = field(default_factory=tuple)
    cut: bool = True
