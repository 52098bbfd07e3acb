"""A4 PDFs: rendered for real with reportlab, read back with pypdf."""

from __future__ import annotations

import io

import pytest
from deskapp.printing.pdf import render as a4
from deskapp.printing.pdf.render import (
    Boxes,
    Checks,
    Fields,
    Heading,
    Paragraph,
    Sheet,
    Signatures,
    Spacer,
    Table,
    find_cjk_font,
    render_pdf,
    render_pdf_with_info,
)
from pypdf import PdfReader

STATION = ("好修電腦維修站", "台北市中正區重慶南路一段 122 號", "02-2311-5566", "週一至週六 10:00–19:00",
           "service@haoxiu.example.tw")
COPIES = ("存根聯", "工程師聯", "客戶聯")


def repair_order(**changes) -> Sheet:
    sheet = Sheet(
        title="維修單", number="R2611-00042", station=STATION, copies=COPIES, footer="請妥善保管本單",
        blocks=(
            Heading("客戶資料"),
            Fields((("客戶姓名", "王小明"), ("電話", "0912-345-678"),
                    ("地址", "新北市板橋區文化路二段 300 巷 12 弄 5 號 7 樓之 3，平日晚上聯絡"))),
            Heading("故障描述"),
            Paragraph("開機後螢幕無顯示。\nThe fan spins."),
            Checks((("開機", "不合格"), ("螢幕", "不適用"), ("鍵盤", "合格"))),
            Table(("零件", "數量", "金額"), (("電源供應器", "1", "1,200"),), widths=(0.6, 0.15, 0.25),
                  align=("left", "right", "right")),
            Table(("備註",), ()),
            Spacer(),
            Boxes(("客戶意見", "工程師備註")),
            Signatures(("客戶簽名", "工程師")),
        ))
    return Sheet(**{**sheet.__dict__, **changes})


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_copy_has_its_pages_its_label_and_all_the_data():
    texts = pages(render_pdf(repair_order()))
    assert len(texts) % 3 == 0
    per_copy = len(texts) // 3
    for i, label in enumerate(COPIES):
        for text in texts[i * per_copy:(i + 1) * per_copy]:
            assert label in text
            assert "R2611-00042" in text and "維修單" in text
    everything = "\n".join(texts)
    for expected in ("王小明", "電源供應器", "1,200", "新北市板橋區", "不適用", "客戶意見", "客戶簽名", "日期",
                     "請妥善保管本單", *STATION):
        assert expected in everything
    assert f"1 / {per_copy}" in texts[0]


def test_metadata_and_same_bytes_for_the_same_sheet():
    pdf = render_pdf(repair_order())
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "維修單 R2611-00042"
    assert render_pdf(repair_order()) == pdf


@pytest.mark.parametrize("lang, title, text", [
    ("zh_CN", "维修单", "电源供应器"),
    ("en", "Repair order", "Power supply"),
])
def test_other_languages(lang, title, text):
    sheet = Sheet(title=title, number="R1", lang=lang, station=("Station",), blocks=(
        Table(("Part",), ((text,),)), Signatures(("Customer",))))
    everything = "\n".join(pages(render_pdf(sheet)))
    assert title in everything and text in everything
    assert ("Date" if lang == "en" else "日期") in everything


def font_files(pdf: bytes) -> set[str]:
    """The font-file keys (/FontFile2 = embedded TrueType) of every font on every page."""
    keys = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for d in [font, *(f.get_object() for f in font.get("/DescendantFonts", []))]:
                if "/FontDescriptor" in d:
                    keys |= {k for k in d["/FontDescriptor"].get_object() if k.startswith("/FontFile")}
    return keys


def test_a_truetype_cjk_font_is_embedded():
    found = find_cjk_font()
    if found is None:
        pytest.skip("no TrueType CJK font here; Debian/Ubuntu: apt install fonts-arphic-uming fonts-noto-cjk fonts-wqy-zenhei")
    pdf, info = render_pdf_with_info(repair_order())
    assert info == {"font": found[0], "subfont": found[1], "embedded": True}
    assert "/FontFile2" in font_files(pdf)


def test_uming_subfont_follows_the_language():
    path = "/usr/share/fonts/truetype/arphic/uming.ttc"
    try:
        tw, cn = find_cjk_font(path, "zh_TW"), find_cjk_font(path, "zh_CN")
    except ValueError:
        pytest.skip("fonts-arphic-uming not installed")
    assert a4._load(*tw).face.name.endswith(b"TW") and a4._load(*cn).face.name.endswith(b"CN")
    assert "客戶聯" in pages(render_pdf(repair_order(), font_path=path))[-1]


def test_without_a_truetype_font_the_cid_font_is_used_not_embedded(monkeypatch):
    monkeypatch.setattr(a4, "KNOWN_FONTS", ())
    monkeypatch.delenv(a4.ENV_FONT, raising=False)
    assert find_cjk_font() is None
    pdf, info = render_pdf_with_info(repair_order(copies=("",)))
    assert info == {"font": "MSung-Light", "subfont": None, "embedded": False}
    assert not font_files(pdf)
    assert render_pdf_with_info(repair_order(lang="zh_CN"))[1]["font"] == "STSong-Light"


def test_env_var_names_the_font(monkeypatch, tmp_path):
    monkeypatch.setenv(a4.ENV_FONT, str(tmp_path / "gone.ttf"))
    with pytest.raises(ValueError, match="gone.ttf"):
        find_cjk_font()


