"""API section: parameters, per-tensor requirement tables (input, gamma, beta ...), output tensor spec."""

from __future__ import annotations

import re

from wizard.model import Confidence, OpSpec, OutputSpec, Parameter, Requirement, Severity
from wizard.spec.markdown import Document, Heading, Table, plain
from wizard.spec.vocab import is_blank

EXPLICIT, INFERRED = Confidence.EXPLICIT, Confidence.INFERRED

API_HEADING = r"api specification|^section a\b|\bapi\b"


def extract_api(doc: Document, spec: OpSpec, warn) -> None:
    api = doc.section(r"api specification", r"^section a\b", API_HEADING)
    _parameters(doc, spec, api)
    _requirements(doc, spec, api)
    _output(doc, spec, api, warn)


def _pick(t: Table, *names: str) -> int | None:
    keys = t.keys
    for n in names:
        if n in keys:
            return keys.index(n)
    for n in names:  # prefix: "error message hint" for "error"
        for j, k in enumerate(keys):
            if k.startswith(n):
                return j
    return None


def _scoped_tables(doc: Document, api: Heading | None) -> list[Table]:
    return doc.tables_in(api) if api is not None else doc.tables


def _parameters(doc: Document, spec: OpSpec, api: Heading | None) -> None:
    for t in _scoped_tables(doc, api) or doc.tables:
        keys = t.keys
        if not keys or not keys[0].startswith(("parameter", "param", "argument", "name")) or "type" not in keys:
            continue
        if any(k.startswith(("property", "cb", "index")) for k in keys):
            continue
        c_name, c_type = 0, keys.index("type")
        c_req = _pick(t, "required", "optional")
        c_range = _pick(t, "valid range", "range", "constraints", "valid values")
        c_def = _pick(t, "default", "default value")
        c_desc = _pick(t, "description", "notes", "purpose")
        for row in t.rows:
            cell = row.cells
            name = plain(cell[c_name]).strip("`")
            if not name or is_blank(name):
                continue
            p = Parameter(name=name, line=row.line)
            p.type = plain(cell[c_type])
            if c_req is not None:
                req = plain(cell[c_req]).lower()
                said_yes = req.startswith(("yes", "true", "required", "y"))
                p.required = said_yes if t.keys[c_req].startswith("required") else not said_yes
                p.mark("required", row.line, EXPLICIT)
            if c_range is not None:
                p.valid_range = plain(cell[c_range])
            if c_def is not None:
                d = plain(cell[c_def])
                p.default = "" if d in ("", "-", "—", "–", "N/A", "n/a") else d  # "None" is a real default
            if c_desc is not None:
                p.description = plain(cell[c_desc])
            for f in ("name", "type", "valid_range", "default", "description"):
                p.mark(f, row.line, EXPLICIT)
            spec.parameters.append(p)
        if spec.parameters:
            return


def _tensor_of(title: str) -> str:
    m = re.match(r"\s*(\w+)\s+tensors?\s+requirements?", title, re.I)
    if m:
        return m.group(1).lower()
    m = re.match(r"\s*requirements?\s+(?:for|on)\s+(\w+)", title, re.I)
    return m.group(1).lower() if m else "input"


def _requirements(doc: Document, spec: OpSpec, api: Heading | None) -> None:
    for t in _scoped_tables(doc, api) or doc.tables:
        keys = t.keys
        if "property" not in keys or not any(k.startswith("requirement") for k in keys):
            continue
        c_prop = keys.index("property")
        c_req = _pick(t, "requirement", "requirements")
        c_hint = _pick(t, "error message hint", "error hint", "error message", "error", "hint", "message")
        h = doc.headings[t.heading] if 0 <= t.heading < len(doc.headings) else None
        tensor = _tensor_of(h.title) if h else "input"
        rows = spec.input_requirements.setdefault(tensor, [])
        for row in t.rows:
            prop = plain(row.cells[c_prop])
            if not prop:
                continue
            req = plain(row.cells[c_req]) if c_req is not None else ""
            r = Requirement(property=prop, requirement=req, line=row.line)
            if c_hint is not None:
                r.hint = plain(row.cells[c_hint]).strip().strip('"“”\'')
            for f in ("property", "requirement", "hint"):
                r.mark(f, row.line, EXPLICIT)
            rows.append(r)


_OUT_FIELDS: dict[str, tuple[str, ...]] = {
    "shape": ("shape", "logical shape", "output shape", "shape (logical)"),
    "padded_shape": ("padded shape", "physical shape", "shape (padded)"),
    "dtype": ("dtype", "data type", "datatype"),
    "layout": ("layout", "tensor layout"),
    "memory_layout": ("memory layout", "memory", "memory config"),
    "buffer_type": ("buffer type", "buffer", "storage"),
}


def _output(doc: Document, spec: OpSpec, api: Heading | None, warn) -> None:
    sec = doc.first(r"output tensor spec|output spec|^output tensors?$", within=api) or doc.first(
        r"output tensor spec|output spec"
    )
    out = OutputSpec()
    spec.output = out
    if sec is None:
        warn("missing-output-spec", "no 'Output Tensor Specification': the output shape, dtype and layout must be "
             "entered by hand", api.line if api else None, Severity.INFO)
        return
    found: list[tuple[str, str, int]] = []
    for t in doc.tables_in(sec):
        keys = t.keys
        if not keys or not keys[0].startswith(("property", "attribute", "field")) or len(keys) < 2:
            continue
        for row in t.rows:
            found.append((plain(row.cells[0]), plain(row.cells[1]), row.line))
    for kv in doc.pairs_in(sec):
        found.append((plain(kv.raw_key), plain(kv.value), kv.line))
    for key, value, line in found:
        out.raw.setdefault(key, value)
        k = " ".join(key.lower().split())
        for fname, names in _OUT_FIELDS.items():
            if k in names and not getattr(out, fname):
                setattr(out, fname, value)
                out.mark(fname, line, EXPLICIT)
                break
    if not out.shape:
        warn("missing-output-shape", "the output specification gives no shape", sec.line, Severity.WARNING)
