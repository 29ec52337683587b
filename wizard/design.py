"""OpDesign: everything Stage 4-6 generation needs, derived once from an OpSpec (+ profile).

The single source of truth for the templates, the Stage 7 hand-off note, the checkers and the UI:
every name, C++ expression, CB page size/count, compile-time and runtime argument layout the
generated code uses is decided here, never in a template.

Stub data flow (what Stage 6 runs, built so it cannot hang):
  reader  : per work unit, reserve ``in_pages`` pages of the *first input CB*, read that unit of the
            input tensor into them, push ``in_pages``. Every other reader-produced CB gets ONE page
            pushed once, before the loop (its consumer pops it once, after the loop).
  compute : per unit, wait/pop ``in_pages`` on the input CB and reserve/push ``out_pages`` on the
            output CB; tile CBs go through DST (copy_tile + pack_tile), stick/byte CBs are forwarded
            page-for-page without touching data. ``out_pages`` < ``in_pages`` is the N-to-1 variant
            for reductions (e.g. Wt tiles in, 1 tile out).
  writer  : per unit, wait/pop ``out_pages`` of the output CB and write that unit of the output.
Compute-internal CBs (produced and consumed by compute) are created but not touched by the stubs,
so pushes == pops == 0 for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard import naming
from wizard.errors import WizardError
from wizard.model import (
    CircularBuffer,
    Lifetime,
    OpSpec,
    PageKind,
    Parameter,
    Requirement,
    Role,
    Severity,
    SpecWarning,
    Strategy,
)


@dataclass
class TensorDesign:
    """One input tensor of the op (``input``, ``gamma``, ``beta`` ...)."""

    name: str  # spec name, e.g. "input_tensor", "gamma"
    field: str  # member of {Op}Inputs and C++ local name, e.g. "input", "gamma"
    layout: str | None = None  # "ROW_MAJOR" | "TILE" | None (unconstrained)
    rank: str | None = None  # "4", ">=2"
    dtypes: list[str] = field(default_factory=list)  # DataType names, e.g. ["BFLOAT16", "FLOAT32"]
    required: bool = True
    primary: bool = False  # the tensor the work split and the first input CB follow
    buffer_var: str = "src_buffer"  # host variable holding its Buffer*
    addr_arg: str = "src_addr"  # kernel runtime-arg name for its address
    accessor: str = "src_args"  # kernel-side TensorAccessorArgs name


@dataclass
class ParamDesign:
    """A scalar parameter of the op (tensors and memory configs are not parameters here)."""

    name: str
    cpp_type: str
    py_type: str
    cpp_default: str | None  # rendered for C++ (None = required)
    py_default: str | None  # rendered for Python (None = required)
    required: bool
    test_value: str  # a valid Python literal for tests
    description: str = ""
    line: int | None = None


@dataclass
class ValidationDesign:
    """One ``TT_FATAL(condition, message, args...)`` in validate_on_program_cache_miss."""

    tensor: str  # TensorDesign.field
    kind: str  # rank | layout | dtype | memory_layout | buffer_type | device | allocated | tile_aligned_w ...
    condition: str  # C++ bool expression
    message: str  # fmt string (braces in spec text escaped)
    args: list[str] = field(default_factory=list)
    source: str = ""  # "Rank: 4 (N, C, H, W)" as written, "" for ones we always add
    line: int | None = None


@dataclass
class OutputDesign:
    """compute_output_specs: shape rule, dtype and layout of the output tensor."""

    shape_kind: str  # "same" | "reduce_w" (last dim -> 1 logical, 32 padded) | "width_32" (last dim -> 32)
    dtype_cpp: str  # e.g. "input.dtype()" or "DataType::BFLOAT16"
    dtype_py: str | None  # e.g. "ttnn.bfloat16"; None = same as the input's
    layout: str  # "ROW_MAJOR" | "TILE"
    description: str = ""  # the spec's shape text


@dataclass
class HostVar:
    """A ``const`` host variable of the factory (tensor metadata), with what it depends on."""

    name: str
    cpp_type: str
    expr: str
    comment: str = ""
    deps: tuple[str, ...] = ()
    group: str = "meta"  # "meta" (tensor metadata) | "work" | "cb" | "kernel" (Stage 6 kernel arguments)


@dataclass
class CBDesign:
    index: int
    name: str  # spec name ("cb_in_rm")
    base: str  # C++ stem: cb_{base}_idx / _page_size / _num_pages
    purpose: str
    page_kind: PageKind
    page_size_cpp: str  # host C++ expression
    num_pages_cpp: str  # host C++ expression
    pages_expr: str  # the spec's pages / sizing text as normalised
    data_format_cpp: str  # host variable or tt::DataFormat::X
    data_format_label: str  # "input" | "output" | "gamma" | "Float16_b" ...
    producer: Role
    consumer: Role
    lifetime: Lifetime
    stub_use: str  # "passthrough_in" | "passthrough_out" | "once" | "untouched"
    tensor: str | None = None  # TensorDesign.field whose data the producer reads / the consumer writes
    line: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def var(self) -> str:
        return f"cb_{self.base}_idx"

    @property
    def enum(self) -> str:
        return f"tt::CBIndex::c_{self.index}"


@dataclass
class ArgDesign:
    """One compile-time or runtime argument of a kernel: its index, kernel-side name and host value."""

    index: int
    name: str  # kernel-side constant name
    host: str  # host C++ expression (per core for runtime args)
    description: str = ""


@dataclass
class AccessorDesign:
    """TensorAccessorArgs appended after the plain compile-time args."""

    tensor: str  # TensorDesign.field or "output"
    name: str  # kernel-side constexpr name, e.g. "src_args"
    buffer_var: str  # host Buffer* variable
    page_size_arg: str  # kernel-side constant holding the tensor's page size
    base: str  # "K" literal for the first accessor, "<prev>.next_compile_time_args_offset()" for the rest


@dataclass
class KernelDesign:
    role: Role
    path: str  # op-relative: device/kernels/dataflow/reader_{op}.cpp
    repo_path: str  # repo-relative, for CreateKernel
    handle: str  # host KernelHandle variable
    ct_args: list[ArgDesign] = field(default_factory=list)
    accessors: list[AccessorDesign] = field(default_factory=list)
    rt_args: list[ArgDesign] = field(default_factory=list)
    cbs_in: list[int] = field(default_factory=list)  # CBs it waits on / pops
    cbs_out: list[int] = field(default_factory=list)  # CBs it reserves / pushes

    @property
    def num_ct_plain(self) -> int:
        return len(self.ct_args)


@dataclass
class WorkDesign:
    strategy: Strategy
    unit: str  # "tile" | "tile_row" | "stick"
    unit_text: str  # as the spec says
    total_units_cpp: str  # batch-aware, e.g. "NC * Ht"
    total_units_spec: str  # the spec's expression
    row_wise: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class PassthroughDesign:
    in_cb: int
    out_cb: int
    in_pages_cpp: str  # pages the reader pushes / compute pops per unit (host expr)
    out_pages_cpp: str  # pages compute pushes / the writer pops per unit (host expr)
    ratio: str  # "1-to-1" | "N-to-1"
    copy_tiles: bool  # both CBs tile-paged: compute copies through DST
    in_mode: str  # "tiles" (TILE tensor, page = tile) | "rows" (row-major sticks)
    out_mode: str
    # The CB may hold fewer pages than one unit (a double-buffered 2-tile output CB, a Wt-tile unit): tiles then
    # move one page at a time (reserve/push 1, wait/pop 1), which cannot deadlock for any capacity >= 1.
    in_stream: bool = False
    out_stream: bool = False


@dataclass
class OpDesign:
    op_name: str
    op_pascal: str
    category: str
    namespace: str
    op_rel_dir: str
    inputs: list[TensorDesign]
    params: list[ParamDesign]
    validations: list[ValidationDesign]
    output: OutputDesign
    host_vars: list[HostVar]
    cbs: list[CBDesign]
    work: WorkDesign
    kernels: list[KernelDesign]
    passthrough: PassthroughDesign
    test_shapes: dict[str, list[tuple[int, ...]]]  # "stage4" / "stage5" / "stage6" -> input shapes
    test_dtype: str  # "bfloat16" | "float32"
    warnings: list[SpecWarning] = field(default_factory=list)
    skipped_requirements: list[str] = field(default_factory=list)  # requirement rows we could not turn into C++
    # Bytes per CB for one sample shape on the profile (only when a profile was given): index -> (page, pages, total)
    sample_bytes: dict[int, tuple[int | None, int | None, int | None]] = field(default_factory=dict)
    sample_label: str = ""  # e.g. "(1, 1, 32, 64) bfloat16 on wormhole_n150: 12,288 B of 1,040,384 B per core"

    @property
    def primary(self) -> TensorDesign:
        return next(t for t in self.inputs if t.primary)

    @property
    def params_struct(self) -> str:
        return f"{self.op_pascal}Params"

    @property
    def inputs_struct(self) -> str:
        return f"{self.op_pascal}Inputs"

    @property
    def device_op(self) -> str:
        return f"{self.op_pascal}DeviceOperation"

    @property
    def factory(self) -> str:
        return f"{self.op_pascal}ProgramFactory"

    def kernel(self, role: Role) -> KernelDesign:
        return next(k for k in self.kernels if k.role is role)

    def cb(self, index: int) -> CBDesign:
        return next(c for c in self.cbs if c.index == index)

    def vars_in(self, group: str) -> list[HostVar]:
        return [v for v in self.host_vars if v.group == group]

    def used_before_kernels(self) -> set[str]:
        """Host variables and tensor locals the Stage 5 factory (CBs + work split, no kernels) really uses;
        the others are declared ``[[maybe_unused]]`` there so -Werror builds pass between stages."""
        by_name = {v.name: v for v in self.host_vars}
        roots = {"num_units"} | {v.name for v in self.host_vars if v.group == "cb"}
        roots |= {c.data_format_cpp for c in self.cbs}
        seen: set[str] = set()
        stack = [r for r in roots if r in by_name]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(d for d in by_name[name].deps if d in by_name)
        exprs = " ".join(by_name[n].expr for n in seen)
        locals_used = {t.field for t in self.inputs if re.search(rf"\b{t.field}\b", exprs)}
        if re.search(r"\boutput\b", exprs):
            locals_used.add("output")
        if self.work.strategy is not Strategy.SINGLE_CORE:
            locals_used.add("input")  # input.device() for the grid
        return seen | locals_used


# ==============================================================================================================
# Building the design
# ==============================================================================================================


_DTYPE_RE = re.compile(r"\b(bfloat16|float32|bfloat8_b|bfloat4_b|uint32|int32|uint16|uint8)\b", re.I)
_DATAFORMAT = {
    "bfloat16": "Float16_b",
    "float32": "Float32",
    "bfloat8_b": "Bfp8_b",
    "bfloat4_b": "Bfp4_b",
    "uint32": "UInt32",
    "int32": "Int32",
    "uint16": "UInt16",
    "uint8": "UInt8",
}

# Spec symbols (wizard.expr.sample_env names) -> the factory's host variables. Aliases of one quantity map to
# the same variable so the CB table and the kernels agree on it.
_SYMBOLS: dict[str, str] = {
    "N": "N",
    "C": "C",
    "H": "H",
    "W": "W",
    "B": "N",
    "batch": "N",
    "batch_size": "N",
    "channels": "C",
    "height": "H",
    "width": "W",
    "NC": "NC",
    "Ht": "Ht",
    "Wt": "Wt",
    "Ct": "Wt",
    "HtWt": "(Ht * Wt)",
    "HW": "(H * W)",
    "num_tiles_per_row": "Wt",
    "ntiles_per_row": "Wt",
    "tiles_per_row": "Wt",
    "num_tiles_per_col": "Ht",
    "tiles_per_col": "Ht",
    "num_tile_rows": "(NC * Ht)",
    "tile_rows": "(NC * Ht)",
    "num_tiles": "(NC * Ht * Wt)",
    "total_tiles": "(NC * Ht * Wt)",
    "num_rows": "(NC * H)",
    "num_sticks": "(NC * H)",
    "total_sticks": "(NC * H)",
    "tile_size": "input_tile_size",
    "single_tile_size": "input_tile_size",
    "input_tile_size": "input_tile_size",
    "in_tile_size": "input_tile_size",
    "output_tile_size": "output_tile_size",
    "out_tile_size": "output_tile_size",
    "element_size": "element_size",
    "elem_size": "element_size",
    "datum_size": "element_size",
    "stick_size": "input_stick_size_aligned",
    "stick_nbytes": "input_stick_size_aligned",
    "input_stick_size": "input_stick_size_aligned",
    "input_stick_nbytes": "input_stick_size_aligned",
    "row_size_bytes": "input_stick_size_aligned",
    "stick_size_bytes": "input_stick_size_aligned",
    "output_stick_size": "output_stick_size_aligned",
    "output_stick_nbytes": "output_stick_size_aligned",
    "TILE_HW": "tt::constants::TILE_HW",
    "TILE_HEIGHT": "tt::constants::TILE_HEIGHT",
    "TILE_WIDTH": "tt::constants::TILE_WIDTH",
    "FACE_WIDTH": "tt::constants::FACE_WIDTH",
    "FACE_HEIGHT": "tt::constants::FACE_HEIGHT",
    "FACE_HW": "tt::constants::FACE_HW",
}
# An NHWC (channels-last) input names its dims differently from its memory layout: N, H, W, C are
# shape[-4..-1], while the physical symbols (W = stick width, NC, Ht, Wt ...) stay those of the last two dims.
_NHWC_SYMBOLS: dict[str, str] = {
    "N": "input_batch", "B": "input_batch", "batch": "input_batch", "batch_size": "input_batch",
    "H": "input_height", "height": "input_height",
    "W": "input_width", "width": "input_width",
    "C": "input_channels", "channels": "input_channels",
    "HW": "(input_height * input_width)",
}  # fmt: skip
# Names like out_ntiles_c / in_ntiles_c (tiles along the channel = last dim) are Wt too.
_WT_ALIAS = re.compile(r"^(in|out|input|output)?_?n?_?tiles?_?(c|w|per_row)$", re.I)
_TILE_SIZE_FACTOR = re.compile(r"\*\s*(input_|output_|in_|out_|single_)?tile_size\b|\b(input_|output_|in_|out_|single_)?tile_size\s*\*")

# Host variables the factory may declare: name -> (type, expr, deps, comment). Emitted on demand (closure of use).
_HOST_VARS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "src_buffer": ("auto*", "input.buffer()", (), ""),
    "dst_buffer": ("auto*", "output.buffer()", (), ""),
    "input_data_format": (
        "const tt::DataFormat",
        "tt::tt_metal::datatype_to_dataformat_converter(input.dtype())",
        (),
        "",
    ),
    "output_data_format": (
        "const tt::DataFormat",
        "tt::tt_metal::datatype_to_dataformat_converter(output.dtype())",
        (),
        "",
    ),
    "input_tile_size": ("const uint32_t", "tt::tile_size(input_data_format)", ("input_data_format",), ""),
    "output_tile_size": ("const uint32_t", "tt::tile_size(output_data_format)", ("output_data_format",), ""),
    "element_size": ("const uint32_t", "input.element_size()", (), ""),
    "W": ("const uint32_t", "input.padded_shape()[-1]", (), "row width (elements): one stick / page of a row-major tensor"),
    "H": ("const uint32_t", "input.padded_shape()[-2]", (), ""),
    "Wt": ("const uint32_t", "tt::div_up(W, tt::constants::TILE_WIDTH)", ("W",), "tiles per tile-row"),
    "Ht": ("const uint32_t", "tt::div_up(H, tt::constants::TILE_HEIGHT)", ("H",), "tile-rows per batch"),
    "NC": (
        "const uint32_t",
        "static_cast<uint32_t>(input.physical_volume() / (static_cast<uint64_t>(H) * W))",
        ("H", "W"),
        "all leading (batch) dims folded together",
    ),
    "C": (
        "const uint32_t",
        "input.padded_shape().rank() >= 3 ? input.padded_shape()[-3] : 1u",
        (),
        "",
    ),
    "N": ("const uint32_t", "NC / C", ("NC", "C"), ""),
    # NHWC inputs (see _NHWC_SYMBOLS): the image's dims by name
    "input_batch": ("const uint32_t", "input.padded_shape().rank() >= 4 ? input.padded_shape()[-4] : 1u", (),
                    "NHWC input: images"),
    "input_height": ("const uint32_t", "input.padded_shape().rank() >= 3 ? input.padded_shape()[-3] : 1u", (),
                     "NHWC input: image height"),
    "input_width": ("const uint32_t", "input.padded_shape()[-2]", (), "NHWC input: image width"),
    "input_channels": ("const uint32_t", "input.padded_shape()[-1]", (), "NHWC input: channels (one stick)"),
    "input_stick_size": ("const uint32_t", "W * input.element_size()", ("W",), "bytes of one input row"),
    "input_stick_size_aligned": (
        "const uint32_t",
        "tt::round_up(input_stick_size, src_buffer->alignment())",
        ("input_stick_size", "src_buffer"),
        "input page size (row-major): NEVER hard-code the alignment",
    ),
    "out_W": ("const uint32_t", "output.padded_shape()[-1]", (), ""),
    "output_stick_size": ("const uint32_t", "out_W * output.element_size()", ("out_W",), "bytes of one output row"),
    "output_stick_size_aligned": (
        "const uint32_t",
        "tt::round_up(output_stick_size, dst_buffer->alignment())",
        ("output_stick_size", "dst_buffer"),
        "output page size (row-major)",
    ),
}


def _cpp_from_node(node: tuple, mapping: dict[str, str]) -> str:
    """Render a wizard.expr tree as a C++ expression over host variables (uint32 arithmetic)."""
    kind = node[0]
    if kind == "num":
        v = node[1]
        if isinstance(v, float) and not v.is_integer():
            return repr(v)
        return f"{int(v)}u" if int(v) >= 0 else str(int(v))
    if kind == "name":
        return mapping.get(node[1], node[1])
    if kind == "neg":
        return f"-{_cpp_from_node(node[1], mapping)}"
    if kind == "call":
        name, args = node[1], [_cpp_from_node(a, mapping) for a in node[2]]
        if name == "ceil" and node[2] and node[2][0][0] == "bin" and node[2][0][1] == "/":
            inner = node[2][0]
            return f"tt::div_up({_cpp_from_node(inner[2], mapping)}, {_cpp_from_node(inner[3], mapping)})"
        if name in ("ceil", "floor", "abs"):
            return f"({args[0]})"  # integral already (uint32 host arithmetic)
        if name in ("min", "max"):
            out = args[0]
            for a in args[1:]:
                out = f"std::{name}<uint32_t>({out}, {a})"
            return out
        if name == "div_up":
            return f"tt::div_up({args[0]}, {args[1]})"
        if name == "round_up":
            return f"tt::round_up({args[0]}, {args[1]})"
        return f"{name}({', '.join(args)})"
    op = "/" if node[1] == "//" else node[1]
    left, right = _cpp_from_node(node[2], mapping), _cpp_from_node(node[3], mapping)
    # integer division does not associate: a * (b / c) != a * b / c, so a right-hand / or % keeps its parens
    if node[3][0] == "bin" and (node[3][1] in ("+", "-", "/", "//", "%") or op in "/%-"):
        right = f"({right})"
    if node[2][0] == "bin" and node[2][1] in "+-" and op in "*/%":
        left = f"({left})"
    return f"{left} {op} {right}"


def _strip_u(text: str) -> str:
    """``2u * Wt`` reads worse than ``2 * Wt`` where the other operand is already uint32."""
    return re.sub(r"\b(\d+)u\b", r"\1", text)


class _Ctx:
    """Mutable state while building one design: warnings, unknown symbols that became host constants."""

    def __init__(self, spec: OpSpec) -> None:
        self.spec = spec
        self.warnings: list[SpecWarning] = []
        self.extra_vars: dict[str, HostVar] = {}

    def warn(self, code: str, message: str, line: int | None = None, severity: Severity = Severity.WARNING) -> None:
        self.warnings.append(SpecWarning(code, message, line, severity))

    def to_cpp(self, text: str, *, line: int | None = None, what: str = "expression") -> tuple[str, set[str]]:
        """Spec expression text -> (C++ expression, host variables used). Unknown symbols become named
        constants of 1 with a warning (the generated code says so), so the factory still compiles."""
        from wizard.expr import ExprError, parse_expr

        if self.spec.symbols:
            # the spec's own definitions first (image_rotate: out_ntiles_c = ceil(C / FACE_WIDTH), not Wt)
            from wizard.spec.symbols import expand_symbols

            text = expand_symbols(text, self.spec.symbols)
        try:
            expr = parse_expr(text)
        except ExprError as exc:
            self.warn("design-bad-expression", f"{what} '{text}' is not an expression ({exc})", line, Severity.ERROR)
            return "1", set()
        mapping: dict[str, str] = {}
        names = {**_SYMBOLS, **_NHWC_SYMBOLS} if self.spec.dim_order == "NHWC" else _SYMBOLS
        for sym in expr.symbols:
            if sym in names:
                mapping[sym] = names[sym]
            elif _WT_ALIAS.match(sym):
                mapping[sym] = "Wt"
            else:
                ident = naming.cpp_identifier(sym)
                mapping[sym] = ident
                if ident not in self.extra_vars:
                    self.extra_vars[ident] = HostVar(
                        ident,
                        "const uint32_t",
                        "1",
                        f"TODO(stage 7): '{sym}' is not derivable from the spec; set it (used by {what})",
                    )
                    self.warn("design-unknown-symbol", f"'{sym}' in {what} '{text}' has no value; the factory sets it to 1", line)
        node = getattr(expr, "_node", None)
        cpp = _cpp_from_node(node, mapping) if node is not None else expr.text
        used = {v for v in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", cpp)}
        return _strip_u(cpp), used


# ---------------------------------------------------------------------------------------------- tensors / params


def _is_tensor_param(p: Parameter) -> bool:
    t = p.type.strip().strip("`").lower()
    return t in ("tensor", "ttnn.tensor", "const tensor&", "tensor&") or t.endswith("tensor") and "optional" not in t


def _is_memory_config(p: Parameter) -> bool:
    return "memoryconfig" in p.type.replace(" ", "").lower() or p.name in ("memory_config", "output_mem_config", "output_memory_config")


def _tensor_field(name: str) -> str:
    ident = naming.cpp_identifier(name)
    ident = re.sub(r"_tensor$", "", ident) or "input"
    return "input" if ident in ("input", "in", "x", "a", "input_a") else ident


def _parse_rank(req: str) -> str | None:
    r = req.lower()
    m = re.search(r"at least\s*(\d)|>=\s*(\d)|(\d)\s*-?d?\s*(?:or|and)\s*(?:higher|more|above)|minimum\s*(?:of\s*)?(\d)", r)
    if m:
        return ">=" + next(g for g in m.groups() if g)
    m = re.search(r"(?:^|\brank\s*|==\s*|be\s+|exactly\s+)(\d)\b|\b(\d)\s*-?d\b|^\s*(\d)\s*(?:\(|$)", r)
    if m:
        return next(g for g in m.groups() if g)
    return None


def _parse_layout(req: str) -> str | None:
    r = req.upper().replace("-", "_").replace(" ", "_")
    if "ROW_MAJOR" in r:
        return "ROW_MAJOR"
    if "TILE" in r:
        return "TILE"
    return None


_PARAM_RM = re.compile(r"\bROW[_ -]?MAJOR(?:_LAYOUT)?\b|\bRM\b", re.I)
_PARAM_TILE = re.compile(r"\bTILE(?:_LAYOUT)?\b|\btiled\b|\btile layout\b", re.I)


def _param_layout(spec: OpSpec, name: str) -> str | None:
    """A tensor parameter's layout from its Parameters row (``(1,1,32,C) TILE_LAYOUT bf16``, ``1D [W], bf16, RM``)
    when no requirement row gives one; None when the text names neither or both."""
    p = next((p for p in spec.parameters if _tensor_field(p.name) == _tensor_field(name)), None)
    if p is None:
        return None
    text = f"{p.valid_range} {p.description}"
    rm, tile = _PARAM_RM.search(text), _PARAM_TILE.search(text)
    if bool(rm) == bool(tile):
        return None
    return "ROW_MAJOR" if rm else "TILE"


def _parse_dtypes(req: str) -> list[str]:
    return list(dict.fromkeys(m.upper() for m in _DTYPE_RE.findall(req)))


def _build_tensors(spec: OpSpec, ctx: _Ctx) -> list[TensorDesign]:
    names: list[str] = [p.name for p in spec.parameters if _is_tensor_param(p)]
    for key in spec.input_requirements:
        if not any(_tensor_field(n) == _tensor_field(key) for n in names):
            names.append(key)
    if not names:
        names = ["input_tensor"]
        ctx.warn("design-no-input", "no input tensor named in Parameters or requirements; assuming 'input_tensor'")
    # v2 specs list only the extra tensors (gamma, beta) under Parameters and describe the input in "Input Tensor
    # Requirements": the input, not the first parameter, is the primary tensor the factory's metadata follows.
    first_input = next((n for n in names if _tensor_field(n) == "input"), None)
    if first_input is not None:
        names = [first_input, *(n for n in names if n != first_input)]
    tensors: list[TensorDesign] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        fld = _tensor_field(name)
        if fld in seen:
            continue
        seen.add(fld)
        primary = not tensors
        if primary and fld != "input":
            fld = "input"  # the factory's metadata (W, Ht, ...) follows the primary tensor, always named `input`
        key = next((k for k in spec.input_requirements if _tensor_field(k) == _tensor_field(name)), None)
        reqs = spec.input_requirements.get(key, []) if key else []
        t = TensorDesign(
            name=name,
            field=fld,
            primary=primary,
            buffer_var="src_buffer" if primary else f"{fld}_buffer",
            addr_arg="src_addr" if primary else f"{fld}_addr",
            accessor="src_args" if primary else f"{fld}_args",
        )
        for r in reqs:
            prop = r.property.lower()
            if "rank" in prop or (prop in ("shape", "dimensions", "dims") and re.search(r"\d\s*-?d\b", r.requirement, re.I)):
                t.rank = t.rank or _parse_rank(r.requirement)
            elif "layout" in prop and "memory" not in prop:
                t.layout = t.layout or _parse_layout(r.requirement)
            elif "type" in prop and "buffer" not in prop or prop in ("dtype", "data type", "datatype"):
                t.dtypes = t.dtypes or _parse_dtypes(r.requirement)
        if t.layout is None:
            t.layout = _param_layout(spec, name)
        tensors.append(t)
    return tensors


def _py_number(text: str) -> str | None:
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*[fF]?\s*", text.strip("`"))
    return m.group(1) if m else None


def _build_params(spec: OpSpec, ctx: _Ctx) -> list[ParamDesign]:
    out: list[ParamDesign] = []
    for p in spec.parameters:
        if _is_tensor_param(p) or _is_memory_config(p):
            continue
        t = p.type.strip().strip("`")
        tl = t.lower().replace(" ", "")
        optional = tl.startswith("optional") or tl.startswith("std::optional")
        inner = re.sub(r"^(std::)?optional<(.*)>$", r"\2", tl)
        default_text = p.default.strip().strip("`")
        no_default = p.required or default_text in ("", "-", "—", "none", "n/a")
        if "computekernelconfig" in inner:
            cpp, py, optional = "std::optional<ttnn::DeviceComputeKernelConfig>", "Optional[ttnn.DeviceComputeKernelConfig]", True
        elif inner in ("datatype", "ttnn.datatype", "dtype"):
            cpp, py, optional = "std::optional<tt::tt_metal::DataType>", "Optional[ttnn.DataType]", True
        elif "tuple<float,float>" in inner or "pair<float,float>" in inner:
            cpp, py = "std::array<float, 2>", "Tuple[float, float]"
        elif inner in ("float", "double", "float32", "fp32"):
            cpp, py = "float", "float"
        elif inner in ("bool", "boolean"):
            cpp, py = "bool", "bool"
        elif inner in ("uint32", "uint32_t", "uint", "unsigned", "size_t"):
            cpp, py = "uint32_t", "int"
        elif inner in ("int", "int32", "int32_t", "int64", "int64_t", "integer"):
            cpp, py = "int32_t", "int"
        elif inner in ("str", "string", "std::string"):
            cpp, py = "std::string", "str"
        else:
            cpp, py = "float", "float"
            ctx.warn("design-param-type", f"parameter '{p.name}': type '{p.type}' not recognised; using float", p.line)
        if optional and not cpp.startswith("std::optional"):
            cpp, py = f"std::optional<{cpp}>", f"Optional[{py}]"
        cpp_default: str | None
        py_default: str | None
        if optional:
            cpp_default, py_default = "std::nullopt", "None"
            if not no_default and default_text.lower() not in ("none", "std::nullopt", "nullopt"):
                ctx.warn(
                    "design-param-default",
                    f"parameter '{p.name}': default '{default_text}' is computed by the op when the argument is None",
                    p.line,
                    Severity.INFO,
                )
        elif no_default:
            cpp_default = py_default = None
        elif cpp == "bool":
            val = default_text.lower() in ("true", "1", "yes")
            cpp_default, py_default = ("true" if val else "false"), ("True" if val else "False")
        elif cpp in ("float", "uint32_t", "int32_t"):
            num = _py_number(default_text)
            if num is None:
                cpp_default = py_default = None
                ctx.warn("design-param-default", f"parameter '{p.name}': default '{default_text}' is not a literal; made required", p.line)
            elif cpp == "float":
                lit = num if re.search(r"[.eE]", num) else f"{num}.0"
                cpp_default, py_default = f"{lit}f", lit
            else:
                cpp_default = py_default = str(int(float(num)))
        else:
            cpp_default = py_default = None
        required = py_default is None
        test_value = py_default if py_default is not None else {"float": "1.0", "bool": "False", "int": "1", "str": '""'}.get(py, "None")
        if cpp.startswith("std::array"):
            test_value = "(0.0, 0.0)"
        if required:
            test_value = _test_value_in_range(test_value, cpp, p.valid_range)
        out.append(
            ParamDesign(
                name=naming.cpp_identifier(p.name),
                cpp_type=cpp,
                py_type=py,
                cpp_default=cpp_default,
                py_default=py_default,
                required=required,
                test_value=test_value,
                description=p.description,
                line=p.line,
            )
        )
    return out


def _test_value_in_range(value: str, cpp: str, valid_range: str) -> str:
    """A required parameter's test value that satisfies the lower bound _param_validations turns into a TT_FATAL
    (``>= 2``, ``> 0``, ``[4, inf)``), so the stage tests' valid call is really valid (helper I, Stage 2 tests)."""
    rl = (valid_range or "").strip().strip("`").lower()
    m = re.fullmatch(r"(>=?)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)", rl) or re.fullmatch(
        r"([(\[])\s*(-?\d+(?:\.\d+)?)\s*,\s*\+?(?:inf|∞)\s*[)\]]", rl
    )
    if not m or cpp not in ("float", "int32_t", "uint32_t"):
        return value
    strict = m.group(1) in (">", "(")
    bound = float(m.group(2))
    try:
        current = float(value)
    except ValueError:
        return value
    if current > bound or (current == bound and not strict):
        return value
    if cpp == "float":
        return repr(bound + 1.0 if strict else bound)
    return str(int(bound) + 1 if strict else int(bound))


