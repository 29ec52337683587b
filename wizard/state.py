"""Session state beside the op: ``<op_dir>/.ttnn-wizard/state.toml``.

What the user chose (spec, profile, sample shape), every manual override of an extracted value, the edited
CB table, each stage's status, and free per-feature tables (``section("runner")``...). The file is plain
TOML that people may edit: it is kept as a tomlkit document, so comments, key order and keys we do not know
survive every rewrite; values are updated in place. Writes are atomic.

A file that does not parse, or holds values of the wrong type, raises ``WizardError`` naming the file and
line; ``SessionState.load(op_dir, recover=True)`` instead keeps the bad file as
``state.toml.corrupt-<timestamp>`` and starts fresh, so nothing is silently lost.
"""

from __future__ import annotations

import copy
import json
import math
import re
import shutil
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.toml_document import TOMLDocument

from wizard.atomic import write_atomic
from wizard.errors import WizardError

__all__ = ["StageStatus", "SessionState", "STATE_DIR", "STATE_FILE", "STATE_VERSION", "DEFAULT_SHAPE", "OverrideValue"]

STATE_DIR = ".ttnn-wizard"
STATE_FILE = "state.toml"
STATE_VERSION = 1
DEFAULT_SHAPE = (1, 1, 64, 128)  # multi-tile in H and W: catches Ht/Wt mix-ups a single tile hides
DEFAULT_DTYPE = "bfloat16"
OverrideValue = str | int | float | bool

_HEADER = (
    "ttnn-wizard session state for this op (profile, overrides, CB table, stage status).\n"
    "Safe to edit by hand while the wizard is not running: comments, order and extra keys are kept."
)
_KEEP = object()  # SessionState._cbs: "the document's own [[cbs]] is current"
_RESERVED = frozenset({"version", "spec_path", "profile", "sample_shape", "sample_dtype", "overrides", "cbs", "stages"})


class StageStatus(str, Enum):
    NOT_STARTED = "not_started"
    GENERATED = "generated"  # files written, tests not run yet
    RED = "red"  # the stage test failed (before the stage's code: the expected TDD state)
    GREEN = "green"  # the stage test passed
    EDITED = "edited"  # the user changed generated files by hand since the last run


def _plain(value: Any) -> Any:
    """tomlkit items -> plain Python values (recursively)."""
    if hasattr(value, "unwrap"):
        return value.unwrap()
    return value


