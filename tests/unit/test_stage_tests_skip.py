"""Generated stage tests (Stages 1-6) where torch / ttnn are not installed (a laptop's demo workspace): pytest
skips them with the reason instead of reporting a collection error (helper M)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
DEMO_OP = Path("ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm")


def _run_pytest(test_dir: Path, root: Path) -> subprocess.CompletedProcess[str]:
    """pytest as the runner starts it in the demo workspace: from the checkout root, whose conftest.py gives the
    `device` fixture."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(test_dir), "-q", "-rs", "-p", "no:cacheprovider"],
        capture_output=True, text=True, timeout=120, cwd=root, env=env,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "tt"
    shutil.copytree(DEMO, root)
    return root


@pytest.fixture(scope="module")
def missing_modules() -> None:
    for name in ("torch", "ttnn"):
        if _really_installed(name):
            pytest.skip(f"{name} is installed here: this test needs an environment without it")


def _really_installed(name: str) -> bool:
    """A real module, not a bare ``ttnn/`` source folder that some sys.path entry makes a namespace package
    (the generated tests treat that as not installed too)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    return spec is not None and spec.origin not in (None, "namespace")


@pytest.mark.parametrize("spec", ["reduce_avg_w_rm_spec.md", "layer_norm_w_rm_spec.md"])
def test_generated_stage_tests_skip_without_torch_and_ttnn(spec: str, workspace: Path, missing_modules: None) -> None:
    for stages in ("1-3", "4-6"):
        out_dir = workspace / "ttnn" / "cpp" / "ttnn" / "operations" / "gen" / stages.replace("-", "_")
        assert main(["generate", str(SPECS / spec), "--stages", stages, "--out", str(out_dir)]) == 0
        test_dir = out_dir / "test_dev"
        tests = sorted(test_dir.glob("test_stage*.py"))
        assert len(tests) == 3
        proc = _run_pytest(test_dir, workspace)
        out = proc.stdout + proc.stderr
        assert "error" not in out.lower(), out
        assert out.count("SKIPPED") == 3, out  # one skip per module, with the reason
        assert "could not import" in out or "not installed" in out, out


def test_demo_fixture_stage_tests_skip_without_torch_and_ttnn(workspace: Path, missing_modules: None) -> None:
    test_dir = workspace / DEMO_OP / "test_dev"
    proc = _run_pytest(test_dir, workspace)
    out = proc.stdout + proc.stderr
    assert "error" not in out.lower(), out
    assert out.count("SKIPPED") == len(list(test_dir.glob("test_stage*.py"))), out
