"""Build-needed detection: rebuild tt-metal only when the op's host-side files changed.

Kernels (``device/kernels/``) are JIT-compiled at run time, and Python tests need no build, so only the
host C++ (``*.cpp``/``*.hpp``/... outside ``device/kernels/``) and CMake files count. The content hash of the
last successful build is kept per host in the session state section "runner" (key ``build_hash``).
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

HOST_SUFFIXES = (".cpp", ".cc", ".cxx", ".hpp", ".h", ".hh", ".inl", ".cmake")
HOST_NAMES = ("CMakeLists.txt",)
_SKIP_PARTS = {".ttnn-wizard", "__pycache__", ".git", "build"}


def host_side_files(op_dir: Path) -> list[Path]:
    """The op's files whose change needs a host rebuild, sorted (op-relative order)."""
    out: list[Path] = []
    for path in op_dir.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(op_dir)
        if _SKIP_PARTS.intersection(rel.parts):
            continue
        if rel.parts[:2] == ("device", "kernels") or "kernels" in rel.parts[:-1]:
            continue  # JIT-compiled on the device run
        if path.name in HOST_NAMES or path.suffix in HOST_SUFFIXES:
            out.append(path)
    return sorted(out, key=lambda p: p.relative_to(op_dir).as_posix())


def host_side_hash(op_dir: Path) -> str:
    """sha256 over (relative path, content) of every host-side file; stable across machines."""
    h = hashlib.sha256()
    for path in host_side_files(op_dir):
        h.update(path.relative_to(op_dir).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _hashes(section: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    if "build_hash" not in section or not isinstance(section["build_hash"], MutableMapping):
        section["build_hash"] = {}
    return section["build_hash"]


def host_key(host: str | None) -> str:
    return host or "local"


def build_needed(section: MutableMapping[str, Any], op_dir: Path, host: str | None) -> bool:
    """True when the host-side files differ from those of the last successful build on ``host``."""
    last = _hashes(section).get(host_key(host))
    return str(last or "") != host_side_hash(op_dir)


def mark_built(section: MutableMapping[str, Any], op_dir: Path, host: str | None) -> None:
    _hashes(section)[host_key(host)] = host_side_hash(op_dir)
