"""Local process groups through plumbum: streaming, events, environment, stop (real, short processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from wizard.runner.agent import EVENT_PREFIX
from wizard.runner.process import parse_event, start_local


def test_streams_stdout_and_stderr_and_parses_events() -> None:
    code = (
        "import sys, json\n"
        "print('one', flush=True)\n"
        "print('to stderr', file=sys.stderr, flush=True)\n"
        f"print({EVENT_PREFIX!r} + json.dumps({{'event': 'child', 'pgid': 12345}}), flush=True)\n"
        "print('two')\n"
    )
    proc = start_local([sys.executable, "-c", code])
    lines: list[str] = []
    events = []
    rc = proc.stream(lines.append, events.append)
    assert rc == 0
    assert sorted(lines) == ["one", "to stderr", "two"] and lines.index("one") < lines.index("two")
    assert [(e.name, e.data) for e in events] == [("child", {"pgid": 12345})]
    assert 12345 in proc.groups and proc.groups[0] == proc.proc.pid  # our own group first
    assert parse_event("plain text") is None and parse_event(EVENT_PREFIX + "{bad") is None


def test_environment_is_current_and_unset_works(monkeypatch) -> None:
    monkeypatch.setenv("RUNNER_PROCESS_TEST", "today")
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    code = "import os; print(os.environ.get('RUNNER_PROCESS_TEST'), os.environ.get('PYTHONUNBUFFERED'))"
    lines: list[str] = []
    start_local([sys.executable, "-c", code], unset=("PYTHONUNBUFFERED",)).stream(lines.append)
    assert lines == ["today None"]


def test_stop_kills_the_group_with_grandchildren_only() -> None:
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        proc = start_local(["sh", "-c", "sleep 60 & echo $!; wait"])
        pids: list[str] = []
        t0 = time.monotonic()
        proc_stream_started = []

        def on_line(line: str) -> None:
            pids.append(line)
            if not proc_stream_started:
                proc_stream_started.append(1)
                proc.stop(grace=1.0)

        rc = proc.stream(on_line)
        assert rc != 0 and time.monotonic() - t0 < 10
        grandchild = int(pids[0])
        for _ in range(50):
            try:
                with open(f"/proc/{grandchild}/stat") as f:
                    if f.read().split(") ", 1)[1].startswith("Z"):
                        break
            except FileNotFoundError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("grandchild survived")
        assert bystander.poll() is None
        assert os.getpgrp() not in proc.groups
    finally:
        bystander.kill()
        bystander.wait()


def test_stale_files_trusts_no_path_from_the_box() -> None:
    from wizard.runner.remote import stale_files

    previous = "\n".join([
        "a.cpp", "kernels/old.cpp", "keep.cpp", "../outside.txt", "/etc/passwd", "kernels/../../x", "./y",
        ".ttnn-wizard/state.toml", "__pycache__/m.pyc", "", "  ",
    ])
    assert stale_files(previous, ["keep.cpp", "a.cpp"]) == ["kernels/old.cpp"]
    assert stale_files("", ["a.cpp"]) == []


def test_runner_host_none_is_the_profiles_and_empty_is_this_machine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from wizard.profiles import load_profile
    from wizard.runner import Runner

    boxed = dataclasses.replace(load_profile("wormhole_n150"), host="me@box")
    assert Runner(tmp_path, boxed).host == "me@box"
    assert Runner(tmp_path, boxed, host="").host is None  # the app's empty "run on" field
    assert Runner(tmp_path, boxed, host="you@other").host == "you@other"
    assert Runner(tmp_path, load_profile("wormhole_n150")).host is None
