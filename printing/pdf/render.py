"""A4 documents (repair order, inspection report, ...) as plain data, rendered to PDF.

A :class:`Sheet` is a title, an order number, the station's contact lines and a tuple
of blocks; :func:`render_pdf` renders it once per copy label (stub / engineer /
customer), each copy starting on a new page with its own "page x / y" numbering.

Fonts: the text is set in one TrueType CJK font (wqy-zenhei, AR PL UMing, Microsoft
JhengHei, ...; see :func:`find_cjk_font`) which is *embedded* (subset) in the PDF, so it
prints the same from any viewer or printer, Latin text included. OpenType/CFF fonts
(Noto CJK) cannot be embedded by reportlab and are skipped. Without any TrueType CJK
font the built-in CID fonts MSung-Light / STSong-Light are used: they are *not*
embedded and the viewer substitutes a font of its own (``render_pdf_with_info`` says
which happened).

Takes plain data only: never imports deskapp, Textual or the store.
"""

from __future__ import annotations

import html
import io
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from deskapp.printing.text import clean as sanitise
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import NullActionFlowable
from reportlab.platypus.flowables import _listWrapOn

# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, ``columns`` pairs a row. ``max_lines``: a value longer than
    that many lines is cut there, marked with the sheet's ``continued`` words, and the rest
    printed on a page attached to the copy (0 = no bound). ``attached``: drawn against the
    block above it, without the gap between blocks."""
    pairs: tuple[tuple[str, str], ...]
    columns: int = 2
    max_lines: int = 0
    attached: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # fractions of the frame width; () = equal
    align: tuple[str, ...] = ()  # per column: left | right | center
    totals: tuple[int, ...] = ()  # indexes of the rows (in ``rows``) that are sums: shaded, a rule above


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Checks:
    items: tuple[tuple[str, str], ...]  # (label, mark), the mark text given by the caller


@dataclass(frozen=True)
class Boxes:
    labels: tuple[str, ...]
    height_mm: float = 22


@dataclass(frozen=True)
class Signatures:
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Spacer:
    mm: float = 4


@dataclass(frozen=True)
class Columns:
    """Two lists of blocks side by side (each half the width, less a gap); stacked instead
    when either side would take more than half a page."""
    left: tuple
    right: tuple


@dataclass(frozen=True)
class Sheet:
    title: str
    number: str
    blocks: tuple
    station: tuple[str, ...] = ()  # name first, then address / phone / hours / e-mail
    copies: tuple[str, ...] = ("",)
    footer: str = ""
    lang: str = "zh_TW"
    # a value cut at its Fields' max_lines ends with ``continued`` ("... continued on the
    # attached page"); the rest is printed after the copy's page under the ``attached`` heading
    continued: str = ""
    attached: str = ""


# --------------------------------------------------------------------------- fonts

KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msjh.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/mingliu.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)
ENV_FONT = "DESKAPP_PDF_FONT"
_LOADED: dict[tuple[str, int], TTFont | None] = {}  # (path, subfont) -> font; None = no such subfont
_REGISTERED: set[str] = set()


def _load(path: str, index: int) -> TTFont | None:
    """The TrueType font at path/index, loaded once per process; None past the last subfont."""
    key = (path, index)
    if key not in _LOADED:
        try:
            _LOADED[key] = TTFont(f"DeskCJK-{len(_LOADED)}", path, subfontIndex=index)
        except TTFError as e:
            if index and "subfontIndex" in str(e):
                _LOADED[key] = None
            else:
                raise
    return _LOADED[key]


def _region(lang: str) -> str:
    return lang.split("_")[1].upper() if "_" in lang else "TW"


def _probe(path: str, lang: str, strict: bool) -> tuple[str, int] | None:
    """(path, subfont) if path is an embeddable TrueType font with Chinese glyphs. Subfonts
    named for a region (AR PL UMing CN/HK/TW) are chosen by ``lang``; else subfont 0."""
    if not Path(path).is_file():
        if strict:
            raise ValueError(f"PDF font {path!r} does not exist")
        return None
    try:
        first = _load(path, 0)
    except Exception as e:  # CFF outlines (Noto CJK .otf/.ttc), a broken file, not a font at all
        if strict:
            raise ValueError(f"PDF font {path!r} is not a TrueType font reportlab can embed: {e}") from None
        return None
    index, font = 0, first
    if path.lower().endswith(".ttc"):
        want = _region(lang).encode()
        i = 0
        while (face := _load(path, i)) is not None:
            if face.face.name.upper().endswith(want):
                index, font = i, face
                break
            i += 1
    if not {ord("中"), ord("單")} <= set(font.face.charToGlyph):
        if strict:
            raise ValueError(f"PDF font {path!r} has no Chinese glyphs")
        return None
    return path, index


def find_cjk_font(preferred: str | None = None, lang: str = "zh_TW") -> tuple[str, int] | None:
    """(path, subfont index) of an embeddable TrueType font able to show Chinese, or None.

    ``preferred``, then ``$DESKAPP_PDF_FONT``, then the usual Linux/Windows/macOS files. A
    preferred or configured font that is missing or unusable raises ValueError naming it.
    """
    if preferred is not None:
        return _probe(str(preferred), lang, strict=True)
    if os.environ.get(ENV_FONT):
        return _probe(os.environ[ENV_FONT], lang, strict=True)
    for path in KNOWN_FONTS:
        if found := _probe(path, lang, strict=False):
            return found
    return None


def _font_for(lang: str, font_path: str | None) -> tuple[str, dict]:
    """Register the font for this document; its name and the info dict."""
    found = find_cjk_font(font_path, lang)
    if found is None:
        name = "STSong-Light" if lang == "zh_CN" else "MSung-Light"
        if name not in _REGISTERED:
            pdfmetrics.registerFont(UnicodeCIDFont(name))
            _REGISTERED.add(name)
        return name, {"font": name, "subfont": None, "embedded": False}
    font = _load(*found)
    if font.fontName not in _REGISTERED:
        pdfmetrics.registerFont(font)
        _REGISTERED.add(font.fontName)
    return font.fontName, {"font": found[0], "subfont": found[1], "embedded": True}


# --------------------------------------------------------------------------- text

_WORDS = {"zh_TW": ("日期", "第 {x} / {y} 頁"), "zh_CN": ("日期", "第 {x} / {y} 页"),
          "en": ("Date", "Page {x} / {y}")}


def clean(text, newlines: bool = False) -> str:
    """The station's one sanitiser, with newlines kept (``newlines``) or made spaces."""
    return sanitise(text, multiline=newlines)


