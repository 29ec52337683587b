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
        if _tensor_columns(doc, t):
            _per_tensor_requirements(doc, spec, t)
            continue
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


# ``| Property | Input | Output |``: one column per tensor. Columns that are notes, not tensors:
_NOT_TENSOR = re.compile(r"^(?:description|notes?|comments?|error|hint|message|requirement|value|default|type"
                         r"|valid|range|example|source|reason|why|rationale)")
_SAME = re.compile(r"^\s*(?:same|unchanged|identical)\b", re.I)  # "Same" (as the input)
_PER_TENSOR_HEADING = re.compile(r"tensor|requirement|validation|\bapi\b|spec", re.I)


def _tensor_key(header: str) -> str:
    """``Input Tensor`` / ``input (x)`` -> ``input``; ``Gamma`` -> ``gamma``."""
    words = [w for w in re.sub(r"\(.*?\)", " ", header).split() if w not in ("tensor", "tensors")]
    return words[0] if words else header


def _tensor_columns(doc: Document, t: Table) -> dict[int, str]:
    """Column index -> tensor name for a per-tensor table (``| Property | Input | Output |``), else {}.

    Needs a property-like first column, an ``Input`` column, no Requirement/Value column (the row-per-property
    forms), and a heading about tensors or requirements (a ``| Property | Input stage | ... |`` comparison
    elsewhere is not one)."""
    keys = t.keys
    if len(keys) < 2 or keys[0] not in ("property", "attribute", "field", "aspect", "constraint", "check"):
        return {}
    if any(k.startswith(("requirement", "value")) for k in keys[1:]):
        return {}
    h = doc.headings[t.heading] if 0 <= t.heading < len(doc.headings) else None
    if h is None or not _PER_TENSOR_HEADING.search(h.title):
        return {}
    cols = {j: _tensor_key(k) for j, k in enumerate(keys) if j and k and not _NOT_TENSOR.match(k)}
    if not any(name == "input" for name in cols.values()) or any(len(keys[j].split()) > 3 for j in cols):
        return {}
    return cols


def _per_tensor_requirements(doc: Document, spec: OpSpec, t: Table) -> None:
    """Each tensor column but the output's becomes that tensor's requirement rows (blank / "Same" cells skipped)."""
    for j, tensor in _tensor_columns(doc, t).items():
        if tensor.startswith("output"):
            continue
        rows = spec.input_requirements.setdefault(tensor, [])
        for row in t.rows:
            prop, req = plain(row.cells[0]), plain(row.cells[j])
            if not prop or is_blank(req) or _SAME.match(req):
                continue
            r = Requirement(property=prop, requirement=req, line=row.line)
            for f in ("property", "requirement"):
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
    # A per-tensor table (| Property | Input | Output |) under another heading still describes the output.
    shared = [t for t in _scoped_tables(doc, api) or doc.tables
              if not (sec is not None and sec.line < t.line <= sec.end_line)
              and any(n.startswith("output") for n in _tensor_columns(doc, t).values())]
    if sec is None and not shared:
        warn("missing-output-spec", "no 'Output Tensor Specification': the output shape, dtype and layout must be "
             "entered by hand", api.line if api else None, Severity.INFO)
        return
    found: list[tuple[str, str, int]] = []
    for t in [*doc.tables_in(sec), *shared]:
        keys = t.keys
        if not keys or not keys[0].startswith(("property", "attribute", "field")) or len(keys) < 2:
            continue
        found += _output_rows(doc, t)
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
        where = sec.line if sec is not None else shared[0].line
        warn("missing-output-shape", "the output specification gives no shape", where, Severity.WARNING)


def _output_rows(doc: Document, t: Table) -> list[tuple[str, str, int]]:
    """(property, value, line) for the output: the second column, or in a per-tensor table the Output column,
    where "Same" or a blank cell means the input column's value."""
    cols = _tensor_columns(doc, t)
    out_col = next((j for j, name in cols.items() if name.startswith("output")), None)
    in_col = next((j for j, name in cols.items() if name == "input"), None)
    rows: list[tuple[str, str, int]] = []
    for row in t.rows:
        value = plain(row.cells[1])
        if out_col is not None:
            value = plain(row.cells[out_col])
            if (is_blank(value) or _SAME.match(value)) and in_col is not None:
                value = plain(row.cells[in_col])
        rows.append((plain(row.cells[0]), value, row.line))
    return rows
