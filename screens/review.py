"""Review before apply: every file with its action and diff, approve or reject each, then apply.

Modelled on Toad's permissions screen (a file navigator beside the diff, one-key decisions),
reimplemented here. Dismisses with the set of approved paths, or None when cancelled; the
caller runs the core's atomic merging apply (wizard.apply.apply_changes).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from screens.preview import diff_text

NOTHING_TO_DO = {"unchanged"}
RISKY = {"conflict", "replace"}
ACTION_STYLE = {
    "create": "green",
    "update": "yellow",
    "merge": "cyan",
    "unchanged": "dim",
    "conflict": "bold red",
    "replace": "bold magenta",
}
ACTION_HELP = {
    "create": "new file",
    "update": "changes a file we generated and you did not edit",
    "merge": "3-way merge keeps your hand edits",
    "unchanged": "already up to date: nothing to write",
    "conflict": "your edits and the new text overlap: written WITH conflict markers only if you approve",
    "replace": "no merge base: approving replaces the file on disk",
}


class ReviewScreen(Screen[set[str] | None]):
    BINDINGS = [
        Binding("a", "approve", "Approve"),
        Binding("r", "reject", "Reject"),
        Binding("space", "toggle", "Toggle", show=False),
        Binding("A", "approve_all", "Approve all"),
        Binding("R", "reject_all", "Reject all"),
        Binding("j", "move(1)", "Next", show=False),
        Binding("k", "move(-1)", "Previous", show=False),
        Binding("ctrl+s,f5", "apply", "Apply approved", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, changes: list[Any], title: str = "Review") -> None:
        super().__init__()
        self.changes = list(changes)
        self.review_title = title
        # Safe default: everything that writes, except conflicts and replacements, which need a deliberate yes.
        self.approved: set[str] = {c.path for c in self.changes if c.action not in NOTHING_TO_DO | RISKY}

    def compose(self) -> ComposeResult:
        yield Static("", id="review-title", classes="pane-title")
        with Horizontal(id="review-body"):
            with Vertical(id="review-left"):
                yield OptionList(*self._options(), id="review-files")
                yield Static("", id="review-count")
            with VerticalScroll(id="review-diff"):
                yield Static("", id="review-diff-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-title", Static).update(
            Text.assemble((self.review_title, "bold"), ("  a approve · r reject · A/R all · ctrl+s apply · esc cancel", "dim"))
        )
        files = self.query_one("#review-files", OptionList)
        files.focus()
        if self.changes:
            files.highlighted = 0
            self._show(0)
        self._count()

    def _label(self, change: Any) -> Text:
        if change.action in NOTHING_TO_DO:
            mark, mstyle = "   ", "dim"
        elif change.path in self.approved:
            mark, mstyle = "[✓]", "bold green"
        else:
            mark, mstyle = "[✗]", "bold red"
        return Text.assemble((mark, mstyle), " ", (f"{change.action:<9}", ACTION_STYLE.get(change.action, "")), " ", change.path)

    def _options(self) -> list[Option]:
        return [Option(self._label(c), id=f"c{i}") for i, c in enumerate(self.changes)]

    def _refresh_label(self, i: int) -> None:
        files = self.query_one("#review-files", OptionList)
        files.replace_option_prompt_at_index(i, self._label(self.changes[i]))
        self._count()

    def _count(self) -> None:
        writes = [c for c in self.changes if c.action not in NOTHING_TO_DO]
        n = sum(1 for c in writes if c.path in self.approved)
        conflicts = sum(1 for c in writes if c.action == "conflict")
        text = Text(f"{n} of {len(writes)} files approved", style="bold")
        if conflicts:
            text.append(f"\n{conflicts} conflict(s): approve to write them with markers", style="red")
        self.query_one("#review-count", Static).update(text)

    def _show(self, i: int) -> None:
        c = self.changes[i]
        # The core's note is the precise story (a build-integration edit only adds the diff's lines, with a backup);
        # the generic action help is for changes without one.
        about = getattr(c, "note", "") or ACTION_HELP.get(c.action, "")
        head = Text.assemble((c.path, "bold"), "  ", (c.action, ACTION_STYLE.get(c.action, "")), "  ", (about, "dim"), "\n")
        conflicts = getattr(c, "conflicts", None)
        if conflicts:
            head.append(f"conflicts at lines {', '.join(map(str, conflicts))}\n", style="bold red")
        body = diff_text(c.diff) if c.diff else Text("(no textual changes)", style="dim")
        self.query_one("#review-diff-text", Static).update(head + body)
        self.query_one("#review-diff", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#review-files")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    @on(OptionList.OptionSelected, "#review-files")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_toggle()

    def _current(self) -> int | None:
        return self.query_one("#review-files", OptionList).highlighted

    def _set(self, i: int, approve: bool) -> None:
        c = self.changes[i]
        if c.action in NOTHING_TO_DO:
            return
        if approve:
            self.approved.add(c.path)
        else:
            self.approved.discard(c.path)
        self._refresh_label(i)

    def action_approve(self) -> None:
        i = self._current()
        if i is not None:
            self._set(i, True)
            self.action_move(1)

    def action_reject(self) -> None:
        i = self._current()
        if i is not None:
            self._set(i, False)
            self.action_move(1)

    def action_toggle(self) -> None:
        i = self._current()
        if i is not None:
            self._set(i, self.changes[i].path not in self.approved)

    def action_approve_all(self) -> None:
        for i in range(len(self.changes)):
            self._set(i, True)

    def action_reject_all(self) -> None:
        for i in range(len(self.changes)):
            self._set(i, False)

    def action_move(self, delta: int) -> None:
        files = self.query_one("#review-files", OptionList)
        if files.highlighted is not None and self.changes:
            files.highlighted = max(0, min(len(self.changes) - 1, files.highlighted + delta))

    def action_apply(self) -> None:
        self.dismiss(set(self.approved))

    def action_cancel(self) -> None:
        self.dismiss(None)
