"""Format variations of domain.md 2.3 that the seven samples do not all show: v2 and architect layouts,
every CB column set, id/name/lifetime vocabularies, work-distribution forms, and the warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.model import Confidence, Lifetime, PageKind, Provenance, Role, Severity, Strategy
from wizard.spec import parse_spec_text, sample_shape
from wizard.spec.cbs import parse_size
from wizard.spec.vocab import cb_index, cb_names, lifetime_of, role_of

OVERVIEW = "# foo Functional Specification\n\n## Overview\n- **Operation Name**: foo_op\n- **Category**: eltwise\n\n"


def codes(spec, severity: Severity | None = None) -> list[str]:
    return [w.code for w in spec.warnings if severity is None or w.severity is severity]


@pytest.mark.parametrize(
    ("cell", "index"),
    [("c_0", 0), ("`c_7`", 7), ("CB_1", 1), ("CB 3", 3), ("16", 16), ("c_in0", 0), ("c_in2", 2), ("c_out0", 16),
     ("c_intermed1", 25), ("CBIndex::c_5", 5), ("tt::CBIndex::c_16", 16), ("**c_24**", 24), ("c_9 (cb_x)", 9),
     ("cb_in (c_2)", 2)],
)
def test_cb_id_styles(cell: str, index: int) -> None:
    assert cb_index(cell) == index


@pytest.mark.parametrize("cell", ["", "cb_in", "zz", "input", "-"])
def test_cb_id_garbage(cell: str) -> None:
    assert cb_index(cell) is None


def test_cb_names_two_in_one_cell() -> None:
    assert cb_names("cb_standardized / cb_output_tiled") == ["cb_standardized", "cb_output_tiled"]
    assert cb_names("`CB_in` (row-major input)") == ["CB_in"]


@pytest.mark.parametrize(
    ("cell", "pages", "kind"),
    [
        ("2", "2", None),
        ("Wt", "Wt", None),
        ("2*Wt", "2*Wt", None),
        ("Ht\\*Ct", "Ht*Ct", None),
        ("`Wt` tiles (one tile-row)", "Wt", PageKind.TILE),
        ("Wt tiles (full row width)", "Wt", PageKind.TILE),
        ("2 tiles (double buffer)", "2", PageKind.TILE),
        ("1 tile (output width)", "1", PageKind.TILE),
        ("Wt tiles * tile_size (single-buffered per block)", "Wt", PageKind.TILE),
        ("num_tiles_per_row tiles × input_tile_size", "num_tiles_per_row", PageKind.TILE),
        ("32 sticks", "32", PageKind.STICK),
        ("`4 * input_stick_nbytes * 2` (double-buffered, 4 sticks per work unit)", "4*input_stick_nbytes*2",
         PageKind.BYTES),
        ("`TILE_HW * element_size * 2`", "TILE_HW*element_size*2", PageKind.BYTES),
        ("2 * (Wt + 1) tiles", "2*(Wt+1)", PageKind.TILE),
        ("Wt tiles x 2 (double-buffered)", "Wt*2", PageKind.TILE),
        ("Wt tiles * 2", "Wt*2", PageKind.TILE),
        ("Wt tiles * 2 * tile_size", "Wt*2", PageKind.TILE),
        ("1 tile × input_tile_size", "1", PageKind.TILE),
    ],
)
def test_page_count_cells(cell: str, pages: str, kind: PageKind | None) -> None:
    got_pages, got_kind, err = parse_size(cell)
    assert err is None
    assert (got_pages, got_kind) == (pages, kind)


@pytest.mark.parametrize("cell", ["lots", "a few", "dynamic"])
def test_page_count_garbage(cell: str) -> None:
    assert parse_size(cell)[2] is not None


@pytest.mark.parametrize(
    ("text", "life"),
    [("Block", Lifetime.BLOCK), ("Row", Lifetime.ROW), ("Program", Lifetime.PROGRAM), ("Kernel", Lifetime.PROGRAM),
     ("Per-iter", Lifetime.BLOCK), ("Per tile-row", Lifetime.ROW), ("Per sample", Lifetime.ROW),
     ("Per group", Lifetime.ROW), ("Per tile", Lifetime.BLOCK), ("PERSISTENT (Phases 1-3)", Lifetime.ROW),
     ("**PERSISTENT**", Lifetime.ROW), ("Program (read once)", Lifetime.PROGRAM),
     ("Program (persist)", Lifetime.PROGRAM),
     ("Block (reused)", Lifetime.BLOCK), ("Block (per tile-row)", Lifetime.BLOCK), ("Tile-row", Lifetime.ROW),
     ("Phase", Lifetime.BLOCK), ("Streaming", Lifetime.BLOCK), ("Row (persistent)", Lifetime.ROW), ("whenever", None)],
)
def test_lifetime_vocabulary(text: str, life: Lifetime | None) -> None:
    assert lifetime_of(text) is life


@pytest.mark.parametrize(
    ("text", "role"),
    [("Reader", Role.READER), ("Reader (RISCV_0)", Role.READER), ("RISCV_0 (reader)", Role.READER),
     ("Reader (once)", Role.READER), ("Compute (tilize)", Role.COMPUTE), ("Compute (reduce x2)", Role.COMPUTE),
     ("Compute (gamma mul / untilize)", Role.COMPUTE), ("RISCV_1 (writer)", Role.WRITER), ("Writer", Role.WRITER),
     ("TRISC (Unpack/Math/Pack)", Role.COMPUTE), ("RISCV_2,3,4 (TRISC)", Role.COMPUTE), ("RISCV_0", Role.READER),
     ("Host", Role.HOST), ("the moon", Role.UNKNOWN), ("-", Role.UNKNOWN)],
)
def test_roles(text: str, role: Role) -> None:
    assert role_of(text) is role


V2 = """# Operation Design: bar_op

