"""L1 budget per CB and per core, and the work-unit total, for sample shapes against hardware profiles."""

from __future__ import annotations

import pytest

from wizard.budget import l1_budget, resolve_data_format, total_units
from wizard.errors import WizardError
from wizard.model import CircularBuffer, Confidence, PageKind, WorkDistribution
from wizard.profiles import load_profile

WH = load_profile("wormhole_n150")
BH = load_profile("blackhole_p150")


def cb(index: int, name: str, pages: str, kind: PageKind = PageKind.TILE, fmt: str = "input", purpose: str = "") -> CircularBuffer:
    return CircularBuffer(index=index, name=name, pages=pages, page_kind=kind, data_format=fmt, purpose=purpose)


def test_tile_cbs_for_row_centralize_like_table() -> None:
    cbs = [cb(0, "cb_in", "2*Wt tiles"), cb(1, "cb_tilized", "Wt"), cb(2, "cb_scaler", "1 tile"), cb(16, "cb_out", "Wt")]
    b = l1_budget(cbs, WH, (1, 1, 32, 64))  # Wt = 2
    assert [r.num_pages for r in b.rows] == [4, 2, 1, 2]
    assert all(r.page_size == 2048 for r in b.rows)
    assert b.total == b.raw_total == 9 * 2048  # tile sizes are multiples of 32: no padding
    assert b.fits and not b.errors
    assert b.budget == WH.l1_budget and b.l1_size == WH.l1_size
    assert "CBs fit" in b.message()


def test_data_formats_input_output_named_and_scaler() -> None:
    cbs = [
        cb(0, "cb_in", "1", fmt="input"),
        cb(16, "cb_out", "1", fmt="output"),
        cb(2, "cb_scaler", "1", purpose="Reduce scaler (1/W)"),
        cb(3, "cb_acc", "1", fmt="float32"),
        cb(4, "cb_bfp8", "1", fmt="DataType::BFLOAT8_B"),
    ]
    b = l1_budget(cbs, WH, (1, 1, 32, 32), dtype="float32")
    assert [r.page_size for r in b.rows] == [4096, 4096, 2048, 4096, 1088]
    assert [r.data_format for r in b.rows] == ["float32", "float32", "bfloat16", "float32", "bfloat8_b"]


def test_explicit_format_wins_over_scaler_rule() -> None:
    assert resolve_data_format(cb(2, "cb_scaler", "1", fmt="float32"), "bfloat16") == "float32"


def test_stick_pages_are_aligned_to_the_profile_dram_alignment() -> None:
    rm = [cb(0, "cb_rm_in", "32 sticks", kind=PageKind.STICK)]
    wh = l1_budget(rm, WH, (1, 1, 32, 40))  # 40*2 = 80 B -> 96 on WH (32 B), 128 on BH (64 B)
    bh = l1_budget(rm, BH, (1, 1, 32, 40))
    assert wh.rows[0].page_size == 96 and bh.rows[0].page_size == 128
    assert wh.rows[0].total == 32 * 96


def test_bytes_kind_takes_the_expression_as_total() -> None:
    cbs = [cb(1, "cb_input", "`4 * input_stick_nbytes * 2` (double-buffered, 4 sticks per work unit)", kind=PageKind.BYTES)]
    b = l1_budget(cbs, WH, (1, 1, 32, 64))  # stick = 128 B
    assert (b.rows[0].page_size, b.rows[0].num_pages, b.rows[0].total) == (1024, 1, 1024)


def test_cb_start_addresses_are_aligned_like_tt_metal() -> None:
    cbs = [cb(0, "a", "40", kind=PageKind.BYTES), cb(1, "b", "40", kind=PageKind.BYTES)]
    b = l1_budget(cbs, WH, (1, 1, 32, 32))
    assert b.raw_total == 80
    # layout: [0,40), then the next CB starts at the next 32 B boundary (WH DRAM alignment): [64,104)
    assert b.total == 104


