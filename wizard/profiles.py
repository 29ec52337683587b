"""Hardware profiles: grid, L1, DRAM, tile sizes and the device commands for one board.

Bundled profiles live in ``profiles/<name>.toml`` (found through ``resources.profiles_dir()``). A user file
``$XDG_CONFIG_HOME/ttnn-wizard/profiles/<name>.toml`` (default ``~/.config/...``) overrides fields of the bundled
profile of the same name, or defines a new profile from ``base = "<other profile>"``. Tables (``tile_bytes``,
``test_env``) merge key by key; every other key replaces. Files are flat: top-level keys are the
``HardwareProfile`` field names, so a one-line user file like ``grid_y = 7`` works.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from wizard.errors import WizardError
from wizard.resources import profiles_dir

__all__ = ["HardwareProfile", "load_profile", "list_profiles", "user_profiles_dir", "DEFAULT_PROFILE", "ARCHES"]

DEFAULT_PROFILE = "wormhole_n150"
ARCHES = ("wormhole_b0", "blackhole")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class HardwareProfile:
    name: str
    description: str
    arch: str  # "wormhole_b0" | "blackhole" (tt-metal's ARCH_NAME spelling)
    board: str
    grid_x: int  # compute_with_storage_grid_size().x
    grid_y: int
    l1_size: int  # bytes of L1 per Tensix core (MEM_L1_SIZE)
    l1_budget: int  # bytes usable for CBs per core: l1_size - l1_reserved unless set explicitly
    dram_banks: int
    l1_alignment: int
    dram_alignment: int
    tile_bytes: dict[str, int]
    list_cmd: list[str]
    reset_cmd: list[str]  # may contain the placeholder "{device_id}"
    build_cmd: list[str]
    stage_timeout: float  # seconds per stage-test run (safety net above the dispatch timeout)
    host: str | None = None  # user@box for remote runs; None = local
    remote_root: str | None = None  # the tt-metal checkout on the remote box (with host)
    test_env: dict[str, str] = field(default_factory=dict)
    # on a dispatch timeout, have tt-metal run the checkout's tools/tt-triage.py into the run's log folder
    triage: bool = True
    l1_reserved: int = 0  # estimate of L1 below the allocator base (firmware, mailboxes, kernel config)
    source: list[str] = field(default_factory=list)  # files this profile was read from, base first

    @property
    def grid(self) -> tuple[int, int]:
        return (self.grid_x, self.grid_y)

    @property
    def num_cores(self) -> int:
        return self.grid_x * self.grid_y

    def tile_size(self, dtype: str) -> int:
        """Tile bytes for a data type name (``bfloat16``, ``ttnn.float32``, ``DataType::BFLOAT8_B`` ...)."""
        from wizard.expr import ExprError, normalize_dtype

        try:
            key = normalize_dtype(dtype)
        except ExprError as e:
            raise WizardError(str(e)) from None
        if key not in self.tile_bytes:
            raise WizardError(f"profile '{self.name}' has no tile size for '{key}'")
        return self.tile_bytes[key]

    def reset_argv(self, device_id: int | str) -> list[str]:
        """The reset command with ``{device_id}`` substituted (plain replace, never str.format on profile text)."""
        return [a.replace("{device_id}", str(device_id)) for a in self.reset_cmd]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------------------------------------------------
# Reading and validating TOML layers

_REQUIRED = (
    "description", "arch", "board", "grid_x", "grid_y", "l1_size", "dram_banks", "l1_alignment",
    "dram_alignment", "tile_bytes", "list_cmd", "reset_cmd", "build_cmd", "stage_timeout",
)  # fmt: skip
_KINDS: dict[str, str] = {
    "name": "str", "description": "str", "arch": "str", "board": "str", "base": "str", "host": "str", "remote_root": "str",
    "grid_x": "pos_int", "grid_y": "pos_int", "l1_size": "pos_int", "l1_budget": "pos_int", "l1_reserved": "int",
    "dram_banks": "pos_int", "l1_alignment": "pos_int", "dram_alignment": "pos_int",
    "tile_bytes": "int_table", "test_env": "str_table",
    "list_cmd": "argv", "reset_cmd": "argv", "build_cmd": "argv", "stage_timeout": "pos_float", "triage": "bool",
}  # fmt: skip
_TABLES = ("tile_bytes", "test_env")


def _line_of(text: str, key: str) -> int | None:
    m = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _check_value(key: str, value: Any, path: Path, text: str) -> Any:
    kind = _KINDS[key]

    def bad(want: str) -> WizardError:
        return WizardError(f"'{key}' must be {want}, got {value!r}", path=str(path), line=_line_of(text, key))

    if kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if kind in ("int", "pos_int"):
        if isinstance(value, bool) or not isinstance(value, int) or (kind == "pos_int" and value <= 0) or value < 0:
            raise bad("a positive integer" if kind == "pos_int" else "a non-negative integer")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind == "pos_float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise bad("a positive number")
        return float(value)
    if kind == "argv":
        if not isinstance(value, list) or not value or not all(isinstance(a, str) and a for a in value):
            raise bad('a non-empty list of strings (an argument list, e.g. ["tt-smi", "-ls"])')
        return list(value)
    if kind == "int_table":
        if not isinstance(value, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()
        ):
            raise bad("a table of positive integers")
        return dict(value)
    if kind == "str_table":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise bad('a table of strings (environment values are text: KEY = "5")')
        return dict(value)
    raise AssertionError(kind)


def _read_layer(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise WizardError("profile is not UTF-8 text", path=str(path)) from None
    except OSError as e:
        raise WizardError(f"cannot read profile: {e.strerror or e}", path=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise WizardError(f"invalid TOML: {e}", path=str(path), line=int(m.group(1)) if m else None) from None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KINDS:
            known = ", ".join(sorted(_KINDS))
            raise WizardError(f"unknown key '{key}' (known: {known})", path=str(path), line=_line_of(text, key))
        out[key] = _check_value(key, value, path, text)
    return out


def user_profiles_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ttnn-wizard" / "profiles"


def _bundled_path(name: str) -> Path:
    return profiles_dir() / f"{name}.toml"


def _user_path(name: str) -> Path:
    return user_profiles_dir() / f"{name}.toml"


def _is_hardware_file(path: Path) -> bool:
    """Bundled/user profile dirs may hold other config (claude.toml): hardware profiles have arch or base."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return path.parent == user_profiles_dir()  # list a broken user file so loading it explains the error
    return "arch" in data or "base" in data