## Overview
- **Operation Name**: bar_op
- **Category**: normalization

## Section A: API + Validation

### Parameters
| Parameter | Type | Required | Valid Range | Default | Description |
|---|---|---|---|---|---|
| input_tensor | Tensor | Yes | - | - | input |

### Input Tensor Requirements
| Property | Requirement | Error Hint |
|---|---|---|
| Layout | TILE | "must be TILE" |

### Output Tensor Specification
- **Shape**: same as input
- **Dtype**: same as input

## Section B: CB Config + Data Flow

### Work Distribution
- **Work unit**: tile-row (Wt tiles)
- **Grid**: split_work_to_cores over the compute grid
- **Work per core**: ceil(NC*Ht / cores)
- **Remainder**: two core groups

### Data Flow
Reader reads a tile-row, compute reduces it, writer writes one tile.

### Circular Buffer Requirements
| CB ID | Name | Purpose | Producer | Consumer | Pages | Lifetime |
|---|---|---|---|---|---|---|
| c_0 | cb_in | input | Reader | Compute | 2*Wt | Block |
| c_8 | cb_scaler | scaler | Reader | Compute | 1 | Program |
| c_16 | cb_out | output | Compute | Writer | 2 | Block |

### Kernel Arguments

Compile-time:

| Kernel | Index | Name | Type | Description |
|---|---|---|---|---|
| reader | 0 | stick_size | uint32_t | bytes |
| writer | 0 | cb_out | uint32_t | id |

Runtime:

| Kernel | Index | Name | Type | Description |
|---|---|---|---|---|
| reader | 0 | src_addr | uint32_t | address |

### Test Criteria
- minimal `(1,1,32,32)`
- multi-tile `(1,1,64,128)`
- multi-batch `(4,2,64,64)`

## Part 2: Kernel Implementation

