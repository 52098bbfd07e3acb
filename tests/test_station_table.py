"""The station's tables keep their header over their columns when rows arrive after the first
paint (rows come from workers): Textual's DataTable alone kept the header it painted at the
labels' widths above wider rows, whenever a paint fell between the columns and the rows."""

from __future__ import annotations

from textual.app import App, ComposeResult

from deskapp.screens.widgets import StationTable


class TableApp(App):
    CSS = "#t { height: 5; width: 100%; }"  # a table whose size the rows do not change

    def compose(self) -> ComposeResult:
        yield StationTable(id="t", cursor_type="none")


def text(strip) -> str:
    return "".join(segment.text for segment in strip)


async def test_the_header_widens_with_rows_added_after_it_was_painted():
    app = TableApp()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(StationTable)
        table.add_columns("Item", "Amount")
        await pilot.pause()
        await pilot.pause()  # the header is painted with no rows under it
        assert text(table.render_line(0)).split() == ["Item", "Amount"]
        narrow = text(table.render_line(0)).index("Amount")
        table.add_row("Inspection fee (computer)", "NT$800")
        table.render_line(0)  # a paint between the row and the idle that widens its column
        await pilot.pause()
        await pilot.pause()
        header, row = text(table.render_line(0)), text(table.render_line(1))
        assert header.index("Amount") > narrow
        assert header.index("Amount") == row.index("NT$800")