# ---------------------------------------------------------------------------------------------- validations


def _cpp_string(text: str) -> str:
    """Spec hint -> body of a C++ fmt string literal (quotes/backslashes escaped, fmt braces doubled)."""
    text = text.strip().strip('"').strip("“”").strip()
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("{", "{{").replace("}", "}}")
    return text


def _rank_condition(x: str, rank: str) -> tuple[str, list[str]]:
    if rank.startswith(">="):
        return f"{x}.logical_shape().rank() >= {rank[2:]}", [f"{x}.logical_shape().rank()"]
    return f"{x}.logical_shape().rank() == {rank}", [f"{x}.logical_shape().rank()"]


def _dim_condition(x: str, dim: int, req: str) -> tuple[str, str] | None:
    """(kind, condition) for Width/Height rows: tile-aligned, positive."""
    r = req.lower()
    if "will be padded" in r or "padded to" in r:
        return None
    if re.search(r"multiple of|divisible by|tile[- ]aligned|aligned to (32|tile)", r):
        const = "tt::constants::TILE_WIDTH" if dim == -1 else "tt::constants::TILE_HEIGHT"
        return ("tile_aligned_w" if dim == -1 else "tile_aligned_h"), f"{x}.logical_shape()[{dim}] % {const} == 0"
    if re.search(r">\s*0|>=\s*1|positive|at least 1|non-?zero", r):
        return ("positive_w" if dim == -1 else "positive_h"), f"{x}.logical_shape()[{dim}] > 0"
    return None