### CB Allocation (final, validated against helpers)
| CB | Pages | Layout | Valid Region | Lifetime |
|---|---|---|---|---|
| c_0 (cb_in) | 2*Wt | TILE | all | Block |
| c_8 (cb_scaler) | 1 | TILE | row 0 | Program |
| c_16 (cb_out) | 2 | ROW_MAJOR | all | Block |
"""


def test_v2_and_architect_layout() -> None:
    spec = parse_spec_text(V2)
    assert spec.name == "bar_op" and spec.category == "normalization"
    assert spec.errors == [], [w.render() for w in spec.errors]
    # The "final" architect table wins over the Part 1 one: no duplicates.
    assert [(c.index, c.name) for c in spec.cbs] == [(0, "cb_in"), (8, "cb_scaler"), (16, "cb_out")]
    v2_lines = V2.split("\n")
    final_rows = [n + 1 for n, r in enumerate(v2_lines) if r.startswith("| c_") and "(" in r.split("|")[1]]
    assert [c.line for c in spec.cbs] == final_rows
    assert spec.cb(16).page_kind is PageKind.STICK  # Layout column ROW_MAJOR
    assert spec.cb(0).page_kind is PageKind.TILE
    # No producer/consumer columns in the final table: taken from the Part 1 table's row for the same CB.
    assert spec.cb(16).producer_role is Role.COMPUTE and spec.cb(16).consumer_role is Role.WRITER
    part1_c16 = V2.split("\n").index("| c_16 | cb_out | output | Compute | Writer | 2 | Block |") + 1
    assert spec.cb(16).source("producer_role") == Provenance(part1_c16, Confidence.EXPLICIT)
    assert "cb-merged" in codes(spec, Severity.INFO) and "cb-roles-inferred" not in codes(spec)
    # Without the Part 1 table the roles come from the index convention, marked inferred.
    alone = parse_spec_text(V2[: V2.index("### Circular Buffer Requirements")] + V2[V2.index("## Part 2"):])
    assert alone.cb(16).producer_role is Role.COMPUTE and alone.cb(16).consumer_role is Role.WRITER
    assert alone.cb(16).source("producer_role").confidence is Confidence.INFERRED
    assert "cb-roles-inferred" in codes(alone, Severity.INFO)
    w = spec.work
    assert (w.unit, w.strategy, w.total_units) == ("tile-row", Strategy.SPLIT_WORK, "NC*Ht")
    assert w.remainder == "two core groups"
    assert [a.name for a in spec.ct_args["reader"]] == ["stick_size"]
    assert [a.name for a in spec.rt_args["reader"]] == ["src_addr"]
    assert spec.input_requirements["input"][0].hint == "must be TILE"
    # v2 drops Memory Access Patterns and Kernel Data Movement: INFO, not WARNING.
    missing = [w for w in spec.warnings if w.code == "missing-section"]
    assert missing and all(w.severity is Severity.INFO for w in missing)
    assert sample_shape(spec)[0] == (1, 1, 32, 32)


@pytest.mark.parametrize(
    ("header", "row", "pages", "kind"),
    [
        ("| CB ID | Name | Purpose | Pages | Lifetime |", "| c_0 | cb_in | in | 2 | Block |", "2", PageKind.TILE),
        ("| CB ID | Page Size | Num Pages | Data Format | Purpose |", "| c_0 | tile_size | 2 | Float16_b | in |", "2",
         PageKind.TILE),
        ("| CB ID | Page Size | Num Pages | Data Format | Purpose |", "| 0 | stick_size | 64 | bfloat16 | in |", "64",
         PageKind.STICK),
        ("| CB ID | Index | Page Size | Num Pages | Purpose | Source |", "| cb_in | 0 | 2048 | 2 | in | reader |",
         "(2048)*(2)", PageKind.BYTES),
        ("| CB ID | Name | Purpose | Producer | Consumer | Sizing Strategy |",
         "| c_0 | cb_in | in | Reader | Compute | 2 tiles |", "2", PageKind.TILE),
    ],
)
def test_other_cb_column_sets(header: str, row: str, pages: str, kind: PageKind) -> None:
    sep = "|" + "---|" * (header.count("|") - 1)
    text = OVERVIEW + f"## Circular Buffer Requirements\n\n{header}\n{sep}\n{row}\n"
    spec = parse_spec_text(text)
    assert spec.errors == [], [w.render() for w in spec.errors]
    assert len(spec.cbs) == 1
    cb = spec.cbs[0]
    assert (cb.index, cb.pages, cb.page_kind) == (0, pages, kind)
    assert cb.line == 11


def test_format_six_data_format_and_name() -> None:
    text = OVERVIEW + ("## CBs\n\n| CB ID | Page Size | Num Pages | Data Format | Purpose |\n|---|---|---|---|---|\n"
                       "| c_2 | tile_size | 1 | Float16_b | scaler |\n")
    cb = parse_spec_text(text).cbs[0]
    assert cb.data_format == "bfloat16" and cb.source("data_format").confidence is Confidence.EXPLICIT
    assert cb.name == "cb_2" and cb.source("name").confidence is Confidence.DEFAULT


def test_removed_cb_table_and_resolution_aliases_are_not_cb_rows() -> None:
    text = OVERVIEW + """## Data Flow

