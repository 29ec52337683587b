"""The one-line key bar and title bar (screens/bars.py) and the light first-frame step titles."""

from __future__ import annotations

import pytest

from screens.bars import KeyBar, KeyHint, TitleBar, layout_hints
from screens.stepper import STAGE_TITLES, Stepper

APP_KEYS = [
    KeyHint("f1", "F1", "Help"),
    KeyHint("f2", "F2", "Prev", low_priority=4),
    KeyHint("f3", "F3", "Next", low_priority=3),
    KeyHint("f4", "F4", "Edit", low_priority=1),
    KeyHint("f5", "F5", "Apply"),
    KeyHint("f6", "F6", "Diff", low_priority=2),
    KeyHint("f7", "F7", "Tests"),
    KeyHint("f8", "F8", "Shot", low_priority=6),
    KeyHint("f9", "F9", "Claude"),
    KeyHint("ctrl+t", "^t", "Theme", low_priority=5),
    KeyHint("ctrl+p", "^p", "Palette"),
]


def test_wide_bar_shows_every_key_and_description() -> None:
    text, spans = layout_hints(APP_KEYS, 160)
    assert text.cell_len <= 160
    for h in APP_KEYS:
        assert f" {h.display} " in text.plain and h.description in text.plain
    assert [k for _, _, k in spans] == [h.key for h in APP_KEYS]


@pytest.mark.parametrize("width", [80, 60, 40])
def test_narrow_bar_keeps_every_key_and_fits(width: int) -> None:
    text, spans = layout_hints(APP_KEYS, width)
    assert text.cell_len <= width
    for h in APP_KEYS:
        assert h.display in text.plain
    # low-priority descriptions go first: Help, Apply, Tests, Claude survive at 80 columns
    if width == 80:
        for word in ("Help", "Apply", "Tests", "Claude", "Palette"):
            assert word in text.plain
        assert "Shot" not in text.plain


def test_spans_point_at_their_keys() -> None:
    text, spans = layout_hints(APP_KEYS, 80)
    for (start, end, key), hint in zip(spans, APP_KEYS):
        assert hint.display in text.plain[start:end]
        assert key == hint.key


def test_too_narrow_for_keys_crops_without_error() -> None:
    text, _ = layout_hints(APP_KEYS, 10)
    assert "F1" in text.plain  # every description gone; the rest is cropped by the widget


def test_first_frame_titles_match_the_sessions() -> None:
    # The stepper keeps its own copy so the first frame need not import the session (wizard.model).
    from screens import session

    assert STAGE_TITLES == session.STAGE_TITLES


async def test_key_bar_follows_focus_and_runs_clicked_keys(tmp_path) -> None:
    from screens.app import WizardApp
    from wizard.workspace import create_demo_workspace

    ws = create_demo_workspace(tmp_path / "ws")
    app = WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(KeyBar)
        first = bar.render().plain
        for key in ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "^t", "^p"):
            assert key in first  # before the session loaded: the first frame has every key
        assert await app.wait_ready(), app.load_error
        assert "reduce_avg_w_rm" in app.query_one(TitleBar).render().plain
        app.goto("stage5")
        await pilot.pause()
        app._tabs5().active = "tab-cbs"
        await pilot.pause()
        app.query_one("#cb-rows Input").focus()
        await pilot.pause()
        await pilot.pause()
        plain = bar.render().plain
        assert "^n" in plain and "^l" in plain  # the CB form's own keys joined the app's
        assert plain.index("F9") < plain.index("^n")  # app keys keep their places
        assert bar.render().cell_len <= 80
        # A click on the F1 hint runs the help action like the key does.
        start, end, key = next(s for s in bar._spans if s[2] == "f1")
        await pilot.click(KeyBar, offset=(start + 1, 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert app.query_one(Stepper)  # main screen intact under the help
