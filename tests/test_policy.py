"""Every rule of the station's policy (seed 000/001/003), with its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import refused

from deskapp.rules.errors import ConfigError, DomainError
from deskapp.rules.policy import CAUSES, PurchaseFacts, policy_from_dict
from deskapp.settings.files import data_path, read_toml
from deskapp.settings.i18n import LOCALES, translator
from deskapp.settings.policy_file import load_policy

POLICY = load_policy()
BOUGHT = dt.date(2025, 11, 24)
SALE = PurchaseFacts(serial="CAM-A10001", purchased_on=BOUGHT, invoice_no="AB-1", product_line="camera")


def check(today, purchase=SALE, serial="CAM-A10001", product_line="camera", **kw):
    return POLICY.check_warranty(serial=serial, product_line=product_line, purchase=purchase, today=today, **kw)


def explain_everywhere(decision):
    """Each decision renders in every locale with no placeholder left unfilled."""
    for locale in LOCALES:
        reasons, phrases = decision.explain(translator(locale))
        assert reasons and all(r and "{" not in r for r in reasons)
        assert all(p and "{" not in p for p in phrases)
    return decision.explain(translator("en"))


# ---- the warranty period: one year, last covered day is the day before the anniversary


def test_warranty_covers_the_day_before_it_ends():
    decision = check(dt.date(2026, 11, 22))
    assert decision.status == "in_warranty" and not decision.chargeable
    assert decision.warranty_ends == dt.date(2026, 11, 23)
    reasons, phrases = explain_everywhere(decision)
    assert "until 2026-11-23" in reasons[0]
    assert any("free of charge" in p for p in phrases)  # the in-warranty phrase
    assert any("pack it well" in p for p in phrases)  # the packing reminder (seed 000)


def test_warranty_covers_its_last_day():
    assert check(dt.date(2026, 11, 23)).status == "in_warranty"


def test_warranty_has_ended_the_day_after():
    decision = check(dt.date(2026, 11, 24))
    assert decision.status == "out_of_warranty" and decision.chargeable
    assert decision.inspection_fee == 800
    reasons, phrases = explain_everywhere(decision)
    assert "ended 2026-11-23" in reasons[0]
    assert "NT$800" in reasons[1] and "audio/video peripheral" in reasons[1]
    assert "NT$800" in phrases[0] and "sign or stamp the quote" in phrases[0]


def test_a_leap_day_purchase_is_covered_to_the_end_of_february():
    """One year from 2024-02-29: 2025-02-29 does not exist, so the period ends on that
    month's last day, 2025-02-28 (not the day before the clamped anniversary)."""
    sale = PurchaseFacts(serial="X-1", purchased_on=dt.date(2024, 2, 29))
    last_day = check(dt.date(2025, 2, 28), purchase=sale)
    assert last_day.status == "in_warranty" and last_day.warranty_ends == dt.date(2025, 2, 28)
    assert "until 2025-02-28" in explain_everywhere(last_day)[0][0]
    assert check(dt.date(2025, 3, 1), purchase=sale).status == "out_of_warranty"


@pytest.mark.parametrize("start,months,ends", [
    ("2024-02-29", 12, "2025-02-28"),  # no 2025-02-29: February's last day
    ("2024-02-28", 12, "2025-02-27"),  # the date exists: the day before it
    ("2023-02-28", 12, "2024-02-27"),  # a leap year ahead: still the day before
    ("2024-02-29", 48, "2028-02-28"),  # four years on, 2028-02-29 exists: the day before
    ("2025-01-31", 12, "2026-01-30"),
    ("2025-12-31", 12, "2026-12-30"),  # across the year
    ("2025-03-31", 12, "2026-03-30"),
])
def test_the_warranty_period_at_month_ends(start, months, ends):
    policy = policy_from_dict({**_raw(), "warranty": {**_raw()["warranty"], "months": months}})
    assert policy.warranty_end(dt.date.fromisoformat(start)) == dt.date.fromisoformat(ends)


