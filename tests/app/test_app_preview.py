"""The preview's incremental text swap: whatever the edit, the TextArea ends up with exactly the new text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from screens.preview import diff_text, is_cpp, register_cpp, replace_changed_lines

LINES = st.lists(st.sampled_from(["", "int x = 1;", "  cb_push_back(cb, 1);", "}", "// note", "x"]), max_size=12)


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea("", read_only=True, id="ta")


async def test_replace_changed_lines_matches_new_text_for_many_edits() -> None:
    pairs: list[tuple[str, str]] = []

    @settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
    @given(LINES, LINES, st.booleans(), st.booleans())
    def collect(a: list[str], b: list[str], nl_a: bool, nl_b: bool) -> None:
        pairs.append(("\n".join(a) + ("\n" if nl_a else ""), "\n".join(b) + ("\n" if nl_b else "")))

    collect()
    app = _Host()
    async with app.run_test() as pilot:
        ta = app.query_one(TextArea)
        register_cpp(ta)
        for old, new in pairs:
            ta.load_text(old)
            replace_changed_lines(ta, new)
            assert ta.text == new, (old, new)
        await pilot.pause()


async def test_cpp_highlighting_is_registered() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        ta = app.query_one(TextArea)
        assert register_cpp(ta)
        ta.load_text('#include "x.h"\nvoid kernel_main() { uint32_t n = 2; }  // c\n')
        await pilot.pause()
        assert ta.language == "cpp"
        names = {name for spans in ta._highlights.values() for *_, name in spans}
        assert {"keyword", "comment", "string"} & names, names


def test_diff_text_colours_lines() -> None:
    text = diff_text("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n")
    styles = {str(span.style) for span in text.spans}
    assert "green" in styles and "red" in styles and "cyan" in styles
    assert is_cpp("device/x.hpp") and not is_cpp("test_dev/t.py")
