"""Command palette provider: every app action, with a category prefix ("stage:", "cb:", "view:" ...).

The app owns the list (``WizardApp.palette_commands()``) so the palette, the footer and the help
screen never drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from screens.app import WizardApp


class WizardCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app: WizardApp = self.app  # type: ignore[assignment]
        return app.palette_commands() if hasattr(app, "palette_commands") else []

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)  # type: ignore[arg-type]

