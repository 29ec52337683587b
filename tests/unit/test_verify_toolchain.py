"""Toolchain setup logic without the toolchain: version derivation, stamp, Python discovery, failures."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.verify import stub_gxx, toolchain
from wizard.verify.toolchain import (
    VerifySetupError,
    derive_version_string,
    elf_comment,
    find_python,
    load_toolchain,
    mock_cluster_yaml,
    setup_verify,
    verify_home,
)


def make_elf32(path: Path, comment: bytes) -> None:
    """A minimal little-endian ELF32 with a .shstrtab and a .comment section."""
    shstr = b"\0.shstrtab\0.comment\0"
    body = shstr + comment
    shoff = 52 + len(body)
    shoff += (-shoff) % 4
    hdr = bytearray(52)
    hdr[:4] = b"\x7fELF"
    hdr[4], hdr[5], hdr[6] = 1, 1, 1
    struct.pack_into("<HHIIIIIHHHHHH", hdr, 16, 1, 0xF3, 1, 0, 0, shoff, 0, 52, 0, 0, 40, 3, 1)
    secs = [
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (1, 3, 0, 0, 52, len(shstr), 0, 0, 1, 0),
        (11, 1, 0x30, 0, 52 + len(shstr), len(comment), 0, 0, 1, 1),
    ]
    data = bytes(hdr) + body + b"\0" * ((-(52 + len(body))) % 4)
    for s in secs:
        data += struct.pack("<IIIIIIIIII", *s)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def fake_wheel(root: Path, *, version: str = "7.89.0", build: str = "1050", comment: bytes | None = None) -> Path:
    t = root / "ttnn"
    (t / "tt_metal").mkdir(parents=True)
    (t / "tt_metal" / "sfpi-version").write_text(
        f"# sfpi release {version}\n\nsfpi_repo='https://example.invalid/sfpi'\nsfpi_version='{version}'\nsfpi_build='{build}'\n"
    )
    c = comment if comment is not None else f"GCC: (tenstorrent/sfpi:{version}[{build}]) 15.1.0\0".encode()
    make_elf32(t / "tt_metal" / "pre-compiled" / "123" / "brisc" / "brisc.elf", c)
    return t


def test_elf_comment_reads_the_section(tmp_path: Path) -> None:
    make_elf32(tmp_path / "x.elf", b"GCC: (hello) 1.0\0")
    assert elf_comment(tmp_path / "x.elf") == "GCC: (hello) 1.0"
    (tmp_path / "y.elf").write_bytes(b"not an elf at all")
    with pytest.raises(ValueError, match="not an ELF"):
        elf_comment(tmp_path / "y.elf")


def test_version_string_is_derived_from_the_wheel(tmp_path: Path) -> None:
    t = fake_wheel(tmp_path)
    assert derive_version_string(t) == "riscv-tt-elf-g++ (tenstorrent/sfpi:7.89.0[1050]) 15.1.0"


def test_version_string_follows_a_different_wheel(tmp_path: Path) -> None:
    t = fake_wheel(tmp_path, version="7.91.2", build="1103", comment=b"GCC: (tenstorrent/sfpi:7.91.2[1103]) 15.2.0\0")
    assert derive_version_string(t) == "riscv-tt-elf-g++ (tenstorrent/sfpi:7.91.2[1103]) 15.2.0"


def test_version_mismatch_between_files_is_an_error(tmp_path: Path) -> None:
    t = fake_wheel(tmp_path, comment=b"GCC: (tenstorrent/sfpi:7.70.0[900]) 14.2.0\0")
    with pytest.raises(ValueError, match=r"does not name sfpi:7.89.0\[1050\]"):
        derive_version_string(t)


def test_version_needs_the_firmware(tmp_path: Path) -> None:
    t = fake_wheel(tmp_path)
    for p in (t / "tt_metal" / "pre-compiled").rglob("*.elf"):
        p.unlink()
    with pytest.raises(ValueError, match="no pre-compiled firmware"):
        derive_version_string(t)


def test_mock_cluster_descriptors() -> None:
    wh = mock_cluster_yaml("wormhole_b0")
    bh = mock_cluster_yaml("blackhole")
    assert "0: wormhole_b0" in wh and "board_type: n150" in wh and "harvest_mask: 32" in wh
    assert "0: blackhole" in bh and "board_type: p150" in bh and "eth_harvesting_mask: 288" in bh
    assert "pcie_harvesting_mask: 2" in bh
    assert toolchain.arch_for_board("N300") == "wormhole_b0" and toolchain.arch_for_board("p100") == "blackhole"


def test_home_follows_xdg_cache_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TTNN_WIZARD_VERIFY_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert verify_home() == tmp_path / "c" / "ttnn-wizard" / "verify"
    monkeypatch.setenv("TTNN_WIZARD_VERIFY_HOME", str(tmp_path / "v"))
    assert verify_home() == tmp_path / "v"


def test_missing_or_stale_stamp_means_not_set_up(tmp_path: Path) -> None:
    assert load_toolchain(tmp_path) is None
    (tmp_path / "toolchain.json").write_text("{not json")
    assert load_toolchain(tmp_path) is None
    (tmp_path / "toolchain.json").write_text(json.dumps({"format": 1, "ttnn_version": "0.60.0", "zig_version": "0.17.0"}))
    assert load_toolchain(tmp_path) is None


def test_explicit_python_of_the_wrong_version_is_refused() -> None:
    if f"{sys.version_info[0]}.{sys.version_info[1]}" in toolchain.SUPPORTED_PYTHONS:
        pytest.skip("the test interpreter is itself a supported version")
    with pytest.raises(VerifySetupError, match="wheels only for Python 3.12 and 3.10"):
        find_python(sys.executable)
    with pytest.raises(VerifySetupError, match="not a working Python"):
        find_python("/nonexistent/python3.12")


def test_no_suitable_python_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toolchain, "python_candidates", lambda: [])
    with pytest.raises(VerifySetupError, match="no Python 3.12 or 3.10 found"):
        find_python(None)


def test_cli_exits_2_with_the_reason_when_no_python(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(toolchain, "python_candidates", lambda: [])
    assert main(["setup-verify"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ttnn-wizard: no Python 3.12 or 3.10 found") and "Traceback" not in err


def test_pip_failure_names_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    fake_py = home / "venv" / "bin" / "python"
    fake_py.parent.mkdir(parents=True)
    fake_py.write_text("")  # an existing venv is reused, so no venv is made here
    monkeypatch.setattr(toolchain, "find_python", lambda explicit=None: ("/usr/bin/python3.12", "3.12"))
    monkeypatch.setattr(toolchain, "_python_version", lambda exe: "3.12")
    monkeypatch.setattr(
        toolchain,
        "_run_streamed",
        lambda cmd, on_line, **kw: (1, ["Looking in indexes: ...", "ERROR: No matching distribution found for ttnn==0.81.1"]),
    )
    lines: list[str] = []
    with pytest.raises(VerifySetupError, match="no access to the package registry") as exc:
        setup_verify(home=home, on_line=lines.append)
    assert "ERROR: No matching distribution found for ttnn==0.81.1" in str(exc.value)
    assert any("installing ttnn==0.81.1" in ln for ln in lines)
    assert not (home / "toolchain.json").exists()


def test_ready_stamp_makes_setup_instant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path
    for p in ("venv/bin/python", "zig", "ttnn/runtime/sfpi/compiler/bin/riscv-tt-elf-g++", "sup/stub.json"):
        (home / p).parent.mkdir(parents=True, exist_ok=True)
        (home / p).write_text("")
    tc = toolchain.Toolchain(
        home=home, python="/p", venv_python=str(home / "venv/bin/python"), ttnn_root=str(home / "ttnn"),
        zig=str(home / "zig"), version_string="v", ttnn_version=toolchain.TTNN_VERSION,
        zig_version=toolchain.ZIG_VERSION, arches={"wormhole_b0": toolchain.ArchFlags("wormhole_b0", {}, "", [2, 2048], [2, 128], [8, 8])},
        code_hash=toolchain.code_hash(),
    )
    (home / "toolchain.json").write_text(tc.to_json())

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("a ready toolchain must not be rebuilt")

    monkeypatch.setattr(toolchain, "find_python", boom)
    got = setup_verify(home=home)
    assert got.arches["wormhole_b0"].ta_ct_args_tile == [2, 2048]
    monkeypatch.setattr(toolchain, "code_hash", lambda: "other")  # a stand-in from other code is stale
    assert load_toolchain(home) is None
    monkeypatch.undo()
    assert load_toolchain(home) is not None
    (home / "zig").unlink()  # a broken install is not "ready"
    assert load_toolchain(home) is None


# ---------------------------------------------------------------- the stand-in compiler program


def _stub_config(tmp_path: Path) -> Path:
    obj = tmp_path / "stub.o"
    obj.write_bytes(b"\x7fELF-stub")
    cfg = tmp_path / "stub.json"
    cfg.write_text(json.dumps({"version": "riscv-tt-elf-g++ (x) 1.0", "zig": "/nonexistent/zig",
                               "log": str(tmp_path / "calls.jsonl"), "start_obj": str(obj), "stub_obj": str(obj)}))
    return cfg


def test_stub_answers_version_and_refuses_pch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _stub_config(tmp_path)
    assert stub_gxx.main([str(cfg), "--version"]) == 0
    assert capsys.readouterr().out.strip() == "riscv-tt-elf-g++ (x) 1.0"
    assert stub_gxx.main([str(cfg), "-x", "c++-header", "pch.h", "-o", str(tmp_path / "pch.gch")]) == 1
    logged = [json.loads(x) for x in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert logged[0]["args"][:2] == ["-x", "c++-header"]


def test_stub_gives_compute_kernels_a_placeholder_object_and_depfile(tmp_path: Path) -> None:
    cfg = _stub_config(tmp_path)
    out, dep = tmp_path / "trisck.o", tmp_path / "trisck.d"
    rc = stub_gxx.main([str(cfg), "-O3", "-c", "-o", str(out), "/t/trisck.cc", "-MF", str(dep)])
    assert rc == 0 and out.read_bytes() == b"\x7fELF-stub"
    assert dep.read_text().startswith(f"{out}: /t/trisck.cc")


def test_stub_runs_standalone_as_a_script(tmp_path: Path) -> None:
    cfg = _stub_config(tmp_path)
    r = subprocess.run([sys.executable, "-S", stub_gxx.__file__, str(cfg), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "riscv-tt-elf-g++ (x) 1.0"


def test_status_line_for_the_ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.verify import status

    monkeypatch.setenv("TTNN_WIZARD_VERIFY_HOME", str(tmp_path))
    ready, line = status()
    assert not ready and "ttnn-wizard setup-verify" in line