class SessionState:
    """The session state of one op directory (see module doc)."""

    def __init__(self, op_dir: str | Path, doc: TOMLDocument | None = None) -> None:
        self.op_dir = Path(op_dir)
        self.recovered_from: Path | None = None  # set when load(recover=True) set a corrupt file aside
        if doc is None:
            doc = tomlkit.document()
            for line in _HEADER.splitlines():
                doc.add(tomlkit.comment(line))
            doc.add("version", STATE_VERSION)
        self._doc = doc
        self._cbs: list[dict[str, Any]] | None | object = _KEEP  # plain CB table once set (see cbs setter)

    # ---- files -------------------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.op_dir / STATE_DIR / STATE_FILE

    @classmethod
    def load(cls, op_dir: str | Path, *, recover: bool = False) -> SessionState:
        """Read the state of ``op_dir`` (a missing file gives a fresh state).

        Bad file: WizardError with file and line, or with ``recover=True`` a fresh state after the bad file
        is kept as ``state.toml.corrupt-<timestamp>`` (``recovered_from`` says where).
        """
        state = cls(op_dir)
        path = state.path
        if not path.exists():
            return state
        try:
            text = path.read_text(encoding="utf-8")
            doc = tomlkit.parse(text)
            _validate(doc, text, path)
        except (WizardError, OSError, UnicodeDecodeError, ParseError, TOMLKitError) as e:
            err = _as_wizard_error(e, path)
            if not recover:
                raise err from None
            fresh = cls(op_dir)
            fresh.recovered_from = _set_aside(path)
            return fresh
        return cls(op_dir, doc)

    def save(self) -> Path:
        """Write the state atomically (creating ``.ttnn-wizard/``); returns the path."""
        if "version" not in self._doc:
            self._doc["version"] = STATE_VERSION
        try:
            write_atomic(self.path, self.dumps())
        except OSError as e:  # read-only op dir, full disk, .ttnn-wizard being a file...: say so, not a traceback
            raise WizardError(f"cannot write session state: {e.strerror or e}", path=str(self.path)) from None
        return self.path

    def dumps(self) -> str:
        text = tomlkit.dumps(self._doc)
        if isinstance(self._cbs, list) and self._cbs:
            text = text.rstrip("\n") + "\n\n" + _render_cbs(self._cbs)
        return text

    # ---- simple fields -----------------------------------------------------------------------------------

    def _set(self, key: str, value: Any) -> None:
        if value is None:
            self._doc.pop(key, None)
        else:
            self._doc[key] = value

    @property
    def spec_path(self) -> str | None:
        v = self._doc.get("spec_path")
        return str(v) if v is not None else None

    @spec_path.setter
    def spec_path(self, value: str | Path | None) -> None:
        self._set("spec_path", None if value is None else str(value))

    @property
    def profile(self) -> str | None:
        v = self._doc.get("profile")
        return str(v) if v else None

    @profile.setter
    def profile(self, value: str | None) -> None:
        self._set("profile", value)

    @property
    def has_sample_shape(self) -> bool:
        """Whether the user chose a sample shape (else ``sample_shape`` is the default)."""
        return bool(self._doc.get("sample_shape"))

    @property
    def sample_shape(self) -> tuple[int, ...]:
        v = self._doc.get("sample_shape")
        return tuple(int(x) for x in v) if v else DEFAULT_SHAPE

    @sample_shape.setter
    def sample_shape(self, value: Sequence[int] | None) -> None:
        if value is not None:
            shape = [int(x) for x in value]
            if not shape or any(x <= 0 for x in shape):
                raise WizardError(f"sample shape must be positive integers, got {list(value)}")
            value = shape
        self._set("sample_shape", value)

    @property
    def sample_dtype(self) -> str:
        v = self._doc.get("sample_dtype")
        return str(v) if v else DEFAULT_DTYPE

    @sample_dtype.setter
    def sample_dtype(self, value: str | None) -> None:
        self._set("sample_dtype", value)

    # ---- overrides ---------------------------------------------------------------------------------------

    @property
    def overrides(self) -> dict[str, OverrideValue]:
        """The manual overrides, dotted keys ("name", "work.total_units", "parameters.eps.default"...).

        This is the live table of the document (a dict): ``state.overrides["name"] = "foo"`` is saved by
        ``save()`` and comments beside the keys survive. ``set_override`` adds a type check.
        """
        return self._table("overrides")  # type: ignore[no-any-return]

    @overrides.setter
    def overrides(self, value: dict[str, OverrideValue]) -> None:
        """Replace all overrides, keeping the table (and the comments of keys that stay)."""
        table = self._table("overrides")
        for k in [k for k in table if k not in value]:
            del table[k]
        for k, v in value.items():
            self.set_override(k, v)

    def set_override(self, key: str, value: OverrideValue) -> None:
        if not key:
            raise WizardError("override key must not be empty")
        if value is None or not isinstance(value, (str, int, float, bool)):
            raise WizardError(f"override '{key}' must be text, a number or true/false, got {value!r}")
        table = self._table("overrides")
        table[key] = value

    def clear_override(self, key: str) -> None:
        table = self._doc.get("overrides")
        if table is not None and key in table:
            del table[key]

    # ---- CB table ----------------------------------------------------------------------------------------

    @property
    def cbs(self) -> list[dict[str, Any]] | None:
        """The whole edited CB table (dicts as ``overrides.cb_to_dict`` makes), or None when never edited."""
        if self._cbs is not _KEEP:
            return copy.deepcopy(self._cbs)  # type: ignore[arg-type]
        v = self._doc.get("cbs")
        return None if v is None else [dict(_plain(t)) for t in v]

    @cbs.setter
    def cbs(self, value: list[dict[str, Any]] | None) -> None:
        """Replace the CB table. It is kept as plain data and written as the last block of the file by a small
        emitter (building tomlkit tables for a 16-CB table costs tens of ms on every edit in the app)."""
        self._doc.pop("cbs", None)
        if value is None:
            self._cbs = None
            return
        rows: list[dict[str, Any]] = []
        for n, row in enumerate(value, 1):
            if not isinstance(row, dict):
                raise WizardError(f"CB table row {n} must be a dict, got {type(row).__name__}")
            clean = {str(k): _plain(v) for k, v in row.items() if v is not None}  # TOML has no null
            for k, v in clean.items():
                _check_toml_value(v, f"CB table row {n} field '{k}'")
            rows.append(clean)
        self._cbs = copy.deepcopy(rows)
        if not rows:
            self._doc["cbs"] = tomlkit.array()  # "cbs = []": edited down to nothing (differs from None)

    # ---- stages ------------------------------------------------------------------------------------------

    def stage_status(self, n: int) -> StageStatus:
        entry = self._stage_table(n, create=False)
        if entry is None or "status" not in entry:
            return StageStatus.NOT_STARTED
        return StageStatus(str(entry["status"]))

    def stage_note(self, n: int) -> str:
        entry = self._stage_table(n, create=False)
        return str(entry.get("note", "")) if entry is not None else ""

    def stage_updated(self, n: int) -> str:
        entry = self._stage_table(n, create=False)
        return str(entry.get("updated", "")) if entry is not None else ""

    def set_stage(self, n: int, status: StageStatus | str, note: str = "") -> None:
        status = StageStatus(status)
        entry = self._stage_table(n, create=True)
        assert entry is not None
        entry["status"] = status.value
        entry["note"] = note
        entry["updated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def stages(self) -> dict[int, StageStatus]:
        table = self._doc.get("stages")
        if not table:
            return {}
        return {int(k): StageStatus(str(v["status"])) for k, v in table.items() if "status" in v}

    def _stage_table(self, n: int, *, create: bool) -> Any:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 99:
            raise WizardError(f"stage must be a number 1..99, got {n!r}")
        stages = self._doc.get("stages")
        if stages is None:
            if not create:
                return None
            stages = self._table("stages", super_table=True)
        key = str(n)
        if key not in stages:
            if not create:
                return None
            stages[key] = tomlkit.table()
        return stages[key]

    # ---- generic sections --------------------------------------------------------------------------------

    def section(self, name: str) -> Any:
        """A per-feature table ("runner", "claude", "apply", "verify"...), created on first use.

        Returns the live tomlkit table (a dict): changes are saved with ``save()``. Values must be TOML
        values (text, numbers, booleans, lists, tables); TOML has no null, so delete a key instead of None.
        """
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name) or name in _RESERVED:
            raise WizardError(f"'{name}' is not a usable section name")
        return self._table(name)

    def _table(self, key: str, *, super_table: bool = False) -> Any:
        if key not in self._doc:
            self._doc[key] = tomlkit.table(is_super_table=super_table) if super_table else tomlkit.table()
        return self._doc[key]


