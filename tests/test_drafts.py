"""A pre-inspection survives the terminal dying half-way, and resumes where it stopped."""

from __future__ import annotations

import signal
import sqlite3

from conftest import fixed_clock, make_front_desk, run_python
from desk_pilot import new_app, screen_name, settle, sign_in


async def test_killed_mid_pre_inspection_the_next_start_resumes_the_draft(tmp_path):
    db = make_front_desk(tmp_path / "station")
    child = run_python("tests/die_mid_intake.py", str(db), timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert "typed" in child.stdout
    conn = sqlite3.connect(db)
    (status, step), = conn.execute("SELECT status, step FROM intake_drafts").fetchall()
    conn.close()
    assert (status, step) == ("open", "customer")

    app = new_app(db, "zh_TW", terminal="R7")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "ResumeDraftScreen"
        assert "客戶資料" in str(app.screen.query_one("#resume").query("Label").last().render())
        await pilot.click("#resume-yes")
        await settle(app, pilot)
        assert screen_name(app) == "PreInspectionScreen"
        screen = app.screen
        assert screen.step == 1  # the customer step, where it stopped
        assert screen.query_one("#fault_told").value == "螢幕閃爍"
        assert screen.query_one("#fault_restated").value == "開機後螢幕會閃爍"
        assert screen.query_one("#customer_confirmed").value is True
        assert screen.query_one("#phone").value == "0977-000-123"
        assert screen.query_one("#name").value == "周杰"
        await pilot.press("pagedown")  # and it goes on from there
        await settle(app, pilot)
        assert screen.step == 2


async def test_a_draft_on_another_terminal_is_not_offered_here(tmp_path):
    from deskapp.reception import drafts
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, clock=fixed_clock())
    drafts.save(st, Actor(name="x", terminal="R2"), "fault", {"fault_told": "elsewhere"})
    st.close()
    app = new_app(db, "en", terminal="R1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "GreetingScreen"
