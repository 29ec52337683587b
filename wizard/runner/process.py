"""Process groups we start (locally with plumbum, or over SSH): line streaming, events, stop.

Every child is started in its own session (``start_new_session``), so Stop can signal exactly the group we
started — the test, its workers, anything they spawned — and nothing else: no ``pkill`` by name, ever.

Lines are read by one thread per pipe (``os.read`` of what is available, split into lines), not by polling
``readline`` with ``select`` on buffered streams: that pattern (plumbum's ``iter_lines``) can leave a complete
line sitting in the buffer until more output arrives, and a lone "device 0 is in use … waiting" line must
show at once. Lines cross to the consumer in per-chunk batches: 200k lines stream in well under a second.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from wizard.runner.agent import EVENT_PREFIX

LineCallback = Callable[[str], None]


@dataclass
class AgentEvent:
    name: str
    data: dict[str, Any] = field(default_factory=dict)


def parse_event(line: str) -> AgentEvent | None:
    if not line.startswith(EVENT_PREFIX):
        return None
    try:
        data = json.loads(line[len(EVENT_PREFIX):])
    except ValueError:
        return None
    if not isinstance(data, dict) or "event" not in data:
        return None
    return AgentEvent(str(data.pop("event")), data)


def _pump(stream: IO[bytes], tag: str, out: queue.Queue[tuple[str, list[str] | None]]) -> None:
    """Read whatever is available (``os.read``: returns at once with a partial chunk, so lines stay live) and
    hand over complete lines in batches: one queue operation per chunk, not per line (200k lines/s)."""
    partial = b""
    try:
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            complete, nl, partial = (partial + chunk).rpartition(b"\n")
            if nl:
                # one decode and one split per chunk (C speed); a UTF-8 sequence never spans a newline
                text = complete.decode("utf-8", "replace")
                if "\r" in text:
                    text = text.replace("\r\n", "\n")
                out.put((tag, text.split("\n")))
    except (OSError, ValueError):  # closed under us by stop()
        pass
    finally:
        if partial:
            out.put((tag, [partial.decode("utf-8", "replace").rstrip("\r")]))
        out.put((tag, None))


class StreamingProcess:
    """A started process whose stdout/stderr we stream line by line and whose process group we may stop.

    ``stopper(proc, groups, grace)`` signals the groups (local: ``os.killpg``; remote: ``kill`` over SSH).
    ``groups`` are the pgids this process told us about (the agent's own and its child's) — ours only.
    """

    def __init__(
        self,
        proc: Any,
        stopper: Callable[[Any, list[int], float], None],
        *,
        own_pgid: int | None = None,
    ) -> None:
        self.proc = proc
        self._stopper = stopper
        self.groups: list[int] = [own_pgid] if own_pgid else []
        self.events: list[AgentEvent] = []
        self.stderr_tail: list[str] = []
        self._stop_requested = threading.Event()
        self._stop_thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested.is_set()

    def stream(
        self,
        on_line: LineCallback,
        on_event: Callable[[AgentEvent], None] | None = None,
        *,
        timeout: float | None = None,
        on_lines: Callable[[list[str]], None] | None = None,
    ) -> int:
        """Deliver every output line (events parsed out) until the process exits; return its exit code.

        ``on_lines`` (optional) receives whole chunks of plain lines at once (a flood costs one call per chunk).

        ``timeout`` is a last-resort guard for a process that is not the agent (the agent times itself).
        """
        q: queue.Queue[tuple[str, list[str] | None]] = queue.Queue()
        pumps = []
        for tag, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            if stream is not None:
                t = threading.Thread(target=_pump, args=(stream, tag, q), daemon=True, name=f"pump-{tag}")
                t.start()
                pumps.append(t)
        open_streams = len(pumps)
        deadline = None if timeout is None else time.monotonic() + timeout
        while open_streams:
            try:
                tag, lines = q.get(timeout=0.2)
            except queue.Empty:
                if deadline is not None and time.monotonic() > deadline and not self.stop_requested:
                    on_line(f"ttnn-wizard: no end after {timeout:.0f} s; stopping the process group")
                    self.stop()
                continue
            if lines is None:
                open_streams -= 1
                continue
            if tag == "err":
                self.stderr_tail = (self.stderr_tail + lines)[-50:]
            if on_lines is not None and not any(ln.startswith(EVENT_PREFIX) for ln in lines):
                on_lines(lines)  # the common case of a flood: one call per chunk
                continue
            for line in lines:
                event = parse_event(line) if tag == "out" and line.startswith(EVENT_PREFIX) else None
                if event is not None:
                    self._note_event(event)
                    if on_event is not None:
                        on_event(event)
                    continue
                on_line(line)
        rc = self.proc.wait()
        if self._stop_thread is not None:
            self._stop_thread.join()
        return rc if rc is not None else -1

    def _note_event(self, event: AgentEvent) -> None:
        with self._lock:
            self.events.append(event)
            if event.name in ("pgid", "child"):
                pgid = int(event.data.get("pgid", 0))
                if pgid > 1 and pgid not in self.groups:
                    self.groups.append(pgid)

    def stop(self, grace: float = 5.0) -> None:
        """Ask the group to end (SIGTERM), then SIGKILL after ``grace`` s. Returns at once (runs in a thread)."""
        if self._stop_requested.is_set():
            return
        self._stop_requested.set()
        with self._lock:
            groups = list(self.groups)
        self._stop_thread = threading.Thread(
            target=self._stopper, args=(self.proc, groups, grace), daemon=True, name="stopper"
        )
        self._stop_thread.start()


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stop_local_groups(proc: Any, groups: Sequence[int], grace: float) -> None:
    """SIGTERM each group we started, wait up to ``grace`` s, SIGKILL what is left."""
    for pgid in groups:
        _signal(pgid, signal.SIGTERM)
    end = time.monotonic() + grace
    while time.monotonic() < end and proc.poll() is None:
        time.sleep(0.05)
    # the agent got SIGTERM and reaps its child itself; whatever still runs after the grace period is killed
    for pgid in groups:
        if _alive(pgid):
            _signal(pgid, signal.SIGKILL)


def _signal(pgid: int, sig: int) -> None:
    if pgid <= 1 or pgid == os.getpgrp():  # never our own group, never init
        return
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def start_local(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    unset: Sequence[str] = (),
) -> StreamingProcess:
    """Start ``argv`` with plumbum in a new session (its own process group); stdin is closed.

    ``env`` adds variables; ``unset`` removes inherited ones. plumbum merges the given env over its own copy
    of os.environ, so removal goes through ``env -u NAME`` (an exec: the pid, and so the pgid, stay the same).
    """
    import subprocess

    from plumbum import local

    # plumbum's local.env is a copy of os.environ taken at import: hand it today's environment, and unset
    # what has been removed since (else a variable deleted after import would come back to life).
    current = dict(os.environ)
    removed = set(local.env.keys()) - set(current)
    drop = sorted(set(unset) | removed)
    if env:
        current.update(env)
    full = [*(("env", *[a for name in drop for a in ("-u", name)]) if drop else ()), *argv]
    cmd = local[full[0]][list(full[1:])]
    proc = cmd.popen(
        cwd=str(cwd) if cwd is not None else None,
        env={k: v for k, v in current.items() if k not in set(unset)},
        new_session=True,
        stdin=subprocess.DEVNULL,
    )
    return StreamingProcess(proc, stop_local_groups, own_pgid=proc.pid)
