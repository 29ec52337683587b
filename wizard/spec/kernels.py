"""Kernels: the Kernel Data Movement table, and compile-time / runtime argument tables per kernel."""

from __future__ import annotations

import re

from wizard.model import ArgSpec, Confidence, KernelSpec, OpSpec, Role
from wizard.spec.markdown import Document, Heading, Table, plain
from wizard.spec.vocab import is_blank, role_of

EXPLICIT, INFERRED = Confidence.EXPLICIT, Confidence.INFERRED
_KERNEL_ROLES = (Role.READER, Role.WRITER, Role.COMPUTE)


def _is_kernel_table(t: Table) -> bool:
    keys = t.keys
    return bool(keys) and keys[0] in ("kernel", "kernel name", "kernels") and any(
        k in ("core", "noc", "risc", "riscv", "processor") or k.startswith(("core", "noc", "risc")) for k in keys
    )


def _col(keys: list[str], *names: str) -> int | None:
    for n in names:
        for j, k in enumerate(keys):
            if k == n or k.startswith(n):
                return j
    return None


def _cell(cells: list[str], c: int | None) -> str:
    return plain(cells[c]) if c is not None and c < len(cells) else ""


def extract_kernels(doc: Document, spec: OpSpec) -> None:
    tables = [t for t in doc.tables if _is_kernel_table(t)]
    under = [t for t in tables if "kernel" in _heading_title(doc, t).lower()]
    for t in (under or tables)[:1]:
        keys = t.keys
        c_core, c_noc = _col(keys, "core", "risc", "processor"), _col(keys, "noc")
        c_in, c_out = _col(keys, "input", "reads from", "reads"), _col(keys, "output", "writes to", "writes")
        c_fn = _col(keys, "actual function", "operations", "function", "description", "responsibility")
        for row in t.rows:
            name = plain(row.cells[0]).strip("`")
            if not name or is_blank(name):
                continue
            k = KernelSpec(name=name, line=row.line)
            k.core, k.noc = _cell(row.cells, c_core), _cell(row.cells, c_noc)
            k.inputs, k.outputs, k.function = _cell(row.cells, c_in), _cell(row.cells, c_out), _cell(row.cells, c_fn)
            k.role = role_of(name)
            if k.role is Role.UNKNOWN:
                k.role = role_of(k.core)
                k.mark("role", row.line, INFERRED)
            else:
                k.mark("role", row.line, EXPLICIT)
            for f in ("name", "core", "noc", "inputs", "outputs", "function"):
                k.mark(f, row.line, EXPLICIT)
            spec.kernels.append(k)
    _arg_tables(doc, spec)
    _arg_lines(doc, spec)
    _empty_arg_sections(doc, spec)


def _heading_title(doc: Document, t: Table) -> str:
    return doc.headings[t.heading].title if 0 <= t.heading < len(doc.headings) else ""


def kernel_key(title: str) -> str:
    """Key of a kernel's argument list: its role ("reader"/"compute"/"writer") when the title names one."""
    role = role_of(title)
    if role in (Role.READER, Role.WRITER, Role.COMPUTE):
        return role.value
    s = plain(title)
    s = re.sub(r"(?i)\bkernel\b.*$", "", s).strip(" :") or s
    return s.lower()


def _file_in(title: str) -> str | None:
    m = re.search(r"`?([\w./-]+\.(?:cpp|hpp|h|cc))`?", title)
    return m.group(1) if m else None


def _arg_rows(t: Table) -> list[ArgSpec]:
    keys = t.keys
    c_idx = keys.index("index") if "index" in keys else (keys.index("idx") if "idx" in keys else None)
    c_name = keys.index("name") if "name" in keys else (keys.index("argument") if "argument" in keys else None)
    if c_idx is None or c_name is None:
        return []
    c_type = keys.index("type") if "type" in keys else None
    c_desc = next((j for j, k in enumerate(keys) if k.startswith(("description", "purpose", "notes"))), None)
    out: list[ArgSpec] = []
    for row in t.rows:
        idx, name = plain(row.cells[c_idx]), plain(row.cells[c_name])
        if not idx and not name:
            continue
        a = ArgSpec(index=idx, name=name.strip("`"), line=row.line)
        a.type = plain(row.cells[c_type]) if c_type is not None else ""
        a.description = plain(row.cells[c_desc]) if c_desc is not None else ""
        for f in ("index", "name", "type", "description"):
            a.mark(f, row.line, EXPLICIT)
        out.append(a)
    return out


_CT = re.compile(r"compile[- ]?time", re.I)
_RT = re.compile(r"run[- ]?time", re.I)


