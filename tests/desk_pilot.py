"""Driving the real app with Textual's Pilot, as staff at the desk would: keys, not calls."""

from __future__ import annotations

from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Select

from deskapp.app import DeskApp


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def sign_in(app, pilot, name: str, pin: str = "1234") -> None:
    await settle(app, pilot)
    staff = app.screen.query_one("#staff", OptionList)
    index = next(i for i in range(staff.option_count) if staff.get_option_at_index(i).prompt.startswith(name))
    staff.focus()
    await pilot.press("home", *["down"] * index)  # from the first name down to ours, as staff do
    await pilot.press("enter", *pin, "enter")
    await settle(app, pilot)


async def type_in(app, pilot, field_id: str, text: str) -> None:
    """Focus the field and type, key by key (CJK included)."""
    app.screen.query_one(f"#{field_id}").focus()
    await pilot.pause()
    if text:
        await pilot.press(*text)


async def clear(app, pilot, field_id: str) -> None:
    """Focus the field and delete what it holds, with the keys a person would use."""
    field = app.screen.query_one(f"#{field_id}", Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(field.value))
    assert field.value == "", f"#{field_id} still holds {field.value!r}"


async def retype(app, pilot, field_id: str, text: str) -> None:
    await clear(app, pilot, field_id)
    if text:
        await pilot.press(*text)


async def pick_radio(app, pilot, set_id: str, button_id: str) -> None:
    """Move through the radio set with the arrow keys to ``button_id`` and press it."""
    radios = app.screen.query_one(f"#{set_id}", RadioSet)
    buttons = list(radios.query(RadioButton))
    target = next(i for i, b in enumerate(buttons) if b.id == button_id)
    current = next((i for i, b in enumerate(buttons) if b.value), 0)
    radios.focus()
    await pilot.pause()
    steps = target - current
    await pilot.press(*(["down"] * steps if steps >= 0 else ["up"] * -steps), "enter")
    assert radios.pressed_button is buttons[target], f"#{set_id}: {radios.pressed_button} pressed, not #{button_id}"


async def tick(app, pilot, checkbox_id: str) -> None:
    app.screen.query_one(f"#{checkbox_id}").focus()
    await pilot.press("space")


async def choose(app, pilot, select_id: str, value: str) -> None:
    """Open the dropdown and move to ``value`` with the arrow keys, then Enter."""
    from textual.widgets._select import SelectOverlay

    select = app.screen.query_one(f"#{select_id}", Select)
    target = [v for _, v in select._options].index(value)  # the blank prompt, if any, comes first
    select.focus()
    await pilot.press("enter")
    overlay = select.query_one(SelectOverlay)
    for _ in range(len(select._options) + 1):
        await pilot.pause()
        here = overlay.highlighted
        if here == target:
            break
        await pilot.press("down" if here is None or here < target else "up")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value, f"#{select_id} is {select.value!r}, not {value!r}"


def error_under(app, field_id: str) -> str:
    return str(app.screen.query_one(f"#{field_id}-error", Label).render())


def value_of(app, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


def screen_name(app) -> str:
    return type(app.screen).__name__


def new_app(db, locale: str, terminal: str = "R1", clock=None) -> DeskApp:
    """The app on the tests' fixed clock (builders.NOW) unless given one: never the machine's."""
    from builders import fixed_clock

    return DeskApp(db, locale=locale, terminal=terminal, clock=clock or fixed_clock())


async def wait_until(pilot, condition, timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until ``condition()`` holds (instead of sleeping a guessed time)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {what or condition}")
        await pilot.pause(0.02)


# A key pressed while another terminal holds the write lock is handled at once by a UI thread
# that is not waiting on the file; one that were would wait SQLite's busy timeout (10 s, the
# store's BUSY_TIMEOUT_S) before anything. How fast a key is handled is the benchmarks' work
# (`python -m bench ui`); a test only tells a live screen from a stalled one, with a bound a
# machine loaded by other work does not reach.
UI_STALLED_S = 3.0


async def key_latency(pilot, key: str = "tab") -> float:
    """Seconds from pressing ``key`` until the app has handled it (the UI thread was free)."""
    import time

    start = time.perf_counter()
    await pilot.press(key)
    return time.perf_counter() - start


def _first_command(app) -> str:
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found or not found.first().option_count:
        return ""
    prompt = found.first().get_option_at_index(0).prompt
    return str(getattr(prompt, "plain", prompt))


async def run_command(app, pilot, query: str, expect: str) -> None:
    """Open the command palette, type ``query``, wait until its first hit is ``expect`` (the
    search runs in the background), then choose it with the keys."""
    await pilot.press("ctrl+p")
    await pilot.press(*query)
    await wait_until(pilot, lambda: expect.casefold() in _first_command(app).casefold(),
                     what=f"the palette's first hit for {query!r} to be {expect!r}")
    await pilot.press("down", "enter")
    await settle(app, pilot)


def screen_text(app) -> str:
    """Everything the screen shows now, as plain text (what a person reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


class CountedKeys:
    """The keys a person presses, counted as a walkthrough counts them: the characters of
    text typed into a field apart from every other key (commands, Enter, Tab, arrows...)."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.text = 0
        self.keys: list[str] = []

    async def type(self, text: str) -> None:
        self.text += len(text)
        await self.pilot.press(*text)

    async def press(self, *keys: str) -> None:
        self.keys += keys
        await self.pilot.press(*keys)
