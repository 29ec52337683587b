"""split_work_to_cores: the worked examples of domain.md 5.1 and properties of the algorithm (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wizard.split import (
    CoreRange,
    CoreRangeSet,
    SplitError,
    WorkSplit,
    iter_units,
    num_cores_to_corerangeset,
    num_cores_to_corerangeset_in_subcoregrids,
    split_work_to_cores,
)


def _rs(*ranges: tuple[tuple[int, int], tuple[int, int]]) -> CoreRangeSet:
    return CoreRangeSet.of(*ranges)


# ---- worked examples (grid 8x8) ---------------------------------------------------------------------------


def test_20_units_on_8x8() -> None:
    s = split_work_to_cores((8, 8), 20)
    assert s.num_cores == 20
    assert s.all_cores == _rs(((0, 0), (1, 7)), ((2, 0), (2, 3)))
    assert s.group_1 == s.all_cores
    assert s.group_2 == CoreRangeSet()
    assert (s.units_per_core_group_1, s.units_per_core_group_2) == (1, 0)


def test_100_units_on_8x8_column_major() -> None:
    s = split_work_to_cores((8, 8), 100)
    assert s.num_cores == 64
    assert s.all_cores == _rs(((0, 0), (7, 7)))
    assert s.group_1 == _rs(((0, 0), (3, 7)), ((4, 0), (4, 3)))
    assert s.group_2 == _rs(((4, 4), (4, 7)), ((5, 0), (7, 7)))
    assert (s.units_per_core_group_1, s.units_per_core_group_2) == (2, 1)
    assert s.group_1.num_cores == 36 and s.group_2.num_cores == 28
    assert 36 * 2 + 28 == 100


def test_100_units_on_8x8_row_wise() -> None:
    s = split_work_to_cores((8, 8), 100, row_wise=True)
    assert s.group_1 == _rs(((0, 0), (7, 3)), ((0, 4), (3, 4)))
    assert s.group_2 == _rs(((4, 4), (7, 4)), ((0, 5), (7, 7)))
    assert (s.units_per_core_group_1, s.units_per_core_group_2) == (2, 1)


def test_zero_units() -> None:
    s = split_work_to_cores((8, 8), 0)
    assert s.num_cores == 0 and not s.all_cores and not s.group_1 and not s.group_2
    assert (s.units_per_core_group_1, s.units_per_core_group_2) == (0, 0)
    assert s.core_order() == [] and s.assignments() == []
    assert split_work_to_cores(_rs(((0, 0), (3, 3))), 0).num_cores == 0


def test_exactly_full_grid_is_one_group() -> None:
    s = split_work_to_cores((8, 7), 56 * 3)
    assert s.num_cores == 56 and s.group_1 == _rs(((0, 0), (7, 6))) and not s.group_2
    assert s.units_per_core_group_1 == 3


def test_units_for_and_assignments() -> None:
    s = split_work_to_cores((8, 8), 100)
    assert s.units_for((0, 0)) == 2
    assert s.units_for((4, 3)) == 2
    assert s.units_for((4, 4)) == 1
    assert s.units_for((9, 9)) == 0
    first = s.assignments()[:3]
    assert first == [((0, 0), 0, 2), ((0, 1), 2, 2), ((0, 2), 4, 2)]


def test_summary_mentions_groups() -> None:
    text = split_work_to_cores((8, 8), 100).summary()
    assert "36 cores x 2 units" in text and "28 cores x 1 units" in text


def test_bad_inputs() -> None:
    with pytest.raises(SplitError):
        split_work_to_cores((8, 8), -1)
    with pytest.raises(SplitError):
        split_work_to_cores((0, 8), 5)
    with pytest.raises(SplitError):
        split_work_to_cores((8, 8), 2**32)
    with pytest.raises(SplitError, match="greater than total number of available cores"):
        num_cores_to_corerangeset((7, 7), 2, (8, 8))
    with pytest.raises(SplitError, match="within grid"):
        num_cores_to_corerangeset((8, 0), 1, (8, 8))
    with pytest.raises(SplitError, match="overlap"):
        _rs(((0, 0), (2, 2)), ((2, 2), (3, 3)))
    with pytest.raises(SplitError, match="after its end"):
        CoreRange((3, 0), (2, 0))


def test_num_cores_to_corerangeset_from_mid_column() -> None:
    # partial column, full columns, partial column: the three-range case
    got = num_cores_to_corerangeset((1, 5), 3 + 16 + 2, (8, 8))
    assert got == _rs(((1, 5), (1, 7)), ((2, 0), (3, 7)), ((4, 0), (4, 1)))


def test_subcoregrids_walks_ranges_in_order() -> None:
    grids = _rs(((0, 0), (3, 1)), ((0, 4), (3, 5)))  # two 4x2 bands
    got = num_cores_to_corerangeset_in_subcoregrids((0, 0), 11, grids, row_wise=True)
    assert got == _rs(((0, 0), (3, 1)), ((0, 4), (2, 4)))
    got = num_cores_to_corerangeset_in_subcoregrids((0, 0), 11, grids, row_wise=False)
    assert got == _rs(((0, 0), (3, 1)), ((0, 4), (0, 5)), ((1, 4), (1, 4)))


def test_crs_overload_group_2_continues_in_next_range() -> None:
    grids = _rs(((0, 0), (3, 1)), ((0, 4), (3, 5)))  # 16 cores
    s = split_work_to_cores(grids, 16 + 8, row_wise=True)
    assert s.group_1 == _rs(((0, 0), (3, 1)))
    assert s.group_2 == _rs(((0, 4), (3, 5)))
    assert (s.units_per_core_group_1, s.units_per_core_group_2) == (2, 1)


def test_crs_overload_reproduces_tt_metal_fatal_for_next_column_branch() -> None:
    # Group 1 = column 0 exactly; tt-metal then starts group 2 at (1, 7) and runs out of cores (TT_FATAL).
    with pytest.raises(SplitError, match="Failed to assign all 56 requested cores"):
        split_work_to_cores(_rs(((0, 0), (7, 7))), 64 + 8)
    # the grid overload has no such problem, nor does row_wise
    assert split_work_to_cores((8, 8), 64 + 8).group_2.num_cores == 56
    assert split_work_to_cores(_rs(((0, 0), (7, 7))), 64 + 8, row_wise=True).group_2.num_cores == 56


# ---- properties ------------------------------------------------------------------------------------------


def _check_invariants(s: WorkSplit, units: int) -> None:
    all_cores = set(s.all_cores.cores())
    g1, g2 = set(s.group_1.cores()), set(s.group_2.cores())
    assert len(all_cores) == s.all_cores.num_cores == s.num_cores
    assert not (g1 & g2)
    assert g1 | g2 == all_cores
    for crs in (s.all_cores, s.group_1, s.group_2):
        for a in crs.ranges:
            for b in crs.ranges:
                assert a is b or not a.intersects(b)
    if s.group_2:
        assert s.units_per_core_group_1 == s.units_per_core_group_2 + 1
        assert s.group_1.num_cores == units % s.num_cores
    else:
        assert s.units_per_core_group_2 == 0
        assert s.units_per_core_group_1 * s.num_cores == units
    assert s.units_per_core_group_1 == -(-units // s.num_cores)
    # every unit exactly once, in factory order, group 1 first
    seen = [u for _, u in iter_units(s)]
    assert seen == list(range(units))
    order = s.core_order()
    assert order[: len(g1)] == [c for c in order if c in g1]


grid_dims = st.tuples(st.integers(1, 14), st.integers(1, 12))


@settings(max_examples=400, deadline=None)
@given(grid_dims, st.integers(0, 600), st.booleans())
def test_grid_overload_properties(grid: tuple[int, int], units: int, row_wise: bool) -> None:
    gx, gy = grid
    s = split_work_to_cores(grid, units, row_wise)
    if units == 0:
        assert s.num_cores == 0
        return
    assert s.num_cores == min(units, gx * gy)
    for crs in (s.all_cores, s.group_1, s.group_2):
        assert len(crs.ranges) <= 3
        assert all(0 <= x < gx and 0 <= y < gy for x, y in crs.cores())
    _check_invariants(s, units)
    # the classic factory loop visits the same cores in the same order
    if row_wise:
        classic = [(i % gx, i // gx) for i in range(s.num_cores)]
    else:
        classic = [(i // gy, i % gy) for i in range(s.num_cores)]
    assert s.core_order() == classic


@settings(max_examples=300, deadline=None)
@given(grid_dims, st.integers(0, 400), st.booleans(), st.integers(0, 3), st.integers(0, 3))
def test_single_range_set_matches_grid_overload(
    grid: tuple[int, int], units: int, row_wise: bool, ox: int, oy: int
) -> None:
    gx, gy = grid
    crs = _rs(((ox, oy), (ox + gx - 1, oy + gy - 1)))
    try:
        s = split_work_to_cores(crs, units, row_wise)
    except SplitError:
        # only the documented tt-metal failure: column-major, uneven, group 1 ends at a column bottom mid-range
        extra = units % (gx * gy)
        assert not row_wise and units > gx * gy and extra % gy == 0 and gy > 1 and extra < gx * gy
        return
    ref = split_work_to_cores(grid, units, row_wise)
    shift = lambda cores: {(x + ox, y + oy) for x, y in cores}  # noqa: E731
    assert s.num_cores == ref.num_cores
    assert set(s.group_1.cores()) == shift(ref.group_1.cores())
    assert set(s.group_2.cores()) == shift(ref.group_2.cores())
    assert (s.units_per_core_group_1, s.units_per_core_group_2) == (ref.units_per_core_group_1, ref.units_per_core_group_2)
    if units:
        _check_invariants(s, units)


@st.composite
def _banded_sets(draw: st.DrawFn) -> CoreRangeSet:
    """Disjoint ranges stacked as horizontal bands (the shape of real sub_core_grids)."""
    ranges = []
    y = 0
    for _ in range(draw(st.integers(1, 3))):
        y += draw(st.integers(0, 2))
        h = draw(st.integers(1, 4))
        x0 = draw(st.integers(0, 3))
        w = draw(st.integers(1, 6))
        ranges.append(CoreRange((x0, y), (x0 + w - 1, y + h - 1)))
        y += h
    return CoreRangeSet(tuple(ranges))


@settings(max_examples=300, deadline=None)
@given(_banded_sets(), st.integers(0, 200), st.booleans())
def test_core_range_set_overload_properties(crs: CoreRangeSet, units: int, row_wise: bool) -> None:
    try:
        s = split_work_to_cores(crs, units, row_wise)
    except SplitError as e:
        assert "Failed to assign" in str(e) and not row_wise
        return
    if units == 0:
        assert s.num_cores == 0
        return
    assert s.num_cores == min(units, crs.num_cores)
    assert all(crs.contains(c) for c in s.all_cores.cores())
    _check_invariants(s, units)


@settings(max_examples=200, deadline=None)
@given(grid_dims, st.integers(0, 168), st.booleans(), st.data())
def test_num_cores_to_corerangeset_properties(grid: tuple[int, int], n: int, row_wise: bool, data: st.DataObject) -> None:
    gx, gy = grid
    start = (data.draw(st.integers(0, gx - 1)), data.draw(st.integers(0, gy - 1)))
    available = (gy - 1 - start[1]) * gx + (gx - start[0]) if row_wise else (gx - 1 - start[0]) * gy + (gy - start[1])
    assume(n <= available)
    got = num_cores_to_corerangeset(start, n, grid, row_wise)
    assert got.num_cores == n
    assert len(got.ranges) <= 3
    cores = got.cores(row_wise)
    assert all(0 <= x < gx and 0 <= y < gy for x, y in cores)
    if n:
        assert cores[0] == start
        # contiguous in fill order from start
        order = [(x, y) for y in range(gy) for x in range(gx)] if row_wise else [(x, y) for x in range(gx) for y in range(gy)]
        i = order.index(start)
        assert set(cores) == set(order[i : i + n])
