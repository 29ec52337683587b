"""Hardware profiles: bundled values, user overrides and derived profiles, and clear errors for bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.errors import WizardError
from wizard.expr import TILE_BYTES
from wizard.profiles import HardwareProfile, list_profiles, load_profile, user_profiles_dir

BUNDLED = ["blackhole_p100", "blackhole_p150", "wormhole_n150", "wormhole_n300"]


def _user(name: str, text: str) -> Path:
    d = user_profiles_dir()
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{name}.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_user_dir_follows_xdg() -> None:
    assert user_profiles_dir() == Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "profiles"


def test_bundled_profiles_listed_and_claude_config_is_not() -> None:
    assert list_profiles() == BUNDLED


def test_default_is_n150() -> None:
    p = load_profile()
    assert p.name == "wormhole_n150"
    assert isinstance(p, HardwareProfile)


@pytest.mark.parametrize(
    ("name", "arch", "grid", "l1", "banks", "dram_align"),
    [
        ("wormhole_n150", "wormhole_b0", (8, 8), 1_499_136, 12, 32),
        ("wormhole_n300", "wormhole_b0", (8, 7), 1_499_136, 12, 32),
        ("blackhole_p150", "blackhole", (13, 10), 1_572_864, 8, 64),
        ("blackhole_p100", "blackhole", (11, 10), 1_572_864, 7, 64),
    ],
)
def test_bundled_values(name: str, arch: str, grid: tuple[int, int], l1: int, banks: int, dram_align: int) -> None:
    p = load_profile(name)
    assert (p.arch, p.grid, p.l1_size, p.dram_banks, p.dram_alignment) == (arch, grid, l1, banks, dram_align)
    assert p.l1_alignment == 16
    assert 0 < p.l1_budget < p.l1_size
    assert p.l1_budget == p.l1_size - p.l1_reserved
    assert p.list_cmd == ["tt-smi", "-ls"]
    assert p.reset_cmd == ["tt-smi", "-r", "{device_id}"]
    assert p.reset_argv(3) == ["tt-smi", "-r", "3"]
    assert p.build_cmd == ["./build_metal.sh", "-b", "Debug"]
    assert p.stage_timeout > 10
    assert p.test_env["TT_METAL_OPERATION_TIMEOUT_SECONDS"] == "5"
    assert p.host is None
    for dtype, size in TILE_BYTES.items():
        if dtype != "int8":
            assert p.tile_bytes[dtype] == size
    assert p.tile_size("ttnn.bfloat8_b") == 1088


def test_user_override_of_bundled_profile() -> None:
    src = _user("wormhole_n150", 'grid_y = 7\nhost = "me@box"\n[tile_bytes]\nbfloat16 = 4096\n[test_env]\nX = "1"\n')
    p = load_profile("wormhole_n150")
    assert p.grid == (8, 7)
    assert p.host == "me@box"
    assert p.tile_bytes["bfloat16"] == 4096 and p.tile_bytes["float32"] == 4096  # tables merge key by key
    assert p.test_env == {"TT_METAL_OPERATION_TIMEOUT_SECONDS": "5", "X": "1"}
    assert p.source[-1] == str(src)


def test_overriding_l1_size_moves_the_budget() -> None:
    _user("wormhole_n150", "l1_size = 1000000\n")
    p = load_profile("wormhole_n150")
    assert p.l1_budget == 1_000_000 - p.l1_reserved
    _user("wormhole_n150", "l1_budget = 500000\n")
    assert load_profile("wormhole_n150").l1_budget == 500_000


def test_new_profile_from_base() -> None:
    _user("my_box", 'base = "blackhole_p150"\ndescription = "my harvested p150"\ngrid_x = 12\n')
    p = load_profile("my_box")
    assert p.name == "my_box" and p.arch == "blackhole" and p.grid == (12, 10)
    assert "my_box" in list_profiles()


def test_base_chain_and_loop() -> None:
    _user("a", 'base = "b"\ngrid_x = 2\n')
    _user("b", 'base = "wormhole_n300"\ngrid_y = 3\n')
    assert load_profile("a").grid == (2, 3)
    _user("b", 'base = "a"\n')
    with pytest.raises(WizardError, match="loops"):
        load_profile("a")


def test_unknown_profile_lists_known() -> None:
    with pytest.raises(WizardError) as info:
        load_profile("grayskull")
    assert "unknown hardware profile 'grayskull'" in str(info.value)
    assert "wormhole_n150" in str(info.value)


def test_bad_name_rejected() -> None:
    with pytest.raises(WizardError, match="invalid profile name"):
        load_profile("../etc/passwd")


def test_bad_toml_names_file_and_line() -> None:
    p = _user("wormhole_n150", "grid_x = 8\ngrid_y = = 7\n")
    with pytest.raises(WizardError) as info:
        load_profile("wormhole_n150")
    assert info.value.path == str(p) and info.value.line == 2
    assert "invalid TOML" in str(info.value)


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('\ngrid_x = "eight"\n', "grid_x", 2),
        ("grid_y = 0\n", "grid_y", 1),
        ("stage_timeout = true\n", "stage_timeout", 1),
        ('reset_cmd = "tt-smi -r 0"\n', "reset_cmd", 1),
        ("[test_env]\nTT_METAL_OPERATION_TIMEOUT_SECONDS = 5\n", "test_env", None),
        ("gird_x = 8\n", "gird_x", 1),
        ('triage = "yes"\n', "triage", 1),
    ],
)
def test_wrong_types_name_file_and_key(text: str, key: str, line: int | None) -> None:
    p = _user("wormhole_n150", text)
    with pytest.raises(WizardError) as info:
        load_profile("wormhole_n150")
    assert f"'{key}'" in str(info.value)
    assert info.value.path == str(p)
    if line:
        assert info.value.line == line


def test_incomplete_new_profile_says_what_is_missing() -> None:
    _user("half", 'arch = "blackhole"\ngrid_x = 4\n')
    with pytest.raises(WizardError, match="missing .*l1_size"):
        load_profile("half")


def test_semantic_checks() -> None:
    _user("wormhole_n150", 'arch = "grayskull"\n')
    with pytest.raises(WizardError, match="arch must be one of"):
        load_profile("wormhole_n150")
    _user("wormhole_n150", "l1_budget = 9999999\n")
    with pytest.raises(WizardError, match="at most l1_size"):
        load_profile("wormhole_n150")
    _user("wormhole_n150", "dram_alignment = 48\n")
    with pytest.raises(WizardError, match="power of two"):
        load_profile("wormhole_n150")


def test_non_utf8_user_file() -> None:
    d = user_profiles_dir()
    d.mkdir(parents=True, exist_ok=True)
    (d / "wormhole_n150.toml").write_bytes(b"grid_x = \xff\xfe\n")
    with pytest.raises(WizardError, match="UTF-8"):
        load_profile("wormhole_n150")


def test_tile_size_unknown_dtype() -> None:
    with pytest.raises(WizardError, match="unknown data type"):
        load_profile().tile_size("complex64")