def _build_validations(spec: OpSpec, tensors: list[TensorDesign], ctx: _Ctx) -> tuple[list[ValidationDesign], list[str]]:
    vals: list[ValidationDesign] = []
    skipped: list[str] = []
    primary = tensors[0]
    for t in tensors:
        x = t.field
        key = next((k for k in spec.input_requirements if _tensor_field(k) == _tensor_field(t.name)), None)
        reqs = spec.input_requirements.get(key, []) if key else []
        label = t.name
        # Always: on device and allocated (the kernels read its buffer). A spec "device" row replaces the message.
        dev_row = next(
            (r for r in reqs if re.search(r"device|storage", r.property, re.I) and "same" not in r.requirement.lower()),
            None,
        )
        vals.append(
            ValidationDesign(
                x,
                "device",
                f"{x}.storage_type() == StorageType::DEVICE",
                _cpp_string(dev_row.hint) if dev_row and dev_row.hint else f"{label} must be on device",
                source=f"{dev_row.property}: {dev_row.requirement}" if dev_row else "",
                line=dev_row.line if dev_row else None,
            )
        )
        vals.append(ValidationDesign(x, "allocated", f"{x}.buffer() != nullptr", f"{label} must be allocated in buffers on device"))
        for r in reqs:
            if r is dev_row:
                continue
            v = _requirement_validation(x, r, primary.field, ctx)
            if v is not None and v.kind == "none":
                continue
            if v is None:
                skipped.append(f"{t.name}: {r.property}: {r.requirement}")
                if not re.search(r"will be padded|padded to", r.requirement, re.I):
                    ctx.warn(
                        "design-requirement-skipped",
                        f"requirement '{r.property}: {r.requirement}' of {t.name} has no generated check; add it by hand",
                        r.line,
                        Severity.INFO,
                    )
                continue
            vals.append(v)
        if t.primary and t.layout is None:
            # The generated kernels address pages one way or the other; say which one they assume.
            t.layout = "TILE"
            vals.append(
                ValidationDesign(
                    x,
                    "layout",
                    f"{x}.layout() == Layout::TILE",
                    f"{label} must be in TILE layout (the generated kernels read tile pages)",
                )
            )
            ctx.warn("design-assumed-layout", f"{label} layout not required by the spec; the kernels assume TILE")
    vals.extend(_param_validations(spec, ctx))
    # De-duplicate identical conditions (a spec may repeat a row), keeping the first (its message).
    seen: set[str] = set()
    unique = []
    for v in vals:
        if v.condition not in seen:
            seen.add(v.condition)
            unique.append(v)
    return unique, skipped


