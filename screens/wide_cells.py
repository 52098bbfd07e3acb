"""Chinese characters kept whole where one widget lies over another (a toast, a dropdown,
a tooltip, the command palette over a form).

Textual 8.2.8 paints a screen line by line in "chops": every line is cut wherever any
visible widget starts or ends, and each piece is taken from the front-most widget there.
A double-width character of the front widget that straddles the edge of a widget *under*
it is split by that cut, and a split wide character becomes two spaces (Rich's
``Segment.divide``). So a toast over the edge of the form said ``目前的步驟都  受理`` for
目前的步驟都可受理 (upstream: Textualize/textual#6357, open).

:class:`WideCellCompositor` cuts a widget's line only where the widget that shows there
changes: the run of pieces one widget wins is taken whole, and the pieces after the first
of the run get an empty strip (so no widget further back claims them). What lies under a
widget does not divide it any more; a cut between two widgets that both show is unchanged.
"""

from __future__ import annotations

from textual import screen as textual_screen
from textual._compositor import ChopsUpdate, Compositor
from textual.strip import Strip

_NOTHING = Strip([], 0)


class WideCellCompositor(Compositor):
    def _render_chops(self, crop, is_rendered_line):
        cuts = self.cuts
        chops = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        for region, clip, strips in self._get_renders(crop):
            render_region = region.intersection(clip)
            render_x = render_region.x
            first_cut, last_cut = render_region.column_span
            for y, strip in zip(render_region.line_range, strips):
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                here = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                if len(here) < 2:  # nothing of this widget shows on this line
                    continue
                slots = here[:-1]
                wins = [line.get(cut) is None for cut in slots]
                # cut only where this widget starts or stops showing
                ends = [slots[i + 1] for i in range(len(slots) - 1) if wins[i] != wins[i + 1]] + [here[-1]]
                pieces = iter(strip.divide([end - render_x for end in ends]))
                piece = next(pieces, None)
                for i, cut in enumerate(slots):
                    if i and wins[i] != wins[i - 1]:
                        piece = next(pieces, None)
                    if not wins[i]:
                        continue
                    line[cut] = piece if (i == 0 or not wins[i - 1]) and piece is not None else _NOTHING
        return chops

    def render_partial_update(self):
        update = super().render_partial_update()
        if update is None:
            return None
        # A piece now runs to where its widget stops showing, not to the next cut.
        ends = []
        for line, cut_ends in zip(update.chops, update.chop_ends):
            ends.append([end if strip is None else x + strip.cell_length
                         for end, (x, strip) in zip(cut_ends, line.items())])
        return ChopsUpdate(update.chops, update.spans, ends)


def keep_wide_characters() -> None:
    """Screens created from now on paint with :class:`WideCellCompositor`."""
    textual_screen.Compositor = WideCellCompositor