def _markup(text, newlines: bool = True) -> str:
    """Text safe to put in a reportlab Paragraph: cleaned, XML-escaped, newlines as <br/>."""
    return html.escape(clean(text, newlines), quote=False).replace("\n", "<br/>")


# --------------------------------------------------------------------------- layout

MARGIN = 15 * mm
PAGE_W, PAGE_H = A4
FRAME_W = PAGE_W - 2 * MARGIN
FOOTER_H = 8 * mm
GRID = colors.HexColor("#888888")
SHADE = colors.HexColor("#e8e8e8")
GREY = colors.HexColor("#555555")
_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


class _Styles:
    def __init__(self, font: str, lang: str) -> None:
        wrap = None if lang == "en" else "CJK"

        def style(name, size, **kw):
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35, wordWrap=wrap, **kw)

        self.font = font
        self.body = style("body", 9)
        self.label = style("label", 7.5, textColor=GREY)
        self.heading = style("heading", 9.5, backColor=SHADE, borderPadding=(1, 3, 1.5, 3), leftIndent=3,
                             rightIndent=3, spaceBefore=1, spaceAfter=3)
        self.station_name = style("station_name", 13)
        self.station_line = style("station_line", 8, textColor=GREY)
        self.cells = {a: style(f"cell_{a}", 8.5, alignment=v) for a, v in _ALIGN.items()}
        self.head_cells = {a: style(f"head_{a}", 8.5, alignment=v) for a, v in _ALIGN.items()}


def _p(text, style) -> RLParagraph:
    return RLParagraph(_markup(text), style)


def _table_style(*extra) -> TableStyle:
    return TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), 2), *extra])


