"""Another terminal holds the station file's write lock while staff press the keys that
write: the screen stays live (another key is handled at once), says it is waiting, and the
action completes once the file frees. Nothing reaches the app's exit."""

from __future__ import annotations

import pytest
from conftest import make_front_desk
from desk_pilot import UI_STALLED_S, key_latency, new_app, screen_text, settle, sign_in, wait_until
from holding import another_terminal_writing

from deskapp.reception.queue import take_number
from deskapp.station import Actor, Station

@pytest.fixture
def desk(tmp_path):
    from builders import fixed_clock

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())  # the day the app runs on
    take_number(st, Actor.system(name="kiosk", terminal="K1"), "drop-off")
    st.close()
    return db


def waiting(app) -> bool:
    return app.screen.has_class("-waiting")


async def test_greeting_calls_the_next_number_once_the_other_terminal_is_done(desk):
    app = new_app(desk, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        with another_terminal_writing(desk):
            await pilot.press("n")
            await wait_until(pilot, lambda: waiting(app), what="the greeting says it waits")
            assert "Waiting for the station file" in screen_text(app)
            held = sorted([await key_latency(pilot, "tab") for _ in range(5)])[2]
            # the median press: never the seconds of a UI thread waiting on the file
            assert held < UI_STALLED_S, held
            assert waiting(app)  # still waiting: the lock is still held
        await wait_until(pilot, lambda: not waiting(app), what="the call completes")
        await settle(app, pilot)
        assert "A001" in screen_text(app)
        assert "Waiting for the station file" not in screen_text(app)