_MUST_BE = re.compile(r"^(must be|only)\s+", re.I)


def _param_validations(spec: OpSpec, ctx: _Ctx) -> list[ValidationDesign]:
    """TT_FATALs from the Parameters table's Valid Range column (bool must-be, numeric bounds)."""
    out: list[ValidationDesign] = []
    for p in _build_params(spec, _Ctx(spec)):
        src = next((q for q in spec.parameters if naming.cpp_identifier(q.name) == p.name), None)
        rng = (src.valid_range if src else "").strip().strip("`")
        rl = rng.lower()
        if not rng or p.cpp_type.startswith("std::"):
            continue
        attr = f"operation_attributes.{p.name}"
        cond = None
        if p.cpp_type == "bool" and re.fullmatch(r"(must be |only )?(false|true)( only)?", rl):
            cond = f"!{attr}" if "false" in rl else attr
        elif p.cpp_type in ("float", "int32_t", "uint32_t"):
            m = re.fullmatch(r"(>=?)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)", rl) or re.fullmatch(
                r"([(\[])\s*(-?\d+(?:\.\d+)?)\s*,\s*\+?(?:inf|∞)\s*[)\]]", rl
            )
            if m:
                op = {"(": ">", "[": ">="}.get(m.group(1), m.group(1))
                bound = m.group(2)
                if p.cpp_type == "float" and not re.search(r"[.e]", bound):
                    bound = f"{bound}.0f"
                elif p.cpp_type == "float":
                    bound = f"{bound}f"
                if p.cpp_type == "uint32_t" and op == ">=" and bound == "0":
                    continue  # always true
                cond = f"{attr} {op} {bound}"
        if cond:
            out.append(ValidationDesign("", "param", cond, _cpp_string(f"{p.name} must be {_MUST_BE.sub('', rng)}"), [], f"{src.name}: {rng}" if src else "", p.line))
    return out


