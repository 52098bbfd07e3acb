"""The repair order as a station hands it over, in every locale: real orders taken through
the bench and the counter, written by ``write_pdf`` (what the counter's screen and
``deskapp reprint`` call) to a file, read back with pypdf. One page a copy for a normal order,
a long text cut short with its rest on an attached page, charges itemized, and no "in
warranty" on a repair that was charged."""

from __future__ import annotations

import re

import pytest
from builders import collect, import_sales, ready_order
from pypdf import PdfReader

from deskapp.bench.quotes import QuoteLine
from deskapp.documents.a4 import COPIES, repair_order_data, write_pdf
from deskapp.station import Station

LOCALES = ("zh_TW", "zh_CN", "en")
LINES = (QuoteLine("part", "LCD cable", 1, 2500), QuoteLine("labour", "Replace and test", 2, 1000))


@pytest.fixture(params=LOCALES)
def station(request, tmp_path, clock):
    """The station (conftest's, in each of the three locales): ``team`` and ``customer`` build on it."""
    st = Station.open(tmp_path / "station.db", locale=request.param, clock=clock)
    yield st
    st.close()


@pytest.fixture
def collected(station, team, customer, tmp_path):
    """An order repaired, collected and released at the counter; its repair order written to a
    PDF file as the counter writes it. Returns (number, the text of each page)."""
    import_sales(station, team["manager"], tmp_path)

    def make(**order):
        order = {"serial": "NB-OLD-1", "line": "laptop", "fault": "No picture after a fall; the fan is loud",
                 "findings": "LCD cable loose, corrosion near the connector", "cause": "coffee spilled",
                 "quote_lines": LINES, **order}
        n = ready_order(station, team["reception"], team["engineer"], customer.id, **order)
        collect(station, team["pickup"], n, "王小明")
        out = tmp_path / f"{n}.pdf"
        write_pdf(station, team["pickup"], n, "repair-order", out)
        return n, [page.extract_text() for page in PdfReader(out).pages]

    return make


def flat(text: str) -> str:
    """Text without its line breaks and spaces: a cell's words wrap where the cell ends."""
    return re.sub(r"\s+", "", text)


def copies_of(station, pages: list[str]) -> list[list[str]]:
    """The pages of each copy (stub, engineer, customer), told apart by the copy's label."""
    labels = [station.tr.t(f"doc.copy_{c}") for c in COPIES]
    found = [[p for p in pages if label in p] for label in labels]
    assert sum(map(len, found)) == len(pages), "every page carries exactly one copy's label"
    return found


def page_words(station, x: int, y: int) -> str:
    return {"zh_TW": f"第 {x} / {y} 頁", "zh_CN": f"第 {x} / {y} 页"}.get(station.tr.locale, f"Page {x} / {y}")


def test_a_normal_repair_order_is_one_page_per_copy_signatures_included(station, collected):
    t = station.tr.t
    n, pages = collected()
    assert len(pages) == 3
    for (page,) in copies_of(station, pages):
        assert n in page and page_words(station, 1, 1) in page
        for key in ("doc.sign_customer", "doc.sign_engineer", "doc.sign_station", "doc.opinion_service",
                    "doc.section_repair_warranty", "doc.section_charges"):
            assert flat(t(key)) in flat(page), key
        assert flat(t("doc.continued")) not in flat(page)  # nothing cut short


def test_a_2000_character_work_text_is_cut_short_and_continued_on_an_attached_page(station, collected):
    t = station.tr.t
    work = ("更換主機板與電源模組,清潔散熱風扇並更新韌體。" * 90)[:1989] + "最後一段ENDMARK"
    assert len(work) == 2000
    n, pages = collected(work=work)
    assert len(pages) == 6  # 12 before: one page and its attached page, in each of the three copies
    for first, attached in copies_of(station, pages):
        assert page_words(station, 1, 2) in first and page_words(station, 2, 2) in attached
        # the order page: the start of the text in its box, said to be continued, then the rest of the order
        assert flat(t("doc.continued")) in flat(first) and "ENDMARK" not in first
        assert flat(work[:40]) in flat(first)
        assert flat(t("doc.sign_customer")) in flat(first) and flat(t("doc.section_charges")) in flat(first)
        shown = flat(first).count("更換主機板")
        assert 3 <= shown < 40  # bounded: a few lines, not the whole text
        # the attached page: its heading, the work's label and the rest of the text, to its last words
        assert flat(t("doc.attached_title")) in flat(attached) and flat(t("doc.work")) in flat(attached)
        assert flat(work[-30:]) in flat(attached)
        assert shown + flat(attached).count("更換主機板") >= work.count("更換主機板")  # nothing lost between them


def test_long_findings_and_a_long_fault_are_bounded_too(station, collected):
    t = station.tr.t
    findings = ("Corrosion on the board near the LCD connector, two caps swollen. " * 31)[:1990] + " LASTWORDS"
    n, pages = collected(findings=findings, fault=("Screen flickers then goes black when the lid moves. " * 10)[:500])
    assert len(pages) == 6
    for first, attached in copies_of(station, pages):
        assert "LASTWORDS" in attached and "LASTWORDS" not in first
        assert flat(t("doc.findings")) in flat(attached) and flat(t("doc.fault_reported")) in flat(attached)
        assert flat(t("doc.sign_station")) in flat(first)


def test_charges_are_itemized_with_total_paid_and_owed(station, collected):
    t, money = station.tr.t, station.policy.money
    n, pages = collected()
    for (page,) in copies_of(station, pages):
        text = flat(page)
        rows = [(t("charge.inspection_fee"), money(800)),
                (t("doc.quote_line", kind=t("bench.kind_part"), description="LCD cable"), money(2500)),
                (t("doc.quote_line_many", kind=t("bench.kind_labour"), description="Replace and test", quantity=2,
                   unit_price=money(1000)), money(2000)),
                (t("doc.total"), money(5300)), (t("doc.paid"), money(5300)), (t("doc.due"), money(0))]
        at = 0
        for label, amount in rows:  # each line with its amount, in this order
            at = text.index(flat(label), at)
            at = text.index(flat(amount), at)


def test_a_repair_charged_for_liquid_damage_never_reads_in_warranty(station, collected):
    t = station.tr.t
    in_warranty = flat(t("warranty_status.in_warranty"))  # 保固內 / 保修期内 / in warranty
    n, pages = collected(serial="CAM-NEW-1", line="camera", causes=("liquid_damage",))
    # the repair warranty's scope may speak of its own period (zh_CN: 保修期内原故障返修...): not of this one
    scope = flat(repair_order_data(station, n)["warranty_scope"])
    for (page,) in copies_of(station, pages):
        assert scope in flat(page)
        assert in_warranty not in flat(page).replace(scope, "")
        if station.tr.locale != "zh_CN":  # 保固內 and "in warranty" are nowhere on the page
            assert in_warranty not in flat(page)
        assert flat(t("doc.charged_repair_because", causes=t("cause.liquid_damage"))) in flat(page)
    free, pages = collected(serial="CAM-NEW-2", line="camera", findings="Cable loose", cause="", quote_lines=())
    assert all(in_warranty in flat(page) for page in pages)  # a free repair under warranty says so


def test_any_charged_repair_under_warranty_reads_as_charged(station, collected):
    t = station.tr.t
    n, pages = collected(serial="CAM-NEW-1", line="camera", part="adapter", cause="")  # a consumable: not covered
    assert all(flat(t("doc.charged_repair")) in flat(page) for page in pages)
    assert repair_order_data(station, n)["warranty"] == t("doc.charged_repair")
