"""build_design: the single source of truth for generation, checked per real spec and on hand-made specs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from wizard import naming
from wizard.design import OpDesign, build_design
from wizard.errors import WizardError
from wizard.model import (
    CircularBuffer,
    Lifetime,
    OpSpec,
    OutputSpec,
    PageKind,
    Parameter,
    Requirement,
    Role,
    Strategy,
    WorkDistribution,
)

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"


@cache
def design_of(stem: str) -> OpDesign:
    from wizard.spec import parse_spec

    return build_design(parse_spec(SPECS / f"{stem}_spec.md"))


def kinds(d: OpDesign, tensor: str = "input") -> list[str]:
    return [v.kind for v in d.validations if v.tensor == tensor]


# ------------------------------------------------------------------------------------------------ naming


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("reduce_avg_w_rm", "reduce_avg_w_rm", "ReduceAvgWRm"),
        ("`row_mean_sub_square_reduce`", "row_mean_sub_square_reduce", "RowMeanSubSquareReduce"),
        ("imageRotate", "image_rotate", "ImageRotate"),
        ("Layer Norm-W RM", "layer_norm_w_rm", "LayerNormWRm"),
    ],
)
def test_names(text: str, snake: str, pascal: str) -> None:
    assert naming.snake_case(text) == snake
    assert naming.pascal_case(snake) == pascal


def test_cb_base_names() -> None:
    assert naming.cb_base_name("cb_in_rm", 0) == "in_rm"
    assert naming.cb_base_name("CB_rm_in", 0) == "rm_in"
    assert naming.cb_base_name("cb_standardized / cb_output_tiled", 9) == "standardized"
    assert naming.cb_base_name("CB_1", 1) == "c1"
    assert naming.cb_base_name("", 7) == "c7"
    assert naming.category_name("reduction (fused format conversion + reduction)") == "reduction"
    assert naming.namespace_for("reduction", "x") == "ttnn::operations::reduction::x"


# ------------------------------------------------------------------------------------------------ real specs


def test_reduce_avg_w_rm_design() -> None:
    d = design_of("reduce_avg_w_rm")
    assert (d.op_name, d.op_pascal, d.category) == ("reduce_avg_w_rm", "ReduceAvgWRm", "reduction")
    assert d.namespace == "ttnn::operations::reduction::reduce_avg_w_rm"
    assert d.op_rel_dir == "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"
    # Work: tile-rows over the whole batch, split across the grid.
    assert (d.work.unit, d.work.total_units_cpp, d.work.strategy) == ("tile_row", "NC * Ht", Strategy.SPLIT_WORK)
    # Passthrough: the row-major staging CB (tile pages, Wt per tile-row) to the output CB, N-to-1.
    pt = d.passthrough
    assert (pt.in_cb, pt.out_cb, pt.ratio) == (0, 16, "N-to-1")
    assert (pt.in_pages_cpp, pt.out_pages_cpp, pt.copy_tiles) == ("Wt", "1", True)
    assert (pt.in_mode, pt.out_mode) == ("rows", "rows")
    uses = {c.index: c.stub_use for c in d.cbs}
    assert uses == {0: "passthrough_in", 1: "untouched", 2: "once", 3: "untouched", 16: "passthrough_out"}
    scaler = d.cb(2)
    assert scaler.data_format_cpp == "tt::DataFormat::Float16_b"
    assert scaler.page_size_cpp == "tt::tile_size(tt::DataFormat::Float16_b)"
    assert d.cb(0).page_kind is PageKind.TILE and d.cb(0).num_pages_cpp == "Wt"  # "Wt tiles * tile_size" -> Wt pages
    assert d.output.shape_kind == "reduce_w" and d.output.layout == "ROW_MAJOR"
    assert {"device", "allocated", "rank", "layout", "memory_layout", "dtype", "tile_aligned_w", "tile_aligned_h"} <= set(
        kinds(d)
    )
    rank = next(v for v in d.validations if v.kind == "rank")
    assert rank.condition == "input.logical_shape().rank() == 4"
    assert rank.message == "Input tensor must have rank 4"
    # compute_kernel_config is an optional parameter: C++ and Python defaults rendered separately.
    (p,) = d.params
    assert (p.cpp_type, p.cpp_default, p.py_default) == (
        "std::optional<ttnn::DeviceComputeKernelConfig>",
        "std::nullopt",
        "None",
    )
    assert d.test_shapes["stage5"] == [(1, 1, 32, 32), (1, 32, 64, 64)]
    assert all(len(s) == 4 for s in d.test_shapes["stage6"])


def test_image_rotate_design() -> None:
    d = design_of("image_rotate")
    assert (d.work.unit, d.work.total_units_cpp) == ("stick", "NC * H")
    pt = d.passthrough
    assert (pt.in_cb, pt.out_cb, pt.ratio, pt.copy_tiles) == (1, 5, "1-to-1", False)
    assert (pt.in_mode, pt.out_mode) == ("sticks", "sticks")
    assert [a.name for a in d.kernel(Role.READER).ct_args] == [
        "cb_input", "cb_scalar", "in_pages_per_unit", "in_read_bytes", "src_page_size"
    ]
    assert all(c.page_kind is PageKind.BYTES and c.num_pages_cpp == "1" for c in d.cbs)
    assert d.cb(1).page_size_cpp == "4 * input_stick_size_aligned * 2"
    # out_ntiles_c is the spec's own ceil(C / FACE_WIDTH); C of an NHWC input is its last dim; the parens stay
    assert d.cb(5).page_size_cpp == (
        "tt::constants::FACE_WIDTH * element_size * "
        "((input_channels + tt::constants::FACE_WIDTH - 1) / tt::constants::FACE_WIDTH) * 2"
    )
    assert "input_channels" in {v.name for v in d.host_vars}
    assert d.cb(3).stub_use == "once"
    params = {p.name: p for p in d.params}
    assert params["angle"].required and params["angle"].test_value == "1.0"
    assert (params["fill"].cpp_default, params["fill"].py_default) == ("0.0f", "0.0")
    assert (params["expand"].cpp_default, params["expand"].py_default) == ("false", "False")
    assert params["center"].cpp_type == "std::optional<std::array<float, 2>>"
    assert "output_mem_config" not in params  # memory config is added by the templates, never a parameter
    expand = next(v for v in d.validations if v.kind == "param")
    assert (expand.condition, expand.message) == ("!operation_attributes.expand", "expand must be false")
    aligned = next(v for v in d.validations if v.kind == "aligned_bytes")
    assert "% 32 == 0" in aligned.condition


def test_layer_norm_w_rm_design() -> None:
    d = design_of("layer_norm_w_rm")
    assert [t.field for t in d.inputs] == ["input", "gamma", "beta"]
    assert d.work.strategy is Strategy.SINGLE_CORE
    assert any(w.code == "design-work-batch" for w in d.warnings)  # spec says Ht; we split NC * Ht
    assert d.work.total_units_cpp == "NC * Ht"
    gamma_cb = next(c for c in d.cbs if c.name == "cb_gamma_rm")
    assert (gamma_cb.stub_use, gamma_cb.tensor, gamma_cb.data_format_cpp) == ("once", "gamma", "gamma_data_format")
    reader = d.kernel(Role.READER)
    assert [a.tensor for a in reader.accessors] == ["input", "gamma", "beta"]
    assert reader.accessors[0].base == str(len(reader.ct_args))
    assert reader.accessors[1].base == "src_args.next_compile_time_args_offset()"
    assert [a.name for a in reader.rt_args] == ["src_addr", "gamma_addr", "beta_addr", "num_units", "start_id"]
    assert {"shape_w", "same_device", "dtype"} <= set(kinds(d, "gamma"))
    eps = next(p for p in d.params if p.name == "epsilon")
    assert (eps.cpp_default, eps.py_default, eps.required) == ("1e-5f", "1e-5", False)


def test_tilize_untilize_and_reduce_designs() -> None:
    d = design_of("tilize_untilize")
    assert (d.passthrough.in_pages_cpp, d.passthrough.out_pages_cpp, d.passthrough.ratio) == ("Wt", "Wt", "1-to-1")
    assert d.output.dtype_cpp == "operation_attributes.output_dtype.value_or(input.dtype())"
    r = design_of("row_mean_sub_square_reduce")
    assert r.output.shape_kind == "reduce_w" and r.passthrough.ratio == "N-to-1"
    assert r.cb(16).num_pages_cpp == "2"


def test_every_sample_spec_designs(sample_spec: Path) -> None:
    d = design_of(sample_spec.name[: -len("_spec.md")])
    assert [k.role for k in d.kernels] == [Role.READER, Role.COMPUTE, Role.WRITER]
    pt = d.passthrough
    cin, cout = d.cb(pt.in_cb), d.cb(pt.out_cb)
    assert cin.stub_use == "passthrough_in" and cout.stub_use == "passthrough_out"
    # Every CB a kernel touches is created; once-CBs are produced and consumed by exactly the two kernels.
    touched = {i for k in d.kernels for i in (*k.cbs_in, *k.cbs_out)}
    assert touched <= {c.index for c in d.cbs}
    for c in d.cbs:
        producers = [k.role for k in d.kernels if c.index in k.cbs_out]
        consumers = [k.role for k in d.kernels if c.index in k.cbs_in]
        if c.stub_use == "untouched":
            assert not producers and not consumers
        else:
            assert len(producers) == 1 and len(consumers) == 1, c
    # Compile-time args start with CB ids; the first accessor starts right after the plain args.
    for k in d.kernels:
        assert k.ct_args[0].host.startswith("cb_")
        for acc in k.accessors[:1]:
            assert acc.base == str(len(k.ct_args))
    # Host variables are declared once and only ones the code needs.
    names = [v.name for v in d.host_vars]
    assert len(names) == len(set(names))
    assert d.validations and all(v.condition for v in d.validations)


# ------------------------------------------------------------------------------------------------ hand-made specs


def tile_spec(**overrides: object) -> OpSpec:
    """A small TILE-layout eltwise-like spec built by hand (no parser involved)."""
    spec = OpSpec(
        name="my_eltwise",
        category="eltwise",
        parameters=[Parameter("input_tensor", "Tensor", True), Parameter("alpha", "float", True, "> 0")],
        input_requirements={
            "input": [
                Requirement("Rank", "at least 2D", "input must be at least 2D"),
                Requirement("Layout", "TILE", "input must be TILE"),
            ]
        },
        output=OutputSpec(shape="Same as input"),
        cbs=[
            CircularBuffer(0, "cb_in", producer="Reader", consumer="Compute", producer_role=Role.READER,
                           consumer_role=Role.COMPUTE, pages="2"),
            CircularBuffer(16, "cb_out", producer="Compute", consumer="Writer", producer_role=Role.COMPUTE,
                           consumer_role=Role.WRITER, pages="2", data_format="output"),
        ],
        work=WorkDistribution(unit="tile", total_units="N*C*Ht*Wt", strategy=Strategy.SPLIT_WORK),
    )
    for k, v in overrides.items():
        setattr(spec, k, v)
    return spec


def test_tile_layout_tiles_mode() -> None:
    d = build_design(tile_spec())
    assert (d.work.unit, d.work.total_units_cpp) == ("tile", "NC * Ht * Wt")
    pt = d.passthrough
    assert (pt.in_mode, pt.out_mode, pt.in_pages_cpp, pt.out_pages_cpp, pt.ratio) == ("tiles", "tiles", "1", "1", "1-to-1")
    assert d.test_shapes["stage6"][0] == (1, 1, 32, 32)
    alpha = next(v for v in d.validations if v.kind == "param")
    assert alpha.condition == "operation_attributes.alpha > 0.0f"
    assert not any(w.code == "design-work-batch" for w in d.warnings)


def test_missing_layout_is_assumed_and_checked() -> None:
    spec = tile_spec(input_requirements={"input": [Requirement("Rank", "4", "rank 4")]})
    d = build_design(spec)
    assert d.primary.layout == "TILE"
    assert any(v.kind == "layout" and "TILE" in v.condition for v in d.validations)
    assert any(w.code == "design-assumed-layout" for w in d.warnings)
    assert d.test_shapes["stage4"] == [(1, 1, 32, 32)]


def test_batch_blind_total_is_made_batch_aware() -> None:
    spec = tile_spec(work=WorkDistribution(unit="tile-row", total_units="Ht"))
    d = build_design(spec)
    assert d.work.total_units_cpp == "NC * Ht"
    assert any(w.code == "design-work-batch" for w in d.warnings)


def test_unknown_symbol_becomes_a_marked_constant() -> None:
    cbs = tile_spec().cbs
    cbs[0].pages = "2*blocks_per_row"
    d = build_design(tile_spec(cbs=cbs))
    var = next(v for v in d.host_vars if v.name == "blocks_per_row")
    assert var.expr == "1" and "TODO" in var.comment
    assert d.cb(0).num_pages_cpp == "2 * blocks_per_row"
    assert any(w.code == "design-unknown-symbol" for w in d.warnings)


def test_stick_pages_push_a_tile_row_of_sticks() -> None:
    cbs = [
        CircularBuffer(0, "cb_rm", producer_role=Role.READER, consumer_role=Role.COMPUTE, pages="64",
                       page_kind=PageKind.STICK),
        CircularBuffer(16, "cb_out", producer_role=Role.COMPUTE, consumer_role=Role.WRITER, pages="2*Wt"),
        CircularBuffer(8, "cb_eps", producer_role=Role.READER, consumer_role=Role.COMPUTE, pages="1",
                       lifetime=Lifetime.PROGRAM),
    ]
    spec = tile_spec(
        cbs=cbs,
        input_requirements={"input": [Requirement("Layout", "ROW_MAJOR", "rm")]},
        work=WorkDistribution(unit="tile-row", total_units="NC*Ht"),
    )
    d = build_design(spec)
    pt = d.passthrough
    assert (pt.in_cb, pt.in_pages_cpp, pt.out_pages_cpp, pt.copy_tiles) == (0, "tt::constants::TILE_HEIGHT", "Wt", False)
    assert d.cb(0).page_size_cpp == "input_stick_size_aligned"
    assert d.cb(8).stub_use == "once"


def test_roles_missing_fall_back_with_warnings() -> None:
    cbs = [CircularBuffer(3, "a", pages="1"), CircularBuffer(5, "b", pages="1")]
    d = build_design(tile_spec(cbs=cbs))
    assert (d.passthrough.in_cb, d.passthrough.out_cb) == (3, 5)
    codes = {w.code for w in d.warnings}
    assert {"design-no-reader-cb", "design-no-writer-cb"} <= codes


def test_unusable_specs_are_refused_clearly() -> None:
    with pytest.raises(WizardError, match="no operation name"):
        build_design(tile_spec(name=""))
    with pytest.raises(WizardError, match="no circular-buffer table"):
        build_design(tile_spec(cbs=[]))
    with pytest.raises(WizardError, match="single CB"):
        build_design(tile_spec(cbs=[CircularBuffer(0, "only", producer_role=Role.READER, consumer_role=Role.WRITER)]))


def test_stage5_unused_tracking() -> None:
    d = design_of("reduce_avg_w_rm")
    used = d.used_before_kernels()
    assert {"Wt", "NC", "Ht", "input_tile_size", "input_data_format", "num_units"} <= used
    assert "input_stick_size_aligned" not in used and "src_buffer" not in used


def test_stage6_shapes_that_overflow_l1_are_left_out() -> None:
    from wizard.profiles import load_profile

    cbs = tile_spec().cbs
    cbs[0].pages = "200*Wt"  # 200 tiles per tile column: fits for W=32, not for W=128
    spec = tile_spec(cbs=cbs, work=WorkDistribution(unit="tile-row", total_units="NC*Ht"))
    d = build_design(spec, load_profile("wormhole_n150"))
    assert d.test_shapes["stage6"][0] == (1, 1, 32, 32)
    assert all(s[-1] <= 64 for s in d.test_shapes["stage6"])
    assert any(w.code == "design-l1" and "(1, 1, 64, 128)" in w.message for w in d.warnings)
    assert build_design(spec).test_shapes["stage6"][1] == (1, 1, 64, 128)  # no profile: nothing filtered


def test_integer_division_keeps_its_parens_and_dim_names_map_by_order() -> None:
    from wizard.design import _Ctx
    from wizard.model import OpSpec

    nchw = _Ctx(OpSpec(name="x"))
    assert nchw.to_cpp("a * (b / c)")[0] == "a * (b / c)"
    assert nchw.to_cpp("a * b / c")[0] == "a * b / c"
    assert nchw.to_cpp("(a / b) * c")[0] == "a / b * c"  # left-to-right: the same value without parens
    assert nchw.to_cpp("a * (b % c)")[0] == "a * (b % c)"
    names = _Ctx(OpSpec(name="x"))
    cpp, used = names.to_cpp("height * width * channels * batch")
    assert cpp == "H * W * C * N" and not names.extra_vars  # aliases, not unknown constants of 1
    nhwc = _Ctx(OpSpec(name="x", dim_order="NHWC"))
    assert nhwc.to_cpp("N * H * W")[0] == "input_batch * input_height * input_width"
    assert nhwc.to_cpp("C * element_size")[0] == "input_channels * element_size"
    assert nhwc.to_cpp("Wt * tile_size")[0] == "Wt * input_tile_size"  # physical symbols unchanged
