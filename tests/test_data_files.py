"""Every data file is loaded and validated when deskapp starts (the app and every command):
types and ranges, keys nobody reads (typos), placeholders a station's own wording uses; a
broken file stops the start with the file and the key named, one line, no traceback."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import refused, run_python

from deskapp.rules.errors import ConfigError
from deskapp.rules.policy import policy_from_dict
from deskapp.settings.checklists import validate_checklists
from deskapp.settings.data_files import load_station_data
from deskapp.settings.files import data_path, read_toml
from deskapp.settings.i18n import LOCALES, load_catalog, translator
from deskapp.station import Station


def policy_raw():
    return read_toml(data_path("policy.toml"))


def policy_text(old: str, new: str) -> str:
    text = data_path("policy.toml").read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new)


# --------------------------------------------------------------------------- the policy's ranges


@pytest.mark.parametrize("section,key,value", [
    ("pickup", "wrong_voucher_codes_allowed", 0),  # every pickup would need a manager
    ("pickup", "wrong_voucher_codes_allowed", -1),
    ("pickup", "holder_check_valid_minutes", -5),  # every release would be blocked
    ("pickup", "holder_check_valid_minutes", 0),
    ("timing", "quote_valid_days", -1),  # every quote expired before it is sent
    ("timing", "quote_valid_days", 0),
    ("timing", "inspection_estimate_minutes", 0),
    ("timing", "reassure_after_minutes", -30),
    ("timing", "at_risk_minutes", -1),
    ("timing", "complaint_answer_hours", 0),
    ("rework", "handling_target_hours", 0),
    ("fees", "onsite_visit", -6000),
    ("fees", "onsite_visit", 999_999_999_999),  # a few zeros too many
    ("fees", "onsite_visit_hours", 0),
    ("repair_warranty", "default_months", 0),
])
def test_a_value_out_of_its_range_is_refused_naming_the_key(section, key, value):
    raw = policy_raw()
    raw[section][key] = value
    with refused("config.invalid_value", ConfigError) as err:
        policy_from_dict(raw, "policy.toml")
    assert err.value.params["key"] == f"{section}.{key}"
    assert "between" in err.value.params["problem"] or "one of" in err.value.params["problem"]


@pytest.mark.parametrize("mutate,key", [
    (lambda r: r["repair_warranty"].__setitem__("allowed_months", [True, 2, 3]), "repair_warranty.allowed_months"),
    (lambda r: r["repair_warranty"].__setitem__("allowed_months", [1, 1, 3]), "repair_warranty.allowed_months"),
    (lambda r: r["repair_warranty"].__setitem__("allowed_months", [1, 2, 36]), "repair_warranty.allowed_months"),
    (lambda r: r["fees"]["inspection"].__setitem__("av_peripheral", 10 ** 12), "fees.inspection.av_peripheral"),
    (lambda r: r["fees"]["inspection"].__setitem__("av_peripheral", True), "fees.inspection.av_peripheral"),
    (lambda r: r["contracts"]["1"].__setitem__("turnaround_days_min", -15), "contracts.1.turnaround_days_min"),
    (lambda r: r["contracts"]["1"].__setitem__("turnaround_days_max", 10 ** 6), "contracts.1.turnaround_days_max"),
    (lambda r: r["product_lines"]["camera"].__setitem__("completion_days", 0), "product_lines.camera.completion_days"),
    (lambda r: r.__setitem__("currency", "NT"), "currency"),
    (lambda r: r.__setitem__("currency_symbol", ""), "currency_symbol"),
    # A mistyped key would be silently ignored and its default used: refused by name.
    (lambda r: r["pickup"].__setitem__("wrong_voucher_code_allowed", 3), "pickup.wrong_voucher_code_allowed"),
    (lambda r: r["contracts"]["2"].__setitem__("loaners", True), "contracts.2.loaners"),
    (lambda r: r.__setitem__("timings", {}), "timings"),
    # A table where a table is expected, or not: a named refusal, never an AttributeError.
    (lambda r: r["warranty"].__setitem__("exclusions", ["adapter"]), "warranty.exclusions[0]"),
    (lambda r: r["grey_import"].__setitem__("patterns", ["*-US"]), "grey_import.patterns[0]"),
    (lambda r: r["contracts"].__setitem__("2", True), "contracts.2"),
    (lambda r: r["product_lines"].__setitem__("camera", 3), "product_lines.camera"),
    (lambda r: r.__setitem__("pickup", 5), "pickup"),
])
def test_a_broken_policy_is_refused_naming_the_key(mutate, key):
    raw = policy_raw()
    mutate(raw)
    with pytest.raises(ConfigError) as err:
        policy_from_dict(raw, "policy.toml")
    assert err.value.params["key"] == key, err.value
    for locale in LOCALES:
        text = err.value.render(translator(locale))
        assert text.startswith("policy.toml") and key in text


def test_the_bundled_data_files_are_valid():
    data = load_station_data(None, "en")
    assert data.policy.wrong_voucher_codes_allowed == 5 and data.config.timezone == "Asia/Taipei"


# --------------------------------------------------------------------------- checklists and catalogs


def test_a_checklist_is_checked_against_the_policy_and_every_catalog():
    raw = read_toml(data_path("checklists.toml"))
    lines = tuple(policy_raw()["product_lines"])
    catalogs = {loc: load_catalog(loc) for loc in LOCALES}
    where = str(data_path("checklists.toml"))
    validate_checklists(raw, where, lines, catalogs)  # the bundled one is fine

    def broken(edit, key):
        copy = read_toml(data_path("checklists.toml"))
        edit(copy)
        with refused("config.invalid_value", ConfigError) as err:
            validate_checklists(copy, where, lines, catalogs)
        assert err.value.params["key"] == key and err.value.params["path"] == where
        return err.value.params["problem"]

    assert "product line" in broken(lambda r: r["accessories"].__setitem__("toaster", ["usb_cable"]),
                                    "accessories.toaster")
    assert "no label" in broken(lambda r: r["accessories"]["camera"].append("flux_capacitor"), "accessories.camera")
    assert "no label" in broken(lambda r: r["verification"]["common"].append("smells_fine"), "verification.common")
    broken(lambda r: r["appearance"].__setitem__("items", "scratches"), "appearance.items")
    broken(lambda r: r["verification"].__setitem__("laptop", [1, 2]), "verification.laptop")
    broken(lambda r: r.__setitem__("accesories", {}), "accesories")


def write_overlay(directory, sub, locale, text):
    (directory / sub).mkdir(exist_ok=True)
    (directory / sub / f"{locale}.toml").write_text(text, encoding="utf-8")


def test_a_stations_own_wording_may_use_only_the_placeholders_given(tmp_path):
    write_overlay(tmp_path, "phrases", "zh_TW", '[notify]\nrepaired = "{customer_name} 您好,您的設備已修好。"\n')
    with refused("config.invalid_value", ConfigError) as err:
        load_station_data(tmp_path, "zh_TW")
    assert err.value.params["path"] == str(tmp_path / "phrases" / "zh_TW.toml")
    assert err.value.params["key"] == "notify.repaired" and "{customer_name}" in err.value.params["problem"]
    write_overlay(tmp_path, "phrases", "zh_TW", '[notify]\nrepaired = "{customer} 您好,您的設備已修好。"\n')
    assert load_station_data(tmp_path, "zh_TW").config.locale == "zh_TW"


def test_a_stations_own_wording_with_a_mistyped_key_or_a_stray_brace_is_refused(tmp_path):
    write_overlay(tmp_path, "locales", "en", '[signin]\ntitel = "Welcome"\n')
    with refused("config.invalid_value", ConfigError) as err:
        load_station_data(tmp_path, "en")
    assert err.value.params["key"] == "signin.titel"
    write_overlay(tmp_path, "locales", "en", '[signin]\ntitle = "Welcome {"\n')
    with refused("config.invalid_value", ConfigError) as err:
        load_station_data(tmp_path, "en")
    assert err.value.params["key"] == "signin.title" and "{{" in err.value.params["problem"]
    write_overlay(tmp_path, "locales", "en", '[signin]\ntitle = 3\n')
    with refused("config.invalid_value", ConfigError) as err:
        load_station_data(tmp_path, "en")
    assert err.value.params["key"] == "signin.title"
    (tmp_path / "locales" / "en.toml").unlink()
    write_overlay(tmp_path, "phrases", "en", '[notify]\nrepaired = ["Hello"]\n')
    with refused("config.invalid_value", ConfigError) as err:
        load_station_data(tmp_path, "en")
    assert err.value.params["key"] == "notify.repaired"  # as written in the phrases file
    assert err.value.params["path"] == str(tmp_path / "phrases" / "en.toml")


# --------------------------------------------------------------------------- station.toml


@pytest.mark.parametrize("text,key", [
    ('timezone = "Asia/Taipie"\n', "timezone"),
    ('timezone = "+08:00"\n', "timezone"),
    ("timezone = 8\n", "timezone"),
    ('nmae = "Station"\n', "nmae"),
    ('[contact]\nphnoe = "02"\n', "contact.phnoe"),
    ("[contact]\nphone = 225528000\n", "contact.phone"),
    ('[localized.zh_TW]\nadress = "台北"\n', "localized.zh_TW.adress"),
    ('[assignment]\ntoaster = ["陳志明"]\n', "assignment.toaster"),
    ('[service_hours]\nmon = ["9-12"]\n', "service_hours.mon"),
    ('[service_hours]\nsat = ["13:00-12:00"]\n', "service_hours.sat"),
    ('[service_hours]\nmon = ["09:00-12:00", "11:00-17:30"]\n', "service_hours.mon"),
    ('[service_hours]\nmon = []\ntue = []\nwed = []\nthu = []\nfri = []\n', "service_hours"),
    ('[service_hours]\nmonday = ["09:00-12:00"]\n', "service_hours.monday"),
    ('[holidays]\nclosed = ["2026-02-30"]\n', "holidays.closed"),
    ('[holidays]\nclosed = "2026-10-10"\n', "holidays.closed"),
])
def test_a_broken_station_toml_is_refused_naming_the_key(tmp_path, text, key):
    (tmp_path / "station.toml").write_text(text, encoding="utf-8")
    with refused("config.invalid_value", ConfigError) as err:
        load_station_data(tmp_path, "en")
    assert err.value.params["key"] == key and err.value.params["path"] == str(tmp_path / "station.toml")


def test_service_hours_and_holidays_are_read_from_the_stations_own_file(tmp_path):
    (tmp_path / "station.toml").write_text(
        '[service_hours]\nsat = ["09:00-12:00"]\n\n[holidays]\nclosed = ["2026-10-09", 2026-10-10]\n', encoding="utf-8")
    hours = load_station_data(tmp_path, "en").config.service_hours
    assert hours.periods(dt.date(2026, 11, 28)) == ((dt.time(9), dt.time(12)),)  # a Saturday
    assert hours.periods(dt.date(2026, 11, 30)) == ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17, 30)))
    assert hours.holidays == {dt.date(2026, 10, 9), dt.date(2026, 10, 10)}
    assert not hours.is_open_day(dt.date(2026, 10, 9))


# --------------------------------------------------------------------------- at every start, as a real process


def deskapp(*args):
    return run_python("-m", "deskapp", *args)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    db = tmp_path_factory.mktemp("live") / "station.db"
    made = deskapp("init", "--db", str(db), "--locale", "en")
    assert made.returncode == 0, made.stderr
    return db


CASES = [
    ("policy.toml", lambda: policy_text("wrong_voucher_codes_allowed = 5", "wrong_voucher_codes_allowed = 0"),
     "pickup.wrong_voucher_codes_allowed"),
    ("policy.toml", lambda: policy_text("holder_check_valid_minutes = 60", "holder_check_valid_minutes = -60"),
     "pickup.holder_check_valid_minutes"),
    ("policy.toml", lambda: policy_text("allowed_months = [1, 2, 3]", "allowed_months = [true, 2, 3]"),
     "repair_warranty.allowed_months"),
    ("station.toml", lambda: 'timezone = "Asia/Taipie"\n', "timezone"),
    ("station.toml", lambda: '[service_hours]\nsat = ["09:00-25:00"]\n', "service_hours.sat"),
]


@pytest.mark.parametrize("name,text,key", CASES, ids=[c[2] for c in CASES])
def test_every_start_refuses_a_broken_data_file_naming_it_and_the_key(live, tmp_path, name, text, key):
    """The app and a command that never uses the broken value (``staff list``): both refuse to
    start, exit 3, one line naming the file and the key, no traceback; nothing is written."""
    db = tmp_path / "station.db"
    db.write_bytes(live.read_bytes())
    (tmp_path / name).write_text(text(), encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    for argv in (["staff", "list"], []):  # [] is the app itself
        result = deskapp(*argv, "--db", str(db), "--locale", "en")
        assert result.returncode == 3, (argv, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith(f"{tmp_path / name}: {key} "), result.stderr
        assert result.stdout == ""
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


async def test_the_app_says_which_file_and_key_are_wrong_on_its_first_screen(live, tmp_path):
    """Run in-process (no command line before it): the sign-in screen names the problem."""
    from desk_pilot import screen_text, wait_until

    from deskapp.app import DeskApp

    db = tmp_path / "station.db"
    db.write_bytes(live.read_bytes())
    (tmp_path / "policy.toml").write_text(policy_text("quote_valid_days = 14", "quote_valid_days = -3"),
                                          encoding="utf-8")
    app = DeskApp(db, locale="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "timing.quote_valid_days" in screen_text(app))  # on screen, not cut off
        said = app.screen.query_one("#station-problem").render().plain
        assert said == f"{tmp_path / 'policy.toml'}: timing.quote_valid_days must be between 1 and 365 (it is -3)."
        assert "-3)." in screen_text(app)  # wrapped whole, its end too
        assert app.station is None  # nothing opened on a broken policy
    with refused("config.invalid_value", ConfigError):
        Station.open(db, locale="en")