class _Context:
    """What laying out one copy needs besides the blocks: the styles, the language, the
    width (the frame's, or a column's), and where cut values leave their rest."""

    def __init__(self, st: _Styles, lang: str, continued: str = "", frame_h: float = PAGE_H) -> None:
        self.st, self.lang, self.continued, self.frame_h = st, lang, clean(continued), frame_h
        self.width = FRAME_W
        self.rest: list[tuple[str, str]] = []  # (label, what did not fit), in the order met

    def narrower(self, width: float) -> _Context:
        other = _Context(self.st, self.lang, self.continued, self.frame_h)
        other.width, other.rest = width, self.rest
        return other


_CELL_PAD = 8  # LEFTPADDING + RIGHTPADDING of _table_style


_CUTS: dict[tuple, int | None] = {}  # where a value is cut (None: it fits), the same in every copy


def _bounded(text: str, label: str, width: float, lines: int, ctx: _Context):
    """The value's paragraph, cut to ``lines`` lines in ``width`` with the continued words at the
    end; the rest is kept in ``ctx.rest`` for the attached page."""
    style = ctx.st.body
    text = clean(text, newlines=True).strip()
    if not lines or not ctx.continued:
        return _p(text, style)
    tail = f' <font color="#555555">{html.escape(ctx.continued, quote=False)}</font>'

    def shown(k: int) -> RLParagraph:
        return RLParagraph(_markup(text[:k].rstrip()) + tail, style)

    key = (text, width, lines, ctx.continued, style.fontName, style.fontSize, ctx.lang)
    if key not in _CUTS:
        if len(_CUTS) > 512:
            _CUTS.clear()
        _CUTS[key] = _cut(text, width, lines * style.leading + 1, style, shown, ctx.lang)
    cut = _CUTS[key]
    if cut is None:
        return _p(text, style)
    ctx.rest.append((label, text[cut:].strip()))
    return shown(cut)


def _cut(text: str, width: float, room: float, style, shown, lang: str) -> int | None:
    """The longest head of ``text`` that fits ``room`` with the continued words (None: all of it
    fits without them); in English at a word's end."""
    # no glyph is narrower than a fifth of the font size: past that many characters nothing fits
    most = int(room / style.leading * width / (0.2 * style.fontSize)) + 1
    if len(text) <= most and _p(text, style).wrap(width, PAGE_H)[1] <= room:
        return None
    lo, hi = 0, min(len(text), most)  # the longest head that still fits: lo fits, hi does not
    if shown(hi).wrap(width, PAGE_H)[1] <= room:
        hi = len(text)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if shown(mid).wrap(width, PAGE_H)[1] <= room else (lo, mid)
    cut = lo
    if lang == "en" or text[:cut].isascii():  # end on a word, not inside one
        space = max(text.rfind(" ", 0, cut + 1), text.rfind("\n", 0, cut + 1))
        if space > cut - 25:
            cut = max(space, 1)
    return cut


def _fields(block: Fields, ctx: _Context) -> list:
    """Label and value side by side (the label in a shaded cell), ``columns`` pairs a row:
    one line a field instead of two keeps a repair order on one page."""
    st, width = ctx.st, ctx.width
    cols = max(1, block.columns)
    # one pair a row across the page: its label as wide as two pairs' (the values line up)
    label_w = width / cols * 0.3 if cols > 1 else (FRAME_W * 0.15 if width >= FRAME_W else width * 0.34)
    value_w = width / cols - label_w
    cells = [[_p(label, st.label), _bounded(value, label, value_w - _CELL_PAD, block.max_lines, ctx)]
             for label, value in block.pairs]
    cells += [["", ""]] * (-len(cells) % cols)
    rows = [[c for pair in cells[i:i + cols] for c in pair] for i in range(0, len(cells), cols)] or [[""] * 2 * cols]
    widths = [label_w, value_w] * cols
    shade = [("BACKGROUND", (2 * i, 0), (2 * i, -1), SHADE) for i in range(cols)]
    # splitInRow: a field as long as a page (a 2,000-character repair record) flows on
    # instead of failing the whole document with a LayoutError
    return [RLTable(rows, colWidths=widths, splitInRow=1,
                    style=_table_style(("GRID", (0, 0), (-1, -1), 0.5, GRID), *shade))]