def list_profiles() -> list[str]:
    """Names of every hardware profile: bundled ones and the user's own."""
    names: set[str] = set()
    for d in (profiles_dir(), user_profiles_dir()):
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.toml") if _is_hardware_file(p))
    return sorted(names)


def _merge(into: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for key, value in layer.items():
        if key in _TABLES and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value


def _resolve(name: str, chain: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """Merged layers for ``name``: its base (if any), then the bundled file, then the user file."""
    if name in chain:
        raise WizardError(f"profile 'base' chain loops: {' -> '.join((*chain, name))}")
    bundled, user = _bundled_path(name), _user_path(name)
    layers: list[tuple[Path, dict[str, Any]]] = []
    if bundled.is_file() and _is_hardware_file(bundled):
        layers.append((bundled, _read_layer(bundled)))
    if user.is_file():
        layers.append((user, _read_layer(user)))
    if not layers:
        names = list_profiles()
        known = ", ".join(names) or "none"
        guess = name.lower().removesuffix(".toml")
        close = [n for n in names if guess == n or guess in n] or difflib.get_close_matches(guess, names, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise WizardError(f"unknown hardware profile '{name}': {hint}(known: {known}; user profiles go in {user_profiles_dir()})")
    merged: dict[str, Any] = {}
    sources: list[str] = []
    base = next((layer["base"] for _, layer in reversed(layers) if "base" in layer), None)
    if base and base != name:  # base = its own name (a user file over the bundled one) needs nothing more
        merged, sources = _resolve(base, (*chain, name))
    for path, layer in layers:
        _merge(merged, {k: v for k, v in layer.items() if k != "base"})
        sources.append(str(path))
    return merged, sources


def load_profile(name: str | None = None) -> HardwareProfile:
    """Load a hardware profile by name (default ``wormhole_n150``), with the user's overrides applied."""
    name = name or DEFAULT_PROFILE
    if not _NAME_RE.match(name):
        raise WizardError(f"invalid profile name '{name}' (letters, digits, '_', '-', '.')")
    data, sources = _resolve(name, ())
    where = sources[-1]
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise WizardError(f"profile '{name}' is missing {', '.join(missing)} (set them or add base = \"...\")", path=where)
    if data["arch"] not in ARCHES:
        raise WizardError(f"profile '{name}': arch must be one of {', '.join(ARCHES)}, got '{data['arch']}'", path=where)
    reserved = data.get("l1_reserved", 0)
    budget = data.get("l1_budget", data["l1_size"] - reserved)
    if budget <= 0 or budget > data["l1_size"]:
        raise WizardError(
            f"profile '{name}': L1 budget {budget} B must be positive and at most l1_size {data['l1_size']} B", path=where
        )
    for key in ("l1_alignment", "dram_alignment"):
        if data[key] & (data[key] - 1):
            raise WizardError(f"profile '{name}': {key} must be a power of two, got {data[key]}", path=where)
    host = data.get("host") or None
    known = {f.name for f in fields(HardwareProfile)}
    kwargs = {k: v for k, v in data.items() if k in known and k not in ("name", "host", "l1_budget", "source")}
    return HardwareProfile(name=name, host=host, l1_budget=budget, source=sources, **kwargs)
