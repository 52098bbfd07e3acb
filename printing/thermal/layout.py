"""Column layout for fixed-width printers: a CJK character takes two columns and is
never split; Latin text breaks at spaces when it can.

Widths are measured in the printer's encoding: in Chinese mode every double-byte
character prints two columns wide, a single byte one; a character the encoding cannot
represent prints as '?'.
"""

from __future__ import annotations

from deskapp.printing.text import clean


def char_bytes(ch: str, encoding: str) -> bytes:
    try:
        return ch.encode(encoding)
    except UnicodeEncodeError:
        return b"?"


def char_width(ch: str, encoding: str) -> int:
    if encoding == "ascii":
        return 1
    if ord(ch) < 0x80:
        return 1
    if len(char_bytes(ch, encoding)) == 1:
        return 1
    return 2


def text_width(text: str, encoding: str) -> int:
    return sum(char_width(ch, encoding) for ch in text)




def wrap(text: str, columns: int, encoding: str) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` printer columns."""
    text = clean(text)
    if not text:
        return [""]
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        w = char_width(ch, encoding)
        if used + w > columns:
            cut = line.rfind(" ")
            # Break Latin words at the last space; CJK runs break anywhere between characters.
            if ch != " " and cut > 0 and ord(ch) < 0x80 and all(ord(c) < 0x80 for c in line[cut + 1:]):
                lines.append(line[:cut].rstrip())
                line = line[cut + 1:]
            else:
                lines.append(line.rstrip())
                line = ""
            used = text_width(line, encoding)
            if ch == " " and not line:
                continue
        line += ch
        used += w
    lines.append(line.rstrip())
    return lines


def pad(text: str, columns: int, encoding: str, align: str = "left") -> str:
    gap = max(0, columns - text_width(text, encoding))
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    if align == "right":
        return " " * gap + text
    return text + " " * gap


def field_lines(label: str, value: str, columns: int, encoding: str) -> list[str]:
    """'Label: value' with the value wrapped and continued under itself (or under the label
    when the label is too wide to leave room)."""
    head = clean(label) + ": "
    indent = text_width(head, encoding)
    if indent > columns // 2:
        return wrap(head.rstrip(), columns, encoding) + ["  " + l for l in wrap(value, columns - 2, encoding)]
    body = wrap(value, columns - indent, encoding)
    return [head + body[0]] + [" " * indent + l for l in body[1:]]