@pytest.mark.parametrize("released,months,ends", [
    ("2025-11-30", 3, "2026-02-28"),  # no 2026-02-30: February's last day
    ("2027-11-30", 3, "2028-02-29"),  # a leap February: its last day
    ("2025-11-29", 3, "2026-02-28"),  # no 2026-02-29 either
    ("2025-11-28", 3, "2026-02-27"),  # the date exists: the day before it
    ("2026-01-31", 1, "2026-02-28"),
    ("2026-03-31", 1, "2026-04-30"),  # April has no 31st
    ("2026-01-30", 1, "2026-02-28"),
    ("2026-08-31", 2, "2026-10-30"),  # October 31 exists: the day before
    ("2026-10-31", 2, "2026-12-30"),
    ("2026-12-31", 2, "2027-02-28"),  # across the year into February
])
def test_the_repair_warranty_at_month_ends(released, months, ends):
    day = dt.date.fromisoformat(released)
    assert POLICY.repair_warranty_end(day, months) == dt.date.fromisoformat(ends)
    last = POLICY.rework(released_on=day, repair_warranty_months=months, today=dt.date.fromisoformat(ends),
                         same_fault=True)
    assert last.free and last.repair_warranty_ends == dt.date.fromisoformat(ends)
    after = POLICY.rework(released_on=day, repair_warranty_months=months,
                          today=dt.date.fromisoformat(ends) + dt.timedelta(days=1), same_fault=True)
    assert not after.free


# ---- evidence


def test_no_purchase_record_is_refused_and_sent_to_the_seller():
    decision = check(dt.date(2026, 1, 1), purchase=None)
    assert decision.status == "refused" and decision.refusal == "no_record" and not decision.accepted
    reasons, phrases = explain_everywhere(decision)
    assert "No purchase record" in reasons[0]
    assert "contact the seller" in phrases[0]


@pytest.mark.parametrize("serial,market", [("NB-X14-0099-US", "United States"), ("CAM-1234-JP", "Japan"),
                                           ("GX200-777", "Export (GX series)"), ("gx200-777", "Export (GX series)")])
def test_grey_imports_are_never_accepted_even_with_a_purchase_record(serial, market):
    decision = check(dt.date(2026, 1, 1), serial=serial)
    assert decision.status == "refused" and decision.refusal == "grey_import"
    reasons, phrases = explain_everywhere(decision)
    assert market in reasons[0]
    assert "grey imports" in phrases[0]


def test_a_local_serial_that_merely_contains_a_market_code_is_not_grey():
    assert check(dt.date(2026, 1, 1), serial="US-CAM-1").status == "in_warranty"


# ---- exclusions: consumables and chargeable causes


@pytest.mark.parametrize("part", ["adapter", "cable", "battery", "remote_control", "ear_cushion"])
def test_consumables_are_not_covered_even_in_warranty(part):
    decision = check(dt.date(2026, 1, 1), part=part)
    assert decision.status == "in_warranty" and decision.chargeable
    assert decision.inspection_fee == 0
    reasons, phrases = explain_everywhere(decision)
    assert "consumable" in reasons[1]
    assert "not covered" in phrases[0]


def test_a_part_that_is_not_a_consumable_stays_covered():
    assert not check(dt.date(2026, 1, 1), part="lens").chargeable


@pytest.mark.parametrize("cause", CAUSES)
def test_each_chargeable_cause_makes_the_repair_chargeable(cause):
    decision = check(dt.date(2026, 1, 1), causes=[cause])
    assert decision.status == "in_warranty" and decision.chargeable
    reasons, _ = explain_everywhere(decision)
    assert len(reasons) == 2 and "charged" in reasons[1]


def test_an_unknown_cause_is_an_error_not_a_silent_pass():
    with refused("error.unknown_cause", DomainError):
        check(dt.date(2026, 1, 1), causes=["bad_luck"])


# ---- fees


@pytest.mark.parametrize("line,fee", [("camera", 800), ("speakerphone", 800), ("headset", 800),
                                      ("video_bar", 3000), ("vc_codec", 3000), ("laptop", 800)])
def test_inspection_fee_by_category(line, fee):
    decision = POLICY.inspection_fee(line)
    assert decision.amount == fee
    reasons, _ = explain_everywhere(decision)
    assert f"NT${fee:,}" in reasons[0]


def test_unknown_product_line_is_named_with_the_known_ones():
    with refused("error.unknown_product_line", DomainError) as err:
        POLICY.inspection_fee("toaster")
    assert "toaster" in str(err.value) and "camera" in str(err.value)


def test_onsite_visit_out_of_warranty_costs_6000_for_four_hours():
    decision = POLICY.onsite_visit(in_warranty=False)
    assert decision.amount == 6000
    reasons, phrases = explain_everywhere(decision)
    assert "NT$6,000" in reasons[0] and "4 hours" in reasons[0]
    assert "quoted separately" in phrases[0]