### CB ID Resolution
| Logical CB | Source Ref | Original ID | Final ID | Notes |
|---|---|---|---|---|
| CB_in (row-major input) | tilize | c_0 | c_0 | x |
| CB_tiles | new | - | c_1 | y |

### Circular Buffer Requirements
| CB ID | Name | Purpose | Producer | Consumer | Sizing Strategy |
|---|---|---|---|---|---|
| c_0 | cb_in | in | Reader | Compute | 1 tile |
| c_1 | cb_tiled | mid | Compute | Writer | 1 tile |

**Removed from the reference** (not needed):

| CB ID | Name | Purpose | Producer | Consumer | Sizing Strategy |
|---|---|---|---|---|---|
| c_0 | cb_grid | grid | Reader | Compute | 1 tile |
"""
    spec = parse_spec_text(text)
    assert [(c.index, c.name) for c in spec.cbs] == [(0, "cb_in"), (1, "cb_tiled")]
    assert "duplicate-cb-index" not in codes(spec)
    assert spec.cb(1).aliases == ["CB_tiles"]
    assert spec.cb(0).aliases == []  # CB_in is cb_in


def test_cb_table_found_outside_a_cb_heading_and_at_any_level() -> None:
    for level in ("##", "###", "####"):
        text = OVERVIEW + f"{level} Circular Buffer Requirements\n\n| CB ID | Name | Producer | Consumer | Pages |\n" \
                          "|---|---|---|---|---|\n| c_0 | cb_in | Reader | Writer | 2 |\n"
        assert [c.index for c in parse_spec_text(text).cbs] == [0]
    text = OVERVIEW + "## Buffers\n\n| CB ID | Name | Producer | Consumer | Pages |\n|---|---|---|---|---|\n" \
                      "| c_0 | cb_in | Reader | Writer | 2 |\n"
    spec = parse_spec_text(text)
    assert [c.index for c in spec.cbs] == [0]
    assert "no-cb-table" not in codes(spec)


CB_HEAD = "## Circular Buffer Requirements\n\n| CB ID | Name | Purpose | Producer | Consumer | Pages | Lifetime |\n" \
          "|---|---|---|---|---|---|---|\n"


def _cb_spec(*rows: str, kernels: bool = False) -> str:
    kdm = ("## Kernel Data Movement\n\n| Kernel | Core | NOC | Actual Function |\n|---|---|---|---|\n"
           "| reader | RISCV_0 | NOC0 | read |\n| writer | RISCV_1 | NOC1 | write |\n\n") if kernels else ""
    return OVERVIEW + kdm + CB_HEAD + "\n".join(rows) + "\n"


def test_cb_consistency_warnings() -> None:
    text = _cb_spec(
        "| c_0 | cb_a | in | Reader | - | 2 | Block |",  # line 11: nobody reads it
        "| c_1 | cb_b | mid | | Writer | 2 | Block |",  # line 12: nobody writes it
        "| c_2 | cb_c | mid | the moon | Writer | 2 | Block |",  # line 13: no such kernel
        "| c_3 | cb_d | mid | Compute | Writer | 2 | Whenever |",  # line 14: lifetime not in the vocabulary
        "| c_40 | cb_e | mid | Reader | Writer | 2 | Block |",  # line 15
        "| c_5 | cb_f | mid | Reader | Writer | 2*Kt | Block |",  # line 16: unknown symbol
    )
    spec = parse_spec_text(text)
    found = {(w.code, w.line) for w in spec.warnings}
    assert ("cb-unread", 11) in found
    assert ("cb-unwritten", 12) in found
    assert ("cb-unknown-kernel", 13) in found
    assert ("cb-unknown-lifetime", 14) in found
    assert ("cb-index-out-of-range", 15) in found
    unknown = [w for w in spec.warnings if w.code == "unknown-symbol"]
    assert [(w.line, w.severity) for w in unknown] == [(16, Severity.WARNING)] and "Kt" in unknown[0].message
    assert not spec.usable  # the out-of-range index is an error


def test_kernel_role_missing_from_kernel_table() -> None:
    spec = parse_spec_text(_cb_spec("| c_0 | cb_a | in | Reader | Compute | 2 | Block |", kernels=True))
    w = [w for w in spec.warnings if w.code == "cb-unknown-kernel"]
    assert len(w) == 1 and "compute" in w[0].message and w[0].line == 18


def test_duplicate_and_garbage_rows() -> None:
    spec = parse_spec_text(_cb_spec(
        "| c_0 | cb_a | in | Reader | Compute | 2 | Block |",
        "| c_0 | cb_b | in | Reader | Compute | 2 | Block |",
        "| ??? | cb_c | in | Reader | Compute | 2 | Block |",
        "| c_3 | cb_d | in | Reader | Compute | lots | Block |",
    ))
    errors = {(w.code, w.line) for w in spec.errors}
    assert errors == {("duplicate-cb-index", 12), ("bad-cb-index", 13), ("bad-pages-expression", 14)}
    assert "lots" in next(w.message for w in spec.errors if w.code == "bad-pages-expression")
    assert [c.name for c in spec.cbs] == ["cb_a", "cb_b", "cb_d"]


@pytest.mark.parametrize(
    ("body", "unit", "total", "conf", "strategy"),
    [
        ("### Work Unit Definition\n| Attribute | Value |\n|---|---|\n| **Granularity** | Tile |\n"
         "| **Total units** | N * C * Ht * Wt tiles |\n", "tile", "N*C*Ht*Wt", Confidence.EXPLICIT,
         Strategy.SPLIT_WORK),
        ("- **Work unit**: one tile\n- **Grid**: Single core initially; future: 1D grid with "
         "split_work_to_cores(grid_size, Ht)\n", "tile", "NC*Ht*Wt", Confidence.INFERRED, Strategy.SINGLE_CORE),
        ("One work unit = one output stick\n\n### Single-Core Strategy (Template Default)\n- all on core (0, 0)\n\n"
         "### Multi-Core Extension (Future)\n- **Grid**: split_work_to_cores\n", "stick", "N*C*H", Confidence.INFERRED,
         Strategy.SINGLE_CORE),
        ("- **Work unit**: tile-row\n- **Grid**: Up to compute_with_storage_grid_size\n"
         "- **Total work units**: NC * Ht\n",
         "tile-row", "NC*Ht", Confidence.EXPLICIT, Strategy.SPLIT_WORK),
    ],
)
def test_work_distribution_forms(body: str, unit: str, total: str, conf: Confidence, strategy: Strategy) -> None:
    spec = parse_spec_text(OVERVIEW + "## Work Distribution\n\n" + body + "\n" + CB_HEAD +
                           "| c_0 | cb | x | Reader | Writer | 2 | Block |\n")
    w = spec.work
    assert (w.unit, w.total_units, w.source("total_units").confidence, w.strategy) == (unit, total, conf, strategy)
    assert "work-unit-ignores-batch" not in codes(spec)


def test_batch_warning_names_line() -> None:
    text = OVERVIEW + "## Work Distribution\n\n- **Work unit**: tile-row\n- **Total units**: Ht\n- **Grid**: 1x1\n"
    spec = parse_spec_text(text)
    w = next(w for w in spec.warnings if w.code == "work-unit-ignores-batch")
    assert w.line == 10 and "NC*Ht" in w.message


def test_missing_category_uses_the_path_then_a_default(tmp_path: Path) -> None:
    text = "## Overview\n- **Operation Name**: foo\n\n" + CB_HEAD + "| c_0 | cb | x | Reader | Writer | 2 | Block |\n"
    in_tree = tmp_path / "ttnn/cpp/ttnn/operations/reduction/foo/foo_spec.md"
    spec = parse_spec_text(text, in_tree)
    assert spec.category == "reduction" and spec.source("category").confidence is Confidence.INFERRED
    spec = parse_spec_text(text)
    assert spec.category == "experimental" and spec.source("category").confidence is Confidence.DEFAULT
    assert "missing-category" in codes(spec, Severity.WARNING)
    assert spec.usable  # a default category does not block generation


def test_name_fallbacks() -> None:
    body = "\n## Overview\n- **Category**: pool\n\n" + CB_HEAD + "| c_0 | cb | x | Reader | Writer | 2 | Block |\n"
    spec = parse_spec_text("# Image Rotate Functional Specification\n" + body)
    assert spec.name == "image_rotate" and spec.source("name").confidence is Confidence.INFERRED
    spec = parse_spec_text("# Notes\n" + body, Path("/x/my_op_spec.md"))
    assert spec.name == "my_op"
    spec = parse_spec_text("# Notes\n" + body)
    assert spec.name == "" and "missing-name" in codes(spec, Severity.ERROR)


def test_windows_line_endings_and_bom_keep_line_numbers() -> None:
    text = "\ufeff" + _cb_spec("| c_0 | cb_a | in | Reader | Writer | 2 | Block |").replace("\n", "\r\n")
    spec = parse_spec_text(text)
    assert spec.name == "foo_op" and spec.cbs[0].line == 11


def test_plain_id_column_counts_only_under_a_cb_heading() -> None:
    table = "| Index | Name | Producer | Consumer | Pages |\n|---|---|---|---|---|\n"
    table += "| 3 | cb_x | Reader | Writer | 2 |\n"
    spec = parse_spec_text(OVERVIEW + "## Circular Buffers\n\n" + table)
    assert [(c.index, c.name) for c in spec.cbs] == [(3, "cb_x")]
    spec = parse_spec_text(OVERVIEW + "## Some Other Table\n\n" + table)
    assert spec.cbs == [] and "no-cb-table" in codes(spec, Severity.ERROR)


ARCHITECT = """# Operation Design: rms_like

