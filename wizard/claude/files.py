"""Atomic writes for the delegation's own files (patches, sidecars, transcripts)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """The project's write_atomic (wizard.atomic) when present; the same temp-file + os.replace otherwise."""
    try:
        from wizard.atomic import write_atomic as shared  # noqa: PLC0415
    except ImportError:
        shared = None
    if shared is not None:
        shared(path, text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
