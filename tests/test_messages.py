"""What the desk says stays readable and current: a toast over a form keeps every Chinese
character however its lines wrap, and an error goes once it is fixed or staff moved on."""

from __future__ import annotations

import pytest
from conftest import make_front_desk
from desk_pilot import new_app, settle, sign_in, type_in, wait_until
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
