"""`ttnn-wizard [SPEC]` and `ttnn-wizard demo`: bad input is one line on stderr (exit 2), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_missing_spec_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope_spec.md")]) == 2
    err = capsys.readouterr().err
    assert "nope_spec.md" in err and "no such spec file" in err and "Traceback" not in err


def test_directory_instead_of_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_no_checkout_no_spec_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "not inside a tt-metal checkout" in err and "ttnn-wizard demo" in err


def test_demo_headless_setup_prints_the_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "demo"
    assert main(["demo", "--workspace", str(ws), "--headless-setup"]) == 0
    out = capsys.readouterr().out
    assert str(ws.resolve()) in out
    assert (ws / "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_spec.md").is_file()


def test_app_paints_and_exits_without_importing_heavy_modules(tmp_path: Path) -> None:
    """The real entry point, headless, exiting on first paint: anthropic, plumbum, jinja2 and tree-sitter stay unloaded."""
    main(["demo", "--workspace", str(tmp_path / "ws"), "--headless-setup"])
    spec = tmp_path / "ws/ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_spec.md"
    code = (
        "import sys; from wizard.cli import main; rc = main(sys.argv[1:]); "
        "print(' '.join(m for m in ('anthropic', 'plumbum', 'jinja2', 'tree_sitter') if m in sys.modules)); sys.exit(rc)"
    )
    env = {**os.environ, "TTNN_WIZARD_EXIT_AFTER_PAINT": "1"}
    proc = subprocess.run([sys.executable, "-c", code, str(spec)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "", f"loaded before first paint: {proc.stdout}"


@pytest.mark.parametrize("host", ["me@box;rm -rf /", "-oProxyCommand=x", "box:99999"])
def test_app_bad_host_is_one_line_before_the_screen(tmp_path: Path, host: str, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "demo"
    assert main(["demo", "--workspace", str(ws), "--headless-setup"]) == 0
    spec = ws / "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_spec.md"
    capsys.readouterr()
    assert main(["app", str(spec), f"--host={host}"]) == 2
    err = capsys.readouterr().err
    assert "--host" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