def _arg_tables(doc: Document, spec: OpSpec) -> None:
    """Every ``Index | Name`` table whose context says compile-time or runtime: the lead line right before it
    (``**Compile-time** (reader kernel):``), else the enclosing headings, innermost first (``## Runtime
    Arguments`` > ``### Writer Kernel``). The kernel comes from a Kernel column, the lead line, or a heading."""
    for t in doc.tables:
        keys = t.keys
        if not ({"index", "idx"} & set(keys)) or not ({"name", "argument"} & set(keys)):
            continue
        if keys and keys[0] in ("cb id", "cb", "parameter", "property"):
            continue
        chain = sorted((h for h in doc.headings if h.line < t.line <= h.end_line), key=lambda h: -h.level)
        lead = _lead_text(doc, t, chain[0] if chain else None)
        texts = [lead, *(h.title for h in chain)]
        kind = next((("ct" if _CT.search(x) else "rt") for x in texts if _CT.search(x) or _RT.search(x)), None)
        if kind is None:
            continue
        into = spec.ct_args if kind == "ct" else spec.rt_args
        if "kernel" in keys:
            c_kernel = keys.index("kernel")
            rows = [r for r in t.rows if any(c.strip() for c in r.cells)]
            for a, row in zip(_arg_rows(t), rows, strict=False):
                into.setdefault(kernel_key(row.cells[c_kernel]), []).append(a)
            continue
        title = next((x for x in texts if role_of(x) in _KERNEL_ROLES), "")
        key = kernel_key(title) if title else "all"
        into.setdefault(key, []).extend(_arg_rows(t))
        if title:
            _note_kernel(spec, title, key, t.line if title == lead else _heading_line(chain, title))


# "Reader compile-time: cb_in, cb_scaler, Wt", "Writer runtime args: dst_addr, num_units": label, then a list.
_ARG_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?P<label>[A-Za-z][\w ()/-]{2,60}?)\s*:\s*(?P<list>\S.*)$")
_ARG_ITEM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<note>.*)\))?$")
_NONE = re.compile(r"^(?:none|n/a|-|—|no arguments?|nothing)\b", re.I)


def _split_top(text: str) -> list[str]:
    """Split at commas outside parentheses: ``a, TensorAccessorArgs(x, y), b(=N*H)``."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [p for p in [*parts, cur.strip()] if p]


def parse_arg_line(line: str) -> tuple[str, str, list[ArgSpec]] | None:
    """``Reader compile-time: a, b(=N*H), TensorAccessorArgs(input)`` -> ("ct", "reader", args with index =
    position), or None when the line is no such list (prose after the colon, no kernel or arg kind named)."""
    m = _ARG_LINE.match(plain(line))
    if m is None:
        return None
    label, items = m.group("label"), m.group("list").strip().rstrip(".")
    kind = "ct" if _CT.search(label) else "rt" if _RT.search(label) else None
    if kind is None or role_of(label) not in _KERNEL_ROLES:
        return None
    if _NONE.match(items):
        return kind, kernel_key(label), []
    args: list[ArgSpec] = []
    for pos, item in enumerate(_split_top(items)):
        im = _ARG_ITEM.match(item)
        if im is None:
            return None  # prose, not a list of names
        args.append(ArgSpec(index=str(pos), name=item if item.startswith("TensorAccessorArgs") else im.group("name"),
                            description=(im.group("note") or "").strip()))
    return (kind, kernel_key(label), args) if args else None


def _arg_lines(doc: Document, spec: OpSpec) -> None:
    """One-line argument lists in paragraphs and bullets; a kernel whose list a table already gave keeps it."""
    for b in doc.blocks:
        if b.kind == "code":
            continue
        for off, raw in enumerate(b.text.split("\n")):
            found = parse_arg_line(raw)
            if found is None:
                continue
            kind, key, args = found
            into = spec.ct_args if kind == "ct" else spec.rt_args
            if key in into:
                continue
            for a in args:
                a.line = b.line + off
                for f in ("index", "name", "description"):
                    a.mark(f, a.line, EXPLICIT)
            into[key] = args
            _note_kernel(spec, key, key, b.line + off)


def _empty_arg_sections(doc: Document, spec: OpSpec) -> None:
    """``### Compute Kernel`` with "None (all parameters are compile-time)": known, with no arguments."""
    for pattern, into in ((r"compile[- ]?time arg", spec.ct_args), (r"run[- ]?time arg", spec.rt_args)):
        for sec in doc.find(pattern):
            for sub in doc.children(sec):
                if role_of(sub.title) in _KERNEL_ROLES and not doc.tables_in(sub):
                    into.setdefault(kernel_key(sub.title), [])


def _heading_line(chain: list[Heading], title: str) -> int | None:
    return next((h.line for h in chain if h.title == title), None)


def _lead_text(doc: Document, t: Table, h: Heading | None) -> str:
    """The paragraph right before a table, within its innermost section (at most 3 lines above it)."""
    lo = h.line if h is not None else 0
    before = [b for b in doc.blocks if b.kind != "code" and lo < b.line < t.line]
    if not before or t.line - before[-1].line > 3:
        return ""
    return plain(before[-1].text)


def _note_kernel(spec: OpSpec, title: str, key: str, line: int | None) -> None:
    """A kernel that has argument tables but no Kernel Data Movement row (image_rotate's reused compute kernel)."""
    role = role_of(title)
    if role not in _KERNEL_ROLES or any(k.role is role for k in spec.kernels):
        return
    k = KernelSpec(name=_file_in(title) or key, role=role, line=line)
    k.mark("name", line, INFERRED)
    k.mark("role", line, INFERRED)
    spec.kernels.append(k)
