from __future__ import annotations

import subprocess
import sys

import pytest

from wizard import __version__
from wizard.cli import _normalise_argv, build_parser, main


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_bare_and_spec_mean_the_app() -> None:
    assert _normalise_argv([]) == ["app"]
    assert _normalise_argv(["foo_spec.md"]) == ["app", "foo_spec.md"]
    assert _normalise_argv(["extract", "x.md"]) == ["extract", "x.md"]


@pytest.mark.parametrize("bad", ["4-", "x", "7-4", "0-3", "4-9"])
def test_bad_stage_ranges_are_usage_errors(bad: str) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["generate", "s.md", "--out", "o", "--stages", bad])
    assert exc.value.code == 2


def test_core_imports_without_textual() -> None:
    code = (
        "import sys, importlib, pkgutil, wizard\n"
        "for m in pkgutil.walk_packages(wizard.__path__, 'wizard.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plain_app_start_matches_the_parser() -> None:
    from wizard.cli import _plain_app_args

    for argv in (["app"], ["app", "x_spec.md"]):
        fast = vars(_plain_app_args(argv))
        full = vars(build_parser().parse_args(argv))
        assert fast == full, (fast, full)
    assert _plain_app_args(["app", "x.md", "--profile", "p"]) is None
    assert _plain_app_args(["extract", "x.md"]) is None
