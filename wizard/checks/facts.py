"""What a program factory and its kernels say, read from their text with ``cpp_scan``.

Kernels: runtime/compile-time arg reads, TensorAccessorArgs bases, every CB sync call with its
symbolic page count (times the trip counts of the loops around it), the CBs passed to calls we
do not model. Factory: created CBs, compile-time arg vectors, CreateKernel calls, SetRuntimeArgs
calls, per-core-group values. Kernel-level symbols are ``$rtK`` / ``$ctK`` / ``$crtK``; the
checks substitute the factory's host expressions for them per kernel instance and core group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.checks import cpp_scan as cs
from wizard.checks.poly import Env, Poly, normalise

SYNC_OPS = {"cb_reserve_back": "reserve", "cb_push_back": "push", "cb_wait_front": "wait", "cb_pop_front": "pop"}
MEMBER_OPS = {"reserve_back": "reserve", "push_back": "push", "wait_front": "wait", "pop_front": "pop"}

# Calls that take a CB id but never reserve/push/wait/pop it (so a CB passed to them keeps its balance provable).
NON_SYNC_CB_CALLS = {
    "get_write_ptr", "get_read_ptr", "get_tile_size", "get_dataformat", "get_local_cb_interface",
    "copy_tile", "copy_tile_init", "copy_tile_to_dst_init_short", "copy_tile_to_dst_init_short_with_dt",
    "pack_tile", "pack_tile_block", "pack_reconfig_data_format", "reconfig_data_format", "reconfig_data_format_srca",
    "reconfig_data_format_srcb", "unary_op_init_common", "binary_op_init_common", "init_sfpu", "compute_kernel_hw_startup",
    "add_tiles", "sub_tiles", "mul_tiles", "add_tiles_init", "sub_tiles_init", "mul_tiles_init", "binary_tiles_init",
    "add_bcast_rows", "add_bcast_cols", "sub_tiles_bcast", "mul_tiles_bcast", "mul_tiles_bcast_scalar", "any_tiles_bcast",
    "add_bcast_rows_init_short", "sub_bcast_cols_init_short", "mul_bcast_rows_init_short", "mul_tiles_bcast_scalar_init_short",
    "init_bcast", "reduce_init", "reduce_tile", "reduce_uninit", "tilize_init", "tilize_block", "tilize_uninit",
    "untilize_init", "untilize_block", "untilize_uninit", "pack_untilize_init", "pack_untilize_block", "pack_untilize_uninit",
    "tilize_init_short", "untilize_init_short", "transpose_wh_init", "transpose_wh_tile", "matmul_tiles", "mm_init",
    "cb_pages_available_at_front", "cb_pages_reservable_at_back", "static_assert", "DPRINT", "UNPACK", "MATH", "PACK",
    "TensorAccessor", "noc_async_read", "noc_async_write", "noc_async_read_tile", "noc_async_write_tile",
    "noc_async_read_page", "noc_async_write_page", "uint32_t", "static_cast", "copy_init", "copy_block_matmul_partials",
    "pack_tile_with_dt", "pack_untilize_dest", "pack_untilize_dest_init", "tilize_block_no_pack",
}
# Configuration calls never move pages: `*_init`, `*_init_short`, `*_uninit`, `reconfig_*`, `*_hw_startup`.
_CONFIG_CALL = re.compile(r"^(?:\w+_(?:init|init_short|uninit|init_common)(?:_with_dt)?|reconfig_\w+|\w*hw_startup|init_\w+)$")


def is_non_sync(func: str) -> bool:
    """A call that takes a CB id but never reserves, pushes, waits on or pops it."""
    return func in NON_SYNC_CB_CALLS or bool(_CONFIG_CALL.match(func))

# Compute-side calls whose CB argument must have tile-sized pages.
TILE_CALLS = {
    "copy_tile", "copy_tile_init", "copy_init", "pack_tile", "add_tiles", "sub_tiles", "mul_tiles", "reduce_tile", "tilize_block",
    "untilize_block", "pack_untilize_block", "matmul_tiles", "transpose_wh_tile", "tilize_init", "untilize_init",
    "reduce_init", "unary_op_init_common", "binary_op_init_common",
}


def rt_sym(k: int) -> str:
    return f"$rt{k}"


def ct_sym(k: int) -> str:
    return f"$ct{k}"


@dataclass
class ArgRead:
    index: int
    var: str | None  # the variable it is stored in, if any
    line: int
    kind: str  # "rt" | "ct" | "crt"


@dataclass
class AccessorUse:
    name: str | None
    base_text: str  # template argument as written
    base: int | None  # literal base
    prev: str | None  # for `<prev.next_compile_time_args_offset()>`
    line: int


@dataclass
class CbOp:
    op: str  # reserve | push | wait | pop
    cb: Poly  # CB id at kernel level (a constant or $ctK)
    cb_text: str
    n_text: str
    count: Poly  # n times the trip counts of the enclosing loops (kernel-level symbols)
    line: int
    loops: list[str] = field(default_factory=list)  # the enclosing loops' counts, outermost first
    unknown: str = ""  # why the count cannot be known (while loop, non-simple for)
    conditional: str = ""  # an enclosing if/else/switch, as "if (cond) at line N"
    n: Poly | None = None  # pages of this one call (kernel-level symbols)


@dataclass
class CbUse:
    """A CB id passed to another call (tile op, helper library, transfer)."""

    cb: Poly
    func: str
    line: int
    args: list[str]


@dataclass
class KernelFacts:
    path: str
    text: str
    env: Env
    rt_reads: list[ArgRead] = field(default_factory=list)
    ct_reads: list[ArgRead] = field(default_factory=list)
    accessors: list[AccessorUse] = field(default_factory=list)
    cb_ops: list[CbOp] = field(default_factory=list)
    cb_uses: list[CbUse] = field(default_factory=list)
    transfers: list[tuple[Poly, str, str, int]] = field(default_factory=list)  # (cb, size text, call, line)
    is_compute: bool = False


_ARGVAL = re.compile(r"\b(get_arg_val|get_common_arg_val)\s*<[^>]*>\s*\(\s*(\d+)\s*\)|\bget_compile_time_arg_val\s*\(\s*(\d+)\s*\)")
_CB_LITERAL = re.compile(r"^(?:::)?(?:tt\s*::\s*)?CBIndex\s*::\s*c_(\d+)$|^(?:::)?(?:tt\s*::\s*)?CB\s*::\s*(c_in|dataflow|c_out|c_intermed)(\d)$")
_OLD_CB_BASE = {"c_in": 0, "dataflow": 8, "c_out": 16, "c_intermed": 24}


def cb_literal(text: str) -> int | None:
    t = normalise(text).replace(" ", "")
    for cast in ("static_cast<uint32_t>", "static_cast<uint8_t>", "static_cast<std::uint32_t>", "(std::uint32_t)", "(uint32_t)", "(uint8_t)", "uint32_t"):
        if t.startswith(cast):
            t = t[len(cast):]
    t = t.strip("(){}")
    m = _CB_LITERAL.match(t)
    if m:
        return int(m.group(1)) if m.group(1) else _OLD_CB_BASE[m.group(2)] + int(m.group(3))
    if re.fullmatch(r"\d+[uU]?", t):
        return int(t.rstrip("uU"))
    return None


_CB_NAME = re.compile(r"^(cb|cb_\w+|\w+_cb|\w+_cb_id|\w+_cb_index)$")
_NOT_CB = re.compile(r"(size|bytes|pages|num_|count|addr|stride|offset)")


_MUT_POST = re.compile(r"(?<![\w.>])([A-Za-z_]\w*)\s*(?:\+\+|--|[-+*/%|&^]=|<<=|>>=)")
_MUT_PRE = re.compile(r"(?:\+\+|--)\s*([A-Za-z_]\w*)")


def mutated_names(masked: str) -> set[str]:
    """Names changed after their declaration: `x++`, `++x`, `x += n`..."""
    return {m.group(1) for m in _MUT_POST.finditer(masked)} | {m.group(1) for m in _MUT_PRE.finditer(masked)}


def _cb_atom(name: str) -> int | None:
    return cb_literal(name) if "::" in name else None


def _kernel_env(text: str, masked: str, stem: str) -> tuple[Env, dict[str, list[cs.Decl]]]:
    decls = cs.declarations(text, masked)
    env = Env(atom=_cb_atom)
    mutated = mutated_names(masked)
    for name, ds in decls.items():
        d = ds[0]
        if len(ds) > 1 or d.assignments or name in mutated:
            env.fixed[name] = Poly.sym(f"{stem}::{name}")  # mutable or re-declared: a kernel-local unknown
            continue
        m = _ARGVAL.fullmatch(d.init.strip())
        if m:
            if m.group(1):
                env.fixed[name] = Poly.sym(("$crt" if m.group(1) == "get_common_arg_val" else "$rt") + m.group(2))
            else:
                env.fixed[name] = Poly.sym(ct_sym(int(m.group(3))))
            continue
        lit = cb_literal(d.init)
        if lit is not None:
            env.fixed[name] = Poly.const(lit)
            continue
        env.exprs[name] = _argval_to_syms(d.init)
    return env, decls


def _argval_to_syms(expr: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            return ("$crt" if m.group(1) == "get_common_arg_val" else "$rt") + m.group(2)
        return ct_sym(int(m.group(3)))

    return _ARGVAL.sub(sub, expr).replace("$", "_S_")  # `$` is not an identifier char for the tokenizer


def _unsym(p: Poly) -> Poly:
    return p.subst({s: Poly.sym(s.replace("_S_", "$")) for s in p.symbols if "_S_" in s})


def kernel_poly(env: Env, text: str) -> Poly:
    t = _argval_to_syms(text)
    lit = cb_literal(text)
    if lit is not None:
        return Poly.const(lit)
    return _unsym(env.poly(t))


def read_kernel(path: str, source: str, *, is_compute: bool | None = None) -> KernelFacts:
    text = cs.mask(source, strings=False)  # comments blanked, strings kept: what arguments are cut from
    masked = cs.mask(source)
    lines = cs.LineIndex(text)
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    env, decls = _kernel_env(text, masked, stem)
    kf = KernelFacts(path, source, env, is_compute=bool(is_compute) if is_compute is not None else "/compute/" in f"/{path}")
    # argument reads (with the variable they initialise)
    var_at: dict[int, str] = {}
    for name, ds in decls.items():
        for d in ds:
            var_at[d.start] = name
    for m in _ARGVAL.finditer(masked):
        line = lines.line(m.start())
        var = _var_before(masked, m.start())
        if m.group(1):
            kf.rt_reads.append(ArgRead(int(m.group(2)), var, line, "crt" if m.group(1) == "get_common_arg_val" else "rt"))
        else:
            kf.ct_reads.append(ArgRead(int(m.group(3)), var, line, "ct"))
    for call in cs.find_calls(text, masked, r"TensorAccessorArgs", lines):
        if call.template is None:
            continue
        first = cs.split_top(call.template)[0] if call.template.strip() else "0"
        mprev = re.fullmatch(r"(\w+)\s*\.\s*next_compile_time_args_offset\s*\(\s*\)", first.strip())
        base = int(first) if first.strip().isdigit() else None
        ct_m = re.fullmatch(r"get_compile_time_arg_val\s*\(\s*(\d+)\s*\)", first.strip())
        kf.accessors.append(AccessorUse(_var_before(masked, call.qstart), call.template, base, mprev.group(1) if mprev else None, call.line))
        if ct_m:
            kf.accessors[-1].base = None
    blocks = cs.control_blocks(masked, lines)
    helpers = [f for f in cs.functions(masked, lines) if f[0] not in ("kernel_main", "MAIN")]
    pp = cs.pp_conditionals(masked, lines)

    def context(offset: int) -> tuple[Poly, list[str], str, str]:
        mult, loops, unknown, cond = Poly.const(1), [], "", ""
        for name, open_, close, line in helpers:
            if open_ < offset < close:
                unknown = f"inside helper function `{name}` (line {line}); its calls are not followed"
        for start, end, pcond, line in pp:
            if start <= offset < end and not cond:
                cond = f"{pcond} at line {line}"
        for b in cs.enclosing(blocks, offset):
            if b.kind == "for" and b.count is None and b.step is not None:
                step = kernel_poly(env, b.step[0])
                base = kernel_poly(env, b.step[1])
                if step.value == 1:
                    mult, _ = mult * base, loops.append(normalise(b.step[1]))
                else:  # ceil(count / step): opaque, but the same on both sides of a matching loop
                    mult = mult * Poly.sym(f"[ceil(({base})/({step}))]")
                    loops.append(f"ceil(({normalise(b.step[1])}) / {normalise(b.step[0])})")
            elif b.kind == "for" and b.count is not None:
                mult = mult * kernel_poly(env, b.count)
                loops.append(normalise(b.count))
            elif b.kind in ("for", "range-for", "while", "do"):
                unknown = unknown or b.why_unknown or f"loop at line {b.line}"
            elif b.kind in ("if", "else", "switch") and not cond:
                cond = f"{b.kind} ({normalise(b.header)}) at line {b.line}" if b.header else f"{b.kind} at line {b.line}"
        return mult, loops, unknown, cond

    for call in cs.find_calls(text, masked, "|".join(SYNC_OPS), lines):
        if len(call.args) < 2:
            continue
        mult, loops, unknown, cond = context(call.start)
        n = kernel_poly(env, call.args[1])
        kf.cb_ops.append(CbOp(SYNC_OPS[call.name], kernel_poly(env, call.args[0]), call.args[0], call.args[1], n * mult, call.line, loops, unknown, cond, n))
    covered: list[tuple[int, int]] = []  # spans whose CB references are already understood
    for call in cs.find_calls(text, masked, "|".join(SYNC_OPS), lines):
        covered.append((call.open, call.end))
    # Device-2.0 style objects: `CircularBuffer cb(id); cb.push_back(n);`
    objs = {}
    for m in re.finditer(r"\b(?:experimental\s*::\s*)?(?:CircularBuffer|DataflowBuffer)\s+(\w+)\s*[({]([^;]*?)[)}]\s*;", masked):
        objs[m.group(1)] = text[m.start(2) : m.end(2)]
        covered.append((m.start(), m.end()))
    if objs:
        for m in re.finditer(r"\b(" + "|".join(map(re.escape, objs)) + r")\s*\.\s*(reserve_back|push_back|wait_front|pop_front)\s*\(", masked):
            close = cs.match_close(masked, m.end() - 1)
            n_text = text[m.end() : close].strip() or "1"
            mult, loops, unknown, cond = context(m.start())
            cb_text = objs[m.group(1)]
            n = kernel_poly(env, n_text)
            kf.cb_ops.append(CbOp(MEMBER_OPS[m.group(2)], kernel_poly(env, cb_text), cb_text, n_text, n * mult, lines.line(m.start()), loops, unknown, cond, n))
            covered.append((m.start(), close))
    # every other place a CB id appears (calls, template arguments): tile ops, transfers, helpers we cannot count
    cb_names = {op.cb_text.strip() for op in kf.cb_ops if re.fullmatch(r"\w+", op.cb_text.strip())} | {
        n for n, ds in decls.items()
        if _CB_NAME.match(n) and not _NOT_CB.search(n) and (_ARGVAL.fullmatch(ds[0].init.strip()) or cb_literal(ds[0].init) is not None)
    }
    cb_names |= set(objs)
    for name in cb_names:
        for d in decls.get(name, []):
            covered.append((d.start, cs._statement_end(masked, d.start)))
    alts = [r"(?:(?:::)?tt\s*::\s*)?CBIndex\s*::\s*c_\d+"] + [re.escape(n) for n in sorted(cb_names, key=len, reverse=True)]
    tok = re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?!\w)")
    for m in tok.finditer(masked):
        if any(a <= m.start() <= b for a, b in covered):
            continue
        func = _enclosing_name(masked, m.start())
        if func is None:
            continue
        token = m.group(0)
        kf.cb_uses.append(CbUse(kernel_poly(env, objs.get(token, token)), func, lines.line(m.start()), []))
    for call in cs.find_calls(text, masked, r"noc_async_read|noc_async_write", lines):
        if len(call.args) >= 3:
            l1 = call.args[1] if call.name == "noc_async_read" else call.args[0]
            cbm = re.search(r"get_(?:write|read)_ptr\s*\(\s*([^)]*)\)", _deref(l1, decls))
            if cbm:
                kf.transfers.append((kernel_poly(env, cbm.group(1)), call.args[2], call.name, call.line))
    return kf


def _enclosing_name(masked: str, offset: int) -> str | None:
    """The function or template an argument at ``offset`` belongs to: `f(a, X)` / `T<X>` -> f / T."""
    depth = 0
    k = offset - 1
    stop = max(0, offset - 400)
    while k >= stop:
        c = masked[k]
        if c in ")]}":
            depth += 1
        elif c in "([{" and depth:
            depth -= 1
        elif c == "<" and depth == 0 and k > 0 and (masked[k - 1].isalnum() or masked[k - 1] in "_ "):
            m = re.search(r"([A-Za-z_]\w*)\s*$", masked[max(0, k - 80) : k])
            return m.group(1) if m else None
        elif c == "(" and depth == 0:
            j = k - 1
            while j >= 0 and masked[j].isspace():
                j -= 1
            if j >= 0 and masked[j] == ">":  # f<T>(...)
                d = 0
                while j >= 0:
                    d += masked[j] == ">"
                    d -= masked[j] == "<"
                    if d == 0:
                        break
                    j -= 1
                j -= 1
            m = re.search(r"([A-Za-z_]\w*)\s*$", masked[max(0, j - 79) : j + 1])
            name = m.group(1) if m else None
            return None if name in ("if", "while", "for", "switch", "return") else name
        elif c in ";{}" and depth == 0:
            return None
        k -= 1
    return None


def _deref(expr: str, decls: dict[str, list[cs.Decl]], depth: int = 0) -> str:
    """Follow `uint32_t l1 = get_write_ptr(cb);` so a transfer into `l1` is seen as into `cb`."""
    e = expr.strip()
    if depth < 4 and re.fullmatch(r"\w+", e) and e in decls:
        return _deref(decls[e][0].init, decls, depth + 1)
    return e


def _var_before(masked: str, offset: int) -> str | None:
    """`uint32_t x = <offset>` -> "x"."""
    m = re.search(r"([A-Za-z_]\w*)\s*(?:=|\{|\()\s*$", masked[max(0, offset - 200) : offset])
    return m.group(1) if m else None


# ---------------------------------------------------------------- factory


@dataclass
class CbCreate:
    index: int | None
    index_text: str
    cores: str
    page_size: str
    num_pages: str
    line: int
    handle: str | None = None


@dataclass
class KernelCreate:
    handle: str | None
    path: str | None  # the string literal, or None when built at run time
    path_text: str
    cores: str
    config: str  # "reader" | "writer" | "compute" | "datamovement" | "?"
    ct: list[str] | None  # compile-time args (None: could not read)
    ct_vector: str | None  # the host vector's name, if one
    appends: list[tuple[int, int]] = field(default_factory=list)  # (args before this TensorAccessorArgs append, line)
    line: int = 0
    path_line: int = 0  # line of the path argument


@dataclass
class RtSet:
    handle: str
    core: str
    args: list[str] | None
    line: int
    group: str | None  # the core group this call is restricted to (if inside `if (g.contains(core))`)


@dataclass
class FactoryFacts:
    path: str
    text: str
    env: Env
    cbs: list[CbCreate] = field(default_factory=list)
    kernels: list[KernelCreate] = field(default_factory=list)
    rt_sets: list[RtSet] = field(default_factory=list)
    group_values: dict[str, dict[str, str]] = field(default_factory=dict)  # var -> {group: expr}
    groups: list[str] = field(default_factory=list)  # core-group names, e.g. core_group_1, core_group_2
    rt_patches: list[tuple[str, int, int]] = field(default_factory=list)  # (handle, index, line) in override_runtime_arguments
    decls: dict[str, list[cs.Decl]] = field(default_factory=dict)

    def cb(self, index: int) -> list[CbCreate]:
        return [c for c in self.cbs if c.index == index]

    def host_poly(self, text: str, group: str | None = None) -> Poly:
        env = self.env
        if group and self.group_values:
            env = Env(dict(self.env.exprs), dict(self.env.fixed), self.env.atom)
            for var, by_group in self.group_values.items():
                val = by_group.get(group, by_group.get("else"))
                if val is not None:
                    env.exprs[var] = val
                    env.fixed.pop(var, None)
        return env.poly(text)

    def cb_index(self, text: str, _depth: int = 0) -> int | None:
        lit = cb_literal(text)
        if lit is not None or _depth > 5:
            return lit
        t = normalise(text).strip()
        t = re.sub(r"^(static_cast<[\w:]+>|\([\w:]+\))\s*", "", t).strip("() ")
        if re.fullmatch(r"[A-Za-z_]\w*", t) and t in self.decls:
            return self.cb_index(self.decls[t][0].init, _depth + 1)
        # structured binding from create_cb: `auto [cb_x, h] = create_cb(IDX, ...)`
        for c in self.cbs:
            if c.handle == t:
                return c.index
        p = self.env.poly(t)
        v = p.value
        return int(v) if v is not None and v.denominator == 1 else None


_GROUP_IF = re.compile(r"(\w+)\s*\.\s*contains\s*\(\s*\w+\s*\)")


def read_factory(path: str, source: str) -> FactoryFacts:
    text = cs.mask(source, strings=False)  # comments blanked, strings kept: what arguments are cut from
    masked = cs.mask(source)
    lines = cs.LineIndex(text)
    decls = cs.declarations(text, masked, lines)
    env = Env(atom=_cb_atom)
    mutated = mutated_names(masked)
    for name, ds in decls.items():
        if len(ds) == 1 and not ds[0].assignments and name not in mutated:
            env.exprs[name] = ds[0].init
        # re-assigned (per core group) or re-declared: stays a symbol; per-group values below
    ff = FactoryFacts(path, source, env, decls=decls)
    blocks = cs.control_blocks(masked, lines)

    def group_of(offset: int) -> str | None:
        for b in reversed(cs.enclosing(blocks, offset)):
            if b.kind == "if":
                m = _GROUP_IF.search(b.header)
                if m:
                    return m.group(1)
            if b.kind == "else":
                prev = [p for p in blocks if p.kind == "if" and p.body_end <= b.start and not masked[p.body_end : b.start].strip()]
                if prev:
                    m = _GROUP_IF.search(prev[-1].header)
                    if m:
                        return f"else:{m.group(1)}"
        return None

    # per-group assignments: `if (core_group_1.contains(core)) { n = a; } else if (core_group_2...) { n = b; }`
    for name, ds in decls.items():
        for value, line in [(ds[0].init, ds[0].line)] + ds[0].assignments:
            off = lines.starts[line - 1]
            g = group_of(off)
            tern = re.fullmatch(r"\s*(\w+)\s*\.\s*contains\s*\(\s*\w+\s*\)\s*\?\s*(.+?)\s*:\s*(.+)", value, re.S)
            if tern:
                ff.group_values.setdefault(name, {})[tern.group(1)] = tern.group(2)
                ff.group_values[name]["else"] = tern.group(3)
            elif g and not g.startswith("else:"):
                ff.group_values.setdefault(name, {})[g] = value
            elif g:
                ff.group_values.setdefault(name, {})["else"] = value
    for m in re.finditer(r"\b(core_group_\w+|\w*group_[12]\w*)\b", masked):
        if m.group(1) not in ff.groups and re.search(r"(CoreRangeSet|split_work_to_cores|\[)", masked[max(0, m.start() - 400) : m.start()]):
            ff.groups.append(m.group(1))
    ff.groups = [g for g in ff.groups if re.fullmatch(r"core_group_[12]", g)] or ff.groups[:0]
    # CBs
    for call in cs.find_calls(text, masked, r"create_cb", lines):
        if len(call.args) < 5:
            continue
        handle = None
        mb = re.search(r"\[\s*(\w+)\s*,\s*\w+\s*\]\s*=\s*$", masked[max(0, call.start - 200) : call.start].rstrip().removesuffix("tt::tt_metal::").rstrip() + " ")
        if not mb:
            mb = re.search(r"\[\s*(\w+)\s*,\s*\w+\s*\]\s*=\s*(?:[\w:]*::)?$", masked[max(0, call.start - 200) : call.start].rstrip())
        if mb:
            handle = mb.group(1)
        idx_texts = [call.args[0]]
        arr = re.fullmatch(r"\s*(?:std::array<[^>]*>)?\s*\{(.*)\}\s*", call.args[0], re.S)
        if arr:
            idx_texts = cs.split_top(arr.group(1))
        for it in idx_texts:
            ff.cbs.append(CbCreate(None, it, call.args[2], call.args[3], call.args[4], call.line, handle))
    for call in cs.find_calls(text, masked, r"CreateCircularBuffer", lines):
        if len(call.args) < 3:
            continue
        cfg = call.args[2]
        cfg_text = decls[cfg.strip()][0].init if cfg.strip() in decls else cfg
        cm = cs.mask(cfg_text)
        pages: dict[str, str] = {}
        for pc in cs.find_calls(cfg_text, cm, r"set_page_size"):
            if len(pc.args) >= 2:
                pages[pc.args[0].strip()] = pc.args[1]
        total = ""
        for cc in cs.find_calls(cfg_text, cm, r"CircularBufferConfig"):
            if cc.args:
                total = cc.args[0]
                if len(cc.args) > 1:
                    for im in re.finditer(r"\{\s*([^{},]+?)\s*,\s*[^{}]+?\}", cc.args[1]):
                        pages.setdefault(im.group(1).strip(), "")
        for idx_text, ps in pages.items():
            ff.cbs.append(CbCreate(None, idx_text, call.args[1], ps, f"({total}) / ({ps})" if ps else "", call.line))
    for c in ff.cbs:
        c.index = ff.cb_index(c.index_text)
    # compile-time vectors: `std::vector<uint32_t> v = {...};` + `TensorAccessorArgs(...).append_to(v)` + `v.push_back(x)`
    vectors: dict[str, list[tuple[int, str]]] = {}  # name -> [(offset, event)] events: "=init" ...
    for name, ds in decls.items():
        d = ds[0]
        if re.search(r"vector\s*<\s*uint32_t\s*>", d.type):
            init = d.init.strip()
            if init.startswith("{") and init.endswith("}"):
                init = init[1:-1]
            vectors[name] = [(d.start, "init:" + init)]
    for call in cs.find_calls(text, masked, r"append_to|append_args", lines, methods=True):
        if call.args:
            vname = call.args[0].strip()
            if vname in vectors:
                vectors[vname].append((call.start, f"append:{call.line}"))
    for m in re.finditer(r"\b(\w+)\s*\.\s*(push_back|emplace_back)\s*\(", masked):
        if m.group(1) in vectors:
            close = cs.match_close(masked, m.end() - 1)
            vectors[m.group(1)].append((m.start(), "push:" + text[m.end() : close]))
    # kernels
    for call in cs.find_calls(text, masked, r"CreateKernel", lines):
        if len(call.args) < 4:
            continue
        path_lit = cs.string_literal(call.args[1])
        cfg = call.args[3]
        kind = "?"
        for key, val in (("Reader", "reader"), ("Writer", "writer"), ("Compute", "compute"), ("DataMovement", "datamovement")):
            if key in cfg:
                kind = val
                break
        handle = _var_before(masked, call.qstart) or None
        at = text.find(call.args[1], call.open)
        kc = KernelCreate(handle, path_lit, call.args[1], call.args[2], kind, None, None, line=call.line, path_line=lines.line(at) if at >= 0 else call.line)
        ct_text = None
        cm = re.search(r"compile_args\s*=\s*(\{.*?\}|\w+)", cfg, re.S)
        if cm:
            ct_text = cm.group(1)
        else:
            inner = re.search(r"(?:Reader|Writer)DataMovementConfig\s*[({](.*)[)}]\s*$", cfg, re.S)
            if inner:
                ct_text = cs.split_top(inner.group(1))[0] if inner.group(1).strip() else "{}"
        if ct_text is not None:
            ct_text = ct_text.strip()
            if ct_text.startswith("{"):
                kc.ct = [a for a in cs.split_top(ct_text[1:-1])] if ct_text[1:-1].strip() else []
            elif ct_text in vectors:
                kc.ct_vector = ct_text
                kc.ct = []
                for off, ev in sorted(vectors[ct_text]):
                    if off > call.start:
                        break
                    kind_ev, _, payload = ev.partition(":")
                    if kind_ev == "init":
                        kc.ct.extend(cs.split_top(payload) if payload.strip() else [])
                    elif kind_ev == "push":
                        kc.ct.append(payload)
                    elif kind_ev == "append":
                        kc.appends.append((len(kc.ct), int(payload)))
                        kc.ct.append("<TensorAccessorArgs>")
        elif kind == "compute" or kind == "reader" or kind == "writer":
            kc.ct = []
        ff.kernels.append(kc)
    for call in cs.find_calls(text, masked, r"SetRuntimeArgs", lines):
        if len(call.args) < 4:
            continue
        a3 = call.args[3].strip()
        args: list[str] | None = None
        if a3.startswith("{") and a3.endswith("}"):
            args = cs.split_top(a3[1:-1]) if a3[1:-1].strip() else []
        elif a3 in decls:
            init = decls[a3][0].init.strip()
            if init.startswith("{") and init.endswith("}") and not re.search(re.escape(a3) + r"\s*\.\s*(push_back|emplace_back)", masked):
                args = cs.split_top(init[1:-1]) if init[1:-1].strip() else []
        ff.rt_sets.append(RtSet(_last_ident(call.args[1]), call.args[2].strip(), args, call.line, group_of(call.start)))
    # override_runtime_arguments: `auto& args = GetRuntimeArgs(program, handle, core); args[k] = ...`
    for call in cs.find_calls(text, masked, r"GetRuntimeArgs", lines):
        if len(call.args) < 3:
            continue
        handle = _last_ident(call.args[1])
        var = _var_before(masked, call.qstart)
        if var:
            scope_end = _scope_end(masked, call.start)
            for m in re.finditer(r"(?<![\w.])" + re.escape(var) + r"\s*\[\s*(\d+)\s*\]", masked[call.end : scope_end]):
                ff.rt_patches.append((handle, int(m.group(1)), lines.line(call.end + m.start())))
        else:
            tail = re.match(r"\s*\[\s*(\d+)\s*\]", masked[call.end + 1 :])
            if tail:
                ff.rt_patches.append((handle, int(tail.group(1)), call.line))
    return ff


def _last_ident(text: str) -> str:
    m = re.search(r"(\w+)\s*$", text.strip())
    return m.group(1) if m else text.strip()


def _scope_end(masked: str, offset: int) -> int:
    depth = 0
    for j in range(offset, len(masked)):
        if masked[j] == "{":
            depth += 1
        elif masked[j] == "}":
            if depth == 0:
                return j
            depth -= 1
    return len(masked)