## Overview
- **Operation Name**: rms_like
- **Category**: normalization
- **Reference Operations**: tilize (input_stage), untilize (output_stage), reduce_w (compute_core)

## Part 1: Architecture

### Work Distribution
- **Work unit**: tile-row (one row of Wt tiles = 32 sticks of width W)
- **Grid**: 1D linear from compute_with_storage_grid_size
- **Total units**: Ht_total = product(shape[:-1]) / 32
- **Remainder**: Two core groups

### Circular Buffer Requirements
| CB ID | Name | Purpose | Producer | Consumer | Pages | Lifetime |
|-------|------|---------|----------|----------|-------|----------|
| c_0 | cb_input_rm | RM sticks | Reader | Compute (tilize) | Wt | Row |
| c_1 | cb_tilized | Tilized input | Compute/Reader | Compute (square, mul) | Wt | Row (persistent) |
| c_16 | cb_out | Output tiles | Compute (mul) | Writer/Compute (untilize) | Wt | Row |

### Kernel Arguments

**Compile-time** (compute kernel):
| Index | Name | Type | Description |
|-------|------|------|-------------|
| 0 | Ht | uint32_t | Tile-rows per core |
| 1 | Wt | uint32_t | Tiles in W |

**Runtime** (reader kernel):
| Index | Name | Type | Description |
|-------|------|------|-------------|
| 0 | src_addr | uint32_t | Input buffer address |

