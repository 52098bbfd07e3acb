"""What reaches a terminal or a printer is clean text."""

from deskapp.rules.text import clean, device_label, mask_phone


def test_escape_sequences_and_control_bytes_are_removed():
    assert clean("王\x1b[31m小明\x1b[0m") == "王小明"
    assert clean("a\x1b]0;title\x07b") == "ab"
    assert clean("a\x9b2Jb") == "ab"
    assert clean("pay\x00\x07\x08 me") == "pay me"
    assert clean("left\u202eright\u200b") == "leftright"  # bidi override, zero-width space


def test_whitespace_is_tidied_and_newlines_kept_only_when_asked():
    assert clean("  line one\nline\ttwo  ") == "line one line two"
    assert clean("line one\r\n  line two ", multiline=True) == "line one\nline two"


def test_text_is_normalised_to_nfc():
    assert clean("e\u0301") == "\u00e9"


def test_phone_masking_keeps_the_ends():
    assert mask_phone("0912345678") == "0912***678"
    assert mask_phone("13800138000") == "1380****000"


def test_one_device_label_names_the_line_in_the_locale_and_the_brand_once():
    from deskapp.settings.i18n import translator

    assert device_label(translator("zh_TW"), "laptop", "ProBook", "ProBook X14") == "筆記型電腦 ProBook X14"
    assert device_label(translator("en"), "camera", "Vision", "VisionCam 4K") == "Camera VisionCam 4K"
    assert device_label(translator("en"), "camera", "Acme", "Cam 2") == "Camera Acme Cam 2"
    assert device_label(translator("zh_CN"), "laptop") == "笔记本电脑"


def test_the_printers_and_the_rules_share_one_sanitiser_and_one_width():
    from deskapp.printing import text as printing_text
    from deskapp.printing.thermal import layout

    from deskapp.rules import text

    assert text.clean is printing_text.clean and layout.clean is printing_text.clean
    assert text.display_width is printing_text.display_width
    assert text.display_width("王a") == 3
