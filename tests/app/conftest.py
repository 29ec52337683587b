"""Fixtures shared by the app tests: a fresh demo workspace (``ttnn-wizard demo``'s) per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.workspace import DemoWorkspace, create_demo_workspace


@pytest.fixture
def ws(tmp_path: Path) -> DemoWorkspace:
    return create_demo_workspace(tmp_path / "ws")
