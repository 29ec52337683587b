"""Round 2 of format variations met in real planner specs (every snippet here is synthetic): per-tensor
requirement tables, an every-CB page note, Derived Constants tables, one-line argument lists, result-word CB
roles, batch-including symbol definitions, and a tensor parameter's layout in its Parameters row."""

from __future__ import annotations

import pytest

from wizard.budget import l1_budget
from wizard.design import build_design
from wizard.model import Confidence, PageKind, Role
from wizard.profiles import load_profile
from wizard.spec import parse_spec_text
from wizard.spec.cbs import uniform_tile_page_note
from wizard.spec.kernels import parse_arg_line
from wizard.spec.symbols import defined_with_batch

OVERVIEW = "# Operation Design: blip\n\n## Overview\n- **Operation Name**: blip\n- **Category**: normalization\n\n"
WORK = "### Work Distribution\n- **Work unit**: tile-row\n- **Total units**: NC * Ht\n\n"
CB_TABLE = (
    "### Circular Buffer Requirements\n"
    "| CB ID | Name | Purpose | Producer | Consumer | Pages |\n|---|---|---|---|---|---|\n"
    "| c_0 | cb_in | Input tiles | Reader | Compute | Wt |\n"
    "| c_16 | cb_out | Output tiles | Compute | Writer | Wt |\n\n"
)


def _cb(spec, index: int):
    return next(cb for cb in spec.cbs if cb.index == index)


def _codes(warnings) -> list[str]:
    return [w.code for w in warnings]


# -- 1. | Property | Input | Output | --------------------------------------------------------------------------

_PER_TENSOR = OVERVIEW + (
    "### Parameters\n"
    "| Parameter | Type | Required | Valid Range | Description |\n|---|---|---|---|---|\n"
    "| eps | float | No | > 0 | Stability |\n"
    "| gamma | Tensor | Yes | (1,1,32,W) | Scale |\n"
    "| beta | Tensor | Yes | (1,1,32,W) | Shift |\n\n"
    "### Tensor Formats\n"
    "| Property | Input | Output |\n|---|---|---|\n"
    "| Layout | ROW_MAJOR | TILE |\n"
    "| Dtype | bfloat16 | Same |\n"
    "| Notes | - | padded |\n\n"
) + WORK + CB_TABLE


def test_per_tensor_table_gives_the_input_requirements() -> None:
    spec = parse_spec_text(_PER_TENSOR)
    rows = {r.property: r.requirement for r in spec.input_requirements["input"]}
    assert rows == {"Layout": "ROW_MAJOR", "Dtype": "bfloat16"}  # blank cells skipped
    assert "output" not in spec.input_requirements
    assert spec.output.layout == "TILE"
    assert spec.output.dtype == "bfloat16"  # "Same": the input column's value
    assert "internal-error" not in _codes(spec.warnings)


def test_per_tensor_table_makes_the_input_primary_over_gamma() -> None:
    d = build_design(parse_spec_text(_PER_TENSOR))
    assert (d.primary.name, d.primary.layout) == ("input", "ROW_MAJOR")
    assert "design-assumed-layout" not in _codes(d.warnings)


def test_property_table_outside_a_tensor_section_is_not_requirements() -> None:
    text = OVERVIEW + "### Stage Comparison\n| Property | Input | Output |\n|---|---|---|\n| Layout | RM | TILE |\n\n"
    assert parse_spec_text(text + WORK + CB_TABLE).input_requirements == {}


# -- 2. "All pages are tile-sized" -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "note",
    ["All CB page sizes are tile_size (2048 B for bf16).", "All pages are tile-sized.",
     "The page size = tile_size for every CB.", "All CBs use tile-sized pages."],
)
def test_every_cb_tile_page_note_overrides_inferred_kinds(note: str) -> None:
    text = OVERVIEW + WORK + (
        "### Circular Buffer Requirements\n"
        "| CB | Pages | Layout | Lifetime |\n|---|---|---|---|\n"
        "| c_0 (cb_in_rm) | Wt | RM->Tile (tilize) | Block |\n"
        "| c_1 (cb_rows) | Wt | Row-major sticks in stick pages | Block |\n"
        "| c_16 (cb_out_rm) | Wt | Tile->RM (untilize) | Block |\n\n"
        f"{note}\n"
    )
    spec = parse_spec_text(text)
    note_line = text.split("\n").index(note) + 1
    assert _cb(spec, 0).page_kind is PageKind.TILE
    assert _cb(spec, 0).source("page_kind").line == note_line
    assert _cb(spec, 0).source("page_kind").confidence is Confidence.INFERRED
    assert _cb(spec, 1).page_kind is PageKind.STICK  # the row states its pages: it wins