def test_hostile_text_is_printed_literally():
    hostile = "<b>x</b> & \x1b[31mred\x07"
    sheet = Sheet(title=hostile, number="R1\x1b", station=(hostile,), footer=hostile, copies=(hostile,), blocks=(
        Heading(hostile), Fields(((hostile, hostile),)), Table((hostile,), ((hostile,),)), Paragraph(hostile),
        Checks(((hostile, hostile),)), Boxes((hostile,)), Signatures((hostile,))))
    text = "\n".join(pages(render_pdf(sheet)))
    assert text.count("<b>x</b> &") >= 10
    assert "\x1b" not in text and "\x07" not in text


def test_a_long_table_flows_over_pages_numbered_per_copy():
    rows = tuple((str(i), f"Part {i} with a description long enough to wrap in its cell, twice over", f"{i}0")
                 for i in range(1, 121))
    sheet = Sheet(title="Parts", number="R9", lang="en", copies=("Station", "Customer"),
                  blocks=(Heading("Parts"), Table(("#", "Part", "Price"), rows, widths=(0.1, 0.7, 0.2))))
    texts = pages(render_pdf(sheet))
    n = len(texts) // 2
    assert len(texts) == 2 * n and n >= 3
    for copy, label in enumerate(("Station", "Customer")):
        for i in range(n):
            assert label in texts[copy * n + i] and f"{i + 1} / {n}" in texts[copy * n + i]
    assert texts[0].index("Part 1 ") < texts[0].index("Part 2 ")  # the rows start on the first page
    assert "Part 120 " in texts[n - 1] and "Part 120 " in texts[-1]


def test_a_missing_or_unusable_preferred_font_is_named(tmp_path):
    with pytest.raises(ValueError, match="/nonexistent.ttf"):
        find_cjk_font(preferred="/nonexistent.ttf")
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    with pytest.raises(ValueError, match="junk.ttf"):
        render_pdf(repair_order(), font_path=str(junk))


def test_opentype_cff_fonts_are_refused():
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if not a4.Path(noto).is_file():
        pytest.skip("fonts-noto-cjk not installed")
    with pytest.raises(ValueError, match="NotoSansCJK-Regular.ttc.*TrueType"):
        find_cjk_font(noto)


def parts_sheet(count: int) -> Sheet:
    rows = tuple((str(i), f"Part {i}", f"{i}0") for i in range(1, count + 1))
    return Sheet(title="Parts", number="R9", lang="en", copies=("Station", "Customer"), blocks=(
        Heading("Parts"), Table(("#", "Part", "Price"), rows, widths=(0.1, 0.7, 0.2)), Spacer(),
        Boxes(("Customer opinion",)), Signatures(("Customer signature", "Station"))))


def test_a_copy_a_little_longer_than_its_page_is_set_smaller_to_stay_on_it(monkeypatch):
    rows_on_a_page = pages(render_pdf(parts_sheet(60)))[0].count("Part ")
    sheet = parts_sheet(rows_on_a_page - 4)  # the rows fit, the opinion box and signatures do not quite
    texts = pages(render_pdf(sheet))
    assert len(texts) == 2  # one page a copy, the signatures on it
    assert all("Customer signature" in t and f"Part {rows_on_a_page - 4}\n" in t and "1 / 1" in t for t in texts)
    monkeypatch.setattr(a4, "MIN_SCALE", 1)  # set at its size, it would not
    assert len(pages(render_pdf(sheet))) == 4


def test_the_signatures_never_stand_alone_on_the_last_page():
    for count in range(60, 75, 2):  # wherever the page ends, the last rows go over with the signatures
        texts = pages(render_pdf(parts_sheet(count)))
        last = texts[len(texts) // 2 - 1]
        assert "Customer signature" in last and f"Part {count}\n" in last, count


def test_a_value_longer_than_a_page_flows_over_pages_when_nothing_bounds_it():
    work = "更換主機板與電源模組,清潔散熱風扇並更新韌體。" * 150 + "END"
    sheet = Sheet(title="維修單", number="R1", copies=("客戶聯",), blocks=(Fields((("維修內容", work),), columns=1),
                                                                        Signatures(("客戶簽名",))))
    texts = pages(render_pdf(sheet))
    assert len(texts) >= 2 and "END" in texts[-1] and "客戶簽名" in texts[-1]


def test_a_value_cut_short_says_so_and_its_rest_is_on_the_attached_page():
    work = "Replaced the main board and the power module, cleaned the fan, updated the firmware. " * 30 + "END"
    sheet = Sheet(title="Repair order", number="R1", lang="en", copies=("Station", "Customer"),
                  continued="… continued on the attached page", attached="Attached page", blocks=(
                      Fields((("Work done", work),), columns=1, max_lines=3), Signatures(("Customer signature",))))
    texts = pages(render_pdf(sheet))
    assert len(texts) == 4
    for first, attached in (texts[:2], texts[2:]):
        assert "continued on the attached page" in first and "Customer signature" in first and "END" not in first
        assert "Attached page" in attached and "END" in attached and "2 / 2" in attached
        head = first.split("Work done")[1].split("…")[0]
        assert 2 <= head.count("Replaced") <= 5  # three lines of it
        assert not head.rstrip().endswith(("Repl", "mai")), "cut at a word's end"
