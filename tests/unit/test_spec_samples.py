"""The seven real planner specs: values written down from reading each spec, not from the parser's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.model import Confidence, Lifetime, PageKind, Role, Severity, Strategy
from wizard.spec import parse_spec, sample_shape

# Per spec: the CB table's header line, then (index, name) per row in table order; work unit, total, strategy.
EXPECTED: dict[str, dict] = {
    "reduce_avg_w_rm_spec.md": dict(
        name="reduce_avg_w_rm", category="reduction", cb_header=273,
        cbs=[(0, "cb_in"), (1, "cb_tilized"), (2, "cb_scaler"), (3, "cb_reduced"), (16, "cb_out")],
        pages=["Wt", "Wt", "1", "1", "1"],
        unit="tile-row", total="NC*Ht", total_conf=Confidence.EXPLICIT, total_line=181,
        strategy=Strategy.SPLIT_WORK, kernels=3,
    ),
    "row_mean_sub_square_reduce_spec.md": dict(
        name="row_mean_sub_square_reduce", category="reduction", cb_header=225,
        cbs=[(0, "CB_rm_in"), (1, "CB_tilized"), (2, "CB_scaler"), (3, "CB_mean"), (4, "CB_intermediate"),
             (5, "CB_out_tiled"), (16, "CB_rm_out")],
        pages=["Wt", "Wt", "1", "1", "Wt", "1", "2"],
        # "Grid: Dynamic based on total tile-rows (NC * Ht)" is the only statement of the total.
        unit="tile-row", total="NC*Ht", total_conf=Confidence.INFERRED, total_line=172,
        strategy=Strategy.SPLIT_WORK, kernels=3,
    ),
    "standardize_w_rm_spec.md": dict(
        name="standardize_w_rm", category="reduction", cb_header=225,
        cbs=[(0, "cb_in_rm"), (1, "cb_in_tiled"), (2, "cb_scaler"), (3, "cb_mean_tiled"), (4, "cb_centralized"),
             (5, "cb_squared"), (6, "cb_variance"), (7, "cb_epsilon"), (8, "cb_rsqrt"), (16, "cb_out_rm")],
        pages=["2*Wt", "Wt", "1", "1", "Wt", "Wt", "1", "1", "1", "2*Wt"],
        unit="tile-row", total="Ht", total_conf=Confidence.EXPLICIT, total_line=147,
        strategy=Strategy.SINGLE_CORE, kernels=3, batch_warning=147,
    ),
    "tilize_untilize_spec.md": dict(
        name="tilize_untilize", category="data_movement", cb_header=247,
        cbs=[(0, "CB_in"), (1, "CB_tiled"), (16, "CB_out")],
        pages=["num_tiles_per_row"] * 3,
        # "One tile block" of 32 rows x num_tiles_per_row; "Single-Core Strategy (Template Default)".
        unit="tile-row", total="NC*Ht", total_conf=Confidence.INFERRED, total_line=None,
        strategy=Strategy.SINGLE_CORE, kernels=3,
    ),
    "layer_norm_w_rm_spec.md": dict(
        name="layer_norm_w_rm", category="normalization", cb_header=232,
        cbs=[(0, "cb_in_rm"), (1, "cb_in_tiled"), (2, "cb_scaler"), (3, "cb_mean_tiled"), (4, "cb_centralized"),
             (5, "cb_squared"), (6, "cb_variance"), (7, "cb_epsilon"), (8, "cb_rsqrt"), (9, "cb_standardized"),
             (10, "cb_gamma_rm"), (11, "cb_gamma_tiled"), (12, "cb_beta_rm"), (13, "cb_beta_tiled"),
             (14, "cb_scaled"), (16, "cb_out_rm")],
        pages=["2*Wt", "Wt", "1", "1", "Wt", "Wt", "1", "1", "1", "Wt", "Wt", "Wt", "Wt", "Wt", "Wt", "2*Wt"],
        unit="tile-row", total="Ht", total_conf=Confidence.EXPLICIT, total_line=143,
        strategy=Strategy.SINGLE_CORE, kernels=3, batch_warning=143,
    ),
    "image_rotate_spec.md": dict(
        name="image_rotate", category="pool", cb_header=277,
        cbs=[(1, "cb_input"), (3, "cb_scalar"), (5, "cb_output")],
        pages=["4*input_stick_nbytes*2", "TILE_HW*element_size*2", "FACE_WIDTH*element_size*out_ntiles_c*2"],
        unit="stick", total="N*H*W", total_conf=Confidence.EXPLICIT, total_line=222,
        strategy=Strategy.SPLIT_WORK, kernels=3,  # reader + writer in the table, compute from its CT-arg heading
    ),
    "row_centralize_spec.md": dict(
        name="row_centralize", category="normalization", cb_header=218,
        cbs=[(0, "cb_rm_in"), (1, "cb_tilized"), (2, "cb_mean"), (3, "cb_centered"), (24, "cb_squared"),
             (4, "cb_var"), (25, "cb_var_plus_eps"), (5, "cb_inv_std"), (6, "cb_result"), (16, "cb_rm_out"),
             (7, "cb_eps"), (8, "cb_scaler")],
        pages=["Wt", "Wt", "1", "Wt", "Wt", "1", "1", "1", "Wt", "Wt", "1", "1"],
        unit="tile-row", total="NC*Ht", total_conf=Confidence.INFERRED, total_line=None,
        strategy=Strategy.SINGLE_CORE, kernels=3,
    ),
}


def _table_rows_in_source(path: Path, header_line: int) -> list[int]:
    """Line numbers of the body rows of the markdown table whose header is at ``header_line``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[header_line - 1].lstrip().startswith("| CB"), lines[header_line - 1]
    rows = []
    n = header_line + 1  # the delimiter row
    while n < len(lines) and lines[n].lstrip().startswith("|"):
        rows.append(n + 1)
        n += 1
    return rows


