"""``ttnn-wizard delegate`` end to end: the real SDK against the stand-in, a generated op on disk, malicious
proposals refused, patches applied only when reviewed and unchanged, the budget cap, no key, no leaks."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_anthropic import FakeAnthropic, Reply
from wizard.apply import apply_changes, base_path, diff_plan
from wizard.cli import main
from wizard.generate import plan_stages
from wizard.spec import parse_spec
from wizard.state import SessionState

KEY = "sk-ant-test-SECRET-delegate-42"
ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "fixtures" / "specs" / "row_centralize_spec.md"
READER = "device/kernels/dataflow/reader_row_centralize.cpp"
COMPUTE = "device/kernels/compute/row_centralize_compute.cpp"


@pytest.fixture
def api() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def op_dir(tmp_path: Path) -> Path:
    """A generated Stage 4-6 op (bases recorded), with a failed Stage 6 run in the session state."""
    op = tmp_path / "ws" / "row_centralize"
    op.mkdir(parents=True)
    plan = plan_stages(parse_spec(SPEC), (4, 6))
    changes = diff_plan(plan, op)
    result = apply_changes(changes, op, {c.path for c in changes})
    assert result.ok, result.errors
    log = op / ".ttnn-wizard" / "logs" / "stage6-20260101-000000.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("collected 4 items\nTT_METAL_OPERATION_TIMEOUT: timeout waiting for program\n"
                   "core (0,0) TRISC0 waiting in cb_wait_front(cb=0)\nFAILED test_program_executes_without_hang\n")
    state = SessionState.load(op)
    state.spec_path = str(SPEC)
    runner = state.section("runner")
    runner["stages"] = {"6": {"last_status": "failed", "last_log": str(log), "last_failure_kind": "hang (CB deadlock)",
                              "last_failure_summary": "TRISC0 waits in cb_wait_front(cb=0)"}}
    state.save()
    return op


@pytest.fixture
def env(api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    cfg = Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[claude]\nbase_url = "{api.url}"\nretry_base_delay = 0.01\nretry_max_delay = 0.05\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    return {"ANTHROPIC_API_KEY": KEY, "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"]}


def _malicious(op: Path, outside: Path) -> Reply:
    (outside / "target").mkdir(parents=True)
    (op / "device" / "evil_link").symlink_to(outside / "target", target_is_directory=True)
    abs_target = Path("/tmp") / f"ttnn-wizard-test-{uuid.uuid4().hex}"
    reader = (op / READER).read_text()
    compute = (op / COMPUTE).read_text()
    return Reply(
        text="The compute kernel never pops CB 0. I fixed it and touched the reader comment.",
        tool_calls=[
            ("propose_file_change", {"path": READER, "new_content": "// reviewed by Claude\n" + reader, "reason": "r"}),
            ("propose_file_change", {"path": COMPUTE, "new_content": compute + "// pop fixed\n", "reason": "c"}),
            ("propose_file_change", {"path": "../../etc/passwd", "new_content": "root::0:0::/:/bin/sh\n", "reason": "x"}),
            ("propose_file_change", {"path": str(abs_target), "new_content": "pwned\n", "reason": "x"}),
            ("propose_file_change", {"path": "device/evil_link/pwn.cpp", "new_content": "pwned\n", "reason": "x"}),
            ("propose_file_change", {"path": ".ttnn-wizard/state.toml", "new_content": "[claude]\n", "reason": "x"}),
        ],
    ), abs_target


def _all_text_under(path: Path) -> str:
    out = []
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            out.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def test_fix_proposal_patch_then_reviewed_apply(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reply, abs_target = _malicious(op_dir, tmp_path / "outside")
    api.push(reply)
    passwd_before = Path("/etc/passwd").read_bytes()
    reader_before = (op_dir / READER).read_text()

    rc = main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    # the request carried what a fix needs
    body = api.message_requests[0].body
    sent = str(body["messages"])
    assert "hang (CB deadlock)" in sent and "cb_wait_front(cb=0)" in sent and "reader_row_centralize.cpp" in sent
    # refused, reported as refused, and nothing outside the op touched
    assert out.count("REFUSED") == 4
    for bad in ("../../etc/passwd", str(abs_target), "device/evil_link/pwn.cpp", ".ttnn-wizard/state.toml"):
        assert f"REFUSED {bad!r}" in out
    assert Path("/etc/passwd").read_bytes() == passwd_before
    assert not abs_target.exists()
    assert not (tmp_path / "outside" / "target" / "pwn.cpp").exists()
    # the proposal is a patch for review; the op's files are untouched
    assert (op_dir / READER).read_text() == reader_before
    patches = sorted((op_dir / ".ttnn-wizard" / "proposals").glob("*.patch"))
    assert len(patches) == 1 and f"proposal: {patches[0]}" in out
    patch = patches[0].read_text()
    assert f"+++ b/{READER}" in patch and f"+++ b/{COMPUTE}" in patch and "passwd" not in patch and "pwn" not in patch
    assert "Tokens:" in out and "cache write" in out and "Cost: $" in out
    assert "checks:" in out
    transcripts = list((op_dir / ".ttnn-wizard" / "transcripts").glob("*.json"))
    assert len(transcripts) == 1

    # apply the reviewed patch
    rc = main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--yes-to", str(patches[0])])
    out2, err2 = capsys.readouterr()
    assert rc == 0, out2 + err2
    assert (op_dir / READER).read_text().startswith("// reviewed by Claude\n")
    assert (op_dir / COMPUTE).read_text().endswith("// pop fixed\n")
    # the 3-way base still holds what we generated: Claude's edit counts as a hand edit
    assert base_path(op_dir, READER).read_text() == reader_before
    assert len(api.message_requests) == 1  # applying sends nothing

    # the key is nowhere: output, transcripts, state, patches, logs
    everything = out + err + out2 + err2 + _all_text_under(op_dir)
    assert KEY not in everything
    assert "Authorization" not in _all_text_under(op_dir / ".ttnn-wizard" / "transcripts")


def test_yes_to_refuses_tampered_or_foreign_patches(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                                    tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reader = (op_dir / READER).read_text()
    api.push(Reply(tool_calls=[("propose_file_change", {"path": READER, "new_content": reader + "// x\n", "reason": ""})]))
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 0
    patch = next((op_dir / ".ttnn-wizard" / "proposals").glob("*.patch"))
    capsys.readouterr()

    foreign = tmp_path / "copy.patch"
    foreign.write_text(patch.read_text())
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--yes-to", str(foreign)]) == 2
    assert "not one of this op's proposals" in capsys.readouterr().err

    original = patch.read_text()
    patch.write_text(original.replace("+// x", "+system(\"rm -rf /\");"))
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--yes-to", str(patch)]) == 2
    assert "changed after it was written" in capsys.readouterr().err
    assert (op_dir / READER).read_text() == reader

    patch.write_text(original)
    (op_dir / READER).write_text(reader + "// my own edit since\n")
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--yes-to", str(patch)]) == 2
    assert "changed since the proposal" in capsys.readouterr().err
    assert (op_dir / READER).read_text().endswith("// my own edit since\n")


def test_budget_cap_stops_before_anything_is_sent(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    cfg = Path(env["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "config.toml"
    cfg.write_text(cfg.read_text() + "budget_usd = 0.01\n")
    api.push(Reply(text="never"))
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 2
    err = capsys.readouterr().err
    assert "nothing was sent" in err and "budget" in err
    assert api.requests == []  # not even count_tokens


def test_budget_spent_in_earlier_calls_makes_it_unavailable(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    state = SessionState.load(op_dir)
    state.section("claude")["spent_usd"] = 99.0
    state.save()
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 2
    assert "budget spent" in capsys.readouterr().err
    assert api.requests == []


def test_no_key_exits_2_with_the_reason(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 2
    err = capsys.readouterr().err
    assert "Claude is unavailable: no API key" in err and "ANTHROPIC_API_KEY" in err
    assert api.requests == []
    # the dry run still works without a key (local estimate, labelled)
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(estimate)" in out and "nothing was sent" in out and "no API key" in out


def test_no_network_exits_2(env: dict[str, str], op_dir: Path, api: FakeAnthropic,
                            capsys: pytest.CaptureFixture[str]) -> None:
    api.stop()  # the address now refuses connections
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 2
    assert "Claude is unavailable: no network" in capsys.readouterr().err


def test_dry_run_counts_and_estimates_without_generating(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "5", "--task", "cbs", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert api.message_requests == [] and [r.path for r in api.requests] == ["/v1/messages/count_tokens"]
    assert "input: " in out and "(estimate)" not in out.split("input: ")[1].splitlines()[0]
    assert "cost estimate" in out and "Spec: " in out and "device/row_centralize_program_factory.cpp" in out


def test_explain_prints_text_and_writes_no_patch(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    api.push(Reply(text="TRISC0 waits on CB 0 because the reader pushes Wt pages but compute waits for 2*Wt."))
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "explain"]) == 0
    out = capsys.readouterr().out
    assert "compute waits for 2*Wt" in out
    assert not (op_dir / ".ttnn-wizard" / "proposals").exists()
    assert "tools" not in api.message_requests[0].body


def test_cut_stream_is_reported(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    api.push(Reply(text="Looking at the reader " * 10, tool_calls=[("propose_file_change", {
        "path": READER, "new_content": "x" * 3000, "reason": ""})], cut_after=25))
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 1
    captured = capsys.readouterr()
    assert "stream was cut" in captured.err and "nothing proposed" in captured.err
    assert "Traceback" not in captured.err
    assert not (op_dir / ".ttnn-wizard" / "proposals").exists()


def test_real_subprocess_never_prints_the_key(api: FakeAnthropic, env: dict[str, str], op_dir: Path) -> None:
    api.push(Reply(text="ok", tool_calls=[("propose_file_change", {"path": "../escape.cpp", "new_content": "x",
                                                                   "reason": ""})]))
    proc = subprocess.run([sys.executable, "-m", "wizard.cli", "delegate", "--op-dir", str(op_dir), "--stage", "6",
                           "--task", "fix"], capture_output=True, text=True, env={**os.environ, **env}, timeout=120,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "REFUSED '../escape.cpp'" in proc.stdout and "no file changes proposed (all refused)" in proc.stdout
    assert KEY not in proc.stdout + proc.stderr
    assert not (op_dir.parent / "escape.cpp").exists()
    assert KEY not in _all_text_under(op_dir)


def test_a_patch_applies_once(api: FakeAnthropic, env: dict[str, str], op_dir: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    reader = (op_dir / READER).read_text()
    api.push(Reply(tool_calls=[("propose_file_change", {"path": READER, "new_content": reader + "// y\n", "reason": ""})]))
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 0
    patch = next((op_dir / ".ttnn-wizard" / "proposals").glob("*.patch"))
    args = ["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--yes-to", str(patch)]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "already applied" in capsys.readouterr().err
    assert (op_dir / READER).read_text() == reader + "// y\n"
