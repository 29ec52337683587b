"""Locate bundled data (templates, profiles, demo fixture) in a source checkout or an installed wheel.

The wheel carries the top-level ``templates/``, ``profiles/`` and the demo fixture under
``wizard/_data/`` (see pyproject's force-include); a source checkout has them beside ``wizard/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent
_SOURCE_LAYOUT = {"templates": "templates", "profiles": "profiles", "demo": "tests/fixtures/demo", "specs": "tests/fixtures/specs"}


@cache
def data_dir(name: str) -> Path:
    """Return the directory of bundled data ``name`` ("templates", "profiles", "demo" or "specs")."""
    if name not in _SOURCE_LAYOUT:
        raise KeyError(name)
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    source = _PKG.parent / _SOURCE_LAYOUT[name]
    if source.is_dir():
        return source
    raise FileNotFoundError(f"bundled data '{name}' not found (looked in {installed} and {source})")


def templates_dir() -> Path:
    return data_dir("templates")


def profiles_dir() -> Path:
    return data_dir("profiles")


def demo_dir() -> Path:
    return data_dir("demo")


def sample_specs_dir() -> Path:
    """The bundled real planner specs (Apache-2.0, see SOURCES.md there)."""
    return data_dir("specs")
