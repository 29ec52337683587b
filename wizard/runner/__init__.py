"""Build and run a stage's tests with the device protocol, locally or on a remote box; results; RED/GREEN.

    runner = Runner(op_dir, profile, host=None)
    result = runner.run_stage(4, on_line=print, expect="red")   # blocks; call runner.stop() from another thread

The work on the machine with the device is done by ``agent.py`` (lock, dirty flag, reset, build, pytest with a
timeout, all in process groups we own); this module prepares it, streams its output to ``on_line`` and to
``op_dir/.ttnn-wizard/logs/stage<N>-<time>.log``, parses the junit xml, classifies failures and records the
TDD state. Nothing here imports Textual; the console pane (screens/console.py) is a thin view over it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from wizard.errors import WizardError
from wizard.runner import build as build_mod
from wizard.runner.classify import Failure, FailureKind, classify_build, classify_hang
from wizard.runner.process import AgentEvent, StreamingProcess, start_local
from wizard.runner.results import (
    Outcome,
    RunResult,
    RunStatus,
    TestResult,
    format_table,
    parse_junit,
    status_from,
)

__all__ = [
    "Failure", "FailureKind", "Outcome", "RunResult", "RunStatus", "Runner", "TestResult", "format_table",
    "stage_tests",
]

AGENT_DIR = Path(__file__).resolve().parent
PREFIX = "ttnn-wizard: "
# "Say so once" per process and machine: a session that runs ten stages hears about the missing driver once.
_DRIVER_WARNED: set[str] = set()


def stage_tests(op_dir: Path, stage: int) -> list[Path]:
    """The stage's test files: ``test_dev/test_stage<N>_*.py`` (sorted)."""
    return sorted((op_dir / "test_dev").glob(f"test_stage{stage}_*.py"))


def _checkout_root(op_dir: Path) -> Path | None:
    from wizard.workspace import find_checkout_root

    return find_checkout_root(op_dir)


