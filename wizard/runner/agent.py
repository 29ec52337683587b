"""The run agent: executes one stage run on the machine that has the device (this one, or a remote box).

    python agent.py CONFIG_JSON

One implementation for local and remote runs, so the device protocol cannot drift between them. Stdlib only,
no ``wizard`` imports (it is uploaded with ``device.py`` to a remote box). It
1. makes itself a process-group leader (``os.setsid``) and prints its pgid first, so Stop can signal the group;
2. runs the build (if asked) *before* taking the device lock: a long build must not block other users' tests;
3. probes the driver, takes the device lock (saying who holds it while it waits), resets on a dirty start,
   sets the dirty flag, runs pytest in its own process group with a timeout, and resets after a hang;
4. on SIGTERM/SIGHUP or when its output pipe breaks (the SSH link died) it terminates the test's process
   group (SIGTERM, then SIGKILL after a grace period) and reports ``stopped``.
Everything it says about itself is a line ``@@ttnn-wizard@@ {json}``; every other line is the child's output.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time

if __package__:  # imported from the package (the local side reads EVENT_PREFIX, HANG_TEXT)
    from wizard.runner import device
else:  # run as a script: device.py sits next to this file (the script's dir is sys.path[0])
    import device  # type: ignore[import-not-found, no-redef]

EVENT_PREFIX = "@@ttnn-wizard@@ "
# Text that tt-metal prints when its dispatch timeout (TT_METAL_OPERATION_TIMEOUT_SECONDS) fires, or triage runs.
HANG_TEXT = re.compile(
    r"potential hang detected|TIMEOUT: device timeout|device timeout|dispatch timed? ?out|Timeout waiting for",
    re.IGNORECASE,
)
HANG_EXIT_CODES = (124, 134, 137)
TRIAGE_ENV = "TT_METAL_DISPATCH_TIMEOUT_COMMAND_TO_EXECUTE"
TRIAGE_SCRIPT = ("tools", "tt-triage.py")  # relative to the checkout
WATCHER_LOG = ("generated", "watcher", "watcher.log")
TRIAGE_MAX_BYTES = 64 * 1024  # what of the triage report goes into the run's output (all of it stays in its file)


def _reader_gone() -> bool:
    """True when nobody reads our stdout any more (the ssh session died): poll reports POLLERR on the write
    end of a pipe whose read end is closed. A hung test prints nothing, so waiting for EPIPE is not enough."""
    try:
        p = select.poll()
        p.register(1, select.POLLOUT)
        return any(ev & (select.POLLERR | select.POLLHUP | select.POLLNVAL) for _, ev in p.poll(0))
    except (OSError, ValueError):
        return False


class Stopped(Exception):
    """Stop requested (signal) or nobody listens any more (broken pipe)."""


class Agent:
    def __init__(self, cfg: dict) -> None:
        self.cfg = cfg
        self.stop_reason = ""
        self.in_child = False
        self.at_line_start = True
        self.child_pgid: int | None = None

    # ---- output -------------------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        if not data:
            return
        try:
            os.write(1, data)
        except (BrokenPipeError, OSError):
            # The reader is gone (ssh died): keep running nothing on a shared device nobody watches.
            if not self.stop_reason:
                self.stop_reason = "output pipe closed (connection lost?)"
            if not self.in_child:
                raise Stopped(self.stop_reason) from None
            return
        self.at_line_start = data.endswith(b"\n")

    def event(self, name: str, **fields: object) -> None:
        prefix = b"" if self.at_line_start else b"\n"
        self._write(prefix + (EVENT_PREFIX + json.dumps({"event": name, **fields}) + "\n").encode())

    def say(self, text: str) -> None:
        self.event("message", text=text)

    # ---- signals ------------------------------------------------------------------------------------
    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stop_reason = self.stop_reason or f"stopped ({signal.Signals(signum).name})"
        if not self.in_child:
            raise Stopped(self.stop_reason)

    # ---- children -----------------------------------------------------------------------------------
    def run_child(self, argv: list[str], *, timeout: float, env: dict[str, str]) -> tuple[int, bool, bool]:
        """Run argv in its own session, forwarding output; (exit code, timed out, hang text seen)."""
        grace = float(self.cfg.get("grace", 5.0))
        try:
            proc = subprocess.Popen(
                argv, cwd=self.cfg["cwd"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, start_new_session=True, bufsize=0,
            )
        except OSError as exc:  # missing build script, no such cwd, not executable
            self.say(f"cannot start {' '.join(argv[:3])} in {self.cfg['cwd']}: {exc.strerror or exc}")
            return 127, False, False
        self.child_pgid = proc.pid
        self.event("child", pgid=proc.pid, argv=argv)
        self.in_child = True
        deadline = time.monotonic() + timeout
        timed_out = hang_text = False
        killed_at: float | None = None
        next_link_check = 0.0
        partial = b""
        fd = proc.stdout.fileno()  # type: ignore[union-attr]
        eof = False
        try:
            while True:
                now = time.monotonic()
                if killed_at is None and (self.stop_reason or now >= deadline):
                    timed_out = not self.stop_reason
                    self._signal_group(proc.pid, signal.SIGTERM)
                    killed_at = now
                elif killed_at is not None and now - killed_at >= grace:
                    self._signal_group(proc.pid, signal.SIGKILL)
                    killed_at = float("inf")  # once
                if now >= next_link_check:
                    next_link_check = now + 0.5
                    if not self.stop_reason and _reader_gone():
                        self.stop_reason = "output pipe closed (connection lost?)"
                        continue
                if eof and proc.poll() is not None:
                    break
                if eof:
                    time.sleep(0.05)
                    continue
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    if proc.poll() is not None and killed_at is None:
                        # the child exited but a grandchild may hold the pipe open: give it the grace period
                        deadline = min(deadline, time.monotonic() + grace)
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    eof = True
                    continue
                lines = (partial + chunk).split(b"\n")
                partial = lines.pop()
                if not hang_text and any(HANG_TEXT.search(ln.decode("utf-8", "replace")) for ln in lines):
                    hang_text = True
                self._write(chunk)
        finally:
            self.in_child = False
            # nothing of ours may outlive the run (grandchildren included)
            self._signal_group(proc.pid, signal.SIGKILL)
            proc.stdout.close()  # type: ignore[union-attr]
        rc = proc.wait()
        if rc < 0:
            rc = 128 - rc  # killed by a signal: shell convention (137 = SIGKILL)
        if timed_out:
            rc = 124
        if partial and HANG_TEXT.search(partial.decode("utf-8", "replace")):
            hang_text = True
        return rc, timed_out, hang_text

    @staticmethod
    def _signal_group(pgid: int, sig: int) -> None:
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    # ---- the run ------------------------------------------------------------------------------------
    def run(self) -> int:
        cfg = self.cfg
        t0 = time.monotonic()
        result: dict[str, object] = {"stopped": False, "timed_out": False, "hang": False, "hang_reason": "",
                                     "build_rc": None, "test_rc": None, "resets": [], "junit": None}
        lock = device.DeviceLock(int(cfg.get("device_id", 0)), cfg.get("lock_dir") or device.DEFAULT_LOCK_DIR)
        dirty = device.DirtyFlag(int(cfg.get("device_id", 0)), cfg.get("lock_dir") or device.DEFAULT_LOCK_DIR)
        base_env = {k: v for k, v in os.environ.items()}
        try:
            if cfg.get("build_cmd"):
                self.event("phase", phase="build", argv=cfg["build_cmd"])
                rc, timed_out, _ = self.run_child(
                    list(cfg["build_cmd"]), timeout=float(cfg.get("build_timeout", 3600)), env=base_env
                )
                result["build_rc"] = rc
                if self.stop_reason:
                    raise Stopped(self.stop_reason)
                if rc != 0:
                    result["timed_out"] = timed_out
                    return self._finish(result, rc, t0)

            status = device.probe_driver(cfg.get("list_cmd") or [], dev_dir=cfg.get("dev_dir") or device.DEV_DIR)
            self.event("driver", available=status.available, reason=status.reason)
            self.event("phase", phase="lock", device=lock.device_id)
            lock.acquire(on_wait=lambda msg: self.event("lock_wait", text=msg), what=str(cfg.get("what", "")))
            self.event("locked", device=lock.device_id)

            if dirty.is_set():
                self._reset(result, status, "dirty start: the last run on this device did not end cleanly", dirty)

            dirty.set(str(cfg.get("what", "")))
            test_cmd = [self._python() if a == "@python" else a for a in cfg["test_cmd"]]
            env = device.test_env(base_env, cfg.get("env") or {})
            triage_log = self._triage_setup(env)
            run_started = time.time()
            self.event("phase", phase="test", argv=test_cmd)
            rc, timed_out, hang_text = self.run_child(test_cmd, timeout=float(cfg["timeout"]), env=env)
            result.update(test_rc=rc, timed_out=timed_out)
            triaged = self._triage_report(triage_log, run_started)
            result["triage_log"] = triage_log if triaged else None
            if self.stop_reason:
                result["stopped"] = True
                result["hang_reason"] = ""
                # stopped mid-run: the device state is unknown, so the flag stays set and the next run resets
            elif timed_out or rc in HANG_EXIT_CODES or hang_text or triaged:
                result["hang"] = True
                result["hang_reason"] = (
                    f"no result after {float(cfg['timeout']):.0f} s (timeout)" if timed_out
                    else "dispatch timeout text in the output" if hang_text
                    else "tt-triage ran (the dispatch timeout fired)" if triaged
                    else f"exit code {rc}"
                )
                self._reset(result, status, f"hang: {result['hang_reason']}", dirty)
            else:
                dirty.clear()
            junit = cfg.get("junit_path")
            if junit and os.path.exists(junit):
                with open(junit, encoding="utf-8", errors="replace") as f:
                    result["junit"] = f.read()
            return self._finish(result, rc, t0)
        except Stopped as exc:
            result["stopped"] = True
            result["stop_reason"] = str(exc)
            try:
                return self._finish(result, 143, t0)
            except Stopped:
                return 143
        finally:
            lock.release()

    def _reset(self, result: dict, status: device.DriverStatus, why: str, dirty: device.DirtyFlag) -> None:
        if not status.available:
            self.say(f"device needs a reset ({why}) but there is no driver: {status.reason}")
            return
        dev = device.pick_reset_id(status.list_output, int(self.cfg.get("device_id", 0)))
        reset_cmd = self.cfg.get("reset_cmd") or []
        if dev is None and any("{device_id}" in a for a in reset_cmd):
            # "tt-smi -r" without ids resets every card on the box: never do that to other users
            self.say(f"device needs a reset ({why}) but no device id was found in the output of "
                     f"{' '.join(self.cfg.get('list_cmd') or [])}; not resetting every device on a shared box — "
                     "reset it by hand")
            return
        argv = device.reset_argv(reset_cmd, dev)
        self.event("reset", reason=why, argv=argv)
        rc, out = device.reset_device(self.cfg.get("reset_cmd") or [], dev)
        result["resets"].append({"reason": why, "argv": argv, "rc": rc, "output": out[-2000:]})  # type: ignore[union-attr]
        self.event("reset_done", rc=rc, output=out[-2000:])
        if rc == 0:
            dirty.clear()

    def _triage_setup(self, env: dict[str, str]) -> str | None:
        """Have tt-metal run the checkout's tt-triage into our own log file when its dispatch timeout fires.

        tt-metal takes a shell command here (its interface); every piece of it is a path we chose, quoted.
        A user's own command in the environment wins; no triage script in the checkout, no triage."""
        log = self.cfg.get("triage_log")
        script = os.path.join(self.cfg["cwd"], *TRIAGE_SCRIPT)
        if not self.cfg.get("triage", True) or not log or env.get(TRIAGE_ENV) or not os.path.isfile(script):
            return None
        try:
            os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
            if os.path.exists(log):
                os.remove(log)
        except OSError as exc:
            self.say(f"no triage capture: cannot prepare {log}: {exc.strerror or exc}")
            return None
        env[TRIAGE_ENV] = (f"{shlex.quote(self._python())} {shlex.quote(script)} --disable-progress "
                           f"> {shlex.quote(log)} 2>&1")
        return log

    def _triage_report(self, log: str | None, since: float) -> bool:
        """After the test: a non-empty triage log means the dispatch timeout fired (a hang). Its tail and the
        watcher log's (when it changed during the run) go into the output, where the classifier reads them."""
        triaged = False
        if log and os.path.isfile(log) and os.path.getsize(log) > 0:
            triaged = True
            self._dump("triage", log, TRIAGE_MAX_BYTES)
        watcher = os.path.join(self.cfg["cwd"], *WATCHER_LOG)
        try:
            fresh = os.path.getmtime(watcher) >= since
        except OSError:
            fresh = False
        if fresh and (triaged or self.cfg.get("watcher_always")):
            self._dump("watcher", watcher, 8 * 1024)
        return triaged

    def _dump(self, tag: str, path: str, limit: int) -> None:
        try:
            with open(path, "rb") as f:
                f.seek(max(0, os.path.getsize(path) - limit))
                text = f.read().decode("utf-8", "replace")
        except OSError as exc:
            self.say(f"cannot read {path}: {exc.strerror or exc}")
            return
        self.say(f"{tag} report: {path} (last {min(limit, len(text.encode()))} bytes follow)")
        lines = text.splitlines()[-400:]
        self._write(("".join(f"{tag}: {ln}\n" for ln in lines)).encode())

    def _python(self) -> str:
        venv = os.path.join(self.cfg["cwd"], "python_env", "bin", "python")
        return venv if os.access(venv, os.X_OK) else sys.executable

    def _finish(self, result: dict, rc: int, t0: float) -> int:
        result["duration"] = round(time.monotonic() - t0, 3)
        result["exit_code"] = rc
        self.event("result", **result)
        return rc


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: agent.py CONFIG_JSON", file=sys.stderr)
        return 2
    cfg = json.loads(argv[1])
    try:
        os.setsid()  # our own session + group: Stop signals exactly what we started
    except OSError:
        pass  # already a group leader (started with start_new_session): same effect
    agent = Agent(cfg)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, agent._on_signal)
    try:
        agent.event("pgid", pgid=os.getpgrp(), pid=os.getpid())
    except Stopped:
        return 143
    return agent.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
