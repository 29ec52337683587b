"""Atomic file writes: a reader (or a crash, or a lost SSH session) sees the old file or the new one, never half.

The text goes to a temporary file in the same directory (same filesystem, so ``os.replace`` is an atomic
rename), is flushed and fsynced, takes the mode of the file it replaces (or the umask default for a new file,
not mkstemp's 0600), and then replaces the target; the directory is fsynced so the rename itself survives a
power cut. A symlink at ``path`` is replaced by a regular file, never followed: callers that confine writes
to a directory check the path, and this must not carry a write out of it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask's set-and-restore races with threads)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, make_parents: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (str is written as UTF-8, newlines untouched)."""
    target = Path(path)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        st = os.lstat(target)
        mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o666 & ~_umask()
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened/fsynced
        dfd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
