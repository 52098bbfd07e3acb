"""The policy as a station applies it: the purchase found by its evidence (serial or invoice)
at intake is the one every later decision uses; a station's own policy.toml is honoured."""

from __future__ import annotations

import pytest
from builders import import_sales
from conftest import refused

from deskapp.bench import diagnosis
from deskapp.orders.creation import IntakeInput, create_order, warranty_for
from deskapp.orders.moves import advance, assign_engineer
from deskapp.records.customers import CustomerInput, create_customer
from deskapp.records.staff import add_staff
from deskapp.settings.files import data_path
from deskapp.station import Actor, Station

SYSTEM = Actor.system(name="test", terminal="T1")
# As seen from the tests' clock (2026-11-24): a camera bought in June 2026 (in warranty),
# a laptop bought in January 2024 (out of warranty); the export carries the serials the seller typed.
SALES = [
    ("CAM-SOLD-1", "VisionCam 4K", "camera", "2026-06-01", "AB-77", "光華數位"),
    ("NB-SOLD-1", "ProBook X14", "laptop", "2026-06-01", "CD-88", "燦坤"),
]


def open_station(directory, clock, policy_edit=None) -> Station:
    if policy_edit is not None:
        text = data_path("policy.toml").read_text(encoding="utf-8")
        old, new = policy_edit
        assert old in text
        (directory / "policy.toml").write_text(text.replace(old, new), encoding="utf-8")
    return Station.open(directory / "station.db", locale="en", clock=clock)


@pytest.fixture
def people():
    def make(station):
        members = {r: add_staff(station, SYSTEM, f"{r}-person", r, "1234") for r in ("reception", "engineer", "manager")}
        customer = create_customer(station, members["reception"].actor("T1"),
                                   CustomerInput(name="王小明", phones=["0912-345-678"]))
        return {r: m.actor("T1") for r, m in members.items()}, {r: m.id for r, m in members.items()}, customer
    return make


def test_the_invoice_finds_the_sale_the_serial_lookup_missed(tmp_path, clock, people):
    """The device's serial is not in the seller's export (it typed another), but the
    customer has the invoice: the invoice is evidence, so the sale on it is found."""
    station = open_station(tmp_path, clock)
    try:
        actors, _, _ = people(station)
        import_sales(station, actors["manager"], tmp_path, SALES)
        decision = warranty_for(station, serial="CAM-HELD-9", product_line="camera", invoice_no="ab-77")
        assert decision.status == "in_warranty" and not decision.chargeable
        # An invoice for another kind of product is no evidence for this one.
        with_laptop_invoice = warranty_for(station, serial="CAM-HELD-9", product_line="camera", invoice_no="CD-88")
        assert with_laptop_invoice.status == "refused" and with_laptop_invoice.refusal == "no_record"
        # Neither evidence: refused, as before.
        assert warranty_for(station, serial="CAM-HELD-9", product_line="camera").refusal == "no_record"
    finally:
        station.close()


def test_an_invoice_only_station_keeps_an_in_warranty_order_free_at_diagnosis(tmp_path, clock, people):
    """evidence = ["invoice"]: the order is taken in on the invoice; the diagnosis re-check
    uses that recorded sale, not a look-up by serial (which this policy does not allow)."""
    station = open_station(tmp_path, clock, ('evidence = ["invoice", "serial"]', 'evidence = ["invoice"]'))
    try:
        assert station.policy.evidence == ("invoice",)
        actors, ids, customer = people(station)
        import_sales(station, actors["manager"], tmp_path, SALES)
        # The serial alone is no evidence here.
        assert warranty_for(station, serial="CAM-SOLD-1", product_line="camera").refusal == "no_record"
        order = create_order(station, actors["reception"], IntakeInput(
            customer_id=customer.id, product_line="camera", serial="CAM-SOLD-1", invoice_no="AB-77",
            fault_reported="no picture"))
        assert order.warranty_status == "in_warranty" and not order.chargeable
        assign_engineer(station, actors["reception"], order.number, ids["engineer"])
        advance(station, actors["engineer"], order.number, "start_diagnosis")
        decision = diagnosis.record_diagnosis(station, actors["engineer"], order.number, "Sensor cable loose")
        assert decision.status == "in_warranty" and not decision.chargeable
        row = station.store.query_one("SELECT chargeable FROM repair_orders WHERE number = ?", (order.number,))
        assert row["chargeable"] == 0
        # A cause found at diagnosis still makes it chargeable, on the same recorded sale.
        charged = diagnosis.record_diagnosis(station, actors["engineer"], order.number, "Corrosion",
                                             causes=("liquid_damage",))
        assert charged.status == "in_warranty" and charged.chargeable
    finally:
        station.close()


def test_the_diagnosis_uses_the_sale_found_by_invoice_at_intake(tmp_path, clock, people):
    """Both kinds of evidence: the order was taken in on the invoice (its serial not in the
    export); at diagnosis the serial still finds nothing, the recorded sale still counts."""
    station = open_station(tmp_path, clock)
    try:
        actors, ids, customer = people(station)
        import_sales(station, actors["manager"], tmp_path, SALES)
        order = create_order(station, actors["reception"], IntakeInput(
            customer_id=customer.id, product_line="camera", serial="CAM-HELD-9", invoice_no="AB-77",
            fault_reported="no picture"))
        assert not order.chargeable
        assign_engineer(station, actors["reception"], order.number, ids["engineer"])
        advance(station, actors["engineer"], order.number, "start_diagnosis")
        assert not diagnosis.record_diagnosis(station, actors["engineer"], order.number, "Loose cable").chargeable
    finally:
        station.close()


def test_a_serial_with_no_record_is_still_refused_on_an_unknown_invoice(tmp_path, clock, people):
    station = open_station(tmp_path, clock)
    try:
        actors, _, customer = people(station)
        import_sales(station, actors["manager"], tmp_path, SALES)
        with refused("reason.no_purchase_record"):
            create_order(station, actors["reception"], IntakeInput(
                customer_id=customer.id, product_line="camera", serial="CAM-HELD-9", invoice_no="ZZ-00",
                fault_reported="no picture"))
    finally:
        station.close()


@pytest.mark.parametrize("free", [True, False])
def test_the_repair_order_states_the_rework_terms_of_the_policy(tmp_path, clock, people, free):
    """The A4 repair order's warranty scope follows ``rework.free_within_repair_warranty`` and
    ``rework.handling_target_hours`` (it said "free, within 2 hours" whatever the policy)."""
    from builders import ready_order

    from deskapp.documents.a4 import repair_order_data

    edit = None if free else ("free_within_repair_warranty = true\nhandling_target_hours = 2",
                              "free_within_repair_warranty = false\nhandling_target_hours = 4")
    station = open_station(tmp_path, clock, edit)
    try:
        actors, ids, customer = people(station)
        import_sales(station, actors["manager"], tmp_path, SALES)
        engineer = Actor(actors["engineer"].name, "T1", ids["engineer"], "engineer")
        n = ready_order(station, actors["reception"], engineer, customer.id, serial="CAM-SOLD-1")
        scope = repair_order_data(station, n)["warranty_scope"]
        if free:
            assert "free" in scope and "2 hours" in scope
        else:
            assert "free" not in scope and "charged" in scope and "4 hours" in scope
    finally:
        station.close()
