"""Per-file preview of generated code, with highlighting, and a diff view against disk.

C++ is highlighted by tree-sitter-cpp registered with TextArea (the C highlights query has to be
prepended: cpp's own query only covers C++-only nodes), loaded on first use. Python and markdown,
which have no tree-sitter grammar installed, use Textual's Pygments-based ``textual.highlight``.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane, TextArea

CPP_SUFFIXES = {".cpp", ".hpp", ".h", ".cc", ".cxx", ".hxx", ".inl"}
PYGMENTS_LANG = {".py": "python", ".md": "markdown", ".txt": "text", ".cmake": "cmake", ".json": "json", ".toml": "toml"}


@cache
def _cpp_language() -> tuple[Any, str] | None:
    """tree-sitter-cpp + the C and C++ highlight queries (imported on first C++ preview only)."""
    try:
        from pathlib import Path

        import tree_sitter_c
        import tree_sitter_cpp
        from tree_sitter import Language
    except ImportError:
        return None

    def query(mod: Any) -> str:
        q = getattr(mod, "HIGHLIGHTS_QUERY", None)
        return q if isinstance(q, str) else (Path(mod.__file__).parent / "queries" / "highlights.scm").read_text()

    return Language(tree_sitter_cpp.language()), query(tree_sitter_c) + "\n" + query(tree_sitter_cpp)


def register_cpp(ta: TextArea) -> bool:
    """Give ``ta`` C++ highlighting; False when tree-sitter-cpp is unavailable (plain text then)."""
    lang = _cpp_language()
    if lang is None:
        return False
    if "cpp" not in ta.available_languages:
        ta.register_language("cpp", lang[0], lang[1])
    ta.language = "cpp"
    return True


def is_cpp(path: str) -> bool:
    return PurePosixPath(path).suffix in CPP_SUFFIXES


def diff_text(diff: str) -> Text:
    """A unified diff coloured line by line."""
    text = Text()
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            style = "bold magenta"
        else:
            style = ""
        text.append(line + "\n", style=style)
    return text


class FileView(Vertical):
    """One file: highlighted code, or its diff against disk."""

    def __init__(self, path: str, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="file-view")
        self.path = path
        self.text = text
        self.diff: str | None = None
        self.action_label = ""
        self._shown: dict[str, str] = {}  # what the widgets show now

    def compose(self) -> ComposeResult:
        yield Static("", classes="file-status")
        if is_cpp(self.path):
            ta = TextArea("", read_only=True, show_line_numbers=True, soft_wrap=False, classes="code")
            ta.show_cursor = False
            yield ta
        else:
            with VerticalScroll(classes="code"):
                yield Static("", classes="code-static")
        with VerticalScroll(classes="diff"):
            yield Static("", classes="diff-static")

    def on_mount(self) -> None:
        ta = self.query(TextArea)
        if ta:
            register_cpp(ta.first())
        self._fill()
        parent = next((a for a in self.ancestors if isinstance(a, PreviewPane)), None)
        self.show_diff(parent.diff_mode if parent is not None else False)

    def _fill(self) -> None:
        """Push text, status and diff into the widgets, touching only what changed (each update costs a relayout)."""
        ta = self.query(TextArea)
        if ta:
            t = ta.first()
            if t.text != self.text:
                replace_changed_lines(t, self.text)
        elif self._shown.get("code") != self.text:
            lang = PYGMENTS_LANG.get(PurePosixPath(self.path).suffix, "text")
            self.query_one(".code-static", Static).update(_highlight(self.text, lang))
        self._shown["code"] = self.text
        status = f"{self.path}\0{self.action_label}"
        if self._shown.get("status") != status:
            self._shown["status"] = status
            text = Text.assemble((self.path, "bold"), (f"  {self.action_label}" if self.action_label else "", "yellow"))
            self.query_one(".file-status", Static).update(text, layout=False)  # one fixed line
        diff = self.diff if self.diff is not None else "\0none"
        if self._shown.get("diff") != diff:
            self._shown["diff"] = diff
            self.query_one(".diff-static", Static).update(
                diff_text(self.diff) if self.diff else Text("no changes against disk" if self.diff == "" else "diff not computed yet", style="dim")
            )

    def update_file(self, text: str, diff: str | None = None, action: str = "") -> None:
        self.text, self.diff, self.action_label = text, diff, action
        if self.is_mounted:
            self._fill()

    def show_diff(self, on: bool) -> None:
        code, diff = self.query(".code"), self.query(".diff")
        if code and diff:  # not composed yet: on_mount applies the mode
            code.first().display = not on
            diff.first().display = on


def replace_changed_lines(ta: TextArea, new: str) -> None:
    """Swap in ``new`` by replacing only the lines that differ.

    ``load_text`` re-parses and re-highlights the whole file (~90 ms for a factory); an edit of the
    changed block is incremental (~5-20 ms), which keeps a CB edit within a frame.
    """
    old = ta.text
    if not old:
        ta.load_text(new)
        return
    a, b = old.split("\n"), new.split("\n")
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    q = 0
    while q < min(len(a), len(b)) - p and a[-1 - q] == b[-1 - q]:
        q += 1
    mid = b[p : len(b) - q]
    if q > 0:
        ta.replace("\n".join(mid) + ("\n" if mid else ""), (p, 0), (len(a) - q, 0), maintain_selection_offset=False)
    elif mid:
        ta.replace("\n".join(mid), (p, 0), ta.document.end, maintain_selection_offset=False)
    elif p > 0:
        ta.replace("", (p - 1, len(a[p - 1])), ta.document.end, maintain_selection_offset=False)
    if ta.text != new:  # never show a wrong file: fall back to a full load
        ta.load_text(new)


def _highlight(code: str, language: str) -> Content | Text:
    try:
        from textual.highlight import highlight

        return highlight(code, language=language)
    except Exception:  # an unknown lexer must never break the preview
        return Text(code)


class PreviewPane(Vertical):
    """Tabs of one stage's generated files. ``show(files, changes)`` refreshes in place."""

    def __init__(self, *, id: str | None = None, classes: str = "", prefer: str = "") -> None:
        super().__init__(id=id, classes=f"preview {classes}".strip())
        self.prefer = prefer  # a path suffix whose tab opens first (the live CB preview shows the factory)
        self.paths: list[str] = []
        self.diff_mode = False
        self.stale = True  # the session changed since this was filled
        self._note: str | None = None
        self._gen = 0  # tab ids change per rebuild: removal of old panes is asynchronous

    def compose(self) -> ComposeResult:
        yield Static(Text("not generated yet", style="dim"), classes="preview-note")
        yield TabbedContent(classes="files")

    def show(self, files: list[Any], changes: dict[str, Any] | None = None, note: str = "") -> None:
        """``files``: PlannedFile-likes (path, text); ``changes``: path -> FileChange (diff, action)."""
        changes = changes or {}
        tabs = self.query_one(TabbedContent)
        if self.prefer:  # the preferred file's tab first: it is the one shown
            files = sorted(files, key=lambda f: not f.path.endswith(self.prefer))
        paths = [f.path for f in files]
        if note != self._note:
            self._note = note
            self.query_one(".preview-note", Static).update(Text(note, style="dim") if note else "", layout=False)
        if paths != self.paths:
            self.paths = paths
            self._gen += 1
            tabs.clear_panes()
            for i, f in enumerate(files):
                ch = changes.get(f.path)
                view = FileView(f.path, f.text)
                view.diff = getattr(ch, "diff", None)
                view.action_label = getattr(ch, "action", "")
                tabs.add_pane(TabPane(PurePosixPath(f.path).name, view, id=f"file-{self._gen}-{i}"))
            self.call_after_refresh(self._apply_mode)
            return
        for f, view in zip(files, self.query(FileView)):
            ch = changes.get(f.path)
            view.update_file(f.text, getattr(ch, "diff", None), getattr(ch, "action", ""))

    def _apply_mode(self) -> None:
        for view in self.query(FileView):
            view.show_diff(self.diff_mode)

    def toggle_diff(self) -> bool:
        self.diff_mode = not self.diff_mode
        self._apply_mode()
        return self.diff_mode

    @property
    def current_path(self) -> str | None:
        tabs = self.query_one(TabbedContent)
        active = tabs.active
        if not active.startswith(f"file-{self._gen}-"):
            return None
        i = int(active.rsplit("-", 1)[1])
        return self.paths[i] if i < len(self.paths) else None

    def select_path(self, path: str) -> None:
        if path in self.paths:
            self.query_one(TabbedContent).active = f"file-{self._gen}-{self.paths.index(path)}"