def test_unknown_symbol_is_an_error_for_that_cb_only() -> None:
    cbs = [cb(0, "cb_in", "Wt"), cb(5, "cb_output", "FACE_WIDTH * element_size * out_ntiles_c * 2", kind=PageKind.BYTES)]
    b = l1_budget(cbs, WH, (1, 1, 32, 64))
    assert b.rows[0].total == 2 * 2048
    assert b.rows[1].total is None
    assert b.rows[1].error and "out_ntiles_c" in b.rows[1].error and "c_5" in b.rows[1].error
    assert not b.fits
    assert b.errors == [b.rows[1].error]
    assert "incomplete" in b.message()


@pytest.mark.parametrize(
    ("pages", "needle"),
    [("lots", "'lots'"), ("W / 3", "whole number"), ("Wt - Wt", "at least one page"), ("", "no size expression")],
)
def test_bad_page_counts_are_named(pages: str, needle: str) -> None:
    b = l1_budget([cb(7, "cb_x", pages)], WH, (1, 1, 32, 64))
    assert b.rows[0].error and needle in b.rows[0].error and "cb_x" in b.rows[0].error


def test_unknown_data_format_is_named() -> None:
    b = l1_budget([cb(3, "cb_y", "1", fmt="complex64")], WH, (1, 1, 32, 32))
    assert b.rows[0].error and "complex64" in b.rows[0].error and "c_3" in b.rows[0].error


def test_duplicate_and_out_of_range_indices() -> None:
    b = l1_budget([cb(1, "a", "1"), cb(1, "b", "1"), cb(40, "c", "1")], WH, (1, 1, 32, 32))
    assert any("used by both a and b" in e for e in b.errors)
    assert any("0..31" in e for e in b.errors)
    assert not b.fits


def test_does_not_fit_message_in_the_spirit_of_28835() -> None:
    # a 8192-wide row: Wt = 256 tiles; 3 CBs of 2*Wt, Wt, Wt tiles = 4 * 256 * 2048 = 2 MiB > WH budget
    cbs = [cb(0, "cb_in", "2*Wt"), cb(1, "cb_mid", "Wt"), cb(16, "cb_out", "Wt")]
    b = l1_budget(cbs, WH, (1, 1, 32, 8192))
    assert not b.fits and not b.errors
    assert b.over == b.total - WH.l1_budget > 0
    msg = b.message()
    assert f"{b.over:,} B over" in msg
    assert "c_0 cb_in 1,048,576 B (512 x 2048 B)" in msg  # biggest first
    assert f"grow to ~{WH.l1_reserved + b.total:,} B which is beyond max L1 size of 1,499,136 B" in msg
    assert "Shrink" in msg
    assert [r.name for r in b.biggest(2)] == ["cb_in", "cb_mid"]


def test_over_a_pinned_budget_but_inside_l1_explains_the_clash() -> None:
    from dataclasses import replace

    small = replace(WH, l1_budget=100_000)  # user keeps room for L1-resident tensors
    b = l1_budget([cb(0, "cb_in", "64")], small, (1, 1, 32, 32))
    assert not b.fits and b.over == 64 * 2048 - 100_000
    assert "clash with L1 buffers" in b.message()


def test_bad_sample_shape_is_a_wizard_error() -> None:
    with pytest.raises(WizardError, match="sample shape"):
        l1_budget([cb(0, "a", "1")], WH, (1, 0, 32, 32))


def test_total_units() -> None:
    w = WorkDistribution(total_units="N*C*Ht")
    assert total_units(w, (4, 2, 64, 64)) == 16
    assert total_units(WorkDistribution(total_units="NC * Ht (batch * channel * height_in_tiles)"), (2, 3, 96, 32)) == 18
    assert total_units(WorkDistribution(total_units="N * H * W (batch_size * height * width)"), (1, 1, 32, 64)) == 2048


def test_total_units_error_names_expression_and_line() -> None:
    w = WorkDistribution(total_units="num_blocks")
    w.mark("total_units", 42, Confidence.EXPLICIT)
    with pytest.raises(WizardError) as info:
        total_units(w, (1, 1, 32, 32))
    assert info.value.line == 42
    assert "num_blocks" in str(info.value) and "line 42" in str(info.value)
