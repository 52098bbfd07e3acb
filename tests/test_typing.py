"""Typing into a field costs no layout of the screen (the form of six steps was laid out again
on every key), and a text longer than its field still scrolls to the cursor."""

from __future__ import annotations

import pytest
from builders import fixed_clock
from desk_pilot import screen_text, settle, sign_in

from deskapp.app import DeskApp
from deskapp.demo import build_demo


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("typing") / "station.db"
    build_demo(db, locale="zh_TW", clock=fixed_clock())
    return db


async def test_a_long_fault_scrolls_to_the_cursor_and_no_key_lays_the_form_out_again(demo_db):
    app = DeskApp(demo_db, locale="zh_TW", terminal="T-typing", clock=fixed_clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "王美玲")
        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        layouts = []
        refresh_layout = screen._refresh_layout

        def counted(*args, **kwargs):
            layouts.append(args)
            return refresh_layout(*args, **kwargs)

        screen._refresh_layout = counted
        typed = "no power after the battery ran flat " * 3 + "END"
        await pilot.press(*typed)
        await settle(app, pilot)
        assert screen.query_one("#fault_told").value == typed
        assert len(layouts) <= 2, len(layouts)  # not one a key (109 keys)
        assert "flat END" in screen_text(app)  # the field shows where the cursor is