def _table(block: Table, ctx: _Context, header: bool = True) -> list:
    """The table; without ``header``, its rows only (the end of a table cut in two)."""
    st = ctx.st
    n = len(block.headers)
    widths = block.widths or (1,) * n
    if len(widths) != n:
        raise ValueError(f"Table has {n} headers but {len(widths)} widths")
    align = tuple(block.align) + ("left",) * (n - len(block.align))
    rows = [tuple(r) + ("",) * (n - len(r)) for r in block.rows] or [("",) * n]
    if any(len(r) != n for r in rows):
        raise ValueError(f"Table row longer than its {n} headers")
    data = [[_p(h, st.head_cells[align[i]]) for i, h in enumerate(block.headers)]] if header else []
    data += [[_p(c, st.cells[align[i]]) for i, c in enumerate(r)] for r in rows]
    total = sum(widths)
    top = 1 if header else 0
    sums = [cmd for i in block.totals if 0 <= i < len(rows)
            for cmd in (("BACKGROUND", (0, i + top), (-1, i + top), SHADE),
                        ("LINEABOVE", (0, i + top), (-1, i + top), 1, colors.black))]
    head = [("BACKGROUND", (0, 0), (-1, 0), SHADE)] if header else []
    return [RLTable(data, colWidths=[ctx.width * w / total for w in widths], repeatRows=top, splitInRow=1,
                    style=_table_style(("GRID", (0, 0), (-1, -1), 0.5, GRID), *head, *sums))]


def _checks(block: Checks, ctx: _Context) -> list:
    st = ctx.st
    if not block.items:
        return []
    half = (len(block.items) + 1) // 2
    left, right = block.items[:half], block.items[half:]
    rows = []
    for i, (label, mark) in enumerate(left):
        row = [_p(label, st.body), _p(mark, st.cells["center"])]
        row += [_p(right[i][0], st.body), _p(right[i][1], st.cells["center"])] if i < len(right) else ["", ""]
        rows.append(row)
    w = ctx.width / 2
    style = _table_style(("BOX", (0, 0), (1, -1), 0.5, GRID), ("INNERGRID", (0, 0), (1, -1), 0.5, GRID))
    if right:
        style.add("BOX", (2, 0), (3, len(right) - 1), 0.5, GRID)
        style.add("INNERGRID", (2, 0), (3, len(right) - 1), 0.5, GRID)
    return [RLTable(rows, colWidths=[w * 0.68, w * 0.32] * 2, style=style)]


def _boxes(block: Boxes, ctx: _Context) -> list:
    st = ctx.st
    out, gap, per_row = [], 4 * mm, 3
    for start in range(0, len(block.labels), per_row):
        labels = block.labels[start:start + per_row]
        n = len(labels)
        box_w = (ctx.width - gap * (n - 1)) / n
        row, widths, style = [], [], _table_style()
        for i, label in enumerate(labels):
            if i:
                row.append("")
                widths.append(gap)
            row.append(_p(label, st.label))
            widths.append(box_w)
            style.add("BOX", (2 * i, 0), (2 * i, 0), 0.8, colors.black)
        out += [RLSpacer(1, 3 * mm)] if out else []
        out.append(RLTable([row], colWidths=widths, rowHeights=[block.height_mm * mm], style=style))
    return out


def _signatures(block: Signatures, ctx: _Context) -> list:
    st, width = ctx.st, ctx.width
    if not block.labels:
        return []
    date = _WORDS.get(ctx.lang, _WORDS["en"])[0]
    n, gap = len(block.labels), 8 * mm
    each = min((width - gap * (n - 1)) / n, (width - gap) / 2)
    row, widths, style = [], [], _table_style(("TOPPADDING", (0, 0), (-1, -1), 1))
    for i, label in enumerate(block.labels):
        if i:
            row.append("")
            widths.append(gap)
        c = len(row)
        row += [_p(label, st.label), _p(date, st.label)]
        widths += [each * 0.62, each * 0.38]
        style.add("LINEABOVE", (c, 1), (c, 1), 0.8, colors.black)
        style.add("LINEABOVE", (c + 1, 1), (c + 1, 1), 0.8, colors.black)
        style.add("LEFTPADDING", (c + 1, 0), (c + 1, -1), 3 * mm)
    blank = [""] * len(row)
    return [KeepTogether(RLTable([blank, row], colWidths=widths, rowHeights=[11 * mm, None], style=style,
                                 hAlign="LEFT"))]


