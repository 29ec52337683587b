"""Read each kernel's compile-time args out of a program factory's C++ (generated or hand-edited).

The compile check must pass a kernel exactly the compile-time args the factory gives it, or
a missing/extra arg would go unnoticed. This is a careful reader of the idioms factories use,
not a C++ parser:

    std::vector<uint32_t> reader_ct_args = {cb_in, Wt};          // or {...}; or empty
    reader_ct_args.push_back(x);                                   // also emplace_back
    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_ct_args);
    auto id = tt::tt_metal::CreateKernel(program, "ttnn/.../reader_x.cpp", cores,
        tt::tt_metal::ReaderDataMovementConfig(reader_ct_args));   // Writer..., DataMovementConfig{...}, ComputeConfig{...}

Values matter less than the count (clang sees them as the KERNEL_COMPILE_TIME_ARGS array):
literals and CB indices (``tt::CBIndex::c_N``) are resolved; anything else gets a placeholder
of 1, and the names of those are reported so a reader knows which values were made up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

PLACEHOLDER = 1


@dataclass
class KernelCall:
    """One CreateKernel call of the factory."""

    source: str  # the kernel path as the factory names it
    kind: str  # "reader" | "writer" | "dataflow" | "compute"
    processor: str  # "ncrisc" | "brisc" | "trisc"
    ct_args: list[int]
    line: int  # 1-based line of the CreateKernel call
    noc: int | None = None  # an explicit .noc, else None (the config's default)
    placeholders: list[str] = field(default_factory=list)  # CT items whose value we could not resolve
    accessor_appends: int = 0  # TensorAccessorArgs(...).append_to(...) calls folded in
    vector: str | None = None  # the CT vector's name, None when written inline
    defines: dict[str, str] = field(default_factory=dict)  # -D NAME=VALUE the config passes


def strip_comments(text: str) -> str:
    """Blank // and /* */ comments, keeping line numbers and string literals intact."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _matching(text: str, i: int) -> int:
    """Index just past the bracket that closes the one at ``text[i]``."""
    pairs = {"(": ")", "{": "}", "[": "]", "<": ">"}
    stack = [pairs[text[i]]]
    j = i + 1
    while j < len(text) and stack:
        c = text[j]
        if c == '"':
            j += 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
        elif c in "({[":
            stack.append(pairs[c])
        elif c in ")}]" and stack and c == stack[-1]:
            stack.pop()
        j += 1
    return j


def split_top(text: str) -> list[str]:
    """Split on commas outside brackets and strings."""
    items: list[str] = []
    depth = 0
    cur: list[str] = []
    in_str = False
    prev = ""
    for c in text:
        if in_str:
            cur.append(c)
            if c == '"' and prev != "\\":
                in_str = False
        elif c == '"':
            in_str = True
            cur.append(c)
        elif c in "({[":
            depth += 1
            cur.append(c)
        elif c in ")}]":
            depth -= 1
            cur.append(c)
        elif c == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        prev = c
    tail = "".join(cur).strip()
    if tail:
        items.append(tail)
    return items


_CB = re.compile(r"(?:tt::)?CBIndex::c_(\d+)|(?:tt::)?CB::c_(?:in|out|intermed)(\d+)")
_INT = re.compile(r"^\(?\s*(\d+)\s*[uUlL]*\s*\)?$")
_CAST = re.compile(r"^(?:static_cast\s*<[^>]*>|\(\s*(?:uint32_t|std::uint32_t|int|unsigned)\s*\))\s*\((.*)\)$|^\(\s*(?:uint32_t|std::uint32_t)\s*\)\s*(.*)$", re.S)
_CB_KINDS = {"in": 0, "out": 16, "intermed": 24}


class _Resolver:
    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, expr: str, upto: int, depth: int = 0) -> int | None:
        e = expr.strip()
        m = _CAST.match(e)
        if m:
            return self.value(m.group(1) or m.group(2) or "", upto, depth)
        if e in ("true", "false"):
            return int(e == "true")
        m = _INT.match(e)
        if m:
            return int(m.group(1))
        m = re.fullmatch(r"(?:tt::)?CBIndex::c_(\d+)", e)
        if m:
            return int(m.group(1))
        m = re.fullmatch(r"(?:tt::)?CB::c_(in|out|intermed)(\d+)", e)
        if m:
            return _CB_KINDS[m.group(1)] + int(m.group(2))
        if depth < 4 and re.fullmatch(r"[A-Za-z_]\w*", e):
            # The last assignment before use: `uint32_t cb_in = tt::CBIndex::c_0;`, `constexpr auto x = 4;`
            defs = list(re.finditer(rf"\b{re.escape(e)}\s*(?:=|\{{)\s*([^;{{}}]+?)\s*\}}?\s*;", self.text[:upto]))
            if defs:
                return self.value(defs[-1].group(1), defs[-1].start(), depth + 1)
        return None


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