def _requirement_validation(x: str, r: Requirement, primary: str, ctx: _Ctx) -> ValidationDesign | None:
    prop, req = r.property.strip().lower(), r.requirement.strip()
    rl = req.lower()
    msg = _cpp_string(r.hint) if r.hint else _cpp_string(f"{x}: {r.property} must be {req}")
    src = f"{r.property}: {req}"

    def v(kind: str, cond: str, args: list[str] | None = None) -> ValidationDesign:
        return ValidationDesign(x, kind, cond, msg, args or [], src, r.line)

    if "rank" in prop or (prop in ("shape", "dimensions", "dims") and re.search(r"\b\d\s*-?d\b", rl)):
        rank = _parse_rank(req)
        if rank:
            cond, args = _rank_condition(x, rank)
            return v("rank", cond)
        return None
    if "layout" in prop and "memory" not in prop:
        lay = _parse_layout(req)
        return v("layout", f"{x}.layout() == Layout::{lay}") if lay else None
    if prop in ("dtype", "data type", "datatype", "type") or ("type" in prop and "buffer" not in prop):
        if "same as" in rl or "match" in rl:
            return v("dtype", f"{x}.dtype() == {primary}.dtype()") if x != primary else None
        dts = _parse_dtypes(req)
        if not dts:
            return None
        return v("dtype", " || ".join(f"{x}.dtype() == DataType::{d}" for d in dts))
    if "memory" in prop or "buffer" in prop or "storage" in prop:
        conds = []
        if "interleaved" in rl and "not interleaved" not in rl:
            conds.append(f"{x}.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED")
        elif "sharded" in rl and "not sharded" not in rl and "(not sharded)" not in rl:
            conds.append(f"{x}.memory_config().is_sharded()")
        has_dram, has_l1 = "dram" in rl, re.search(r"\bl1\b", rl) is not None
        if has_dram and has_l1 and not conds:
            return ValidationDesign(x, "none", "", msg, [], src, r.line)  # any buffer type is fine: nothing to check
        if has_dram and has_l1:
            pass
        elif has_dram:
            conds.append(f"{x}.memory_config().buffer_type() == BufferType::DRAM")
        elif has_l1:
            conds.append(f"{x}.memory_config().buffer_type() == BufferType::L1")
        if not conds:
            return None
        kind = "memory_layout" if "memory_layout" in conds[0] or "sharded" in conds[0] else "buffer_type"
        return v(kind, " && ".join(conds))
    if "device" in prop:
        if "same" in rl:
            return v("same_device", f"{x}.device() == {primary}.device()") if x != primary else None
        return v("device", f"{x}.storage_type() == StorageType::DEVICE")
    if prop in ("width", "w", "last dim", "last dimension", "alignment") or "last dim" in prop or prop.startswith("width"):
        got = _dim_condition(x, -1, req)
        return v(*got) if got else None
    if prop in ("height", "h") or "second-to-last" in prop or "2nd-to-last" in prop or prop.startswith("height"):
        got = _dim_condition(x, -2, req)
        return v(*got) if got else None
    m = re.search(r"aligned to (\d+)\s*bytes", rl)
    if m:
        return v("aligned_bytes", f"({x}.logical_shape()[-1] * {x}.element_size()) % {m.group(1)} == 0")
    if prop == "shape" and "match" in rl and re.search(r"\bw\b|width", rl) and x != primary:
        return v("shape_w", f"{x}.logical_shape()[-1] == {primary}.logical_shape()[-1]")
    return None


# ---------------------------------------------------------------------------------------------- output


def _section_text(spec: OpSpec, title_part: str) -> str:
    """Raw text of the first section whose title contains ``title_part`` (notes the parser keeps no field for,
    such as a sub-bullet "Logical width is 1")."""
    sec = next((x for x in spec.sections if title_part in x.title.lower()), None)
    if sec is None or spec.path is None:
        return ""
    try:
        lines = spec.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return " ".join(lines[sec.line : sec.end_line])


def _build_output(spec: OpSpec, primary: TensorDesign, ctx: _Ctx) -> OutputDesign:
    o = spec.output
    text = " ".join([o.shape, o.padded_shape, *o.raw.values(), _section_text(spec, "output tensor")]).strip()
    shape_text = f"{o.shape} {o.padded_shape}".strip() or text
    kind = "same"
    if not shape_text:
        ctx.warn("design-output-shape", "no output shape in the spec; assuming the input's shape")
    elif re.search(r"same (as|shape as) (the )?input|unchanged|identical to input", shape_text, re.I):
        kind = "same"
    else:
        lasts = [g.split(",")[-1].strip().strip("`* ") for g in re.findall(r"[\[(]([^\[\]()]*,[^\[\]()]*)[\])]", shape_text)]
        ones = any(v == "1" for v in lasts) or re.search(r"logical[^.]*\b(width|w)\b[^.]*\b1\b|width\s*(is|=)\s*1\b", text, re.I)
        thirty_two = any(v in ("32", "TILE_WIDTH") for v in lasts)
        if ones:
            kind = "reduce_w"
        elif thirty_two:
            kind = "width_32"
        elif lasts and all(v.upper() in ("W", "C", "W_OUT", "...") for v in lasts):
            kind = "same"
        else:
            ctx.warn("design-output-shape", f"output shape '{shape_text}' not understood; assuming the input's shape", o.source("shape").line if o.source("shape") else None)
    layout = _parse_layout(o.layout) if o.layout else None
    layout = layout or primary.layout or "TILE"
    dts = _parse_dtypes(o.dtype) if o.dtype and not re.search(r"same|input", o.dtype, re.I) else []
    dtype_param = next(
        (p for p in spec.parameters if naming.snake_case(p.name) == "output_dtype" and "datatype" in p.type.lower()), None
    )
    if dtype_param is not None:
        # An optional output_dtype parameter wins; the test passes none, so the output keeps the input's dtype.
        dtype_cpp, dtype_py = "operation_attributes.output_dtype.value_or(input.dtype())", None
    elif len(dts) == 1:
        dtype_cpp, dtype_py = f"DataType::{dts[0]}", f"ttnn.{dts[0].lower()}"
    else:
        dtype_cpp, dtype_py = "input.dtype()", None
    return OutputDesign(shape_kind=kind, dtype_cpp=dtype_cpp, dtype_py=dtype_py, layout=layout, description=shape_text)


# ---------------------------------------------------------------------------------------------- work


def _unit_kind(spec: OpSpec, primary: TensorDesign, output: OutputDesign, ctx: _Ctx) -> str:
    w = spec.work
    kind = ""
    # The unit itself decides; its size / total text only when the unit says nothing we know.
    for text in (w.unit.lower(), f"{w.unit_size} {w.total_units}".lower()):
        if re.search(r"stick|pixel", text):
            kind = "stick"
        elif re.search(r"row|block", text):
            kind = "tile_row"
        elif "tile" in text:
            kind = "tile"
        if kind:
            break
    if not kind:
        kind = "tile_row" if primary.layout == "ROW_MAJOR" else "tile"
    line = w.source("unit").line if w.source("unit") else None
    if kind == "tile" and primary.layout == "ROW_MAJOR":
        ctx.warn("design-unit", "a tile of a row-major tensor is not contiguous; the stubs split work by tile-rows", line, Severity.INFO)
        kind = "tile_row"
    if kind == "stick" and primary.layout == "TILE":
        ctx.warn("design-unit", "a TILE tensor has no sticks; the stubs split work by tiles", line, Severity.INFO)
        kind = "tile"
    if kind == "tile" and output.shape_kind != "same":
        ctx.warn("design-unit", "the output is narrower than the input; the stubs split work by tile-rows", line, Severity.INFO)
        kind = "tile_row"
    return kind


_UNIT_TOTAL = {"tile_row": "NC * Ht", "tile": "NC * Ht * Wt", "stick": "NC * H"}
_BATCH_SYMBOLS = {"N", "C", "NC", "B", "batch", "batch_size", "physical_volume", "volume", "num_tiles", "total_tiles",
                  "num_sticks", "total_sticks", "num_rows", "num_tile_rows", "tile_rows", "logical_volume"}