def test_every_sample_has_expectations(specs_dir: Path) -> None:
    assert sorted(p.name for p in specs_dir.glob("*_spec.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_sample_spec_extracts(filename: str, specs_dir: Path) -> None:
    exp = EXPECTED[filename]
    path = specs_dir / filename
    spec = parse_spec(path)

    assert spec.errors == [], [w.render() for w in spec.errors]
    assert spec.usable
    assert spec.name == exp["name"]
    assert spec.source("name").confidence is Confidence.EXPLICIT
    assert spec.category == exp["category"]

    rows = _table_rows_in_source(path, exp["cb_header"])
    assert len(spec.cbs) == len(rows) == len(exp["cbs"])
    assert [(c.index, c.name) for c in spec.cbs] == exp["cbs"]
    assert [c.line for c in spec.cbs] == rows
    assert [c.pages for c in spec.cbs] == exp["pages"]
    for cb in spec.cbs:
        assert cb.source("pages").line == cb.line
        assert cb.source("index").confidence is Confidence.EXPLICIT
        assert cb.raw, "every column is kept as written"

    w = spec.work
    assert w.unit == exp["unit"]
    assert w.total_units == exp["total"]
    assert w.source("total_units").confidence is exp["total_conf"]
    assert w.source("total_units").line == exp["total_line"]
    assert w.strategy is exp["strategy"]
    assert len(spec.kernels) == exp["kernels"]
    assert {k.role for k in spec.kernels} == {Role.READER, Role.COMPUTE, Role.WRITER}

    batch = [x for x in spec.warnings if x.code == "work-unit-ignores-batch"]
    if "batch_warning" in exp:
        assert [x.line for x in batch] == [exp["batch_warning"]]
        assert batch[0].severity is Severity.WARNING
    else:
        assert batch == []
    # None of the seven lacks the v1 sections.
    assert not [x for x in spec.warnings if x.code == "missing-section"]


def test_reduce_avg_details(specs_dir: Path) -> None:
    spec = parse_spec(specs_dir / "reduce_avg_w_rm_spec.md")
    assert spec.planning_mode == "Hybrid"
    assert [r.name for r in spec.references] == ["tilize_multi_core_interleaved", "untilize_multi_core"]
    assert spec.references[0].role == "input_stage" and spec.references[0].path.endswith("_analysis.md")
    assert [p.name for p in spec.parameters] == ["input_tensor", "output_mem_config", "compute_kernel_config"]
    assert spec.parameters[0].required and not spec.parameters[1].required
    assert len(spec.input_requirements["input"]) == 8
    assert spec.input_requirements["input"][0].hint == "Input tensor must have rank 4"
    assert spec.output.layout == "ROW_MAJOR" and spec.output.source("layout").line == 60
    scaler = spec.cb(2)
    assert scaler.lifetime is Lifetime.PROGRAM and scaler.lifetime_text == "Kernel"
    assert scaler.producer_role is Role.READER and scaler.consumer_role is Role.COMPUTE
    assert spec.cb(16).consumer_role is Role.WRITER and spec.cb(16).data_format == "output"
    assert spec.cb(0).page_kind is PageKind.TILE  # "Wt tiles * tile_size": tile-sized pages of sticks
    assert [a.name for a in spec.ct_args["reader"]] == ["packed_scaler_value", "stick_size", "TensorAccessorArgs"]
    assert spec.ct_args["reader"][2].index == "2+"
    assert [a.name for a in spec.rt_args["writer"]] == ["dst_addr", "num_sticks", "start_stick_id"]
    assert set(spec.test_criteria) >= {"Validation Behavior", "Shape Behavior", "Functional Behavior"}
    assert any("rank 4" in v for v in spec.validation_behavior)
    assert spec.data_flow.startswith("```")


def test_layer_norm_details(specs_dir: Path) -> None:
    spec = parse_spec(specs_dir / "layer_norm_w_rm_spec.md")
    assert set(spec.input_requirements) == {"input", "gamma", "beta"}
    assert [len(v) for v in spec.input_requirements.values()] == [5, 5, 5]
    assert spec.input_requirements["gamma"][0].hint == "gamma shape must match input width"
    c9 = spec.cb(9)
    assert c9.name == "cb_standardized" and c9.aliases == ["cb_output_tiled"]
    assert spec.cb(1).lifetime is Lifetime.ROW and spec.cb(1).lifetime_text == "PERSISTENT (Phases 1-3)"
    assert spec.cb(10).lifetime is Lifetime.PROGRAM  # "Program (read once)"
    assert spec.cb(0).buffering == "Double"
    assert spec.output.padded_shape == "[..., ceil(H/32)*32, ceil(W/32)*32]"  # from a bullet, not a table
    assert spec.work.unit_size.startswith("Wt tiles input")  # "**Unit size**:" line inside a paragraph


def test_image_rotate_details(specs_dir: Path) -> None:
    spec = parse_spec(specs_dir / "image_rotate_spec.md")
    assert all(cb.page_kind is PageKind.BYTES for cb in spec.cbs)
    assert spec.cb(1).producer_role is Role.READER and spec.cb(5).consumer_role is Role.WRITER
    compute = next(k for k in spec.kernels if k.role is Role.COMPUTE)
    assert compute.name == "compute_pool_2d.cpp" and compute.source("name").confidence is Confidence.INFERRED
    # out_ntiles_c is defined by the spec's own CB sizing formulas, so it is not an unknown symbol.
    # (a C++ uint32_t declaration: its '/' truncates)
    assert spec.symbols["out_ntiles_c"] == "(C+FACE_WIDTH-1)//FACE_WIDTH"
    assert not [w for w in spec.warnings if w.code == "unknown-symbol"]
    assert len(spec.ct_args["compute"]) == 19 and spec.ct_args["compute"][11].index == "11-16"  # lines 412-430
    assert [p.name for p in spec.parameters][:3] == ["input_tensor", "angle", "center"]


def test_row_mean_alias_name_and_cb_resolution(specs_dir: Path) -> None:
    spec = parse_spec(specs_dir / "row_mean_sub_square_reduce_spec.md")
    assert spec.name == "row_mean_sub_square_reduce"  # "`row_mean_sub_square_reduce` (alias: `variance_w`)"
    assert spec.cb(16).pages == "2" and spec.cb(16).buffering == "Double"
    assert spec.symbols.get("Wt") == "ceil(W/TILE_WIDTH)"


def test_sample_shape_default_and_from_criteria(specs_dir: Path) -> None:
    spec = parse_spec(specs_dir / "reduce_avg_w_rm_spec.md")
    shape, why = sample_shape(spec)
    assert shape == (1, 1, 32, 64) and "default" in why
    spec.test_criteria["Shapes"] = ["multi-batch `(4,2,64,64)`"]
    assert sample_shape(spec)[0] == (4, 2, 64, 64)
