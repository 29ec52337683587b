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

from dataclasses import dataclass, field

from wizard.model import Lifetime, PageKind, Role, SpecWarning, Strategy


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