def test_onsite_visit_in_warranty_is_free():
    assert POLICY.onsite_visit(in_warranty=True).amount == 0


# ---- maintenance contracts


def test_contract_level_1_factory_repair_by_customer_service_engineer():
    c = POLICY.contract(1)
    assert (c.turnaround_days, c.loaner, c.onsite_option, c.handled_by) == ((15, 30), False, False,
                                                                          "customer_service_engineer")
    reasons, phrases = explain_everywhere(c)
    assert "15-30 days" in reasons[0] and "customer-service engineer" in reasons[1]
    assert len(reasons) == 2 and len(phrases) == 1  # no loaner, no on-site option
    # A level 1 customer out of warranty still has the visit any customer has, at the same fee.
    visit = POLICY.onsite_visit(in_warranty=False, contract_level=1)
    assert visit.amount == POLICY.onsite_visit(in_warranty=False).amount == 6000


def test_contract_level_2_loaner_and_paid_onsite_option_by_technical_engineer():
    c = POLICY.contract(2)
    assert c.loaner and c.onsite_option and c.onsite_fee == 6000 and c.handled_by == "technical_engineer"
    reasons, phrases = explain_everywhere(c)
    assert "Level 2" in reasons[0] and "technical engineer" in reasons[1]
    assert any("loaner" in r for r in reasons) and any("NT$6,000" in r for r in reasons)
    assert any("NT$6,000" in p and "on site" in p for p in phrases)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_an_onsite_visit_never_costs_more_with_a_contract_than_without(level):
    for in_warranty in (True, False):
        without = POLICY.onsite_visit(in_warranty=in_warranty).amount
        assert POLICY.onsite_visit(in_warranty=in_warranty, contract_level=level).amount <= without
    assert POLICY.onsite_visit(in_warranty=True, contract_level=level).amount == 0
    explain_everywhere(POLICY.onsite_visit(in_warranty=False, contract_level=level))


def test_contract_level_3_custom_by_project_engineer():
    c = POLICY.contract(3)
    assert c.handled_by == "project_engineer" and c.loaner
    reasons, phrases = explain_everywhere(c)
    assert "project engineer" in reasons[1] and "24/7" in phrases[0]
    # Level 3 has the on-site option in policy.toml: its explanation says so.
    assert c.onsite_option and c.onsite_fee == 6000
    assert any("NT$6,000" in r for r in reasons)
    assert any("on site" in p and "NT$6,000" in p for p in phrases)


def test_what_a_contract_level_includes_follows_the_policy_data():
    raw = _raw()
    raw["contracts"]["2"]["onsite_option"] = False
    raw["contracts"]["1"]["onsite_option"] = True
    policy = policy_from_dict(raw)
    _, two = policy.contract(2).explain(translator("en"))
    assert not any("on site" in p for p in two)
    _, one = policy.contract(1).explain(translator("en"))
    assert any("on site" in p for p in one)


def test_unknown_contract_level():
    with refused("error.unknown_contract_level", DomainError):
        POLICY.contract(4)


# ---- repair warranty on the original fault, and rework (seed 003)


def test_repair_warranty_default_and_allowed_months():
    assert POLICY.repair_warranty().months == 3
    for months in (1, 2, 3):
        decision = POLICY.repair_warranty(months)
        assert decision.months == months and decision.scope == "original_fault"
        reasons, phrases = explain_everywhere(decision)
        assert "original fault" in reasons[0]


@pytest.mark.parametrize("months", [4, 6, 12, -1])
def test_repair_warranty_outside_the_allowed_months_is_refused(months):
    with refused("error.repair_warranty_not_allowed", DomainError) as err:
        POLICY.repair_warranty(months)
    assert "1, 2, 3" in str(err.value)


def test_no_repair_warranty_only_with_recorded_consent():
    with refused("error.no_warranty_needs_consent", DomainError):
        POLICY.repair_warranty(0)
    decision = POLICY.repair_warranty(0, consent_recorded=True)
    assert decision.months == 0
    explain_everywhere(decision)


def test_rework_inside_repair_warranty_on_the_original_fault_is_free_within_two_hours():
    released = dt.date(2026, 9, 1)
    decision = POLICY.rework(released_on=released, repair_warranty_months=3, today=dt.date(2026, 11, 30), same_fault=True)
    assert decision.free and decision.handling_target_hours == 2
    assert decision.repair_warranty_ends == dt.date(2026, 11, 30)
    reasons, phrases = explain_everywhere(decision)
    assert "2 hours" in phrases[0]


