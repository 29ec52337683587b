"""Shared fixtures: the bundled sample specs and a clean environment for snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECS_DIR = ROOT / "tests" / "fixtures" / "specs"
SAMPLE_SPECS = sorted(SPECS_DIR.glob("*_spec.md"))


@pytest.fixture(autouse=True)
def _stable_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # NO_COLOR changes every Textual snapshot; a user config must never leak into tests.
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def specs_dir() -> Path:
    return SPECS_DIR


@pytest.fixture(params=[p.name for p in SAMPLE_SPECS], ids=[p.stem for p in SAMPLE_SPECS])
def sample_spec(request: pytest.FixtureRequest) -> Path:
    return SPECS_DIR / request.param
