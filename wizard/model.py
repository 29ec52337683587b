"""The domain model: what a planner spec says, with where each value came from.

Plain typed dataclasses, shared by the parser, generation, the CLI and the UI. Every
extracted value can carry a ``Provenance`` (source line + confidence) in the owning
object's ``prov`` map, keyed by field name, so values stay plain (``cb.pages`` is a str)
while the UI can still show where each one came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Confidence(str, Enum):
    """How sure we are of an extracted value."""

    EXPLICIT = "explicit"  # read verbatim from a table cell or a labelled bullet
    INFERRED = "inferred"  # derived from prose, a name, or another field
    DEFAULT = "default"  # nothing in the spec; our documented default
    MANUAL = "manual"  # the user overrode it (session state)


@dataclass(frozen=True)
class Provenance:
    line: int | None  # 1-based line in the spec; None when there is no source
    confidence: Confidence


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"  # the spec is not usable for generation until fixed or overridden


@dataclass
class SpecWarning:
    """Something missing, ambiguous or suspicious, tied to a spec line."""

    code: str  # stable machine id, e.g. "missing-section", "duplicate-cb-index", "work-unit-ignores-batch"
    message: str
    line: int | None = None
    severity: Severity = Severity.WARNING

    def render(self, path: str | Path | None = None) -> str:
        where = f"{path}:{self.line}" if path and self.line else (f"line {self.line}" if self.line else str(path or ""))
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]".lstrip(": ")


@dataclass
class Provenanced:
    """Mixin: ``prov[field_name]`` says where that field's value came from."""

    prov: dict[str, Provenance] = field(default_factory=dict, kw_only=True)

    def source(self, name: str) -> Provenance | None:
        return self.prov.get(name)

    def mark(self, name: str, line: int | None, confidence: Confidence) -> None:
        self.prov[name] = Provenance(line, confidence)


class PageKind(str, Enum):
    TILE = "tile"  # page = one tile of the CB's data format (tt::tile_size(df))
    STICK = "stick"  # page = one row-major stick, W * element_size aligned to the buffer alignment
    BYTES = "bytes"  # the spec gives a total byte formula; one page of that many bytes


class Lifetime(str, Enum):
    BLOCK = "block"  # pushed and popped every block / tile-row / tile
    ROW = "row"
    PROGRAM = "program"  # pushed once, never popped (scalers, persistent gamma/beta): balance-exempt
    UNKNOWN = "unknown"


class Role(str, Enum):
    """Which kernel produces or consumes a CB."""

    READER = "reader"
    COMPUTE = "compute"
    WRITER = "writer"
    HOST = "host"  # globally allocated / set up by the factory
    UNKNOWN = "unknown"


@dataclass
class CircularBuffer(Provenanced):
    index: int  # 0..31
    name: str  # primary name, e.g. "cb_in_rm"
    aliases: list[str] = field(default_factory=list)  # "c_9 | cb_standardized / cb_output_tiled"
    purpose: str = ""
    producer: str = ""  # as written ("Compute (tilize)")
    consumer: str = ""
    producer_role: Role = Role.UNKNOWN
    consumer_role: Role = Role.UNKNOWN
    pages: str = "2"  # symbolic page count ("2*Wt"); for BYTES, the total-bytes formula
    page_kind: PageKind = PageKind.TILE
    data_format: str = "input"  # "input" | "output" | a DataType name like "bfloat16"/"float32"
    buffering: str = ""  # "Single" / "Double" / "Multi" / ""
    lifetime: Lifetime = Lifetime.BLOCK
    lifetime_text: str = ""  # as written ("PERSISTENT (Phases 1-3)")
    sizing_text: str = ""  # the raw sizing/capacity cell
    line: int | None = None  # table row line
    raw: dict[str, str] = field(default_factory=dict)  # every column as written, unknown ones included


class Strategy(str, Enum):
    SINGLE_CORE = "single_core"
    SPLIT_WORK = "split_work_to_cores"


@dataclass
class WorkDistribution(Provenanced):
    unit: str = "tile"  # "tile", "tile-row", "stick", ...
    unit_size: str = ""  # e.g. "Wt tiles"
    total_units: str = "N*C*Ht"  # symbolic, batch-aware
    strategy: Strategy = Strategy.SPLIT_WORK
    row_wise: bool = False
    per_core: str = ""  # prose/formula as written
    remainder: str = ""  # "two core groups", "cliff core"
    grid: str = ""  # as written


@dataclass
class Reference(Provenanced):
    name: str
    path: str = ""
    role: str = ""


@dataclass
class Parameter(Provenanced):
    name: str
    type: str = ""
    required: bool = False
    valid_range: str = ""
    default: str = ""
    description: str = ""
    line: int | None = None


