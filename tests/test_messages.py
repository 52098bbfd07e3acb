"""What the desk says stays readable and current: a toast over a form keeps every Chinese
character however its lines wrap, and an error goes once it is fixed or staff moved on."""

from __future__ import annotations

import pytest
from conftest import make_front_desk
from desk_pilot import new_app, screen_name, settle, sign_in, type_in, wait_until
from textual.widgets import Label, Static

from deskapp.settings.i18n import translator


def toast_texts(app) -> list[str]:
    """The text of each toast as the screen shows it (its lines joined), cell by cell from
    the painted screen, not from the widget."""
    from textual.widgets._toast import Toast

    strips = app.screen._compositor.render_strips()
    said = []
    for toast in app.screen.query(Toast):
        region = toast.content_region
        lines = [strips[y].crop(region.x, region.right).text.strip() for y in range(region.y, region.bottom)]
        said.append("".join(lines))
    return said


@pytest.mark.parametrize("size", [(80, 24), (81, 24), (100, 30), (160, 48)])
async def test_a_toast_over_the_form_keeps_every_chinese_character(tmp_path, size):
    db = make_front_desk(tmp_path / "station", locale="zh_TW")
    tr = translator("zh_TW")
    app = new_app(db, "zh_TW")
    async with app.run_test(size=size, notifications=True) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("i")
        await settle(app, pilot)
        await pilot.press("ctrl+r")  # nothing refused yet: the desk says so in a toast
        await wait_until(pilot, lambda: toast_texts(app), what="the toast")
        assert tr.t("pre.nothing_to_refuse").replace(" ", "") in toast_texts(app)[0].replace(" ", "")


async def paste(app, pilot, text: str) -> None:
    """What a terminal sends on a paste: one Paste event to the focused widget."""
    from textual import events

    app.focused.post_message(events.Paste(text))
    await pilot.pause()


@pytest.mark.parametrize("locale", ["zh_TW", "en"])
async def test_a_long_paste_into_the_fault_field_is_cut_to_its_limit_and_says_so(tmp_path, locale):
    from deskapp.rules.validate import text_limit

    db = make_front_desk(tmp_path / "station", locale=locale)
    tr = translator(locale)
    app = new_app(db, locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("i")
        await settle(app, pilot)
        field = app.screen.query_one("#fault_told")
        assert app.focused is field
        await paste(app, pilot, "開機沒反應" * 2000)  # 10,000 characters
        limit = text_limit("fault_told")
        assert field.value == ("開機沒反應" * 2000)[:limit]
        said = str(app.screen.query_one("#fault_told-error", Label).render())
        assert said == tr.t("paste.cut", length="10,000", max=limit, kept=limit)
        await pilot.press("backspace", "enter")  # the form is live: a key edits, the next field takes over
        assert len(field.value) == limit - 1
        assert str(app.screen.query_one("#fault_told-error", Label).render()) == ""  # edited: the error goes
        await paste(app, pilot, "x" * 1_000_000)  # any size: the next field is cut the same way
        assert len(app.screen.query_one("#fault_restated").value) == text_limit("fault_restated")
        await pilot.press("pagedown")  # the step goes on: the service takes what the form took
        await settle(app, pilot)
        assert "fault_restated" not in str(app.screen.query_one("#fault_restated-error", Label).render())


async def test_an_error_goes_once_its_field_is_edited_or_staff_move_on(tmp_path):
    db = make_front_desk(tmp_path / "station", locale="zh_TW")
    tr = translator("zh_TW")
    app = new_app(db, "zh_TW")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        status = app.screen.query_one("#status", Static)
        await pilot.press("r")  # nothing called yet: said in red on the greeting
        await pilot.pause()
        assert str(status.render()) == tr.t("greeting.nothing_to_recall") and status.has_class("error")
        await pilot.press("i")  # on to a pre-inspection...
        await settle(app, pilot)
        await pilot.press("pagedown")  # ...with the fault not typed: said under the field
        await settle(app, pilot)
        error = app.screen.query_one("#fault_told-error", Label)
        assert str(error.render()) == tr.t("error.field_required") and error.display
        await type_in(app, pilot, "fault_told", "不開機")  # fixed
        assert str(error.render()) == "" and not error.display
        await pilot.press("escape")  # back on the greeting: its old error is gone too
        await settle(app, pilot)
        assert str(app.screen.query_one("#status", Static).render()) == ""


async def test_a_paste_into_the_bench_scan_field_is_cut_and_its_toast_goes_with_the_screen(tmp_path):
    from deskapp.rules.validate import text_limit

    db = make_front_desk(tmp_path / "station", locale="zh_CN")
    tr = translator("zh_CN")
    app = new_app(db, "zh_CN")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("slash")  # the scan field of the work list
        await pilot.pause()
        await paste(app, pilot, "R2611-" * 2000)
        limit = text_limit("order_number")
        assert len(app.screen.query_one("#scan").value) == limit
        said = tr.t("paste.cut", length="12,000", max=limit, kept=limit)
        await wait_until(pilot, lambda: said.replace(" ", "") in "".join(toast_texts(app)).replace(" ", ""),
                         what="the toast that says the paste was cut")
        await pilot.press("tab", "n")  # out of the field, on to the list of customers to notify
        await settle(app, pilot)
        assert screen_name(app) == "NotifyScreen"
        await pilot.pause()
        assert not any(said[:6] in t for t in toast_texts(app))  # gone at once, not at its timeout