_VEC_DECL = re.compile(r"std::vector\s*<\s*(?:std::)?uint32_t\s*>\s+(\w+)\s*(=\s*\{|\{|;|=\s*std::vector)")
_CREATE = re.compile(r"\bCreateKernel\s*\(")


def _vector_items(text: str, name: str, upto: int, resolver: _Resolver, ta_count: int) -> tuple[list[int], list[str], int] | None:
    """The values of CT vector ``name`` as built up before ``upto``."""
    decls = [m for m in _VEC_DECL.finditer(text, 0, upto) if m.group(1) == name]
    if not decls:
        return None
    d = decls[-1]
    values: list[int] = []
    unresolved: list[str] = []
    appends = 0
    pos = d.end()
    if d.group(2).endswith("{"):
        end = _matching(text, d.end() - 1)
        for item in split_top(text[d.end() : end - 1]):
            v = resolver.value(item, d.start())
            values.append(PLACEHOLDER if v is None else v)
            if v is None:
                unresolved.append(item)
        pos = end
    ops = re.compile(
        rf"\b{re.escape(name)}\s*\.\s*(?:push_back|emplace_back)\s*\(|TensorAccessorArgs\s*\(([^;]*?)\)\s*\.\s*append_to\s*\(\s*{re.escape(name)}\s*[,)]"
    )
    for m in ops.finditer(text, pos, upto):
        if m.group(0).rstrip().endswith("(") and "append_to" not in m.group(0):
            end = _matching(text, m.end() - 1)
            item = text[m.end() : end - 1]
            v = resolver.value(item, m.start())
            values.append(PLACEHOLDER if v is None else v)
            if v is None:
                unresolved.append(item.strip())
        else:
            values.extend([PLACEHOLDER] * ta_count)  # filled with real TA values by the caller
            appends += 1
    return values, unresolved, appends


def _kernel_source(arg: str, text: str, upto: int) -> str | None:
    lits = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    if lits:
        return "".join(lits)
    name = arg.strip()
    if re.fullmatch(r"[A-Za-z_]\w*", name):
        defs = list(re.finditer(rf"\b{re.escape(name)}\s*(?:=|\{{|\()\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)", text[:upto]))
        if defs:
            return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', defs[-1].group(1)))
    return None


def _config_field(config: str, name: str, position: int) -> str | None:
    """A kernel config's field: ``.name = value`` (designated initializer), else the ``position``-th argument of
    ``Reader/WriterDataMovementConfig(...)`` (compile args first, then defines); None when absent."""
    m = re.search(rf"\.{name}\s*=\s*(.+?)\s*(?:,\s*\.|\}}$|$)", config.strip(), re.S)
    if m:
        return m.group(1).strip()
    inner = re.search(r"(?:Reader|Writer)DataMovementConfig\s*[({](.*)[)}]\s*$", config.strip(), re.S)
    if not inner:
        return None
    parts = split_top(inner.group(1))
    if position == 0:
        return parts[0] if parts else ""
    return parts[position] if len(parts) > position else None


def parse_factory(text: str, ta_ct_args: Sequence[int] = (2, 2048)) -> list[KernelCall]:
    """Every CreateKernel call with its kernel path, role and compile-time args, in file order.

    ``ta_ct_args`` are what ``TensorAccessorArgs(*buf)`` appends for an interleaved DRAM buffer
    (measured with the ttnn wheel at setup); each append_to contributes those.
    """
    clean = strip_comments(text)
    resolver = _Resolver(clean)
    calls: list[KernelCall] = []
    for m in _CREATE.finditer(clean):
        end = _matching(clean, m.end() - 1)
        args = split_top(clean[m.end() : end - 1])
        if len(args) < 4:
            continue
        source = _kernel_source(args[1], clean, m.start())
        if source is None:
            continue
        config = args[3]
        kind, processor = "dataflow", "ncrisc"
        if re.search(r"\bReaderDataMovementConfig\b", config):
            kind, processor = "reader", "ncrisc"
        elif re.search(r"\bWriterDataMovementConfig\b", config):
            kind, processor = "writer", "brisc"
        elif re.search(r"\bComputeConfig\b", config):
            kind, processor = "compute", "trisc"
        elif re.search(r"RISCV_0\b", config):
            kind, processor = "dataflow", "brisc"
        noc = None
        nm = re.search(r"\.noc\s*=\s*[\w:]*?(?:NOC_|RISCV_)(\d)", config)
        if nm:
            noc = int(nm.group(1))
        ct_expr = _config_field(config, "compile_args", 0)
        def_expr = _config_field(config, "defines", 1)
        defines = _defines(clean, def_expr, m.start()) if def_expr else {}
        values: list[int] = []
        unresolved: list[str] = []
        appends = 0
        vector = None
        if ct_expr:
            if ct_expr.startswith("{"):
                for item in split_top(ct_expr[1 : _matching(ct_expr, 0) - 1]):
                    v = resolver.value(item, m.start())
                    values.append(PLACEHOLDER if v is None else v)
                    if v is None:
                        unresolved.append(item)
            elif re.fullmatch(r"[A-Za-z_]\w*", ct_expr):
                vector = ct_expr
                got = _vector_items(clean, ct_expr, m.start(), resolver, len(ta_ct_args))
                if got is not None:
                    values, unresolved, appends = got
        if appends:
            # Put the real TensorAccessorArgs values where the placeholders of each append went.
            values = _fill_accessor_values(clean, vector or "", m.start(), values, list(ta_ct_args))
        calls.append(
            KernelCall(
                source=source,
                kind=kind,
                processor=processor,
                ct_args=values,
                line=_line_of(clean, m.start()),
                noc=noc,
                placeholders=unresolved,
                accessor_appends=appends,
                vector=vector,
                defines=defines,
            )
        )
    return calls


