"""Kernels: the Kernel Data Movement table, and compile-time / runtime argument tables per kernel."""

from __future__ import annotations

import re

from wizard.model import ArgSpec, Confidence, KernelSpec, OpSpec, Role
from wizard.spec.markdown import Document, Heading, Table, plain
from wizard.spec.vocab import is_blank, role_of

E, I = Confidence.EXPLICIT, Confidence.INFERRED


def _is_kernel_table(t: Table) -> bool:
    keys = t.keys
    return bool(keys) and keys[0] in ("kernel", "kernel name", "kernels") and any(
        k in ("core", "noc", "risc", "riscv", "processor") or k.startswith(("core", "noc", "risc")) for k in keys
    )


def extract_kernels(doc: Document, spec: OpSpec) -> None:
    tables = [t for t in doc.tables if _is_kernel_table(t)]
    under = [t for t in tables if _heading_title(doc, t).lower().find("kernel") >= 0]
    for t in (under or tables)[:1]:
        keys = t.keys

        def col(*names: str) -> int | None:
            for n in names:
                for j, k in enumerate(keys):
                    if k == n or k.startswith(n):
                        return j
            return None

        c_core, c_noc = col("core", "risc", "processor"), col("noc")
        c_in, c_out = col("input", "reads from", "reads"), col("output", "writes to", "writes")
        c_fn = col("actual function", "operations", "function", "description", "responsibility")
        for row in t.rows:
            name = plain(row.cells[0]).strip("`")
            if not name or is_blank(name):
                continue
            k = KernelSpec(name=name, line=row.line)
            get = lambda c: plain(row.cells[c]) if c is not None else ""  # noqa: E731
            k.core, k.noc, k.inputs, k.outputs, k.function = get(c_core), get(c_noc), get(c_in), get(c_out), get(c_fn)
            k.role = role_of(name)
            if k.role is Role.UNKNOWN:
                k.role = role_of(k.core)
                k.mark("role", row.line, I)
            else:
                k.mark("role", row.line, E)
            for f in ("name", "core", "noc", "inputs", "outputs", "function"):
                k.mark(f, row.line, E)
            spec.kernels.append(k)
    _args(doc, spec, r"compile[- ]?time arg", spec.ct_args)
    _args(doc, spec, r"run[- ]?time arg", spec.rt_args)
    _v2_kernel_arguments(doc, spec)


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
            a.mark(f, row.line, E)
        out.append(a)
    return out


def _args(doc: Document, spec: OpSpec, pattern: str, into: dict[str, list[ArgSpec]]) -> None:
    for sec in doc.find(pattern):
        subs = doc.children(sec)
        if subs:
            for sub in subs:
                key = kernel_key(sub.title)
                tables = [t for t in doc.tables_in(sub) if "kernel" not in t.keys]
                rows = [a for t in tables for a in _arg_rows(t)]
                if key in into and not rows:
                    continue
                into.setdefault(key, []).extend(rows)  # "(No runtime arguments)" -> an empty list, still known
                _note_kernel(spec, sub, key)
        else:
            # Tables right under the heading: a "Kernel" column, or a "**Reader**:" line before each table.
            for t in doc.tables_in(sec):
                if "kernel" in t.keys:
                    continue
                lead = _lead_text(doc, t, sec)
                into.setdefault(kernel_key(lead) if lead else "all", []).extend(_arg_rows(t))


def _lead_text(doc: Document, t: Table, sec: Heading) -> str:
    before = [b for b in doc.blocks if b.kind != "code" and sec.line < b.line < t.line]
    return plain(before[-1].text) if before else ""


def _v2_kernel_arguments(doc: Document, spec: OpSpec) -> None:
    """v2 ``| Kernel | Index | Name | Type | Description |`` tables (compile-time vs runtime from the text before)."""
    for t in doc.tables:
        keys = t.keys
        if "kernel" not in keys or "index" not in keys or "name" not in keys:
            continue
        h = doc.headings[t.heading] if 0 <= t.heading < len(doc.headings) else None
        context = (h.title if h else "") + " " + (_lead_text(doc, t, h) if h else "")
        into = spec.rt_args if re.search(r"run[- ]?time", context, re.I) else spec.ct_args
        c_kernel = keys.index("kernel")
        for a, row in zip(_arg_rows(t), [r for r in t.rows if any(c.strip() for c in r.cells)], strict=False):
            into.setdefault(kernel_key(row.cells[c_kernel]), []).append(a)


def _note_kernel(spec: OpSpec, sub: Heading, key: str) -> None:
    """A kernel that has argument tables but no Kernel Data Movement row (image_rotate's reused compute kernel)."""
    role = role_of(sub.title)
    if role not in (Role.READER, Role.WRITER, Role.COMPUTE):
        return
    if any(k.role is role for k in spec.kernels):
        return
    name = _file_in(sub.title) or key
    k = KernelSpec(name=name, role=role, line=sub.line)
    k.mark("name", sub.line, I)
    k.mark("role", sub.line, I)
    spec.kernels.append(k)
