"""One-line title and key-hint bars: single widgets that replace Textual's Header and Footer.

Textual's Footer mounts one widget per binding (and recomposes on every focus change) and the
Header mounts an icon, a title and a clock widget; together they cost about a fifth of the first
frame. These render the same information as one line of text each.

The key bar shows every active binding of its screen (the focused widget's, the screen's and
the app's, as ``Screen.active_bindings`` resolves them), refreshed whenever Textual says the
bindings changed (focus moves, ``refresh_bindings``). When the line is too narrow it compacts in
steps instead of cutting keys off: narrower gaps, then low-priority descriptions dropped (the
key stays; F1 / the palette explain it), so at 80 columns every key is still there.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget


class TitleBar(Widget):
    """``title · sub_title`` of the app on one line (no clock: nothing ticks, snapshots stay still)."""

    DEFAULT_CSS = """
    TitleBar { height: 1; width: 1fr; background: $panel; color: $foreground; text-align: center; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._changed, init=False)
        self.watch(self.app, "sub_title", self._changed, init=False)

    def _changed(self, _value: str) -> None:
        self.refresh()

    def render(self) -> Text:
        title, sub = self.app.title, self.app.sub_title
        room = self.size.width - len(title) - 3
        if sub and room < len(sub):  # keep the end of the subtitle (the op's folder and the profile)
            sub = "…" + sub[len(sub) - room + 1 :] if room > 8 else ""
        text = Text(title, style="bold", no_wrap=True, overflow="ellipsis", end="")
        if sub:
            text.append(" — ")
            text.append(sub, style="dim")
        return text


class KeyHint(NamedTuple):
    key: str  # the key to simulate on click ("f5")
    display: str  # what to show ("F5", "^t")
    description: str  # "Apply"
    enabled: bool = True
    low_priority: int = 0  # higher: its description is dropped earlier when space is short


def layout_hints(hints: list[KeyHint], width: int) -> tuple[Text, list[tuple[int, int, str]]]:
    """The bar's text for ``width`` cells and the clickable spans (start, end, key).

    Compacts in steps until it fits: padded keys with two-space gaps, then one-space gaps, then
    unpadded keys, then key and description touching (the key is reverse video, so it still reads),
    then descriptions dropped in order of ``low_priority`` (highest first, then from the right).
    Keys are never dropped: with every description gone, whatever still overflows is cropped.
    """
    drop_order = sorted(range(len(hints)), key=lambda i: (-hints[i].low_priority, -i))
    styles = [(1, 2, 1), (1, 2, 0), (1, 1, 0), (0, 1, 1), (0, 1, 0)]  # (key padding, gap, space before description)
    level, dropped = 0, 0

    def measure(pad: int, gap: int, space: int, gone: set[int]) -> int:
        parts = [len(h.display) + 2 * pad + (0 if i in gone else space + len(h.description)) for i, h in enumerate(hints)]
        return sum(parts) + gap * max(0, len(parts) - 1)

    while True:
        gone = set(drop_order[:dropped])
        if measure(*styles[level], gone) <= width:
            break
        if level < len(styles) - 1:
            level += 1
        elif dropped < len(hints):
            dropped += 1
        else:
            break
    pad, gap, space = styles[level]
    text = Text(no_wrap=True, overflow="crop", end="")
    spans: list[tuple[int, int, str]] = []
    for i, h in enumerate(hints):
        if i:
            text.append(" " * gap)
        start = len(text)
        text.append(f"{' ' * pad}{h.display}{' ' * pad}", style="bold reverse" if h.enabled else "dim reverse")
        if i not in gone:
            text.append(" " * space + h.description, style="" if h.enabled else "dim")
        spans.append((start, len(text), h.key))
    return text, spans


class KeyBar(Widget):
    """Every active binding's key (and, space allowing, its description) on one line; click runs it."""

    DEFAULT_CSS = """
    KeyBar { height: 1; width: 1fr; background: $panel; color: $foreground; }
    """

    def __init__(self, *, low_priority: dict[str, int] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.low_priority = dict(low_priority or {})  # binding id or action -> drop its text earlier
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Any) -> None:
        self.refresh()

    def hints(self) -> list[KeyHint]:
        """One hint per action (its first key), app bindings first so F-keys never move, then the rest."""
        active = self.screen.active_bindings
        seen: set[str] = set()
        app_hints: list[KeyHint] = []
        other: list[KeyHint] = []
        palette: list[KeyHint] = []
        for key, (node, binding, enabled, _tooltip) in active.items():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            hint = self._hint(key, binding, enabled)
            (app_hints if node is self.app else other).append(hint)
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _ = active[self.app.COMMAND_PALETTE_BINDING]
            palette.append(self._hint(self.app.COMMAND_PALETTE_BINDING, binding, enabled, "Palette"))
        return [*app_hints, *other, *palette]

    def _hint(self, key: str, binding: Binding, enabled: bool, description: str = "") -> KeyHint:
        rank = self.low_priority.get(binding.id or "", self.low_priority.get(binding.action, 0))
        display = self.app.get_key_display(binding)
        if len(display) <= 3 and display[:1] == "f" and display[1:].isdigit():
            display = display.upper()  # F1, as printed on the keyboard
        return KeyHint(key, display, description or binding.description, enabled, rank)

    def render(self) -> Text:
        text, self._spans = layout_hints(self.hints(), self.size.width)
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
