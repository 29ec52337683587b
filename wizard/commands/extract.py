"""``ttnn-wizard extract SPEC``: what was read from a spec (values, lines, confidence, warnings), the work
split for a sample shape and the per-core L1 budget, as a human report or ``--json``.

Exit 0 when the spec is usable for generation (warnings allowed); 2 with one line per error on stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from enum import Enum
from typing import Any

from wizard.model import OpSpec, Provenanced, Strategy

_SKIP_FIELDS = {"prov", "path", "warnings", "sections", "raw"}


def run(args: argparse.Namespace) -> int:
    from wizard.errors import WizardError
    from wizard.expr import ExprError, normalize_dtype
    from wizard.spec import parse_spec, sample_shape

    try:
        normalize_dtype(args.dtype)
    except ExprError as exc:
        raise WizardError(f"--dtype: {exc}") from None
    spec = parse_spec(args.spec)
    if args.shape:
        shape, shape_src = tuple(args.shape), "from --shape"
    else:
        shape, shape_src = sample_shape(spec)
    summary = hardware_summary(spec, args.profile, shape, args.dtype)
    summary["sample"] = {"shape": list(shape), "dtype": args.dtype, "source": shape_src, "dim_order": spec.dim_order}
    out = sys.stdout
    if args.json:
        json.dump(spec_to_json(spec) | summary, out, indent=2)
        out.write("\n")
    else:
        out.write(render_human(spec, summary))
    if not spec.usable:
        problems = spec.errors or []
        for w in problems:
            print(f"ttnn-wizard: {w.render(args.spec)}", file=sys.stderr)
        if not problems:  # no name / no CB without an error-level warning cannot happen, but say why anyway
            print(f"ttnn-wizard: {args.spec}: not usable for generation (no name or no CB table)", file=sys.stderr)
        return 2
    return 0


# ---------------------------------------------------------------------------------------------------------
# Work split and L1 budget for the sample shape


def hardware_summary(spec: OpSpec, profile_name: str | None, shape: tuple[int, ...], dtype: str) -> dict[str, Any]:
    """Split and budget for the sample; problems are reported in the result, not raised (except a bad profile)."""
    from wizard.budget import l1_budget, total_units
    from wizard.errors import WizardError
    from wizard.profiles import load_profile
    from wizard.split import split_work_to_cores

    profile = load_profile(profile_name)  # an unknown profile is a usage error: exit 2 with the known names
    result: dict[str, Any] = {"profile": {"name": profile.name, "grid": list(profile.grid),
                                          "l1_budget": profile.l1_budget, "l1_size": profile.l1_size}}
    split: dict[str, Any] = {"strategy": spec.work.strategy.value, "total_units_expr": spec.work.total_units}
    try:
        units = total_units(spec.work, shape, dtype, dim_order=spec.dim_order)
        grid = (1, 1) if spec.work.strategy is Strategy.SINGLE_CORE else profile.grid
        ws = split_work_to_cores(grid, units, spec.work.row_wise)
        split |= {
            "units": units, "grid": list(grid), "num_cores": ws.num_cores,
            "group_1": {"cores": ws.group_1.num_cores, "units_per_core": ws.units_per_core_group_1,
                        "ranges": str(ws.group_1)},
            "group_2": {"cores": ws.group_2.num_cores, "units_per_core": ws.units_per_core_group_2,
                        "ranges": str(ws.group_2)},
            "summary": ws.summary(),
        }
    except WizardError as exc:
        split["error"] = str(exc)
    result["split"] = split
    budget: dict[str, Any]
    if spec.cbs:
        try:
            b = l1_budget(spec.cbs, profile, shape, dtype, symbols=spec.symbols, dim_order=spec.dim_order)
            budget = {
                "rows": [{"index": r.index, "name": r.name, "page_kind": r.page_kind.value,
                          "data_format": r.data_format, "page_size": r.page_size, "num_pages": r.num_pages,
                          "bytes": r.total, "error": r.error} for r in b.rows],
                "total": b.total, "budget": b.budget, "fits": b.fits, "errors": b.errors, "message": b.message(),
            }
        except WizardError as exc:
            budget = {"error": str(exc)}
    else:
        budget = {"error": "no circular buffers to size"}
    result["l1"] = budget
    return result



# ---------------------------------------------------------------------------------------------------------
# JSON: every value as {"value", "line", "confidence"}


def _plain(v: Any) -> Any:
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _obj(v)
    return v


def _is_structured(value: Any) -> bool:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return True
    if isinstance(value, (list, dict)) and value:
        first = next(iter(value.values())) if isinstance(value, dict) else value[0]
        return _is_structured(first)
    return False


def _obj(obj: Any) -> Any:
    if not isinstance(obj, Provenanced):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    row_line = getattr(obj, "line", None)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in ("prov", "raw", "line") or (isinstance(obj, OpSpec) and f.name in _SKIP_FIELDS):
            continue
        value = getattr(obj, f.name)
        if _is_structured(value):  # nested objects carry their own provenance per field
            out[f.name] = _plain(value)
            continue
        src = obj.source(f.name)
        if src is not None:
            line, conf = src.line, src.confidence.value
        elif value in ("", None, [], {}) or value is False:
            line, conf = None, "default"
        else:  # an unmarked value of a table-row object comes from that row
            line, conf = row_line, ("explicit" if row_line else "default")
        out[f.name] = {"value": _plain(value), "line": line, "confidence": conf}
    if row_line is not None:
        out["line"] = row_line
    if hasattr(obj, "raw") and isinstance(obj.raw, dict) and obj.raw:
        out["raw"] = dict(obj.raw)
    return out


def spec_to_json(spec: OpSpec) -> dict[str, Any]:
    body = _obj(spec)
    return {
        "spec": str(spec.path) if spec.path else None,
        "usable": spec.usable,
        **body,
        "input_requirements": {k: [_obj(r) for r in v] for k, v in spec.input_requirements.items()},
        "ct_args": {k: [_obj(a) for a in v] for k, v in spec.ct_args.items()},
        "rt_args": {k: [_obj(a) for a in v] for k, v in spec.rt_args.items()},
        "sections": [dataclasses.asdict(s) for s in spec.sections],
        "warnings": [{"code": w.code, "severity": w.severity.value, "line": w.line, "message": w.message}
                     for w in spec.warnings],
    }


# ---------------------------------------------------------------------------------------------------------
# Human report


def _cut(s: str, n: int = 48) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in rows]


def _where(obj: Provenanced, name: str) -> list[str]:
    src = obj.source(name)
    if src is None:
        return ["-", "default"]
    return [f"line {src.line}" if src.line else "-", src.confidence.value]


def render_human(spec: OpSpec, summary: dict[str, Any]) -> str:
    L: list[str] = []
    path = str(spec.path) if spec.path else "<text>"
    state = "usable" if spec.usable else "NOT usable (see errors)"
    L.append(f"{path}: {spec.name or '(no name)'} [{state}]")
    L += _table([
        ["name", spec.name or "-", *_where(spec, "name")],
        ["category", spec.category or "-", *_where(spec, "category")],
        ["planning mode", spec.planning_mode or "-", *_where(spec, "planning_mode")],
        ["input dims", spec.dim_order, *_where(spec, "dim_order")],
    ])

    if spec.references:
        L += ["", "References"]
        L += _table([[r.name, r.role or "-", _cut(r.path or "-", 70), *_where(r, "path" if r.path else "name")]
                     for r in spec.references])

    if spec.parameters:
        L += ["", "Parameters"]
        rows = [["name", "type", "required", "default", "valid range", "line"]]
        rows += [[p.name, _cut(p.type, 28), "yes" if p.required else "no", _cut(p.default or "-", 24),
                  _cut(p.valid_range or "-", 24), str(p.line or "-")] for p in spec.parameters]
        L += _table(rows)

    if spec.input_requirements:
        L += ["", "Tensor requirements"]
        rows = [[f"[{t}]", _cut(r.property, 20), _cut(r.requirement, 36), _cut(f'"{r.hint}"' if r.hint else "-", 48),
                 f"line {r.line}"] for t, reqs in spec.input_requirements.items() for r in reqs]
        L += _table(rows)

    o = spec.output
    out_rows = [[label, _cut(getattr(o, f), 60), *_where(o, f)] for label, f in (
        ("shape", "shape"), ("padded shape", "padded_shape"), ("dtype", "dtype"), ("layout", "layout"),
        ("memory layout", "memory_layout"), ("buffer type", "buffer_type")) if getattr(o, f)]
    if out_rows:
        L += ["", "Output"] + _table(out_rows)

    L += ["", f"Circular buffers ({len(spec.cbs)})"]
    if spec.cbs:
        rows = [["cb", "name", "pages", "kind", "format", "producer -> consumer", "lifetime", "line", "confidence"]]
        for cb in spec.cbs:
            names = " / ".join([cb.name, *cb.aliases])
            conf = cb.source("pages").confidence.value if cb.source("pages") else "default"
            rows.append([f"c_{cb.index}", _cut(names, 34), _cut(cb.pages, 30), cb.page_kind.value, cb.data_format,
                         _cut(f"{cb.producer or '?'} -> {cb.consumer or '?'}", 44), cb.lifetime.value,
                         str(cb.line or "-"), conf])
        L += _table(rows)
    else:
        L.append("  (none found)")

    w = spec.work
    L += ["", "Work distribution"]
    L += _table([
        ["unit", w.unit, *_where(w, "unit")],
        ["unit size", _cut(w.unit_size or "-", 50), *_where(w, "unit_size")],
        ["total units", w.total_units, *_where(w, "total_units")],
        ["strategy", w.strategy.value, *_where(w, "strategy")],
        ["row_wise", str(w.row_wise).lower(), *_where(w, "row_wise")],
        ["grid", _cut(w.grid or "-", 50), *_where(w, "grid")],
        ["per core", _cut(w.per_core or "-", 50), *_where(w, "per_core")],
        ["remainder", _cut(w.remainder or "-", 50), *_where(w, "remainder")],
    ])

    if spec.kernels:
        L += ["", "Kernels"]
        L += _table([[k.role.value, _cut(k.name, 40), _cut(k.core or "-", 26), k.noc or "-",
                      f"line {k.line}" if k.line else "-", *(_where(k, "role")[1:])] for k in spec.kernels])

    for title, args in (("Compile-time args", spec.ct_args), ("Runtime args", spec.rt_args)):
        if args:
            L += ["", title]
            for kernel, items in args.items():
                listed = ", ".join(f"{a.index} {a.name}" for a in items) or "(none)"
                first = f" (line {items[0].line})" if items and items[0].line else ""
                L.append(f"  {kernel}: {_cut(listed, 110)}{first}")

    sample = summary["sample"]
    prof = summary["profile"]
    shape_txt = ",".join(str(d) for d in sample["shape"])
    if sample.get("dim_order", "NCHW") != "NCHW":
        shape_txt += f" ({sample['dim_order']})"
    split = summary["split"]
    L += ["", f"Work split on {prof['name']} (grid {prof['grid'][0]}x{prof['grid'][1]}), sample shape {shape_txt} "
              f"{sample['dtype']} ({sample['source']})"]
    if "error" in split:
        L.append(f"  cannot split: {split['error']}")
    else:
        L.append(f"  {split['strategy']}: total units {split['total_units_expr']} = {split['units']}")
        L.append(f"  {split['summary']}")

    l1 = summary["l1"]
    L += ["", f"L1 budget per core ({prof['name']}, sample shape {shape_txt} {sample['dtype']})"]
    if "error" in l1:
        L.append(f"  {l1['error']}")
    else:
        rows = []
        for r in l1["rows"]:
            if r["error"]:
                rows.append([f"c_{r['index']}", _cut(r["name"], 24), "?", _cut(r["error"], 90)])
            else:
                rows.append([f"c_{r['index']}", _cut(r["name"], 24), f"{r['bytes']:,} B",
                             f"{r['num_pages']} x {r['page_size']:,} B ({r['page_kind']}, {r['data_format']})"])
        L += _table(rows)
        L.append(f"  {l1['message']}")

    L += ["", f"Warnings ({len(spec.warnings)})"]
    if spec.warnings:
        L += [f"  {w.render(path)}" for w in spec.warnings]
    else:
        L.append("  (none)")
    return "\n".join(L) + "\n"


__all__ = ["run", "spec_to_json", "render_human", "hardware_summary"]
