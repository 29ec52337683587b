"""An Input that keeps typed keys in order over a real terminal.

Textual's Input inserts a printable key in its own handler, but its editing keys (backspace, delete,
arrows, home / end, ctrl+w ...) are bindings, run only when the key event has bubbled up through every
ancestor's message queue to the App. When an ancestor is busy (the CB form recomputing the L1 budget
after the previous key), characters typed after a backspace overtake it: 14 backspaces and
``1,1,64,4096`` sent together gave ``1,11,1,64,``. This Input runs its own bindings in its own
handler, so every key is applied in the order it arrived. Other keys bubble as before.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            # What App._check_bindings would do first for the focused widget, without the trip up the tree.
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)