@dataclass
class Requirement(Provenanced):
    property: str
    requirement: str
    hint: str = ""  # error message hint, quotes stripped
    line: int | None = None


@dataclass
class OutputSpec(Provenanced):
    shape: str = ""  # logical shape formula as written
    padded_shape: str = ""
    dtype: str = ""
    layout: str = ""
    memory_layout: str = ""
    buffer_type: str = ""
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class KernelSpec(Provenanced):
    name: str  # "Reader", "reader_foo.cpp"
    role: Role = Role.UNKNOWN
    core: str = ""  # as written: "RISCV_0 (BRISC)"
    noc: str = ""
    inputs: str = ""
    outputs: str = ""
    function: str = ""
    line: int | None = None


@dataclass
class ArgSpec(Provenanced):
    index: str  # usually an int as text; may be "2+" for TensorAccessorArgs
    name: str
    type: str = ""
    description: str = ""
    line: int | None = None


@dataclass
class Section:
    title: str
    level: int
    line: int  # heading line, 1-based
    end_line: int  # last line of the section (before the next heading of same or higher level)


@dataclass
class OpSpec(Provenanced):
    """Everything read from one ``{op}_spec.md``."""

    path: Path | None = None
    name: str = ""
    category: str = ""
    planning_mode: str = ""
    references: list[Reference] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    # tensor name ("input", "gamma", "beta") -> its requirement rows
    input_requirements: dict[str, list[Requirement]] = field(default_factory=dict)
    output: OutputSpec = field(default_factory=OutputSpec)
    cbs: list[CircularBuffer] = field(default_factory=list)
    work: WorkDistribution = field(default_factory=WorkDistribution)
    kernels: list[KernelSpec] = field(default_factory=list)
    ct_args: dict[str, list[ArgSpec]] = field(default_factory=dict)  # kernel -> args
    rt_args: dict[str, list[ArgSpec]] = field(default_factory=dict)
    memory_access: dict[str, str] = field(default_factory=dict)  # subsection title -> text
    data_flow: str = ""
    edge_cases: list[str] = field(default_factory=list)
    test_criteria: dict[str, list[str]] = field(default_factory=dict)  # subsection -> bullet items
    validation_behavior: list[str] = field(default_factory=list)
    # symbols the spec defines itself ("Wt = ceil(W / TILE_WIDTH)", "const uint32_t out_ntiles_c = ...;"): name -> expr
    symbols: dict[str, str] = field(default_factory=dict)
    # how a 4-D sample shape is read: "NCHW" (default) or "NHWC" (the spec says its input is channels last)
    dim_order: str = "NCHW"
    sections: list[Section] = field(default_factory=list)
    warnings: list[SpecWarning] = field(default_factory=list)

    @property
    def errors(self) -> list[SpecWarning]:
        return [w for w in self.warnings if w.severity is Severity.ERROR]

    @property
    def usable(self) -> bool:
        """Usable for generation: has a name and at least one CB, and no error-level findings."""
        return bool(self.name) and bool(self.cbs) and not self.errors

    def cb(self, index: int) -> CircularBuffer | None:
        return next((c for c in self.cbs if c.index == index), None)


@dataclass
class PlannedFile:
    """One file generation wants to write, relative to the op directory (or repo root for build edits)."""

    path: str  # POSIX relative path, e.g. "device/kernels/dataflow/reader_foo.cpp"
    text: str
    stage: int  # the stage that owns it (1..6)
    kind: str = "cpp"  # "cpp" | "hpp" | "py" | "md" | "cmake"
    root: str = "op"  # "op" (relative to the op dir) or "repo" (relative to the checkout root)


@dataclass
class Plan:
    op_name: str
    op_rel_dir: str  # e.g. "ttnn/cpp/ttnn/operations/reduction/foo" (relative to a tt-metal checkout)
    files: list[PlannedFile] = field(default_factory=list)

    def by_path(self) -> dict[str, PlannedFile]:
        return {f.path: f for f in self.files}


@dataclass
class Finding:
    """A problem found by a check (balance, contract, syntax, compile, scaffold)."""

    check: str  # "balance" | "contract" | "syntax" | "format" | "compile" | "scaffold"
    path: str  # file relative to the op dir
    line: int | None
    message: str
    severity: Severity = Severity.ERROR

    def render(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        return f"{loc}: {self.severity.value}: {self.message} [{self.check}]"


def dedupe_findings(findings: list[Finding]) -> list[Finding]:
    """The findings in order, each (path, line, message) once (several checks can reach the same fact)."""
    seen: set[tuple[str, int | None, str]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.path, f.line, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
