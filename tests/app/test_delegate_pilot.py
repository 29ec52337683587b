"""Pilot: in the real app, delegate a fix to Claude (the API stand-in), review the proposal, approve one
file and reject another, and check what is on disk; unavailable Claude is visible but disabled."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from fake_anthropic import FakeAnthropic, Reply  # noqa: E402

from screens.app import WizardApp  # noqa: E402
from screens.delegate import DelegateScreen  # noqa: E402
from screens.review import ReviewScreen  # noqa: E402
from wizard.apply import apply_changes, diff_plan  # noqa: E402
from wizard.generate import plan_stages  # noqa: E402
from wizard.spec import parse_spec  # noqa: E402
from wizard.state import SessionState  # noqa: E402

KEY = "sk-ant-test-SECRET-pilot-7"
SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "row_centralize_spec.md"
READER = "device/kernels/dataflow/reader_row_centralize.cpp"
COMPUTE = "device/kernels/compute/row_centralize_compute.cpp"


@pytest.fixture
def api() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def op_dir(tmp_path: Path) -> Path:
    op = tmp_path / "ws" / "row_centralize"
    op.mkdir(parents=True)
    changes = diff_plan(plan_stages(parse_spec(SPEC), (4, 6)), op)
    assert apply_changes(changes, op, {c.path for c in changes}).ok
    state = SessionState.load(op)
    state.spec_path = str(SPEC)
    state.section("runner")["stages"] = {"6": {"last_status": "failed", "last_failure_kind": "hang (CB deadlock)",
                                               "last_failure_summary": "TRISC0 waits in cb_wait_front(cb=0)"}}
    state.save()
    return op


def _configure(api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch, *, key: bool = True) -> None:
    cfg = Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[claude]\nbase_url = "{api.url}"\n')
    if key:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


async def _until(pilot: object, cond: Callable[[], bool], timeout: float = 20.0) -> None:
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if cond():
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise AssertionError("condition not reached in time")


async def test_delegate_fix_review_approve_one_reject_other(api: FakeAnthropic, op_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(api, monkeypatch)
    reader = (op_dir / READER).read_text()
    compute = (op_dir / COMPUTE).read_text()
    api.push(Reply(text="The compute kernel waits for 2*Wt pages on CB 0 but the reader pushes Wt. ",
                   tool_calls=[
                       ("propose_file_change", {"path": READER, "new_content": "// reader change\n" + reader, "reason": "r"}),
                       ("propose_file_change", {"path": COMPUTE, "new_content": compute + "// compute fix\n", "reason": "c"}),
                       ("propose_file_change", {"path": "../../outside.cpp", "new_content": "pwned\n", "reason": "x"}),
                   ], event_delay=0.002))
    app = WizardApp(spec_path=SPEC, op_dir=op_dir, cwd=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.session is not None)
        await pilot.press("f9")
        await _until(pilot, lambda: isinstance(app.screen, DelegateScreen))
        screen = app.screen
        assert isinstance(screen, DelegateScreen)
        await _until(pilot, lambda: screen.available and not screen.query_one("#send").disabled)
        assert screen.task_kind.value == "fix"
        assert "tokens" in str(screen.query_one("#delegate-estimate").render())
        await pilot.click("#send")
        await _until(pilot, lambda: screen.review is not None and not screen.sending)
        result = str(screen.query_one("#delegate-result").render())
        assert "REFUSED '../../outside.cpp'" in result
        assert "waits for 2*Wt" in screen.stream_text
        await pilot.press("f5")
        await _until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert [c.path for c in review.changes] == [READER, COMPUTE]  # the refused path never reaches review
        await pilot.press("r")  # reject the reader change (then moves to the next file)
        await pilot.press("a")  # approve the compute fix
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: screen.applied == [COMPUTE])
    assert (op_dir / READER).read_text() == reader  # rejected: untouched
    assert (op_dir / COMPUTE).read_text() == compute + "// compute fix\n"  # approved: written
    assert not (op_dir.parent.parent / "outside.cpp").exists()
    state_text = (op_dir / ".ttnn-wizard" / "state.toml").read_text()
    assert "spent_usd" in state_text and KEY not in state_text
    transcripts = list((op_dir / ".ttnn-wizard" / "transcripts").glob("*.json"))
    assert transcripts and all(KEY not in t.read_text() for t in transcripts)


async def test_without_key_the_action_is_visible_but_disabled(api: FakeAnthropic, op_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(api, monkeypatch, key=False)
    app = WizardApp(spec_path=SPEC, op_dir=op_dir, cwd=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: app.session is not None)
        await pilot.press("f9")
        await _until(pilot, lambda: isinstance(app.screen, DelegateScreen))
        screen = app.screen
        await _until(pilot, lambda: "no API key" in str(screen.query_one("#delegate-availability").render()))
        assert screen.query_one("#send").disabled
        assert "(estimate)" in str(screen.query_one("#delegate-estimate").render())
        await pilot.press("f10")  # the send binding does nothing but say why
        await pilot.press("escape")
        await _until(pilot, lambda: not isinstance(app.screen, DelegateScreen))
        assert app.session is not None  # the rest of the app keeps working
    assert api.requests == []


async def test_stop_cancels_a_streaming_reply(api: FakeAnthropic, op_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(api, monkeypatch)
    api.push(Reply(text="slow " * 400, event_delay=0.03))
    app = WizardApp(spec_path=SPEC, op_dir=op_dir, cwd=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.session is not None)
        await pilot.press("f9")
        await _until(pilot, lambda: isinstance(app.screen, DelegateScreen))
        screen = app.screen
        await _until(pilot, lambda: screen.available and not screen.query_one("#send").disabled)
        await pilot.click("#send")
        await _until(pilot, lambda: bool(screen.stream_text))
        await pilot.press("ctrl+x")
        await _until(pilot, lambda: not screen.sending, timeout=5)
        assert screen.proposal is not None and screen.proposal.cancelled
        assert "stopped" in str(screen.query_one("#delegate-result").render())
