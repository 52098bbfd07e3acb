"""The command palette's actions: every step of the flow is one search away."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


class DeskCommands(Provider):
    def _commands(self):
        app = self.app
        tr = app.tr
        screen = self.screen  # the screen the palette was opened on
        items = []
        for action, key in (("call_next", "cmd.call_next"), ("recall", "cmd.recall"), ("skip", "cmd.skip"),
                            ("take_number", "cmd.take_number"), ("pre_inspection", "cmd.pre_inspection"),
                            ("hand_off", "cmd.hand_off")):
            if hasattr(screen, f"action_{action}"):
                items.append((tr.t(key), getattr(screen, f"action_{action}")))
        if app.actor is not None:
            items.append((tr.t("cmd.home"), app.go_home))
            items.append((tr.t("cmd.sign_out"), app.action_sign_out))
        return items

    async def discover(self) -> Hits:
        for title, callback in self._commands():
            yield DiscoveryHit(title, callback)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback)
