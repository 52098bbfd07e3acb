"""One translation layer, three complete catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deskapp.rules.lifecycle import ACTIONS, State
from deskapp.settings.i18n import (
    LOCALES,
    Translator,
    load_catalog,
    locale_from_environment,
    placeholders,
    translator,
)
from deskapp.settings.station_config import load_station_config

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {loc: load_catalog(loc) for loc in LOCALES}


def test_the_three_locales_have_the_same_keys():
    en = set(CATALOGS["en"])
    for loc in ("zh_TW", "zh_CN"):
        assert set(CATALOGS[loc]) - en == set(), f"{loc} has keys English lacks"
        assert en - set(CATALOGS[loc]) == set(), f"{loc} lacks keys"


def test_each_key_has_the_same_placeholders_in_every_locale():
    for key, text in CATALOGS["en"].items():
        for loc in ("zh_TW", "zh_CN"):
            assert placeholders(CATALOGS[loc][key]) == placeholders(text), (loc, key)


def test_no_entry_is_empty_or_left_in_english_in_the_chinese_catalogs():
    for loc in ("zh_TW", "zh_CN"):
        for key, text in CATALOGS[loc].items():
            assert text.strip(), (loc, key)
    untranslated = [k for k, v in CATALOGS["zh_TW"].items()
                    if v == CATALOGS["en"][k] and re.search(r"[a-z]{4,}", re.sub(r"\{[^}]*\}", "", v))
                    and not k.startswith("app.title")]
    assert untranslated == []


def test_traditional_and_simplified_are_not_mixed_up():
    # Characters that exist only in one script must not appear in the other's catalog.
    traditional_only, simplified_only = "機號設備維單檢測與", "机号设备维单检测与"
    tw = "".join(CATALOGS["zh_TW"].values())
    cn = "".join(CATALOGS["zh_CN"].values())
    assert not set(simplified_only[:-1]) & set(tw)
    assert not set(traditional_only[:-1]) & set(cn)


def test_every_key_the_code_uses_is_in_the_catalogs():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "deskapp").rglob("*.py"))
    code += "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "screens").rglob("*.py"))
    literal = set(re.findall(r'"((?:error|config|cli|app)\.[a-z_]+)"', code))
    literal |= set(re.findall(r'\.t\("([a-z_]+\.[a-z_.\-]+)"[,)]', code))  # tr.t("section.key")
    phrases = {f"phrase.{k}" for k in re.findall(r'Phrase\("([a-z_.]+)"', code)}
    phrases |= {f"phrase.{k}" for k in re.findall(r'\.phrase\("([a-z_.]+)"', code)}
    from deskapp.reception.pre_inspection import PHRASES
    phrases |= {f"phrase.{k}" for keys in PHRASES.values() for k in keys}
    reasons = {f"reason.{k}" for k in re.findall(r'Reason\("([a-z_]+)"', code)}
    from deskapp.reception.pre_inspection import PROOFS, STEPS
    from deskapp.settings.checklists import _load

    checklists = _load()
    dynamic = ({f"pre.step_{s}" for s in STEPS} | {f"pre.proof_{p}" for p in PROOFS}
               | {f"accessory.{a}" for items in checklists["accessories"].values() for a in items}
               | {f"appearance.{a}" for a in checklists["appearance"]["items"]})
    states = dynamic | {f"state.{s}" for s in State} | {f"action.{a}" for a in ACTIONS} | {f"event.order.{a}" for a in ACTIONS}
    actions = {"app.focus_next", "app.focus_previous"}  # Textual action names, not catalog keys
    used = (literal - actions) | phrases | reasons | states
    assert len(used) > 100
    assert sorted(used - set(CATALOGS["en"])) == []


@pytest.mark.parametrize("env,expected", [
    ({"LANG": "zh_TW.UTF-8"}, "zh_TW"), ({"LANG": "zh_HK.UTF-8"}, "zh_TW"), ({"LC_ALL": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_SG"}, "zh_CN"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"), ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_TW.UTF-8"}, "en"),
])
def test_the_default_locale_follows_the_environment(env, expected):
    assert locale_from_environment(env) == expected


def test_the_station_locale_is_configuration(tmp_path):
    assert load_station_config(tmp_path, environ={"LANG": "zh_CN.UTF-8"}).locale == "zh_CN"
    (tmp_path / "station.toml").write_text('locale = "zh_TW"\n', encoding="utf-8")
    assert load_station_config(tmp_path, environ={"LANG": "zh_CN.UTF-8"}).locale == "zh_TW"
    assert load_station_config(tmp_path, locale="en").locale == "en"


def test_a_station_can_reword_a_phrase_in_its_own_directory(tmp_path):
    (tmp_path / "phrases").mkdir()
    (tmp_path / "phrases" / "zh_TW.toml").write_text('[greeting]\ntake_device = "歡迎光臨,我來幫您拿!"\n',
                                                     encoding="utf-8")
    tr = Translator("zh_TW", tmp_path)
    assert tr.phrase("greeting.take_device") == "歡迎光臨,我來幫您拿!"
    assert tr.phrase("queue.call", number="A012") == "請排隊號為 A012 號的顧客到接待台來,我們將為您服務,謝謝!"


def test_the_call_phrase_in_each_locale():
    assert "A012" in translator("en").phrase("queue.call", number="A012")
    assert translator("zh_CN").phrase("queue.call", number="A012").startswith("请排队号为 A012")
