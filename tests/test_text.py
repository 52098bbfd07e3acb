"""What reaches a terminal or a printer is clean text."""

from deskapp.rules.text import clean, mask_phone


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