def test_no_note_keeps_the_inferred_stick_kind() -> None:
    text = OVERVIEW + WORK + (
        "### Circular Buffer Requirements\n"
        "| CB ID | Name | Purpose | Producer | Consumer | Pages |\n|---|---|---|---|---|---|\n"
        "| c_0 | cb_in | RM sticks | Reader | Compute | Wt |\n\n"
        "All pages are tile-sized except c_0.\n"
    )
    assert _cb(parse_spec_text(text), 0).page_kind is PageKind.STICK


@pytest.mark.parametrize("sentence", ["All CBs use BFLOAT16 (tile_size = 2048 bytes).",
                                      "All CBs are single-buffered with 1 page.", "RM CBs count pages in tiles."])
def test_sentences_that_are_not_an_every_cb_page_note(sentence: str) -> None:
    assert not uniform_tile_page_note(sentence)


# -- 3. Derived Constants tables -> spec.symbols ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("heading", "header", "row"),
    [
        ("Derived Constants", "| Name | Formula | Meaning |\n|---|---|---|", "| Kt | Wt / 2 | half row |"),
        ("Derived Values", "| Symbol | Formula |\n|---|---|", "| `Kt` | `Wt / 2` |"),
        ("Constants", "| Constant | Value |\n|---|---|", "| Kt | Kt = Wt / 2 (half a row) |"),
    ],
)
def test_derived_constants_table_feeds_symbols(heading: str, header: str, row: str) -> None:
    text = OVERVIEW + f"### {heading}\n{header}\n{row}\n| note | see the data flow below |\n\n" + WORK + (
        "### Circular Buffer Requirements\n"
        "| CB ID | Name | Purpose | Producer | Consumer | Pages |\n|---|---|---|---|---|---|\n"
        "| c_0 | cb_in | Input tiles | Reader | Compute | 2*Kt |\n"
        "| c_16 | cb_out | Output tiles | Compute | Writer | Wt |\n"
    )
    spec = parse_spec_text(text)
    assert spec.symbols.get("Kt") == "Wt/2"
    assert "note" not in spec.symbols  # prose is no expression
    assert "unknown-symbol" not in _codes(spec.warnings)
    budget = l1_budget(spec.cbs, load_profile("wormhole_n150"), (1, 1, 32, 128), "bfloat16", symbols=spec.symbols)
    assert next(r for r in budget.rows if r.index == 0).num_pages == 4  # 2 * (4 / 2)


def test_value_table_under_another_heading_is_not_definitions() -> None:
    text = OVERVIEW + "### Work Attributes\n| Name | Value |\n|---|---|\n| grid | 8 * 8 |\n\n" + WORK + CB_TABLE
    assert "grid" not in parse_spec_text(text).symbols


# -- 4. One-line argument lists --------------------------------------------------------------------------------

def test_one_line_argument_lists() -> None:
    text = OVERVIEW + WORK + CB_TABLE + (
        "### Kernel Arguments\n\n"
        "**Reader compile-time**: cb_in, cb_scaler, Wt, TensorAccessorArgs(input)\n\n"
        "- Reader runtime args: src_addr, num_units(=NC*Ht), start_id\n"
        "- Compute runtime: none\n"
        "- Writer runtime args: the address and the count of units\n"
    )
    spec = parse_spec_text(text)
    assert [(a.index, a.name) for a in spec.ct_args["reader"]] == [
        ("0", "cb_in"), ("1", "cb_scaler"), ("2", "Wt"), ("3", "TensorAccessorArgs(input)")]
    rt = spec.rt_args["reader"]
    assert [a.name for a in rt] == ["src_addr", "num_units", "start_id"]
    assert rt[1].description == "=NC*Ht" and rt[1].line == text.split("\n").index(
        "- Reader runtime args: src_addr, num_units(=NC*Ht), start_id") + 1
    assert spec.rt_args["compute"] == []
    assert "writer" not in spec.rt_args  # prose, not a list


def test_a_table_wins_over_a_one_line_list() -> None:
    text = OVERVIEW + WORK + CB_TABLE + (
        "### Runtime Arguments\n\n#### Reader Kernel\n"
        "| Index | Name | Description |\n|---|---|---|\n| 0 | src_addr | source |\n| 1 | n_tiles | count |\n\n"
        "Reader runtime args: a, b, c\n"
    )
    assert [a.name for a in parse_spec_text(text).rt_args["reader"]] == ["src_addr", "n_tiles"]


def test_arg_line_needs_a_kernel_and_an_arg_kind() -> None:
    assert parse_arg_line("**Inputs**: a, b, c") is None
    assert parse_arg_line("**Compile-time args (writer)**: cb_out, Wt")[:2] == ("ct", "writer")


