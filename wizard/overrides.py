"""Apply the user's manual overrides (session state) to an extracted spec, marking each value MANUAL.

Override keys are dotted paths to scalar fields of the OpSpec:

    name, category, planning_mode
    work.<unit|unit_size|total_units|strategy|row_wise|per_core|remainder|grid>
    output.<shape|padded_shape|dtype|layout|memory_layout|buffer_type>
    parameters.<param name>.<type|required|valid_range|default|description>
    input_requirements.<tensor>.<row number>.<property|requirement|hint>

The whole CB table comes from ``state.cbs`` when present (dicts made by ``cb_to_dict``). A key we do not know,
or a value of the wrong kind, becomes a SpecWarning on the returned spec instead of an exception, so an old
or hand-edited state file never stops the app.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from wizard.expr import ExprError, parse_expr
from wizard.model import (
    CircularBuffer,
    Confidence,
    Lifetime,
    OpSpec,
    PageKind,
    Provenanced,
    Role,
    Severity,
    SpecWarning,
    Strategy,
)

__all__ = ["apply_overrides", "cb_to_dict", "cb_from_dict", "CB_FIELDS", "OVERRIDE_FIELDS"]

_MANUAL = Confidence.MANUAL
_TOP = ("name", "category", "planning_mode", "dim_order")
_WORK = ("unit", "unit_size", "total_units", "strategy", "row_wise", "per_core", "remainder", "grid")
_OUTPUT = ("shape", "padded_shape", "dtype", "layout", "memory_layout", "buffer_type")
_PARAM = ("type", "required", "valid_range", "default", "description")
_REQ = ("property", "requirement", "hint")
OVERRIDE_FIELDS = {"": _TOP, "work": _WORK, "output": _OUTPUT, "parameters": _PARAM, "input_requirements": _REQ}

# CircularBuffer fields stored per CB (everything but provenance), in declaration order.
CB_FIELDS = tuple(f.name for f in fields(CircularBuffer) if f.name != "prov")
_CB_ENUMS: dict[str, type] = {
    "producer_role": Role,
    "consumer_role": Role,
    "page_kind": PageKind,
    "lifetime": Lifetime,
}


class _Bad(ValueError):
    """An override value that does not fit its field."""


def apply_overrides(spec: OpSpec, state: Any) -> OpSpec:
    """A deep copy of ``spec`` with every override in ``state`` applied and marked Confidence.MANUAL."""
    out = copy.deepcopy(spec)
    overrides: Mapping[str, Any] = getattr(state, "overrides", None) or {}
    for key, value in overrides.items():
        key = str(key)
        if key == "cbs":
            continue  # the CB table lives in state.cbs; a bare "cbs" key is only a marker
        try:
            _apply_one(out, key, _plain(value))
        except _Bad as e:
            out.warnings.append(
                SpecWarning("bad-override", f"override '{key}' = {value!r} not applied: {e}", None, Severity.ERROR)
            )
        except KeyError as e:
            out.warnings.append(
                SpecWarning("unknown-override", f"override '{key}' ignored: {e.args[0]}", None, Severity.WARNING)
            )
    rows = getattr(state, "cbs", None)
    if rows is not None:
        _apply_cb_table(out, rows)
    return out


def _plain(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value


def _set(obj: Provenanced, attr: str, value: Any) -> None:
    """Set a field with the right type and mark it MANUAL (keeping the spec line it overrides, if any)."""
    current = getattr(obj, attr)
    if isinstance(current, bool):
        value = _to_bool(value)
    elif isinstance(current, Strategy):
        value = _to_strategy(value)
    elif isinstance(current, str):
        if isinstance(value, bool):
            value = "true" if value else "false"  # the UI turns typed "true" into a bool
        elif not isinstance(value, (str, int, float)):
            raise _Bad(f"expected text, got {type(value).__name__}")
        value = str(value)
    setattr(obj, attr, value)
    old = obj.source(attr)
    obj.mark(attr, old.line if old else None, _MANUAL)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "on", "false", "no", "0", "off"):
        return value.strip().lower() in ("true", "yes", "1", "on")
    raise _Bad("expected true or false")


def _to_strategy(value: Any) -> Strategy:
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"single": "single_core", "split": "split_work_to_cores", "split_work": "split_work_to_cores", "multi_core": "split_work_to_cores"}
    text = aliases.get(text, text)
    try:
        return Strategy(text)
    except ValueError:
        raise _Bad(f"strategy must be one of {', '.join(s.value for s in Strategy)}") from None


def _apply_one(spec: OpSpec, key: str, value: Any) -> None:
    parts = key.split(".")
    if len(parts) == 1:
        if key not in _TOP:
            raise KeyError(f"unknown field '{key}' (known: {', '.join(_TOP)}, work.*, output.*, parameters.*)")
        if key == "dim_order":
            value = str(value).strip().upper()
            if value not in ("NCHW", "NHWC"):
                raise _Bad("the dimension order is NCHW or NHWC")
        _set(spec, key, value)
        return
    head = parts[0]
    if head == "work" and len(parts) == 2 and parts[1] in _WORK:
        if parts[1] == "total_units":
            _check_expr(str(value))  # a broken formula is reported, not applied
        _set(spec.work, parts[1], value)
        return
    if head == "output" and len(parts) == 2 and parts[1] in _OUTPUT:
        _set(spec.output, parts[1], value)
        return
    if head == "parameters" and len(parts) >= 3 and parts[-1] in _PARAM:
        pname = ".".join(parts[1:-1])
        param = next((p for p in spec.parameters if p.name == pname), None)
        if param is None:
            raise KeyError(f"the spec has no parameter '{pname}'")
        _set(param, parts[-1], value)
        return
    if head == "input_requirements" and len(parts) == 4 and parts[3] in _REQ:
        rows = spec.input_requirements.get(parts[1])
        if rows is None:
            raise KeyError(f"the spec has no requirements for tensor '{parts[1]}'")
        if not parts[2].isdigit() or int(parts[2]) >= len(rows):
            raise KeyError(f"requirement row {parts[2]} of '{parts[1]}' does not exist ({len(rows)} rows)")
        _set(rows[int(parts[2])], parts[3], value)
        return
    raise KeyError(f"unknown field '{key}'")


def _check_expr(text: str) -> None:
    try:
        parse_expr(text)
    except ExprError as e:
        raise _Bad(str(e)) from None


# ---- CB table ------------------------------------------------------------------------------------------------


def cb_to_dict(cb: CircularBuffer, manual: Iterable[str] | None = None) -> dict[str, Any]:
    """A CircularBuffer as a plain TOML-ready dict (enums as their values, no None), plus ``manual``:
    the fields the user changed (given, or read from the CB's MANUAL provenance)."""
    out: dict[str, Any] = {}
    for name in CB_FIELDS:
        value = getattr(cb, name)
        if value is None:
            continue
        if hasattr(value, "value") and name in _CB_ENUMS:
            value = value.value
        elif isinstance(value, list):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        out[name] = value
    if manual is None:
        manual = [n for n, p in cb.prov.items() if p.confidence is _MANUAL and n in CB_FIELDS]
    out["manual"] = sorted(set(manual))
    return out


def cb_from_dict(data: Mapping[str, Any], original: CircularBuffer | None = None) -> CircularBuffer:
    """A CircularBuffer from ``cb_to_dict``'s form. Fields listed in ``manual``, fields that differ from
    ``original`` (the spec's CB it edits) and every field of a CB the spec does not have are MANUAL; the rest
    keep the spec's provenance. Raises ValueError naming the field for a value of the wrong kind."""
    data = {str(k): _plain(v) for k, v in data.items()}
    unknown = sorted(set(data) - set(CB_FIELDS) - {"manual"})
    if unknown:
        raise ValueError(f"unknown CB field(s) {', '.join(unknown)}")
    if "index" not in data or "name" not in data:
        raise ValueError("a CB needs at least 'index' and 'name'")
    kwargs: dict[str, Any] = {}
    for name in CB_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in _CB_ENUMS:
            try:
                value = _CB_ENUMS[name](str(value))
            except ValueError:
                allowed = ", ".join(e.value for e in _CB_ENUMS[name])  # type: ignore[attr-defined]
                raise ValueError(f"CB field '{name}' = {value!r} is not one of {allowed}") from None
        elif name in ("index", "line"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"CB field '{name}' must be a whole number, got {value!r}")
            if name == "index" and not 0 <= value <= 31:
                raise ValueError(f"CB index {value} is outside 0..31")
        elif name == "aliases":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise ValueError("CB field 'aliases' must be a list of names")
            value = list(value)
        elif name == "raw":
            if not isinstance(value, dict):
                raise ValueError("CB field 'raw' must be a table")
            value = {str(k): str(v) for k, v in value.items()}
        elif not isinstance(value, str):
            raise ValueError(f"CB field '{name}' must be text, got {value!r}")
        kwargs[name] = value
    cb = CircularBuffer(**kwargs)
    manual = data.get("manual", [])
    if not isinstance(manual, list):
        raise ValueError("CB field 'manual' must be a list of field names")
    line = original.line if original is not None else cb.line
    for name in CB_FIELDS:
        if name not in data or name in ("line", "raw"):
            continue
        orig_prov = original.source(name) if original is not None else None
        changed = original is None or name in manual or getattr(original, name) != getattr(cb, name)
        if changed:
            cb.mark(name, orig_prov.line if orig_prov else line, _MANUAL)
        elif orig_prov is not None:
            cb.prov[name] = orig_prov
    return cb


def _match(row: Mapping[str, Any], spec_cbs: list[CircularBuffer], used: set[int]) -> CircularBuffer | None:
    """The spec CB a stored row edits: same index and name, else same name, else same index."""
    idx, name = row.get("index"), row.get("name")
    for test in (
        lambda c: c.index == idx and c.name == name,
        lambda c: c.name == name,
        lambda c: c.index == idx,
    ):
        for i, c in enumerate(spec_cbs):
            if i not in used and test(c):
                used.add(i)
                return c
    return None


# Findings about the spec's own CB table: a saved table replaces that table, so they no longer apply (else a
# spec with a bad CB row could never be fixed from the CB form); the saved table is checked below instead.
_SPEC_CB_CODES = frozenset(
    {"no-cb-table", "no-cb-rows", "bad-cb-index", "cb-index-out-of-range", "bad-pages-expression", "duplicate-cb-index"}
)
_WHERE = ".ttnn-wizard/state.toml [[cbs]]"


def _bad_table(spec: OpSpec, message: str) -> None:
    spec.warnings.append(SpecWarning("bad-override", f"saved CB table ({_WHERE}): {message}", None, Severity.ERROR))


def _check_cb_table(spec: OpSpec, cbs: list[CircularBuffer]) -> None:
    """What the spec parser checks on its table, on the user's: not empty, one CB per index, page counts parse."""
    if not cbs:
        _bad_table(spec, "it is empty: add the CBs back, or delete the [[cbs]] tables to use the spec's")
        return
    first: dict[int, CircularBuffer] = {}
    for cb in cbs:
        if cb.index in first:
            _bad_table(spec, f"CB index {cb.index} is used twice ({first[cb.index].name} and {cb.name}): "
                             "each CB needs its own index")
        else:
            first[cb.index] = cb
        try:
            parse_expr(str(cb.pages))
        except ExprError as e:
            _bad_table(spec, f"CB c_{cb.index} ({cb.name}): page count {cb.pages!r} is not usable: {e}")


def _apply_cb_table(spec: OpSpec, rows: Any) -> None:
    if not isinstance(rows, list):
        spec.warnings.append(SpecWarning("bad-override", "the saved CB table is not a list; using the spec's", None, Severity.ERROR))
        return
    used: set[int] = set()
    new: list[CircularBuffer] = []
    for n, row in enumerate(rows, 1):
        try:
            if not isinstance(row, Mapping):
                raise ValueError("not a table")
            new.append(cb_from_dict(row, _match(row, spec.cbs, used)))
        except ValueError as e:
            spec.warnings.append(
                SpecWarning(
                    "bad-override",
                    f"saved CB table row {n} ({_WHERE}) is not usable ({e}); the spec's CB table is used until it is fixed",
                    None,
                    Severity.ERROR,
                )
            )
            return
    spec.cbs = new
    spec.warnings = [w for w in spec.warnings if w.code not in _SPEC_CB_CODES]
    _check_cb_table(spec, new)