def _build_work(spec: OpSpec, kind: str, ctx: _Ctx) -> WorkDesign:
    from wizard.expr import ExprError, parse_expr
    from wizard.spec.symbols import defined_with_batch

    w = spec.work
    total = _UNIT_TOTAL[kind]
    notes: list[str] = []
    line = w.source("total_units").line if w.source("total_units") else None
    try:
        syms = parse_expr(w.total_units).symbols if w.total_units else frozenset()
    except ExprError:
        syms = frozenset()
    if w.total_units and not (syms & _BATCH_SYMBOLS) and not defined_with_batch(syms, spec.symbols):
        notes.append(f"the spec's total '{w.total_units}' ignores the batch dims; the factory splits {total} units")
        ctx.warn("design-work-batch", notes[-1], line)
    elif w.total_units and w.total_units.replace(" ", "") != total.replace(" ", ""):
        nhwc = " (the input is NHWC: its sticks are its pixels)" if spec.dim_order == "NHWC" else ""
        notes.append(
            f"the spec's total '{w.total_units}'; the factory computes it as {total} "
            f"(W, H = the tensor's last two dims, NC = all dims before them){nhwc}"
        )
    return WorkDesign(
        strategy=w.strategy,
        unit=kind,
        unit_text=w.unit or kind,
        total_units_cpp=total,
        total_units_spec=w.total_units,
        row_wise=w.row_wise,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------- CBs


def _is_scaler(cb: CircularBuffer) -> bool:
    return bool(re.search(r"scaler", f"{cb.name} {' '.join(cb.aliases)} {cb.purpose}", re.I))


def _cb_tensor(cb: CircularBuffer, tensors: list[TensorDesign]) -> str | None:
    """The secondary tensor a CB stages (``cb_gamma_rm`` -> ``gamma``), if any."""
    text = naming.snake_case(f"{cb.name} {' '.join(cb.aliases)}")
    for t in tensors[1:]:
        if re.search(rf"(^|_){re.escape(t.field)}(_|$)", text):
            return t.field
    return None


def _pick_passthrough(cbs: list[CircularBuffer], tensors: list[TensorDesign], ctx: _Ctx) -> tuple[CircularBuffer, CircularBuffer]:
    def rank_in(c: CircularBuffer) -> tuple:
        return (_cb_tensor(c, tensors) is not None, _is_scaler(c), c.lifetime is Lifetime.PROGRAM, c.index)

    def rank_out(c: CircularBuffer) -> tuple:
        return (c.lifetime is Lifetime.PROGRAM, c.index < 16, c.index)

    readers = sorted((c for c in cbs if c.producer_role is Role.READER), key=rank_in)
    writers = sorted((c for c in cbs if c.consumer_role is Role.WRITER), key=rank_out)
    if readers:
        cin = readers[0]
    else:
        cin = min(cbs, key=lambda c: c.index)
        ctx.warn("design-no-reader-cb", f"no CB is produced by the reader; the stub reader fills c_{cin.index} ({cin.name})", cin.line)
    writers = [c for c in writers if c is not cin]
    if writers:
        cout = writers[0]
    else:
        rest = [c for c in cbs if c is not cin]
        if not rest:
            raise WizardError("the CB table has a single CB; the stubs need an input CB (reader) and an output CB (writer)")
        cout = max(rest, key=lambda c: c.index)
        ctx.warn("design-no-writer-cb", f"no CB is consumed by the writer; the stub writer drains c_{cout.index} ({cout.name})", cout.line)
    return cin, cout


def _tile_size_var(fmt_label: str) -> str:
    if fmt_label in ("input", "output"):
        return f"{fmt_label}_tile_size"
    if fmt_label in _DATAFORMAT.values():
        return f"tt::tile_size(tt::DataFormat::{fmt_label})"
    return f"{fmt_label}_tile_size"


def _build_cbs(
    spec: OpSpec, tensors: list[TensorDesign], cin: CircularBuffer, cout: CircularBuffer, ctx: _Ctx
) -> list[CBDesign]:
    out: list[CBDesign] = []
    used_bases: set[str] = set()
    for cb in sorted(spec.cbs, key=lambda c: c.index):
        base = naming.cb_base_name(cb.name, cb.index)
        if base in used_bases:
            base = f"{base}_c{cb.index}"
        used_bases.add(base)
        tensor = _cb_tensor(cb, tensors)
        producer, consumer = cb.producer_role, cb.consumer_role
        notes: list[str] = []
        # Data format: the scaler tile of a reduce is always bfloat16 (the reduce LLK expects it).
        if _is_scaler(cb):
            fmt_label, fmt_cpp = "Float16_b", "tt::DataFormat::Float16_b"
            notes.append("reduce scaler: always Float16_b")
        elif tensor:
            fmt_label, fmt_cpp = tensor, f"{tensor}_data_format"
        else:
            df = (cb.data_format or "input").strip().lower()
            if df in ("input", "output"):
                fmt_label = df
            else:
                try:
                    from wizard.expr import normalize_dtype

                    fmt_label = _DATAFORMAT.get(normalize_dtype(df), "input")
                except ValueError:
                    fmt_label = "input"
            fmt_cpp = f"{fmt_label}_data_format" if fmt_label in ("input", "output") else f"tt::DataFormat::{fmt_label}"
        owner = tensor or ("output" if consumer is Role.WRITER or fmt_label == "output" else "input")
        what = f"CB c_{cb.index} ({cb.name}) pages"
        kind = cb.page_kind
        pages_text = cb.pages or "1"
        if kind is PageKind.BYTES:
            page_cpp, _ = ctx.to_cpp(pages_text, line=cb.line, what=f"CB c_{cb.index} ({cb.name}) bytes")
            num_cpp = "1"
            notes.append("one page of that many bytes")
        else:
            text = _TILE_SIZE_FACTOR.sub("", pages_text) if kind is PageKind.TILE else pages_text
            num_cpp, _ = ctx.to_cpp(text, line=cb.line, what=what)
            if kind is PageKind.TILE:
                page_cpp = _tile_size_var(fmt_label)
            else:
                page_cpp = f"{'input' if owner == 'input' else owner}_stick_size_aligned"
        if cb is cin:
            stub = "passthrough_in"
        elif cb is cout:
            stub = "passthrough_out"
        elif producer in (Role.READER, Role.COMPUTE) and consumer in (Role.COMPUTE, Role.WRITER) and not (
            producer is Role.COMPUTE and consumer is Role.COMPUTE
        ):
            stub = "once"
        else:
            stub = "untouched"
            if Role.READER in (producer, consumer) or Role.WRITER in (producer, consumer) or Role.UNKNOWN in (producer, consumer):
                if not (producer is Role.COMPUTE and consumer is Role.COMPUTE):
                    ctx.warn(
                        "design-cb-untouched",
                        f"CB c_{cb.index} ({cb.name}): producer '{cb.producer}' / consumer '{cb.consumer}' not both known; the stubs leave it alone",
                        cb.line,
                    )
        out.append(
            CBDesign(
                index=cb.index,
                name=cb.name,
                base=base,
                purpose=cb.purpose,
                page_kind=kind,
                page_size_cpp=page_cpp,
                num_pages_cpp=num_cpp,
                pages_expr=pages_text,
                data_format_cpp=fmt_cpp,
                data_format_label=fmt_label,
                producer=producer,
                consumer=consumer,
                lifetime=cb.lifetime,
                stub_use=stub,
                tensor=tensor if producer is Role.READER else ("output" if cb is cout else None),
                line=cb.line,
                notes=notes,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- passthrough + kernels


def _pages_per_unit(kind: PageKind, unit: str, mode: str, narrow: bool) -> str:
    """Pages of one work unit in a passthrough CB. ``narrow``: the output keeps one tile of width (N-to-1)."""
    wt = "1" if narrow else "Wt"
    if mode == "tiles":
        return wt if unit == "tile_row" else "1"
    if kind is PageKind.TILE:
        return wt if unit == "tile_row" else "1"
    if kind is PageKind.STICK:
        return "tt::constants::TILE_HEIGHT" if unit == "tile_row" else "1"
    return "1"


def holds_unit(num_pages_cpp: str, pages_per_unit: str) -> bool:
    """Whether a CB of ``num_pages_cpp`` pages provably holds ``pages_per_unit`` (host expressions): the same
    expression, a whole multiple of it (``2 * Wt``), one page, or two numbers. Anything else is not proven."""
    from wizard.expr import ExprError, parse_expr

    try:  # the spec-expression parser normalises spacing and parentheses (C++ `2u` literals read as 2)
        cap, unit = (parse_expr(_strip_u(t))._node for t in (num_pages_cpp, pages_per_unit))
    except ExprError:  # C++ the parser does not read (tt::constants::...): only the same text is proven
        return "".join(num_pages_cpp.split()) == "".join(pages_per_unit.split())
    if unit == ("num", 1) or cap == unit:
        return True
    if cap[0] == "num" and unit[0] == "num":
        return cap[1] >= unit[1]
    if cap[0] == "bin" and cap[1] == "*":
        for k, rest in ((cap[2], cap[3]), (cap[3], cap[2])):
            if k[0] == "num" and k[1] >= 1 and rest == unit:
                return True
    return False


def _build_passthrough(
    cin: CBDesign, cout: CBDesign, primary: TensorDesign, output: OutputDesign, work: WorkDesign
) -> PassthroughDesign:
    # tiles: TILE tensor, a unit is tile pages; rows: a tile-row of row-major sticks; sticks: one stick per unit.
    in_mode = "tiles" if primary.layout == "TILE" else ("rows" if work.unit == "tile_row" else "sticks")
    out_mode = "tiles" if output.layout == "TILE" else ("rows" if work.unit == "tile_row" else "sticks")
    narrow = output.shape_kind != "same"
    in_pages = _pages_per_unit(cin.page_kind, work.unit, in_mode, False)
    out_pages = _pages_per_unit(cout.page_kind, work.unit, out_mode, narrow)
    ratio = "1-to-1" if in_pages == out_pages else "N-to-1"
    return PassthroughDesign(
        in_cb=cin.index,
        out_cb=cout.index,
        in_pages_cpp=in_pages,
        out_pages_cpp=out_pages,
        ratio=ratio,
        copy_tiles=cin.page_kind is PageKind.TILE and cout.page_kind is PageKind.TILE,
        in_mode=in_mode,
        out_mode=out_mode,
        # only tile pages can be split off a unit; a tile-row of sticks needs all its pages at once (TT_FATAL)
        in_stream=in_mode == "tiles" and not holds_unit(cin.num_pages_cpp, in_pages),
        out_stream=out_mode == "tiles" and not holds_unit(cout.num_pages_cpp, out_pages),
    )


_KERNEL_VARS = frozenset(
    "in_pages_per_unit out_pages_per_unit rows_per_unit units_per_batch rows_per_batch src_page_size in_l1_stride "
    "in_read_bytes dst_page_size out_l1_stride out_write_bytes".split()
)


def _host_vars_for(
    cbs: list[CBDesign], tensors: list[TensorDesign], pt: PassthroughDesign, work: WorkDesign, ctx: _Ctx
) -> dict[str, HostVar]:
    """Every host variable the factory may use, keyed by name (emitted later on demand, in this order)."""
    hv: dict[str, HostVar] = {}

    def add(name: str, cpp_type: str, expr: str, comment: str = "", deps: tuple[str, ...] | None = None) -> None:
        if deps is None:
            deps = tuple(sorted({d for d in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr) if d != name}))
        group = "cb" if name.startswith("cb_") and not name.endswith("_read_bytes") else "meta"
        if name == "num_units":
            group = "work"
        elif name in _KERNEL_VARS or name.endswith(("_read_bytes", "_addr")):
            group = "kernel"
        hv[name] = HostVar(name, cpp_type, expr, comment, deps, group)

    for name, (cpp_type, expr, deps, comment) in _HOST_VARS.items():
        add(name, cpp_type, expr, comment, deps)
    for t in tensors[1:]:
        x = t.field
        add(f"{x}_buffer", "auto*", f"{x}.buffer()", deps=())
        add(f"{x}_data_format", "const tt::DataFormat", f"tt::tt_metal::datatype_to_dataformat_converter({x}.dtype())", deps=())
        add(f"{x}_tile_size", "const uint32_t", f"tt::tile_size({x}_data_format)", deps=(f"{x}_data_format",))
        add(
            f"{x}_stick_size_aligned",
            "const uint32_t",
            f"tt::round_up({x}.padded_shape()[-1] * {x}.element_size(), {x}_buffer->alignment())",
            f"{x} page size (row-major)",
            deps=(f"{x}_buffer",),
        )
        page = f"{x}_tile_size" if t.layout == "TILE" else f"{x}_stick_size_aligned"
        add(f"{x}_page_size", "const uint32_t", page, f"{x} tensor page size for its TensorAccessor", deps=(page,))
    for name, var in ctx.extra_vars.items():
        hv[name] = var
    add("src_addr", "const uint32_t", "src_buffer->address()", deps=("src_buffer",))
    add("dst_addr", "const uint32_t", "dst_buffer->address()", deps=("dst_buffer",))
    for t in tensors[1:]:
        add(t.addr_arg, "const uint32_t", f"{t.buffer_var}->address()", deps=(t.buffer_var,))
    add("num_units", "const uint32_t", work.total_units_cpp, f"work units ({work.unit.replace('_', '-')}s) over the whole batch")
    for cb in cbs:
        add(f"cb_{cb.base}_page_size", "const uint32_t", cb.page_size_cpp)
        add(f"cb_{cb.base}_num_pages", "const uint32_t", cb.num_pages_cpp)
    cin = next(c for c in cbs if c.index == pt.in_cb)
    cout = next(c for c in cbs if c.index == pt.out_cb)
    rows = work.unit == "tile_row"
    add("in_pages_per_unit", "const uint32_t", pt.in_pages_cpp, "pages the reader pushes (and compute pops) per unit")
    add("out_pages_per_unit", "const uint32_t", pt.out_pages_cpp, "pages compute pushes (and the writer pops) per unit")
    add("rows_per_unit", "const uint32_t", "tt::constants::TILE_HEIGHT" if rows else "1", "tensor rows (sticks) per unit")
    add("units_per_batch", "const uint32_t", "Ht" if rows else "H", "units in one batch slice (rows do not run across batches)")
    add("rows_per_batch", "const uint32_t", "H", "rows in one batch slice")
    if pt.in_mode == "tiles":
        add("src_page_size", "const uint32_t", "input_tile_size", "input page = one tile")
        if not pt.in_stream:  # streaming reads each tile at the write pointer: no stride
            add("in_l1_stride", "const uint32_t", f"cb_{cin.base}_page_size", "L1 bytes between consecutive tiles")
        add("in_read_bytes", "const uint32_t", f"std::min(input_tile_size, cb_{cin.base}_page_size)")
    elif pt.in_mode == "sticks":
        add("src_page_size", "const uint32_t", "input_stick_size_aligned", "input page = one row (stick)")
        add("in_read_bytes", "const uint32_t", f"std::min(input_stick_size, cb_{cin.base}_page_size)", "one stick per unit")
    else:
        add("src_page_size", "const uint32_t", "input_stick_size_aligned", "input page = one row (stick)")
        add(
            "in_l1_stride",
            "const uint32_t",
            f"cb_{cin.base}_page_size * in_pages_per_unit / rows_per_unit",
            "L1 bytes between consecutive rows of a unit",
        )
        add("in_read_bytes", "const uint32_t", "std::min(input_stick_size, in_l1_stride)")
    if pt.out_mode == "tiles":
        add("dst_page_size", "const uint32_t", "output_tile_size", "output page = one tile")
        if not pt.out_stream:
            add("out_l1_stride", "const uint32_t", f"cb_{cout.base}_page_size")
        add("out_write_bytes", "const uint32_t", f"std::min(output_tile_size, cb_{cout.base}_page_size)")
    elif pt.out_mode == "sticks":
        add("dst_page_size", "const uint32_t", "output_stick_size_aligned", "output page = one row (stick)")
        add("out_write_bytes", "const uint32_t", f"std::min(output_stick_size, cb_{cout.base}_page_size)", "one stick per unit")
    else:
        add("dst_page_size", "const uint32_t", "output_stick_size_aligned", "output page = one row (stick)")
        add("out_l1_stride", "const uint32_t", f"cb_{cout.base}_page_size * out_pages_per_unit / rows_per_unit")
        add("out_write_bytes", "const uint32_t", "std::min(output_stick_size, out_l1_stride)")
    for cb in cbs:
        if cb.stub_use == "once" and cb.tensor and cb.tensor != "input":
            add(f"cb_{cb.base}_read_bytes", "const uint32_t", f"std::min({cb.tensor}_page_size, cb_{cb.base}_page_size)")
    return hv


def _build_kernels(
    op: str, rel_dir: str, cbs: list[CBDesign], tensors: list[TensorDesign], pt: PassthroughDesign
) -> list[KernelDesign]:
    def ct(args: list[tuple[str, str, str]]) -> list[ArgDesign]:
        return [ArgDesign(i, n, h, d) for i, (n, h, d) in enumerate(args)]

    cin = next(c for c in cbs if c.index == pt.in_cb)
    cout = next(c for c in cbs if c.index == pt.out_cb)
    once = [c for c in cbs if c.stub_use == "once"]
    by_field = {t.field: t for t in tensors}

    # Reader ------------------------------------------------------------------------------------------
    r_ct = [(f"cb_{cin.base}", cin.var, f"c_{cin.index}: passthrough input")]
    r_once = [c for c in once if c.producer is Role.READER]
    r_ct += [(f"cb_{c.base}", c.var, f"c_{c.index}: one page, once") for c in r_once]
    r_ct += [("in_pages_per_unit", "in_pages_per_unit", "pages pushed per unit")]
    if pt.in_mode != "sticks" and not pt.in_stream:
        r_ct += [("in_l1_stride", "in_l1_stride", "L1 bytes between rows/pages")]
    r_ct += [
        ("in_read_bytes", "in_read_bytes", "bytes read per row/page"),
        ("src_page_size", "src_page_size", "input page size"),
    ]
    if pt.in_mode == "rows":
        r_ct += [
            ("rows_per_unit", "rows_per_unit", "rows per unit"),
            ("units_per_batch", "units_per_batch", "units per batch slice"),
            ("rows_per_batch", "rows_per_batch", "rows per batch slice"),
        ]
    read_tensors = [by_field[c.tensor] for c in r_once if c.tensor and c.tensor in by_field and c.tensor != "input"]
    read_tensors = list({t.field: t for t in read_tensors}.values())
    for c in r_once:
        if c.tensor and c.tensor in by_field and c.tensor != "input":
            r_ct.append((f"cb_{c.base}_read_bytes", f"cb_{c.base}_read_bytes", f"bytes of {c.tensor} read"))
    for t in read_tensors:
        r_ct.append((f"{t.field}_page_size", f"{t.field}_page_size", f"{t.field} page size"))
    reader_ct = ct(r_ct)
    accessors = [AccessorDesign("input", "src_args", "src_buffer", "src_page_size", str(len(reader_ct)))]
    for t in read_tensors:
        accessors.append(
            AccessorDesign(t.field, t.accessor, t.buffer_var, f"{t.field}_page_size", f"{accessors[-1].name}.next_compile_time_args_offset()")
        )
    r_rt = [("src_addr", "src_addr", "input buffer address")]
    r_rt += [(t.addr_arg, t.addr_arg, f"{t.field} buffer address") for t in read_tensors]
    r_rt += [("num_units", "units_per_core", "units this core processes"), ("start_id", "start_id", "first unit of this core")]
    reader = KernelDesign(
        Role.READER,
        f"device/kernels/dataflow/reader_{op}.cpp",
        f"{rel_dir}/device/kernels/dataflow/reader_{op}.cpp",
        "reader_kernel_id",
        reader_ct,
        accessors,
        ct(r_rt),
        cbs_in=[],
        cbs_out=[cin.index, *(c.index for c in r_once)],
    )

    # Compute -----------------------------------------------------------------------------------------
    c_in_once = [c for c in once if c.consumer is Role.COMPUTE]
    c_out_once = [c for c in once if c.producer is Role.COMPUTE]
    c_ct = [
        (f"cb_{cin.base}", cin.var, f"c_{cin.index}: passthrough input"),
        (f"cb_{cout.base}", cout.var, f"c_{cout.index}: passthrough output"),
    ]
    c_ct += [(f"cb_{c.base}", c.var, f"c_{c.index}: one page popped once") for c in c_in_once]
    c_ct += [(f"cb_{c.base}", c.var, f"c_{c.index}: one page pushed once") for c in c_out_once]
    c_ct += [
        ("in_pages_per_unit", "in_pages_per_unit", "pages popped per unit"),
        ("out_pages_per_unit", "out_pages_per_unit", "pages pushed per unit"),
    ]
    compute = KernelDesign(
        Role.COMPUTE,
        f"device/kernels/compute/{op}_compute.cpp",
        f"{rel_dir}/device/kernels/compute/{op}_compute.cpp",
        "compute_kernel_id",
        ct(c_ct),
        [],
        ct([("num_units", "units_per_core", "units this core processes")]),
        cbs_in=[cin.index, *(c.index for c in c_in_once)],
        cbs_out=[cout.index, *(c.index for c in c_out_once)],
    )

    # Writer ------------------------------------------------------------------------------------------
    w_once = [c for c in once if c.consumer is Role.WRITER]
    w_ct = [(f"cb_{cout.base}", cout.var, f"c_{cout.index}: passthrough output")]
    w_ct += [(f"cb_{c.base}", c.var, f"c_{c.index}: one page popped once") for c in w_once]
    w_ct += [("out_pages_per_unit", "out_pages_per_unit", "pages popped per unit")]
    if pt.out_mode != "sticks" and not pt.out_stream:
        w_ct += [("out_l1_stride", "out_l1_stride", "L1 bytes between rows/pages")]
    w_ct += [
        ("out_write_bytes", "out_write_bytes", "bytes written per row/page"),
        ("dst_page_size", "dst_page_size", "output page size"),
    ]
    if pt.out_mode == "rows":
        w_ct += [
            ("rows_per_unit", "rows_per_unit", "rows per unit"),
            ("units_per_batch", "units_per_batch", "units per batch slice"),
            ("rows_per_batch", "rows_per_batch", "rows per batch slice"),
        ]
    writer_ct = ct(w_ct)
    writer = KernelDesign(
        Role.WRITER,
        f"device/kernels/dataflow/writer_{op}.cpp",
        f"{rel_dir}/device/kernels/dataflow/writer_{op}.cpp",
        "writer_kernel_id",
        writer_ct,
        [AccessorDesign("output", "dst_args", "dst_buffer", "dst_page_size", str(len(writer_ct)))],
        ct(
            [
                ("dst_addr", "dst_addr", "output buffer address"),
                ("num_units", "units_per_core", "units this core processes"),
                ("start_id", "start_id", "first unit of this core"),
            ]
        ),
        cbs_in=[cout.index, *(c.index for c in w_once)],
        cbs_out=[],
    )
    return [reader, compute, writer]


# ---------------------------------------------------------------------------------------------- tests, entry point

_BASE_SHAPES = {
    "stage4": [(1, 1, 32, 32)],
    "stage5": [(1, 1, 32, 32), (1, 32, 64, 64)],
    # minimal, multi-tile rows, multi-batch, and > 64 units that do not divide evenly (both core groups)
    "stage6": [(1, 1, 32, 32), (1, 1, 64, 128), (4, 2, 64, 64), (2, 5, 224, 64)],
}


def _fit_rank(shape: tuple[int, ...], rank: str | None) -> tuple[int, ...]:
    if rank is None:
        return shape
    if rank.startswith(">="):
        r = int(rank[2:])
        return shape if r <= len(shape) else (1,) * (r - len(shape)) + shape
    r = int(rank)
    if r <= 0:
        return shape
    return shape[-r:] if r <= len(shape) else (1,) * (r - len(shape)) + shape


def _test_shapes(primary: TensorDesign) -> dict[str, list[tuple[int, ...]]]:
    out: dict[str, list[tuple[int, ...]]] = {}
    for stage, shapes in _BASE_SHAPES.items():
        fitted = [_fit_rank(s, primary.rank) for s in shapes]
        out[stage] = list(dict.fromkeys(fitted))
    return out


def _shapes_that_fit(
    spec: OpSpec, profile: object, shapes: list[tuple[int, ...]], dtype: str, ctx: _Ctx
) -> list[tuple[int, ...]]:
    """Drop Stage 6 test shapes whose CBs would not fit the profile's L1 budget (the test would fail for that
    reason, not the kernels'); the minimal shape always stays."""
    from wizard.budget import l1_budget

    kept: list[tuple[int, ...]] = []
    for i, shape in enumerate(shapes):
        try:
            budget = l1_budget(spec.cbs, profile, shape, dtype, symbols=spec.symbols, dim_order=spec.dim_order)  # type: ignore[arg-type]
        except WizardError:
            kept.append(shape)
            continue
        if i == 0 or budget.errors or budget.fits:
            kept.append(shape)
            if i == 0 and not budget.errors and not budget.fits:
                ctx.warn("design-l1", f"CBs do not fit L1 even for {shape}: {budget.message()}")
        else:
            ctx.warn("design-l1", f"Stage 6 test shape {shape} left out: {budget.message()}")
    return kept


def _closure(roots: set[str], hv: dict[str, HostVar]) -> set[str]:
    seen: set[str] = set()
    stack = [r for r in roots if r in hv]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(d for d in hv[name].deps if d in hv and d not in seen)
    return seen


def build_design(spec: OpSpec, profile: object | None = None) -> OpDesign:
    """Derive the full Stage 4-6 design from a spec. Raises WizardError when the spec cannot be generated from
    (no name, no CB table); everything else degrades to a documented assumption plus a warning."""
    if not spec.name:
        raise WizardError("the spec has no operation name (Overview: **Operation Name**)", path=str(spec.path or ""))
    if not spec.cbs:
        raise WizardError("the spec has no circular-buffer table; nothing to generate", path=str(spec.path or ""))
    ctx = _Ctx(spec)
    op = naming.snake_case(spec.name)
    category = naming.category_name(spec.category)
    rel_dir = naming.op_rel_dir(category, op)
    tensors = _build_tensors(spec, ctx)
    params = _build_params(spec, ctx)
    validations, skipped = _build_validations(spec, tensors, ctx)
    primary = tensors[0]
    output = _build_output(spec, primary, ctx)
    unit = _unit_kind(spec, primary, output, ctx)
    work = _build_work(spec, unit, ctx)
    cin_spec, cout_spec = _pick_passthrough(spec.cbs, tensors, ctx)
    cbs = _build_cbs(spec, tensors, cin_spec, cout_spec, ctx)
    cin = next(c for c in cbs if c.index == cin_spec.index)
    cin.tensor = "input"
    cout = next(c for c in cbs if c.index == cout_spec.index)
    pt = _build_passthrough(cin, cout, primary, output, work)
    kernels = _build_kernels(op, rel_dir, cbs, tensors, pt)
    hv = _host_vars_for(cbs, tensors, pt, work, ctx)

    # Emit only what is used: kernel args, CB configs and the work split are the roots.
    roots: set[str] = {"num_units", "src_buffer", "dst_buffer"}
    for cb in cbs:
        roots |= {f"cb_{cb.base}_page_size", f"cb_{cb.base}_num_pages", cb.data_format_cpp}
    for k in kernels:
        roots |= {a.host for a in k.ct_args} | {a.buffer_var for a in k.accessors}
        for a in k.rt_args:
            roots |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", a.host))
    used = _closure(roots, hv)
    host_vars = [v for name, v in hv.items() if name in used]
    cpp_used_syms = " ".join(v.expr for v in host_vars)
    for name, var in ctx.extra_vars.items():
        if name not in used and re.search(rf"\b{re.escape(name)}\b", cpp_used_syms):
            host_vars.insert(0, var)

    if any("DeviceComputeKernelConfig" in p.cpp_type for p in params):
        ctx.warn(
            "design-compute-config",
            "the compute_kernel_config parameter is not wired into ComputeConfig yet: the stub compute kernel uses "
            "MathFidelity::HiFi4 (Stage 7: get_compute_kernel_config_args(device->arch(), config))",
            severity=Severity.INFO,
        )
    if pt.ratio == "N-to-1":
        work.notes.append(f"N-to-1 passthrough: {pt.in_pages_cpp} page(s) in, {pt.out_pages_cpp} out per unit")
    if work.strategy is Strategy.SINGLE_CORE:
        work.notes.append("single core (as the spec says): all units on core (0, 0)")
    dtype = "bfloat16" if (not primary.dtypes or "BFLOAT16" in primary.dtypes) else primary.dtypes[0].lower()
    shapes = _test_shapes(primary)
    sample_bytes: dict[int, tuple[int | None, int | None, int | None]] = {}
    sample_label = ""
    if profile is not None and hasattr(profile, "l1_budget"):
        shapes["stage6"] = _shapes_that_fit(spec, profile, shapes["stage6"], dtype, ctx)
        sample = shapes["stage6"][1] if len(shapes["stage6"]) > 1 else shapes["stage6"][0]
        try:
            from wizard.budget import l1_budget

            budget = l1_budget(spec.cbs, profile, sample, dtype, symbols=spec.symbols, dim_order=spec.dim_order)  # type: ignore[arg-type]
            sample_bytes = {r.index: (r.page_size, r.num_pages, r.total) for r in budget.rows}
            sample_label = (
                f"{sample} {dtype} on {getattr(profile, 'name', 'the profile')}: "
                f"{budget.total:,} B of {budget.budget:,} B per core"
            )
        except WizardError:
            pass
    return OpDesign(
        op_name=op,
        op_pascal=naming.pascal_case(op),
        category=category,
        namespace=naming.namespace_for(category, op),
        op_rel_dir=rel_dir,
        inputs=tensors,
        params=params,
        validations=validations,
        output=output,
        host_vars=host_vars,
        cbs=cbs,
        work=work,
        kernels=kernels,
        passthrough=pt,
        test_shapes=shapes,
        test_dtype=dtype,
        warnings=ctx.warnings,
        skipped_requirements=skipped,
        sample_bytes=sample_bytes,
        sample_label=sample_label,
    )
