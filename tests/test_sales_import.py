"""Importing purchase records: validated whole, idempotent, bad rows reported by line."""

from __future__ import annotations

import pytest
from builders import SALES_HEADER

from deskapp.records.purchases import ImportRejected, find_purchase, import_sales_csv
from deskapp.settings.i18n import translator

HEADER = SALES_HEADER + "\n"  # the rows below are raw text on purpose: the importer's own input
GOOD = (
    "CAM-A10001,VisionCam 4K,camera,2026-01-15,ab-12345678,光華數位,黃淑芬,0912-345-678\n"
    "NB-X14-0042,ProBook X14,laptop,2025-07-01,CD-22334455,燦坤 台北店,吳俊傑,\n"
    "SP-300-7788,MeetSpeak 300,speakerphone,2026-03-03,,群星科技,,\n"
)


def write(tmp_path, text, name="sales.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count(station):
    return station.store.query_one("SELECT COUNT(*) AS n FROM purchases")["n"]


def test_import_then_reimport_changes_nothing(station, system, tmp_path):
    path = write(tmp_path, HEADER + GOOD)
    first = import_sales_csv(station, system, path)
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    snapshot = station.store.query("SELECT * FROM purchases ORDER BY id")
    again = import_sales_csv(station, system, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert [tuple(r) for r in station.store.query("SELECT * FROM purchases ORDER BY id")] == [tuple(r) for r in snapshot]
    record = find_purchase(station, serial="CAM-A10001")
    assert record.invoice_no == "AB-12345678" and record.customer_phone == "0912345678"
    assert find_purchase(station, invoice_no="cd-22334455").serial == "NB-X14-0042"


def test_a_byte_order_mark_is_tolerated(station, system, tmp_path):
    path = write(tmp_path, HEADER + GOOD, encoding="utf-8-sig")
    assert import_sales_csv(station, system, path).added == 3


def test_a_corrected_row_updates_its_record(station, system, tmp_path):
    import_sales_csv(station, system, write(tmp_path, HEADER + GOOD))
    fixed = GOOD.replace("VisionCam 4K,camera,2026-01-15", "VisionCam 4K Pro,camera,2026-01-16")
    result = import_sales_csv(station, system, write(tmp_path, HEADER + fixed, "fixed.csv"))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 2)
    assert find_purchase(station, serial="CAM-A10001").model == "VisionCam 4K Pro"


def test_bad_rows_reject_the_whole_file_with_their_line_numbers(station, system, tmp_path):
    bad = HEADER + GOOD + (
        "X,Cam,camera,2026-01-01,I-1,Shop,,\n"  # line 5: serial too short
        "CAM-9,Cam,toaster,2026-01-01,I-2,Shop,,\n"  # line 6: unknown product line
        "CAM-10,Cam,camera,2026-02-30,I-3,Shop,,\n"  # line 7: no such date
        "CAM-11,Cam,camera,01/02/2026,I-4,Shop,,\n"  # line 8: wrong date format
        "CAM-12,Cam,camera,2099-01-01,I-5,Shop,,\n"  # line 9: in the future
        "CAM-13,Cam,camera,2026-01-01,I-6,,,\n"  # line 10: no seller
        "CAM-14,Cam,camera,2026-01-01,I-7,Shop,,12ab\n"  # line 11: bad phone
    )
    with pytest.raises(ImportRejected) as rejected:
        import_sales_csv(station, system, write(tmp_path, bad))
    lines = [(line, err.field) for line, err in rejected.value.problems]
    assert lines == [(5, "serial"), (6, "product_line"), (7, "purchased_on"), (8, "purchased_on"),
                     (9, "purchased_on"), (10, "seller"), (11, "customer_phone")]
    assert count(station) == 0  # nothing half imported
    text = rejected.value.render(translator("en"))
    assert "7 bad row(s)" in text and "line 6, product_line" in text and "toaster" in text
    assert "第 7 行" in rejected.value.render(translator("zh_TW"))


def test_quoted_fields_with_newlines_keep_the_right_line_numbers(station, system, tmp_path):
    text = HEADER + '"CAM-1","Cam\nwith a note",camera,2026-01-01,I-1,Shop,,\nCAM-2,Cam,camera,bad,I-2,Shop,,\n'
    with pytest.raises(ImportRejected) as rejected:
        import_sales_csv(station, system, write(tmp_path, text))
    assert [line for line, _ in rejected.value.problems] == [4]


def test_missing_columns_are_named(station, system, tmp_path):
    with pytest.raises(ImportRejected) as rejected:
        import_sales_csv(station, system, write(tmp_path, "serial,model\nA-1,B\n"))
    assert "product_line" in rejected.value.render(translator("en"))


def test_a_file_that_is_not_utf8_is_rejected_with_advice(station, system, tmp_path):
    path = write(tmp_path, HEADER + "CAM-1,攝影機,camera,2026-01-01,I-1,光華,,\n", encoding="big5")
    with pytest.raises(ImportRejected) as rejected:
        import_sales_csv(station, system, path)
    assert "UTF-8" in rejected.value.render(translator("en"))


def test_the_same_sale_twice_with_different_values_is_a_conflict(station, system, tmp_path):
    text = HEADER + "CAM-1,Cam,camera,2026-01-01,I-1,Shop,,\nCAM-1,Cam,camera,2026-01-02,I-1,Shop,,\n"
    with pytest.raises(ImportRejected) as rejected:
        import_sales_csv(station, system, write(tmp_path, text))
    assert rejected.value.problems[0][0] == 3 and "line 2" in rejected.value.render(translator("en"))


def test_the_brand_column_is_optional_and_fills_the_device_at_pre_inspection(station, system, tmp_path):
    """A seller's export may name the brand: pre-inspection's device of a serial on record
    then has product line, brand and model from the sale; without the column, the brand comes
    from the device's earlier visit, if any; a serial not on record is not guessed at."""
    from deskapp.reception.pre_inspection import known_device

    import_sales_csv(station, system, write(tmp_path, HEADER + GOOD))
    assert find_purchase(station, serial="CAM-A10001").brand == ""
    with_brand = (SALES_HEADER + ",brand\n"
                  + "NB-X14-0888,ProBook X14,laptop,2026-08-01,EE-94949494,燦坤 台北店,,,ProBook\n")
    assert import_sales_csv(station, system, write(tmp_path, with_brand, name="more.csv")).added == 1
    assert known_device(station, "nb-x14-0888") == {
        "serial": "NB-X14-0888", "product_line": "laptop", "brand": "ProBook", "model": "ProBook X14"}
    assert known_device(station, "CAM-A10001")["brand"] == ""  # no brand on record, no earlier visit
    assert known_device(station, "CAM-NOT-SOLD") is None and known_device(station, "x") is None
    again = import_sales_csv(station, system, write(tmp_path, with_brand.replace(",ProBook\n", ",HP\n"), name="m.csv"))
    assert again.updated == 1 and find_purchase(station, serial="NB-X14-0888").brand == "HP"