### Test Criteria
| Category | Purpose | Shape |
|----------|---------|-------|
| Multi-batch | Batch handling | `(4, 2, 64, 64)` |

## Part 2: Kernel Implementation

### CB Allocation (final, validated against helpers)

| CB | Pages | Layout | Valid Region | Lifetime |
|----|-------|--------|--------------|----------|
| c_0 | Wt | Tile-sized pages (RM data or unused) | All (RM sticks) | Row |
| c_1 | Wt | TILE | All | Row (persistent) |
| c_16 | 2*Wt | TILE | All | Streaming |
"""


def test_architect_final_table_completed_from_part_one() -> None:
    spec = parse_spec_text(ARCHITECT)
    assert spec.errors == [], [w.render() for w in spec.errors]
    lines = ARCHITECT.split("\n")
    final_rows = [i + 1 for i, ln in enumerate(lines) if ln.startswith("| c_") and "TILE" in ln or "Tile-sized" in ln]
    assert [c.line for c in spec.cbs] == final_rows  # rows of the final table
    assert [(c.index, c.name) for c in spec.cbs] == [(0, "cb_input_rm"), (1, "cb_tilized"), (16, "cb_out")]
    assert spec.cb(16).pages == "2*Wt" and spec.cb(16).lifetime is Lifetime.BLOCK  # final table wins
    c1 = spec.cb(1)
    assert c1.producer == "Compute/Reader" and c1.producer_role is Role.COMPUTE  # first role named
    part1_c1 = next(n for n, ln in enumerate(lines) if ln.startswith("| c_1 | cb_tilized")) + 1
    assert c1.source("producer").line == part1_c1
    assert spec.cb(0).page_kind is PageKind.TILE  # "Tile-sized pages (RM data ...)"
    assert "cb-merged" in codes(spec, Severity.INFO) and "cb-roles-inferred" not in codes(spec)
    # Kernel arguments introduced by "**Compile-time** (compute kernel):" lines.
    assert [a.name for a in spec.ct_args["compute"]] == ["Ht", "Wt"]
    assert [a.name for a in spec.rt_args["reader"]] == ["src_addr"]
    assert {k.role for k in spec.kernels} == {Role.COMPUTE, Role.READER}
    # "Ht_total = product(shape[:-1]) / 32" cannot be evaluated: the unit's batch-aware total, said so.
    assert spec.work.total_units == "NC*Ht" and spec.work.source("total_units").confidence is Confidence.INFERRED
    w = next(w for w in spec.warnings if w.code == "total-units-unevaluable")
    assert "Ht_total" in w.message and w.line == 13
    assert sample_shape(spec)[0] == (4, 2, 64, 64)  # from the test-criteria table
    assert [(r.name, r.role) for r in spec.references] == [
        ("tilize", "input_stage"), ("untilize", "output_stage"), ("reduce_w", "compute_core")]


def test_expand_spec_defined_symbols() -> None:
    from wizard.spec.symbols import expand_symbols

    defs = {"out_ntiles_c": "(C+FACE_WIDTH-1)//FACE_WIDTH", "a": "b*2", "b": "Wt", "loop": "loop+1"}
    assert expand_symbols("FACE_WIDTH*element_size*out_ntiles_c*2", defs) == \
        "FACE_WIDTH*element_size*((C+FACE_WIDTH-1)//FACE_WIDTH)*2"
    assert expand_symbols("a+1", defs) == "Wt*2+1"
    assert expand_symbols("loop", defs) == "loop"  # a self-reference never terminates: left as written
    assert expand_symbols("lots", defs) == "lots"


def test_overview_as_a_table() -> None:
    text = ("# x\n\n## Overview\n\n| Field | Value |\n|---|---|\n| Operation Name | `tbl_op` |\n"
            "| Category | eltwise |\n\n" + CB_HEAD + "| c_0 | cb | x | Reader | Writer | 2 | Block |\n")
    spec = parse_spec_text(text)
    assert (spec.name, spec.category) == ("tbl_op", "eltwise")
    assert spec.source("name").line == 7 and spec.source("name").confidence is Confidence.EXPLICIT


def test_two_cb_tables_of_equal_standing() -> None:
    row = "| c_0 | cb_in | in | Reader | Writer | 2 | Block |"
    second = "### CB Requirements (TILE path)\n\n" + CB_HEAD.split("\n\n", 1)[1] + row + "\n"
    text = OVERVIEW + CB_HEAD + row + "\n\n" + second + "| c_0 | cb_other | in | Reader | Writer | 2 | Block |\n"
    spec = parse_spec_text(text)
    assert [(c.index, c.name) for c in spec.cbs] == [(0, "cb_in"), (0, "cb_other")]
    assert "cb-described-twice" in codes(spec, Severity.INFO)
    assert [w.code for w in spec.errors] == ["duplicate-cb-index"]  # a different CB on the same index is a clash


def test_a_heading_that_mentions_a_removal_keeps_its_table() -> None:
    table = CB_HEAD.split("\n\n", 1)[1] + "| c_0 | cb_in | in | Reader | Writer | 2 | Block |\n"
    spec = parse_spec_text(OVERVIEW + "## Circular Buffer Requirements (c_3 removed)\n\n" + table)
    assert [c.index for c in spec.cbs] == [0]
    spec = parse_spec_text(OVERVIEW + "## Removed CBs\n\n" + table)
    assert spec.cbs == [] and "no-cb-table" in codes(spec, Severity.ERROR)