_STR = r'"((?:[^"\\]|\\.)*)"'


def _define_value(expr: str) -> str:
    """A define's value as the JIT passes it: a string literal's text, else "1" (a runtime expression)."""
    m = re.fullmatch(r"\s*" + _STR + r"\s*", expr)
    if m:
        return m.group(1)
    m = re.fullmatch(r"\s*std::to_string\s*\(\s*(\d+)[uU]?\s*\)\s*", expr)
    return m.group(1) if m else "1"


def _pairs(body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in split_top(body):
        item = item.strip()
        if item.startswith("{") and item.endswith("}"):
            kv = split_top(item[1:-1])
            key = re.fullmatch(r"\s*" + _STR + r"\s*", kv[0]) if kv else None
            if key and len(kv) == 2:
                out[key.group(1)] = _define_value(kv[1])
    return out


def _defines(text: str, expr: str, upto: int) -> dict[str, str]:
    """Defines from ``{{"A", "1"}}`` or a std::map variable built before ``upto`` (literal keys only)."""
    expr = expr.strip()
    if expr.startswith("{"):
        return _pairs(expr[1 : _matching(expr, 0) - 1])
    if not re.fullmatch(r"[A-Za-z_]\w*", expr):
        return {}
    decls = list(re.finditer(rf"std::(?:map|unordered_map)\s*<[^;]*?>\s+{re.escape(expr)}\s*(=\s*\{{|\{{|;)", text[:upto]))
    if not decls:
        return {}
    d = decls[-1]
    out: dict[str, str] = {}
    pos = d.end()
    if d.group(1).endswith("{"):
        end = _matching(text, d.end() - 1)
        out.update(_pairs(text[d.end() : end - 1]))
        pos = end
    name = re.escape(expr)
    ops = re.compile(
        rf"\b{name}\s*\[\s*{_STR}\s*\]\s*=\s*([^;]+);"
        rf"|\b{name}\s*\.\s*(?:emplace|insert_or_assign|try_emplace)\s*\(\s*{_STR}\s*,\s*([^;]+)\)\s*;"
        rf"|\b{name}\s*\.\s*insert\s*\(\s*\{{\s*{_STR}\s*,\s*([^;]+)\}}\s*\)\s*;"
    )
    for m in ops.finditer(text, pos, upto):
        key = m.group(1) or m.group(3) or m.group(5)
        val = m.group(2) or m.group(4) or m.group(6)
        out[key] = _define_value(val)
    return out


def _fill_accessor_values(text: str, name: str, upto: int, values: list[int], ta: list[int]) -> list[int]:
    """Re-walk the vector's history so each TensorAccessorArgs append holds the measured CT values."""
    decls = [m for m in _VEC_DECL.finditer(text, 0, upto) if m.group(1) == name]
    if not decls:
        return values
    d = decls[-1]
    count = 0
    if d.group(2).endswith("{"):
        end = _matching(text, d.end() - 1)
        count = len(split_top(text[d.end() : end - 1]))
        pos = end
    else:
        pos = d.end()
    out = values[:count]
    i = count
    ops = re.compile(
        rf"\b{re.escape(name)}\s*\.\s*(?:push_back|emplace_back)\s*\(|TensorAccessorArgs\s*\(([^;]*?)\)\s*\.\s*append_to\s*\(\s*{re.escape(name)}\s*[,)]"
    )
    for m in ops.finditer(text, pos, upto):
        if "append_to" in m.group(0):
            out.extend(ta)
            i += len(ta)
        else:
            out.append(values[i])
            i += 1
    return out


def cb_indices(text: str) -> list[int]:
    """The CB indices the factory mentions (for chlkc_descriptors.h)."""
    found: set[int] = set()
    for m in _CB.finditer(strip_comments(text)):
        if m.group(1) is not None:
            found.add(int(m.group(1)))
    return sorted(i for i in found if 0 <= i < 32)
