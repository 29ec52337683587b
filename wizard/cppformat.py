"""clang-format for generated C++, in tt-metal's style, with one subprocess for many files.

The binary comes from the ``clang-format`` wheel (``clang_format.get_executable``) or PATH; the style is the
tt-metal ``.clang-format`` shipped in ``templates/common/tt-metal.clang-format`` (a copy of the repo root's
``.clang-format``). Results are cached by content hash, so re-planning unchanged files costs nothing. When no
binary exists the text is returned unformatted and a note says so (generation still works).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from wizard.resources import templates_dir

_CACHE: dict[str, str] = {}
_CACHE_MAX = 512


@cache
def clang_format_binary() -> str | None:
    """Path of a usable clang-format, or None."""
    try:
        import clang_format  # the PyPI wheel

        exe = clang_format.get_executable("clang-format")
        if os.access(exe, os.X_OK):
            return exe
    except Exception:  # noqa: BLE001 - a broken wheel is the same as no wheel
        pass
    return shutil.which("clang-format")


def style_file() -> Path:
    return templates_dir() / "common" / "tt-metal.clang-format"


def _key(text: str, style: Path) -> str:
    return hashlib.sha256(f"{style}\0{text}".encode()).hexdigest()


def format_sources(sources: Mapping[str, str], style: Path | None = None) -> tuple[dict[str, str], str | None]:
    """Format every ``name -> text`` (C++ names ending .cpp/.hpp/.h) in ONE clang-format call.

    Returns the formatted texts and a note (None when all went well; else why the text is unformatted).
    """
    style = style or style_file()
    out: dict[str, str] = {}
    todo: dict[str, str] = {}
    for name, text in sources.items():
        hit = _CACHE.get(_key(text, style))
        if hit is not None:
            out[name] = hit
        else:
            todo[name] = text
    if not todo:
        return out, None
    exe = clang_format_binary()
    if exe is None:
        out.update(todo)
        return out, "clang-format not found (install the clang-format wheel): generated C++ is not formatted"
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-fmt-") as tmp:
        paths: dict[str, Path] = {}
        for i, (name, text) in enumerate(todo.items()):
            # Keep the real file name (include sorting treats "x.hpp" in "x.cpp" as the main header).
            sub = Path(tmp) / str(i)
            sub.mkdir()
            p = sub / Path(name).name
            p.write_text(text, encoding="utf-8")
            paths[name] = p
        try:
            proc = subprocess.run(
                [exe, f"--style=file:{style}", "-i", *map(str, paths.values())],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            out.update(todo)
            return out, f"clang-format failed to run ({exc}): generated C++ is not formatted"
        if proc.returncode != 0:
            out.update(todo)
            first = (proc.stderr or "").strip().splitlines()[:1]
            return out, f"clang-format exited {proc.returncode}: {first[0] if first else ''}"
        for name, p in paths.items():
            formatted = p.read_text(encoding="utf-8")
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[_key(todo[name], style)] = formatted
            out[name] = formatted
    return out, None
