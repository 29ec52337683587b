"""The input's dimension order (NCHW default, NHWC when the spec says so) and what it changes: the named shape
symbols, the work total and the CB bytes at the sample shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.budget import l1_budget, total_units
from wizard.expr import ExprError, sample_env
from wizard.model import Confidence
from wizard.overrides import apply_overrides
from wizard.profiles import load_profile
from wizard.spec import parse_spec, parse_spec_text, sample_shape

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"

MINI = """# {name} Functional Specification

## Overview
- **Operation Name**: {name}
- **Category**: data_movement

## API Specification

### Parameters
| Name | Type | Required | Valid Range | Default | Description |
|------|------|----------|-------------|---------|-------------|
| input_tensor | Tensor | Yes | - | - | {desc} |

### Input Tensor Requirements
| Property | Requirement | Error Message Hint |
|----------|-------------|-------------------|
| Rank | {rank} | "Input tensor must be 4D" |

## Circular Buffer Requirements
| CB ID | Name | Purpose | Producer | Consumer | Sizing |
|-------|------|---------|----------|----------|--------|
| c_0 | cb_in | input sticks | Reader | Compute | 2 pages |
| c_16 | cb_out | output sticks | Compute | Writer | 2 pages |

## Work Distribution
- **Work unit**: one pixel
- **Total work units**: N * H * W
"""


def _spec(desc: str = "Input tensor", rank: str = "Must be 4D", name: str = "mini_op"):  # type: ignore[no-untyped-def]
    return parse_spec_text(MINI.format(name=name, desc=desc, rank=rank))


@pytest.mark.parametrize(
    ("desc", "rank", "order", "where"),
    [
        ("Input image tensor, shape (N, H, W, C) in NHWC format", "Must be 4D", "NHWC", "| input_tensor"),
        ("Input image, channels-last", "Must be 4D", "NHWC", "| input_tensor"),
        ("Input tensor", "Must be 4D [N, H, W, C]", "NHWC", "| Rank"),
        ("Input tensor", "4 (N, C, H, W)", "NCHW", "| Rank"),
        ("Input tensor", "Must be 4D", "NCHW", None),
    ],
)
def test_dim_order_detection(desc: str, rank: str, order: str, where: str | None) -> None:
    spec = _spec(desc, rank)
    lines = MINI.format(name="mini_op", desc=desc, rank=rank).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith(where)) if where else None
    assert spec.dim_order == order
    src = spec.source("dim_order")
    assert src is not None and src.line == line
    assert src.confidence is (Confidence.DEFAULT if line is None else Confidence.EXPLICIT)


def test_identifier_containing_nhwc_is_not_a_statement() -> None:
    assert _spec("Input tensor (see to_nhwc_layout helper)").dim_order == "NCHW"


def test_real_specs() -> None:
    assert parse_spec(SPECS / "image_rotate_spec.md").dim_order == "NHWC"
    for name in ("reduce_avg_w_rm", "layer_norm_w_rm", "tilize_untilize"):
        assert parse_spec(SPECS / f"{name}_spec.md").dim_order == "NCHW"


def test_sample_env_names_follow_the_order_physical_symbols_the_memory() -> None:
    nchw = sample_env((2, 3, 64, 96))
    assert (nchw["N"], nchw["C"], nchw["H"], nchw["W"]) == (2, 3, 64, 96)
    nhwc = sample_env((2, 64, 96, 3), dim_order="NHWC")
    assert (nhwc["N"], nhwc["H"], nhwc["W"], nhwc["C"]) == (2, 64, 96, 3)
    assert nhwc["HW"] == 64 * 96 and nhwc["channels"] == 3 and nhwc["height"] == 64
    # a row-major stick of an NHWC tensor is one pixel's C values; there is one per pixel
    assert nhwc["stick_size"] == 32  # 3 * 2 bytes rounded up to the 32-byte alignment
    assert nhwc["num_sticks"] == 2 * 64 * 96
    assert nchw["stick_size"] == 96 * 2 and nchw["num_sticks"] == 2 * 3 * 64
    with pytest.raises(ExprError, match="NCHW or NHWC"):
        sample_env((1, 1, 32, 32), dim_order="NWCH")


def test_image_rotate_total_and_bytes_read_nhwc() -> None:
    spec = parse_spec(SPECS / "image_rotate_spec.md")
    shape, why = sample_shape(spec)
    assert shape == (1, 32, 32, 64) and "N,H,W,C" in why
    # N*H*W pixels of a 1x32x32x64 image, not N*H*W of the NCHW reading (H=32, W=64)
    assert total_units(spec.work, shape, dim_order=spec.dim_order) == 32 * 32
    assert total_units(spec.work, shape) == 32 * 64
    prof = load_profile("wormhole_n150")
    b = l1_budget(spec.cbs, prof, shape, symbols=spec.symbols, dim_order=spec.dim_order)
    out = next(r for r in b.rows if r.name == "cb_output")
    # FACE_WIDTH * element_size * out_ntiles_c * 2 with out_ntiles_c = ceil(C / FACE_WIDTH) = 4
    assert out.total == 16 * 2 * 4 * 2


def test_dim_order_override_is_checked(tmp_path: Path) -> None:
    from wizard.state import SessionState

    spec = _spec()
    state = SessionState.load(tmp_path / "op")
    state.set_override("dim_order", "nhwc")
    got = apply_overrides(spec, state)
    assert got.dim_order == "NHWC" and got.source("dim_order").confidence is Confidence.MANUAL
    state.set_override("dim_order", "CHWN")
    bad = apply_overrides(spec, state)
    assert bad.dim_order == "NCHW"
    assert any(w.code == "bad-override" and "NCHW or NHWC" in w.message for w in bad.warnings)