# ---- CB table emitter ---------------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _check_toml_value(v: Any, where: str) -> None:
    if isinstance(v, (str, bool, int, float)):
        return
    if isinstance(v, list):
        for x in v:
            _check_toml_value(x, where)
        return
    if isinstance(v, dict):
        for x in v.values():
            _check_toml_value(x, where)
        return
    raise WizardError(f"{where} must be text, a number, true/false, a list or a table, got {type(v).__name__}")


def _toml_str(s: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX for control characters) are all valid TOML basic-string escapes;
    # TOML additionally forbids a raw DEL.
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(k: str) -> str:
    return k if _BARE_KEY.match(k) else _toml_str(k)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def _render_cbs(rows: list[dict[str, Any]]) -> str:
    blocks = []
    for row in rows:
        lines = ["[[cbs]]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in row.items()]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


# ---- validation -----------------------------------------------------------------------------------------


def _line_of(text: str, key: str) -> int | None:
    pattern = rf'^[ \t]*(?:"{re.escape(key)}"|{re.escape(key)})[ \t]*='
    m = re.search(pattern, text, re.MULTILINE)
    if m is None:
        m = re.search(rf"^[ \t]*\[+[ \t]*{re.escape(key)}\b", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _validate(doc: TOMLDocument, text: str, path: Path) -> None:
    def bad(key: str, why: str) -> WizardError:
        return WizardError(f"state '{key}' {why}", path=str(path), line=_line_of(text, key))

    version = doc.get("version", STATE_VERSION)
    if isinstance(version, bool) or not isinstance(version, int):
        raise bad("version", "must be an integer")
    if version > STATE_VERSION:
        raise bad("version", f"is {version}: written by a newer ttnn-wizard (this one reads version {STATE_VERSION})")
    for key in ("spec_path", "profile", "sample_dtype"):
        if key in doc and not isinstance(doc[key], str):
            raise bad(key, "must be a string")
    if "sample_shape" in doc:
        shape = doc["sample_shape"]
        if not isinstance(shape, list) or not shape or not all(
            isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in shape
        ):
            raise bad("sample_shape", "must be a list of positive integers, e.g. [1, 1, 64, 128]")
    if "overrides" in doc:
        table = doc["overrides"]
        if not isinstance(table, dict):
            raise bad("overrides", "must be a table")
        for k, v in table.items():
            if not isinstance(v, (str, int, float, bool)):
                raise bad(str(k), "override must be text, a number or true/false")
    if "cbs" in doc:
        rows = doc["cbs"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise bad("cbs", "must be an array of tables ([[cbs]])")
    if "stages" in doc:
        stages = doc["stages"]
        if not isinstance(stages, dict):
            raise bad("stages", "must be a table")
        valid = {s.value for s in StageStatus}
        for k, v in stages.items():
            if not str(k).isdigit() or not isinstance(v, dict):
                raise bad("stages", f"entry '{k}' must be a table [stages.N]")
            if "status" in v and str(v["status"]) not in valid:
                raise bad("status", f"'{v['status']}' of stage {k} is not one of {', '.join(sorted(valid))}")


def _as_wizard_error(e: BaseException, path: Path) -> WizardError:
    if isinstance(e, WizardError):
        return e
    if isinstance(e, ParseError):
        return WizardError(f"session state is not valid TOML: {e}", path=str(path), line=e.line)
    if isinstance(e, UnicodeDecodeError):
        return WizardError("session state is not UTF-8 text", path=str(path))
    if isinstance(e, OSError):
        return WizardError(f"cannot read session state: {e.strerror or e}", path=str(path))
    return WizardError(f"session state is not usable: {e}", path=str(path))


def _set_aside(path: Path) -> Path:
    """Keep a corrupt state file as ``state.toml.corrupt-<UTC timestamp>`` (never overwriting an earlier one)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    shutil.copy2(path, target)
    return target
