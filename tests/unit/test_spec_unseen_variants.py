"""Variations met in real planner specs outside the bundled samples (each snippet here is synthetic):
page-kind phrases, a final CB table that loses inferred fields, chunk lifetimes, divisor groups in
work prose, and a Parameters table that lists only the extra tensors."""

from __future__ import annotations

import re

import pytest

from wizard.design import build_design
from wizard.generate import plan_stages
from wizard.model import Lifetime, PageKind
from wizard.spec import parse_spec_text
from wizard.spec.vocab import lifetime_of

OVERVIEW = "# Operation Design: zap\n\n## Overview\n- **Operation Name**: zap\n- **Category**: normalization\n\n"


def _cb(spec, index: int):
    return next(cb for cb in spec.cbs if cb.index == index)


@pytest.mark.parametrize(
    ("purpose", "kind"),
    [
        ("RM sticks packed as tile-sized pages", PageKind.TILE),
        ("Row-major rows held in tile pages", PageKind.TILE),
        ("RM (tile-sized pages)", PageKind.TILE),
        ("RM sticks from reader", PageKind.STICK),
        ("Tiles of row-major data in stick pages", PageKind.STICK),
    ],
)
def test_page_phrase_decides_the_page_kind(purpose: str, kind: PageKind) -> None:
    text = OVERVIEW + (
        "### Circular Buffer Requirements\n"
        "| CB ID | Name | Purpose | Producer | Consumer | Pages | Lifetime |\n"
        "|---|---|---|---|---|---|---|\n"
        f"| c_0 | cb_a | {purpose} | Reader | Compute | Wt | Block |\n"
        "| c_16 | cb_b | Output tiles | Compute | Writer | Wt | Block |\n"
    )
    assert _cb(parse_spec_text(text), 0).page_kind is kind


def test_final_table_keeps_inferred_scaler_format_and_lifetime() -> None:
    # The Part 2 table (chosen: "final") has bare ids; the Part 1 row names the scaler, whose bfloat16 format
    # and program lifetime are inferred from its name.
    text = OVERVIEW + (
        "### Circular Buffer Requirements\n"
        "| CB ID | Name | Purpose | Producer | Consumer | Pages |\n"
        "|---|---|---|---|---|---|\n"
        "| c_0 | cb_in | Input tiles | Reader | Compute | 2 |\n"
        "| c_3 | cb_scaler | Reduce scaler | Reader | Compute | 1 |\n"
        "| c_16 | cb_out | Output tiles | Compute | Writer | 2 |\n\n"
        "### CB Allocation (final)\n"
        "| CB | Pages | Layout |\n|---|---|---|\n"
        "| c_0 | 2 | TILE |\n| c_3 | 1 | TILE |\n| c_16 | 2 | TILE |\n"
    )
    cb = _cb(parse_spec_text(text), 3)
    assert cb.name == "cb_scaler"
    assert cb.data_format == "bfloat16"
    assert cb.lifetime is Lifetime.PROGRAM


@pytest.mark.parametrize("cell", ["Chunk (freed in phase 2)", "Per-chunk", "per chunk"])
def test_chunk_lifetime_is_block(cell: str) -> None:
    assert lifetime_of(cell) is Lifetime.BLOCK


def test_divisor_group_is_not_the_total() -> None:
    text = OVERVIEW + (
        "### Work Distribution\n"
        "- **Work unit**: tile-row\n"
        "- **Grid**: single core\n"
        "- **Work per core**: `rows = outer * Ht` where `outer = volume / (H * W)`\n\n"
        "### Circular Buffer Requirements\n"
        "| CB ID | Name | Purpose | Producer | Consumer | Pages |\n"
        "|---|---|---|---|---|---|\n"
        "| c_0 | cb_in | Input tiles | Reader | Compute | Wt |\n"
        "| c_16 | cb_out | Output tiles | Compute | Writer | Wt |\n"
    )
    spec = parse_spec_text(text)
    assert spec.work.total_units != "H*W"
    assert "work-unit-ignores-batch" not in [w.code for w in spec.warnings]


_EXTRA_TENSORS_ONLY = OVERVIEW + (
    "### Parameters\n"
    "| Parameter | Type | Required | Default | Description |\n|---|---|---|---|---|\n"
    "| eps | float | No | 1e-5 | Stability |\n"
    "| gamma | Tensor | No | None | Scale, row-major (1,1,1,W) |\n"
    "| beta | Tensor | No | None | Shift |\n\n"
    "### Input Tensor Requirements\n"
    "| Property | Requirement | Error Hint |\n|---|---|---|\n"
    "| Layout | ROW_MAJOR | must be row-major |\n"
    "| Dtype | BFLOAT16 | must be bfloat16 |\n\n"
    "### Output Tensor Specification\n- **Shape**: same as input\n- **Layout**: ROW_MAJOR\n\n"
    "### Work Distribution\n- **Work unit**: tile-row\n- **Total units**: NC * Ht\n\n"
    "### Circular Buffer Requirements\n"
    "| CB ID | Name | Purpose | Producer | Consumer | Pages |\n|---|---|---|---|---|---|\n"
    "| c_0 | cb_in | Input RM sticks in tile pages | Reader | Compute | Wt |\n"
    "| c_1 | cb_gamma | Gamma tiles | Reader | Compute | Wt |\n"
    "| c_16 | cb_out | Output RM sticks in tile pages | Compute | Writer | Wt |\n"
)


def test_input_from_requirements_is_primary_when_parameters_list_only_extra_tensors() -> None:
    d = build_design(parse_spec_text(_EXTRA_TENSORS_ONLY))
    assert [(t.name, t.field, t.primary) for t in d.inputs][0] == ("input", "input", True)
    assert [t.field for t in d.inputs].count("input") == 1
    assert {"gamma", "beta"} <= {t.field for t in d.inputs}
    assert d.inputs[0].layout == "ROW_MAJOR"


def test_factory_declares_each_buffer_once_and_before_use() -> None:
    plan = plan_stages(parse_spec_text(_EXTRA_TENSORS_ONLY), (5, 5))
    factory = next(f.text for f in plan.files if f.path.endswith("program_factory.cpp"))
    for var in set(re.findall(r"\b(\w+_buffer)\b", factory)):
        decls = [m.start() for m in re.finditer(rf"auto\*\s+{var}\s*=", factory)]
        assert len(decls) == 1, var
        first_use = re.search(rf"\b{var}\b", factory).start()
        assert first_use >= decls[0], f"{var} used before its declaration"
