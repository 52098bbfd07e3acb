"""The command palette's actions: every step of the flow is one search away.

The desk's named commands first, then every key the current screen shows in its footer
(in the station's language, with the key beside it), so a new screen's actions are in
the palette without being listed twice.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class DeskCommands(Provider):
    NAMED = (("call_next", "cmd.call_next"), ("recall", "cmd.recall"), ("skip", "cmd.skip"),
             ("take_number", "cmd.take_number"), ("pre_inspection", "cmd.pre_inspection"),
             ("hand_off", "cmd.hand_off"))

    def _commands(self):
        app = self.app
        tr = app.tr
        screen = self.screen  # the screen the palette was opened on
        items = []
        for action, key in self.NAMED:
            if hasattr(screen, f"action_{action}"):
                items.append((tr.t(key), getattr(screen, f"action_{action}")))
        seen = {action for action, _ in self.NAMED if hasattr(screen, f"action_{action}")}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not (binding.show and active.enabled and binding.description) or binding.action in seen:
                continue
            seen.add(binding.action)
            title = f"{binding.description}  ({app.get_key_display(binding)})"
            items.append((title, partial(app.run_action, binding.action, active.node)))
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