def test_rework_the_day_after_the_repair_warranty_is_charged():
    decision = POLICY.rework(released_on=dt.date(2026, 9, 1), repair_warranty_months=3, today=dt.date(2026, 12, 1),
                             same_fault=True)
    assert not decision.free
    reasons, _ = explain_everywhere(decision)
    assert "ended 2026-11-30" in reasons[0]


def test_rework_on_another_fault_is_charged():
    decision = POLICY.rework(released_on=dt.date(2026, 9, 1), repair_warranty_months=3, today=dt.date(2026, 9, 2),
                             same_fault=False)
    assert not decision.free
    assert "Not the original fault" in explain_everywhere(decision)[0][0]


def test_a_station_whose_policy_charges_reworks_says_so():
    raw = _raw()
    raw["rework"]["free_within_repair_warranty"] = False
    policy = policy_from_dict(raw)
    decision = policy.rework(released_on=dt.date(2026, 9, 1), repair_warranty_months=3, today=dt.date(2026, 9, 2),
                             same_fault=True)
    assert not decision.free
    reasons, phrases = explain_everywhere(decision)
    assert not any("free" in t.lower() for t in reasons + phrases)
    assert "charges reworks" in reasons[0] and "charged" in phrases[0]
    _, terms = explain_everywhere(policy.repair_warranty(3))
    assert not any("free" in t.lower() for t in terms) and "charged" in terms[0]
    for locale in LOCALES:  # the Chinese wording does not promise a free rework either
        texts = [t for group in decision.explain(translator(locale)) for t in group]
        texts += policy.repair_warranty(3).explain(translator(locale))[1]
        assert not any("免費" in t or "免费" in t for t in texts), texts


def test_rework_after_a_no_warranty_repair_is_charged():
    decision = POLICY.rework(released_on=dt.date(2026, 9, 1), repair_warranty_months=0, today=dt.date(2026, 9, 2),
                             same_fault=True)
    assert not decision.free and decision.repair_warranty_ends is None


def test_timings_from_the_standard():
    assert POLICY.inspection_estimate_minutes == 20
    assert POLICY.reassure_after_minutes == 30


# ---- the policy file is validated with messages that name the key


def _raw():
    return read_toml(data_path("policy.toml"))


@pytest.mark.parametrize("mutate,key", [
    (lambda r: r["warranty"].__setitem__("months", 0), "warranty.months"),
    (lambda r: r["warranty"].__setitem__("months", "twelve"), "warranty.months"),
    (lambda r: r["warranty"].__setitem__("evidence", ["receipt"]), "warranty.evidence"),
    (lambda r: r["fees"]["inspection"].__setitem__("av_peripheral", -800), "fees.inspection.av_peripheral"),
    (lambda r: r["product_lines"]["camera"].__setitem__("fee_category", "gold"), "product_lines.camera.fee_category"),
    (lambda r: r["contracts"]["2"].__setitem__("handled_by", "intern"), "contracts.2.handled_by"),
    (lambda r: r["repair_warranty"].__setitem__("default_months", 6), "repair_warranty.default_months"),
    (lambda r: r["grey_import"]["patterns"].append({"pattern": "*"}), "grey_import.patterns[3].pattern"),
    (lambda r: r["warranty"]["chargeable_causes"].__setitem__("codes", ["bad_luck"]), "warranty.chargeable_causes.codes"),
    (lambda r: r.pop("fees"), "fees"),
])
def test_a_broken_policy_file_is_refused_naming_the_key(mutate, key):
    raw = _raw()
    mutate(raw)
    with pytest.raises(ConfigError) as err:
        policy_from_dict(raw, "policy.toml")
    assert key in str(err.value)
    assert err.value.render(translator("zh_TW")).startswith("policy.toml")


def test_a_station_may_keep_its_own_policy_beside_its_file(tmp_path):
    text = data_path("policy.toml").read_text(encoding="utf-8").replace("av_peripheral = 800", "av_peripheral = 900")
    (tmp_path / "policy.toml").write_text(text, encoding="utf-8")
    assert load_policy(tmp_path).inspection_fee("camera").amount == 900
    (tmp_path / "policy.toml").write_text("warranty = [", encoding="utf-8")
    with refused("config.toml_syntax", ConfigError):
        load_policy(tmp_path)
