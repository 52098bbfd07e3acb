"""The app shell, driven by Textual's Pilot against a real station file."""

from __future__ import annotations

import pytest

from deskapp.app import DeskApp
from deskapp.demo import build_demo
from deskapp.queue import take_number
from deskapp.station import Actor, Station


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("app") / "station.db"
    build_demo(db, locale="zh_TW")
    return db


def tile_text(app, tile_id: str) -> str:
    return str(app.screen.query_one(f"#{tile_id}").render())


async def test_home_shows_today_at_a_glance_in_the_station_language(demo_db):
    app = DeskApp(demo_db, locale="zh_TW")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "魏贊科技 維修服務站:服務台" in str(app.screen.query_one("#welcome").render())
        assert tile_text(app, "tile-drop-off").startswith("3") and "送修" in tile_text(app, "tile-drop-off")
        assert tile_text(app, "tile-open").startswith("9")
        footer_keys = {b.description for _, b, _, _ in app.screen.active_bindings.values()}
        assert {"離開", "重新整理"} <= footer_keys


async def test_home_refreshes_when_another_terminal_issues_a_number(demo_db):
    app = DeskApp(demo_db, locale="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = int(tile_text(app, "tile-pickup").split()[0])
        other = Station.open(demo_db, locale="en")  # a second terminal, its own connection
        take_number(other, Actor.system(name="kiosk", terminal="kiosk-2"), "pickup")
        other.close()
        app.screen.poll_changes()  # what the 1-second timer does
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert int(tile_text(app, "tile-pickup").split()[0]) == before + 1
        assert "Pickup" in tile_text(app, "tile-pickup")


async def test_quit_key_closes_the_app(demo_db):
    app = DeskApp(demo_db, locale="en")
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_a_station_file_from_a_newer_deskapp_is_explained_not_crashed_on(tmp_path):
    import sqlite3

    db = tmp_path / "station.db"
    Station.open(db, locale="en").close()
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    app = DeskApp(db, locale="zh_TW")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#welcome").render())
        assert "較新版的 deskapp" in text and app.is_running
