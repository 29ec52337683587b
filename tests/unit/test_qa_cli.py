"""QA (helper J): command-line arguments and OS errors on every command end in one clear line, never a traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from wizard.cli import _shape, main

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
SPEC = SPECS / "reduce_avg_w_rm_spec.md"


@pytest.mark.parametrize("text", ["1,x,3", "1,,32", "1;1;32;64", "1.5,2", "32x", "x32", "1, 1, 32, 64,"])
def test_shape_rejects_malformed(text: str) -> None:
    # bug: "1,x,3" was read as (1, 3) (the "x" separator left empty pieces that were dropped silently)
    with pytest.raises(argparse.ArgumentTypeError):
        _shape(text)


@pytest.mark.parametrize(("text", "dims"), [("1,1,32,64", (1, 1, 32, 64)), ("1x1x32x64", (1, 1, 32, 64)), (" 2, 3 ,64,128 ", (2, 3, 64, 128)), ("32X32", (32, 32))])
def test_shape_accepts_real_forms(text: str, dims: tuple[int, ...]) -> None:
    assert _shape(text) == dims


def test_generate_out_below_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bug: NotADirectoryError traceback
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    code = main(["generate", str(SPEC), "--out", str(blocker / "sub")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ttnn-wizard: ") and "afile" in lines[0]


def test_generate_out_under_missing_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # bug: FileNotFoundError traceback for an --out that cannot be created (/proc is not writable)
    code = main(["generate", str(SPEC), "--out", "/proc/ttnn-wizard-qa/out"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "/proc/ttnn-wizard-qa" in err


def test_unexpected_os_error_in_any_command_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import wizard.commands.extract as extract

    def boom(args):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", "/some/where/file.md")

    monkeypatch.setattr(extract, "run", boom)
    assert main(["extract", str(SPEC)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "ttnn-wizard: /some/where/file.md: Permission denied"


@pytest.mark.parametrize(("typed", "meant"), [("WORMHOLE_N150", "wormhole_n150"), ("wormhole_n150.toml", "wormhole_n150"), ("n300", "wormhole_n300"), ("blackhole_p15", "blackhole_p150")])
def test_unknown_profile_suggests_the_close_one(typed: str, meant: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SPEC), "--profile", typed]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"did you mean '{meant}'" in err