# -- 5. Result words: compute -> compute -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("index", "name", "purpose", "roles"),
    [
        (1, "cb_tilized", "Persistent tilized input", (Role.COMPUTE, Role.COMPUTE)),
        (6, "cb_mean", "Group mean tile", (Role.COMPUTE, Role.COMPUTE)),
        (7, "cb_den", "rsqrt(var + eps) tile", (Role.COMPUTE, Role.COMPUTE)),
        (3, "cb_sq", "Squared values", (Role.COMPUTE, Role.COMPUTE)),
        (2, "cb_gamma", "Gamma for the normalized output", (Role.READER, Role.COMPUTE)),
        (4, "cb_scaler", "1/N scaler for the mean", (Role.READER, Role.COMPUTE)),
        (5, "cb_eps", "Epsilon for the variance", (Role.READER, Role.COMPUTE)),
        (0, "cb_in_rm", "Input RM sticks to be tilized", (Role.READER, Role.COMPUTE)),
        (16, "cb_normalized", "Normalized tiles", (Role.COMPUTE, Role.COMPUTE)),
        (17, "cb_out_rm", "Untilized RM output", (Role.COMPUTE, Role.WRITER)),  # the last output CB
        (25, "cb_x", "Staging", (Role.COMPUTE, Role.COMPUTE)),
    ],
)
def test_result_words_make_compute_to_compute(index: int, name: str, purpose: str, roles: tuple[Role, Role]) -> None:
    text = OVERVIEW + WORK + (
        "### Circular Buffer Requirements\n"
        "| CB ID | Name | Purpose | Pages |\n|---|---|---|---|\n"
        f"| c_{index} | {name} | {purpose} | 1 |\n"
        "| c_16 | cb_normalized | Normalized tiles | 1 |\n"
        "| c_17 | cb_out_rm | Untilized RM output | 1 |\n"
    )
    cb = _cb(parse_spec_text(text), index)
    assert (cb.producer_role, cb.consumer_role) == roles
    assert cb.source("producer_role").confidence is Confidence.INFERRED


# -- 6. A total whose symbol the spec defines from a batch-including quantity ----------------------------------

@pytest.mark.parametrize(
    "definition",
    ["| **Total units** | Ht = total_height / TILE_HEIGHT |\n",
     "| **Total units** | Ht |\n\n```\nHt = physical_volume / (W * 32)\n```\n"],
)
def test_total_defined_with_the_batch_is_not_flagged(definition: str) -> None:
    text = OVERVIEW + "### Work Distribution\n| Attribute | Value |\n|---|---|\n| **Granularity** | tile row |\n" + (
        definition + "\n" + CB_TABLE)
    spec = parse_spec_text(text)
    assert spec.work.total_units == "Ht"
    assert "work-unit-ignores-batch" not in _codes(spec.warnings)
    assert "design-work-batch" not in _codes(build_design(spec).warnings)


def test_total_defined_without_the_batch_is_still_flagged() -> None:
    text = OVERVIEW + "### Work Distribution\n- **Work unit**: tile-row\n- **Total units**: Ht\n\n" + (
        "### Derived Constants\n| Name | Formula |\n|---|---|\n| Ht | H / 32 |\n\n" + CB_TABLE)
    spec = parse_spec_text(text)
    assert "work-unit-ignores-batch" in _codes(spec.warnings)
    assert "design-work-batch" in _codes(build_design(spec).warnings)


def test_defined_with_batch_follows_definitions() -> None:
    assert defined_with_batch({"rows"}, {"rows": "outer*Ht", "outer": "volume/(H*W)"})
    assert not defined_with_batch({"rows"}, {"rows": "Ht*2"})
    assert not defined_with_batch({"a"}, {"a": "b", "b": "a"})  # a cycle ends


# -- 7. A tensor parameter's layout from its Parameters row ----------------------------------------------------

@pytest.mark.parametrize(
    ("cell", "layout"),
    [("(1,1,32,W) TILE_LAYOUT bf16", "TILE"), ("1D [W], bf16, RM", "ROW_MAJOR"), ("row-major (1,1,1,W)", "ROW_MAJOR"),
     ("(1,1,1,W) bf16", None)],
)
def test_gamma_layout_from_its_parameter_row(cell: str, layout: str | None) -> None:
    text = OVERVIEW + (
        "### Parameters\n| Parameter | Type | Required | Valid Range | Description |\n|---|---|---|---|---|\n"
        f"| gamma | Tensor | Yes | {cell} | Per-channel scale |\n\n"
    ) + WORK + CB_TABLE
    d = build_design(parse_spec_text(text))
    gamma = d.primary  # the only tensor: primary
    assert gamma.name == "gamma"
    assert ("design-assumed-layout" in _codes(d.warnings)) is (layout is None)
    assert gamma.layout == (layout or "TILE")