class Runner:
    """Runs one op's stage tests. Reusable: run_stage may be called again (e.g. to retry after a lost link)."""

    def __init__(
        self,
        op_dir: str | Path,
        profile: Any = None,
        host: str | None = None,
        *,
        remote_root: str | None = None,
        device_id: int = 0,
        lock_dir: str | None = None,
        dev_dir: str | None = None,
        grace: float = 5.0,
        state: Any = None,
    ) -> None:
        self.op_dir = Path(op_dir).resolve()
        if profile is None:
            from wizard.profiles import load_profile

            profile = load_profile(None)
        self.profile = profile
        # None: the profile's host (if any); "": this machine, whatever the profile says (the app's empty field)
        self.host = (getattr(profile, "host", None) if host is None else host) or None
        self.remote_root = remote_root or getattr(profile, "remote_root", None) or os.environ.get(
            "TTNN_WIZARD_REMOTE_ROOT") or None
        self.device_id = device_id
        self.lock_dir = lock_dir or os.environ.get("TTNN_WIZARD_LOCK_DIR") or None
        self.dev_dir = dev_dir or os.environ.get("TTNN_WIZARD_DEV_DIR") or None
        self.grace = grace
        self._state = state
        self._stop = threading.Event()
        self._current: StreamingProcess | None = None
        self._box: Any = None
        self._log: Any = None
        self._run_state: Any = None

    # ---- public -------------------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the running stage: SIGTERM to the process groups we started, SIGKILL after the grace period."""
        self._stop.set()
        proc = self._current
        if proc is not None:
            proc.stop(self.grace)

    @property
    def running(self) -> bool:
        return self._current is not None

    def run_stage(
        self,
        stage: int,
        on_line: Callable[[str], None] | None = None,
        expect: str | None = None,
        *,
        build: bool = True,
        timeout: float | None = None,
        record: bool = True,
        on_lines: Callable[[list[str]], None] | None = None,
    ) -> RunResult:
        """Build if needed and run the stage's tests; blocks until done (``stop()`` from another thread).

        ``on_line`` gets each output line; ``on_lines`` (optional, e.g. the console pane) gets plain output in
        chunks instead, which is much cheaper when a test floods the output. Everything also goes to the log.
        """
        if expect not in (None, "red", "green"):
            raise WizardError(f"--expect must be red or green, not {expect!r}")
        if not self.op_dir.is_dir():
            raise WizardError("op directory not found", path=str(self.op_dir))
        tests = stage_tests(self.op_dir, stage)
        if not tests:
            raise WizardError(
                f"no tests for stage {stage}: expected {self.op_dir / 'test_dev'}/test_stage{stage}_*.py "
                "(generate and apply the stage first)"
            )
        if self.lock_dir and not self.host and not Path(self.lock_dir).is_dir():
            # The lock and dirty flag are shared by everyone on the box: we do not create their folder for them.
            raise WizardError(
                "device lock directory does not exist (set TTNN_WIZARD_LOCK_DIR to an existing shared folder, "
                "or unset it for /tmp)",
                path=self.lock_dir,
            )
        self._stop.clear()
        self._run_state = None
        if record or build:
            # A hand-damaged state.toml is a WizardError (file and line) now, before the build and the tests run,
            # not after them (their results would be lost).
            self._state_obj()
        started = time.monotonic()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        logs = self.op_dir / ".ttnn-wizard" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log_path = logs / f"stage{stage}-{stamp}.log"
        junit_local = logs / f"stage{stage}-{stamp}.xml"
        result = RunResult(stage, RunStatus.ERROR, None, log_path=log_path, host=self.host, op_dir=self.op_dir,
                           checkout_root=_checkout_root(self.op_dir),
                           remote_root=self.remote_root if self.host else None)
        with open(log_path, "w", encoding="utf-8", errors="replace") as log:

            self._log = log

            def emit(line: str) -> None:
                log.write(line + "\n")
                if on_line is not None:
                    on_line(line)

            def emit_many(lines: list[str]) -> None:
                log.write("\n".join(lines) + "\n")
                if on_lines is not None:
                    on_lines(lines)
                elif on_line is not None:
                    for ln in lines:
                        on_line(ln)

            try:
                self._run(stage, tests, emit, emit_many, result, junit_local, build=build, timeout=timeout,
                          expect=expect)
            finally:
                self._current = None
                result.duration = time.monotonic() - started
                log.flush()
        self._finish(stage, result, expect, record=record, started=started)
        return result

    # ---- internals ----------------------------------------------------------------------------------
    def _timeout(self, timeout: float | None) -> float:
        t = timeout if timeout is not None else float(getattr(self.profile, "stage_timeout", 120.0) or 120.0)
        if t <= 0:
            raise WizardError(f"--timeout must be positive, not {t}")
        return t

    def _state_obj(self) -> Any:
        """The session state for this run: the caller's object (the app shares its own, so nothing is lost
        between two writers), else read fresh from disk once per run (never a stale copy across runs)."""
        if self._state is not None:
            return self._state
        if self._run_state is None:
            from wizard.state import SessionState

            self._run_state = SessionState.load(self.op_dir)
        return self._run_state

    def _run(self, stage: int, tests: Sequence[Path], emit: Callable[[str], None],
             emit_many: Callable[[list[str]], None], result: RunResult,
             junit_local: Path, *, build: bool, timeout: float | None, expect: str | None) -> None:
        tmo = self._timeout(timeout)
        local_root = _checkout_root(self.op_dir)
        root = local_root or self.op_dir
        rel_op = self.op_dir.relative_to(root)
        if self.host:
            if not self.remote_root:
                raise WizardError(
                    f"--host {self.host}: where is the tt-metal checkout on that box? Set remote_root in the "
                    "profile (or TTNN_WIZARD_REMOTE_ROOT)"
                )
            cwd = self.remote_root.rstrip("/") or "/"
            op_remote = f"{cwd}/{rel_op.as_posix()}" if rel_op.parts else cwd
        else:
            cwd = str(root)
            op_remote = str(self.op_dir)

        build_cmd = self._build_cmd(build, local_root, emit)
        junit_path = f"{op_remote}/.ttnn-wizard/logs/{junit_local.name}"
        test_args = [(rel_op / t.relative_to(self.op_dir)).as_posix() for t in tests]
        # --capture=tee-sys: output reaches the console live AND the junit report; C++ (fd-level) text such as
        # the dispatch-timeout/triage lines passes straight through, so a killed hang still leaves its clues.
        # junit_family=xunit1 adds file/line attributes (jump to the test).
        cfg = {
            "stage": stage,
            "cwd": cwd,
            "build_cmd": build_cmd,
            "test_cmd": ["@python", "-m", "pytest", *test_args, "-x", "-v", "--color=no", "--capture=tee-sys", "-o",
                         "junit_family=xunit1", f"--junitxml={junit_path}"],
            "timeout": tmo,
            "junit_path": junit_path,
            # tt-metal runs tools/tt-triage.py into this file when its dispatch timeout fires (domain.md 4.3)
            "triage_log": junit_path[: -len(".xml")] + ".triage.log" if junit_path.endswith(".xml") else
            junit_path + ".triage.log",
            "triage": bool(getattr(self.profile, "triage", True)),
            "list_cmd": list(getattr(self.profile, "list_cmd", []) or []),
            "reset_cmd": list(getattr(self.profile, "reset_cmd", []) or []),
            "device_id": self.device_id,
            "lock_dir": self.lock_dir,
            "dev_dir": self.dev_dir,
            "env": dict(getattr(self.profile, "test_env", {}) or {}),
            "grace": self.grace,
            "what": f"ttnn-wizard stage {stage} of {self.op_dir.name}",
        }
        where = f" on {self.host}" if self.host else ""
        emit(f"{PREFIX}stage {stage}{where}: {' '.join(test_args)} (timeout {tmo:.0f} s)")
        if self.host:
            proc = self._start_remote(cfg, op_remote, emit, result)
            if proc is None:
                return
        else:
            (self.op_dir / ".ttnn-wizard" / "logs").mkdir(parents=True, exist_ok=True)
            proc = start_local([sys.executable, str(AGENT_DIR / "agent.py"), json.dumps(cfg)], cwd=cwd)
        self._current = proc
        if self._stop.is_set():
            proc.stop(self.grace)
        final: dict[str, Any] = {}

        def on_event(ev: AgentEvent) -> None:
            self._on_event(ev, emit, result, final)

        rc = proc.stream(emit, on_event, on_lines=emit_many)
        self._assemble(result, final, rc, proc, junit_local, tmo, cfg)

    def _build_cmd(self, build: bool, local_root: Path | None, emit: Callable[[str], None]) -> list[str] | None:
        cmd = list(getattr(self.profile, "build_cmd", []) or [])
        if not build or not cmd:
            if not build:
                emit(f"{PREFIX}build skipped (--no-build)")
            return None
        if not self.host and local_root is None:
            emit(f"{PREFIX}not inside a tt-metal checkout: no build step")
            return None
        if not build_mod.build_needed(self._state_obj().section("runner"), self.op_dir, self.host):
            emit(f"{PREFIX}host-side files unchanged since the last successful build: build skipped")
            return None
        return cmd

    def _start_remote(self, cfg: dict[str, Any], op_remote: str, emit: Callable[[str], None],
                      result: RunResult) -> StreamingProcess | None:
        from wizard.runner.remote import AGENT_REL, RemoteBox, RemoteError

        try:
            if self._box is None:
                self._box = RemoteBox(self.host)  # type: ignore[arg-type]
            emit(f"{PREFIX}syncing {self.op_dir.name} to {self.host}:{op_remote}")
            sent = self._box.sync_op_dir(self.op_dir, op_remote, AGENT_DIR)
            emit(f"{PREFIX}synced {sent // 1024} KiB")
            removed = getattr(self._box, "removed", [])
            if removed:
                shown = ", ".join(removed[:5]) + (f" and {len(removed) - 5} more" if len(removed) > 5 else "")
                emit(f"{PREFIX}removed on the box (deleted here since the last sync): {shown}")
            if self._stop.is_set():
                result.status = RunStatus.STOPPED
                return None
            # the checkout's venv runs the agent too when it exists (its pytest is the one that matters)
            venv_py = f"{cfg['cwd'].rstrip('/')}/python_env/bin/python"
            python = venv_py if self._box.run(["test", "-x", venv_py])[0] == 0 else "python3"
            return self._box.start_agent(f"{op_remote}/{AGENT_REL}/agent.py", json.dumps(cfg), python=python)
        except RemoteError as exc:
            self._drop_box()
            result.status = RunStatus.CONNECTION_LOST
            result.message = f"{exc}; the run can be retried"
            result.failure = Failure(FailureKind.OTHER, str(exc), "check the host, the network and your SSH "
                                     "keys (ssh -o BatchMode=yes HOST true), then run again")
            emit(PREFIX + result.message)
            return None

    def _drop_box(self) -> None:
        if self._box is not None:
            self._box.close()
            self._box = None

    def _on_event(self, ev: AgentEvent, emit: Callable[[str], None], result: RunResult,
                  final: dict[str, Any]) -> None:
        d = ev.data
        key = self.host or "local"
        if ev.name == "driver":
            result.driver_available = bool(d.get("available"))
            result.driver_reason = str(d.get("reason", ""))
            if not result.driver_available and key not in _DRIVER_WARNED:
                _DRIVER_WARNED.add(key)
                emit(f"{PREFIX}no Tenstorrent driver{' on ' + self.host if self.host else ''} "
                     f"({result.driver_reason}): running what can run; tests that need a device skip (or fail "
                     "opening it) and no reset is possible")
        elif ev.name in ("lock_wait", "message"):
            emit(PREFIX + str(d.get("text", "")))
        elif ev.name == "locked":
            emit(f"{PREFIX}device {d.get('device')} locked")
        elif ev.name == "phase":
            if d.get("phase") == "build":
                emit(f"{PREFIX}building: {' '.join(d.get('argv', []))}")
                result.built = True
        elif ev.name == "reset":
            emit(f"{PREFIX}resetting the device ({d.get('reason')}): {' '.join(d.get('argv', []))}")
        elif ev.name == "reset_done":
            emit(f"{PREFIX}reset {'done' if d.get('rc') == 0 else 'FAILED (exit ' + str(d.get('rc')) + ')'}")
        elif ev.name == "result":
            final.update(d)

    def _assemble(self, result: RunResult, final: dict[str, Any], rc: int, proc: StreamingProcess,
                  junit_local: Path, tmo: float, cfg: dict[str, Any]) -> None:
        self._log.flush()  # the classifiers read the whole log from disk
        result.exit_code = final.get("exit_code", rc) if final else rc
        for r in final.get("resets", []) or []:
            result.resets.append(f"{r.get('reason')} -> exit {r.get('rc')}")
        log_text = _read(result.log_path)
        junit = final.get("junit")
        if isinstance(junit, str) and junit:
            if self.host:
                junit_local.write_text(junit, encoding="utf-8")
            result.junit_path = junit_local
            result.tests = parse_junit(junit, log=log_text)
        if not final:
            if self._stop.is_set() or proc.stop_requested:
                result.status = RunStatus.STOPPED
                result.message = "stopped"
            elif self.host:
                # ssh ended without the agent's result: the link broke (ssh exits 255) or ssh was killed
                self._drop_box()
                tail = "; ".join(proc.stderr_tail[-2:])
                result.status = RunStatus.CONNECTION_LOST
                result.message = (f"lost the connection to {self.host} (ssh exit {rc}{': ' + tail if tail else ''}); "
                                  "the remote run stops itself when nobody reads its output; the run can be retried")
                result.failure = Failure(FailureKind.OTHER, result.message, "check the link, then run again")
            else:
                result.status = RunStatus.ERROR
                tail = "; ".join(proc.stderr_tail[-3:])
                result.message = f"the run agent ended without a result (exit {rc}){': ' + tail if tail else ''}"
            return
        if final.get("stopped"):
            result.status = RunStatus.STOPPED
            result.message = str(final.get("stop_reason") or "stopped")
            return
        if final.get("build_rc") not in (None, 0):
            result.status = RunStatus.BUILD_FAILED
            result.failure = classify_build(log_text)
            return
        if result.built and final.get("build_rc") == 0:
            build_mod.mark_built(self._state_obj().section("runner"), self.op_dir, self.host)
        if final.get("hang"):
            result.failure = classify_hang(log_text, timed_out=bool(final.get("timed_out")),
                                           exit_code=final.get("test_rc"), timeout=tmo)
            result.status = RunStatus.TIMEOUT if result.failure.kind == FailureKind.TIMEOUT else RunStatus.HANG
            what = "timed out" if result.status == RunStatus.TIMEOUT else "device hang"
            result.message = f"{what}: {final.get('hang_reason')}; the device was reset (see below)" if \
                result.resets else f"{what}: {final.get('hang_reason')}"
            return
        result.status = status_from(result.tests, final.get("test_rc"))
        if result.status == RunStatus.SKIPPED:
            reasons = list(dict.fromkeys(t.message for t in result.tests if t.message))
            said = f"; pytest says: {'; '.join(reasons[:2])}" if reasons else ""
            if result.driver_available is False:
                result.message = f"skipped: no Tenstorrent device ({result.driver_reason}){said}"
            else:
                result.message = f"every test was skipped{said}"
        elif result.status in (RunStatus.ERROR, RunStatus.NO_TESTS) and not result.tests:
            result.message = f"pytest exited {final.get('test_rc')} without test results (see the log)"

    def _finish(self, stage: int, result: RunResult, expect: str | None, *, record: bool, started: float) -> None:
        from wizard.runner import tdd

        if record:
            state = self._state_obj()
            tdd.record(state, stage, result, expect)
            state.save()
        else:
            result.expectation_met = tdd.judge(result).met(expect, result)


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