_GAP = 2 * mm  # between blocks
_COLUMN_GAP = 5 * mm


def _columns(block: Columns, ctx: _Context) -> tuple[list, int]:
    """Both sides in one table row; stacked when a side is taller than half the frame (a
    long list of charges must still flow over pages). With where the right side starts."""
    w = (ctx.width - _COLUMN_GAP) / 2
    rest_before = len(ctx.rest)
    left = _flowables(block.left, ctx.narrower(w), in_column=True)
    right = _flowables(block.right, ctx.narrower(w), in_column=True)
    tall = max(sum(f.wrap(w, PAGE_H)[1] for f in side) for side in (left, right))
    if tall > ctx.frame_h / 2:
        del ctx.rest[rest_before:]  # laid out again at full width: cut again there
        left = _flowables(block.left, ctx) + [RLSpacer(1, _GAP)]
        return left + _flowables(block.right, ctx), len(left)
    padding = [(f"{side}PADDING", (0, 0), (-1, -1), 0) for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")]
    return [RLTable([[left, "", right]], colWidths=[w, _COLUMN_GAP, w], style=TableStyle(
        [("VALIGN", (0, 0), (-1, -1), "TOP"), *padding]))], 0


KEPT_ROWS = 2  # the last rows of a table that go over to the next page with the signatures


def _closing_group(blocks) -> int | None:
    """Where the blocks kept with closing signatures start: the boxes and terms before them
    and the block before those; None without closing signatures."""
    if not blocks or not isinstance(blocks[-1], Signatures):
        return None
    i = len(blocks) - 2
    while i >= 0 and isinstance(blocks[i], (Spacer, Boxes, Paragraph)):
        i -= 1
    if i >= 1 and not isinstance(blocks[i], Table) and isinstance(blocks[i - 1], Heading):
        i -= 1  # with its heading (a table's last rows go without theirs)
    return max(i, 0)


def _flowables(blocks, ctx: _Context, in_column: bool = False) -> list:
    """The blocks' flowables. The closing signatures never stand alone on a page: they are
    kept together with the boxes and terms before them and the block before those, or the
    last rows of a table before those."""
    st = ctx.st
    blocks = tuple(blocks)
    closing = None if in_column else _closing_group(blocks)
    kept_from = None  # where the flowables kept together start
    out: list = []
    for index, b in enumerate(blocks):
        if isinstance(b, Fields) and b.attached:
            while out and isinstance(out[-1], RLSpacer):
                out.pop()
        if index == closing:
            kept_from = len(out)
        if isinstance(b, Heading):
            # kept with what follows it (keepWithNext would push a long table to the next page)
            out += [] if in_column else [CondPageBreak(30 * mm)]
            out.append(RLParagraph(_markup(b.text, newlines=False), st.heading))
        elif isinstance(b, Fields):
            out += _fields(b, ctx)
        elif isinstance(b, Table) and index == closing and len(b.rows) > KEPT_ROWS:
            cut = len(b.rows) - KEPT_ROWS
            out += _table(replace(b, rows=b.rows[:cut], totals=tuple(i for i in b.totals if i < cut)), ctx)
            kept_from = len(out)
            out += _table(replace(b, rows=b.rows[cut:], totals=tuple(i - cut for i in b.totals if i >= cut)), ctx,
                          header=False)
        elif isinstance(b, Table):
            out += _table(b, ctx)
        elif isinstance(b, Paragraph):
            out.append(_p(b.text, st.body))
        elif isinstance(b, Checks):
            out += _checks(b, ctx)
        elif isinstance(b, Boxes):
            out += _boxes(b, ctx)
        elif isinstance(b, Signatures):
            out += _signatures(b, ctx)
        elif isinstance(b, Columns):
            columns, right = _columns(b, ctx)
            if index == closing:  # stacked: the right side goes with the signatures, the left flows
                kept_from = len(out) + right
            out += columns
        elif isinstance(b, Spacer):
            out.append(RLSpacer(1, b.mm * mm))
        else:
            raise TypeError(f"not an A4 block: {b!r}")
        if not isinstance(b, (Spacer, Heading)):
            out.append(RLSpacer(1, _GAP))
    while out and isinstance(out[-1], RLSpacer):  # a trailing gap must not spill onto a blank page
        out.pop()
    if kept_from is not None and kept_from < len(out):
        out[kept_from:] = [KeepTogether(out[kept_from:])]
    return out


MIN_SCALE = 0.85  # a copy a little longer than its page is set this much smaller, at most, to stay on it


class _OnePage(KeepInFrame):
    """A copy's blocks as one page: as laid out when they fit, scaled down (to MIN_SCALE at
    most) when they do not quite, so that the signatures stay with the order; longer than
    that, they flow over pages as they are (``flowing``, with its page breaks)."""

    def __init__(self, content: list, flowing: list, height: float) -> None:
        super().__init__(FRAME_W, height, content, mode="shrink", hAlign="CENTER")
        self._flowing, self._flows = flowing, False

    def wrap(self, avail_w, avail_h):
        w, h = _listWrapOn(self._content, min(self.maxWidth, avail_w), self.canv)
        self._flows = h > min(self.maxHeight, avail_h) / MIN_SCALE
        return (w, h) if self._flows else super().wrap(avail_w, avail_h)

    def split(self, avail_w, avail_h):
        # led by an action, the pieces go back on the story one by one, each split as it needs
        return [NullActionFlowable(), *self._flowing] if self._flows else []


def _on_one_page(flowing: list) -> list:
    """The flowables as one page holds them: no page breaks, nothing to keep together (a
    KeepTogether measures as infinitely tall, to make its frame split it)."""
    out = []
    for f in flowing:
        if isinstance(f, KeepTogether):
            out += _on_one_page(f._content)
        elif not isinstance(f, CondPageBreak):
            out.append(f)
    return out


def _copy_story(sheet: Sheet, st: _Styles, frame_h: float) -> list:
    """One copy: its blocks on a page, and the attached page with the rest of every value cut short."""
    ctx = _Context(st, sheet.lang, sheet.continued, frame_h)
    flowing = _flowables(sheet.blocks, ctx)
    story = [_OnePage(_on_one_page(flowing), flowing, frame_h)]
    if ctx.rest:
        story += [PageBreak()] + _flowables(
            (Heading(sheet.attached),) + tuple(Fields(((label, f"…{rest}"),), columns=1) for label, rest in ctx.rest),
            ctx)
    return story


class _Header:
    """The page header: station contact block (left), number, barcode and copy label
    (right), the title under both; measured once so the frame can start below it."""

    def __init__(self, sheet: Sheet, st: _Styles) -> None:
        self.st = st
        self.number = clean(sheet.number)
        self.title = clean(sheet.title)
        lines = [clean(s) for s in sheet.station if clean(s).strip()]
        self.station = [_p(s, st.station_name if i == 0 else st.station_line) for i, s in enumerate(lines)]
        left_h = sum(p.wrap(FRAME_W * 0.58, PAGE_H)[1] for p in self.station)
        self.barcode = None
        if self.number and self.number.isascii() and self.number.isprintable():
            self.barcode = Code128(self.number, barHeight=9 * mm, barWidth=0.3 * mm, humanReadable=0, quiet=0)
            if self.barcode.width > 62 * mm:
                self.barcode = Code128(self.number, barHeight=9 * mm, humanReadable=0, quiet=0,
                                       barWidth=0.3 * mm * 62 * mm / self.barcode.width)
        right_h = (10.5 * mm if self.barcode else 0) + 14
        self.band = max(left_h, right_h)
        self.height = self.band + 2 * mm + 9 * mm + 3 * mm + 3 * mm

    def draw(self, canv: Canvas, label: str) -> None:
        font, top, right = self.st.font, PAGE_H - MARGIN, PAGE_W - MARGIN
        y = top
        for p in self.station:
            h = p.wrap(FRAME_W * 0.58, PAGE_H)[1]
            p.drawOn(canv, MARGIN, y - h)
            y -= h
        y = top
        if self.barcode:
            self.barcode.drawOn(canv, right - self.barcode.width, y - 9 * mm)
            y -= 10.5 * mm
        canv.setFont(font, 11)
        canv.drawRightString(right, y - 10, self.number)
        # the title row: title centred, the copy label boxed at the right
        row = top - self.band - 2 * mm - 9 * mm
        label = clean(label).strip()
        label_w = pdfmetrics.stringWidth(label, font, 13) + 6 * mm if label else 0
        if label:
            canv.setLineWidth(1.4)
            canv.rect(right - label_w, row, label_w, 9 * mm)
            canv.setFont(font, 13)
            canv.drawCentredString(right - label_w / 2, row + 2.6 * mm, label)
        room = FRAME_W - 2 * label_w - 4 * mm
        size = 17
        while size > 9 and pdfmetrics.stringWidth(self.title, font, size) > room:
            size -= 1
        canv.setFont(font, size)
        canv.drawCentredString(PAGE_W / 2, row + 4.5 * mm - size * 0.36, self.title)
        canv.setLineWidth(0.8)
        canv.line(MARGIN, row - 3 * mm, right, row - 3 * mm)


def _numbered_canvas(footer: str, font: str, lang: str):
    """A canvas that holds its pages until the end, then writes "page x / y" on each,
    counting pages per copy (the copy index is left on the canvas by the page header)."""
    words = _WORDS.get(lang, _WORDS["en"])[1]

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            totals = Counter(state.get("_copy", 0) for state in self._held)
            seen: Counter = Counter()
            for state in self._held:
                self.__dict__.update(state)
                copy = state.get("_copy", 0)
                seen[copy] += 1
                self.setStrokeColor(GRID)
                self.setLineWidth(0.5)
                self.line(MARGIN, MARGIN + 4 * mm, PAGE_W - MARGIN, MARGIN + 4 * mm)
                self.setFillColor(GREY)
                self.setFont(font, 7.5)
                self.drawString(MARGIN, MARGIN + 0.5 * mm, footer)
                self.drawRightString(PAGE_W - MARGIN, MARGIN + 0.5 * mm,
                                     words.format(x=seen[copy], y=totals[copy]))
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf_with_info(sheet: Sheet, font_path: str | None = None) -> tuple[bytes, dict]:
    """The sheet as PDF bytes, and {"font": path or CID font name, "subfont": index or None,
    "embedded": bool}."""
    font, info = _font_for(sheet.lang, font_path)
    st = _Styles(font, sheet.lang)
    header = _Header(sheet, st)
    copies = tuple(sheet.copies) or ("",)
    frame_y = MARGIN + FOOTER_H
    frame_h = PAGE_H - MARGIN - header.height - frame_y
    buf = io.BytesIO()
    title = clean(f"{sheet.title} {sheet.number}").strip()
    author = clean(sheet.station[0]) if sheet.station else "deskapp"
    doc = BaseDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, title=title, author=author, creator="deskapp",
                          subject=title, invariant=1)

    def on_page(index: int, label: str):
        def draw(canv: Canvas, _doc) -> None:
            canv._copy = index
            canv.saveState()
            header.draw(canv, label)
            canv.restoreState()
        return draw

    doc.addPageTemplates([PageTemplate(id=f"copy{i}", onPage=on_page(i, label),
                                       frames=[Frame(MARGIN, frame_y, FRAME_W, frame_h, id=f"body{i}",
                                                     leftPadding=0, rightPadding=0, topPadding=0,
                                                     bottomPadding=0)])
                          for i, label in enumerate(copies)])
    story: list = []
    for i in range(len(copies)):
        if i:
            story += [NextPageTemplate(f"copy{i}"), PageBreak()]
        story += _copy_story(sheet, st, frame_h)
    doc.build(story, canvasmaker=_numbered_canvas(clean(sheet.footer), font, sheet.lang))
    return buf.getvalue(), info


def render_pdf(sheet: Sheet, *, font_path: str | None = None) -> bytes:
    """The sheet as PDF bytes (see :func:`render_pdf_with_info` for which font was used)."""
    return render_pdf_with_info(sheet, font_path)[0]
