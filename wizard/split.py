"""A faithful Python model of ``tt::tt_metal::split_work_to_cores`` (tt_metal/common/work_split.cpp).

Both overloads are reproduced branch for branch, including their quirks, so the grid map in the UI and the
generated factory agree core for core with what the device will do:

* grid overload ``split_work_to_cores(CoreCoord grid, units, row_wise)``: ``num_cores_to_corerangeset`` fills
  column-major by default (down y, then next x), row-major when ``row_wise``; at most three ranges.
* CoreRangeSet overload: ``num_cores_to_corerangeset_in_subcoregrids`` walks the set's ranges in order from the
  first range's start, emitting one range per column (row) and merging consecutive equal-span columns (rows), as
  the current source does. Its column-wise "start group 2 in the next column" branch starts at the *end* row of
  the range (``{last.x + 1, range.end_coord.y}``), so for an uneven split whose group 1 ends at the bottom of a
  column that is not the range's last column, tt-metal runs out of cores and ``TT_FATAL``s; we raise
  ``SplitError`` with the same text and a hint rather than invent an answer the device would not give.

Only more units than cores gives two groups: group 1 gets one more unit per core than group 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from wizard.errors import WizardError

__all__ = [
    "Core",
    "CoreRange",
    "CoreRangeSet",
    "SplitError",
    "WorkSplit",
    "split_work_to_cores",
    "num_cores_to_corerangeset",
    "num_cores_to_corerangeset_in_subcoregrids",
    "grid_to_cores",
    "iter_units",
]

Core = tuple[int, int]  # (x, y), logical worker coordinates
_UINT32_MAX = 2**32 - 1


class SplitError(WizardError):
    """What tt-metal would reject with TT_FATAL (the message says which check)."""


@dataclass(frozen=True, order=True)
class CoreRange:
    """Inclusive rectangle of cores, like tt-metal's ``CoreRange(start_coord, end_coord)``."""

    start: Core
    end: Core

    def __post_init__(self) -> None:
        (sx, sy), (ex, ey) = self.start, self.end
        if min(sx, sy, ex, ey) < 0:
            raise SplitError(f"core range {self} has a negative coordinate")
        if sx > ex or sy > ey:
            raise SplitError(f"core range start {self.start} is after its end {self.end}")

    @property
    def num_cores(self) -> int:
        return (self.end[0] - self.start[0] + 1) * (self.end[1] - self.start[1] + 1)

    def size(self) -> int:
        return self.num_cores

    @property
    def grid_size(self) -> Core:
        return (self.end[0] - self.start[0] + 1, self.end[1] - self.start[1] + 1)

    def contains(self, core: Core) -> bool:
        return self.start[0] <= core[0] <= self.end[0] and self.start[1] <= core[1] <= self.end[1]

    def intersects(self, other: CoreRange) -> bool:
        return not (
            other.start[0] > self.end[0]
            or other.end[0] < self.start[0]
            or other.start[1] > self.end[1]
            or other.end[1] < self.start[1]
        )

    def cores(self, row_wise: bool = False) -> list[Core]:
        """Cores in tt-metal's ``grid_to_cores`` order: column by column, or row by row when ``row_wise``."""
        return grid_to_cores(self.start, self.end, row_wise)

    def __str__(self) -> str:
        return f"({self.start[0]},{self.start[1]})-({self.end[0]},{self.end[1]})"


def grid_to_cores(start: Core, end: Core, row_wise: bool = False) -> list[Core]:
    xs = range(start[0], end[0] + 1)
    ys = range(start[1], end[1] + 1)
    if row_wise:
        return [(x, y) for y in ys for x in xs]
    return [(x, y) for x in xs for y in ys]


@dataclass(frozen=True)
class CoreRangeSet:
    """Disjoint core ranges in the order tt-metal produced them (the order matters to the subgrid walk)."""

    ranges: tuple[CoreRange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", tuple(self.ranges))
        for i, a in enumerate(self.ranges):
            for b in self.ranges[i + 1 :]:
                if a.intersects(b):
                    raise SplitError(f"core ranges {a} and {b} overlap")

    @classmethod
    def of(cls, *ranges: tuple[Core, Core] | CoreRange) -> CoreRangeSet:
        return cls(tuple(r if isinstance(r, CoreRange) else CoreRange(*r) for r in ranges))

    @property
    def num_cores(self) -> int:
        return sum(r.num_cores for r in self.ranges)

    def contains(self, core: Core) -> bool:
        return any(r.contains(core) for r in self.ranges)

    def cores(self, row_wise: bool = False) -> list[Core]:
        """tt-metal's ``corerange_to_cores(set, nullopt, row_wise)``: range by range, each in grid order."""
        return [c for r in self.ranges for c in r.cores(row_wise)]

    def bounding_box(self) -> CoreRange | None:
        if not self.ranges:
            return None
        return CoreRange(
            (min(r.start[0] for r in self.ranges), min(r.start[1] for r in self.ranges)),
            (max(r.end[0] for r in self.ranges), max(r.end[1] for r in self.ranges)),
        )

    def __iter__(self) -> Iterator[CoreRange]:
        return iter(self.ranges)

    def __len__(self) -> int:
        return len(self.ranges)

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __str__(self) -> str:
        return "{" + ", ".join(str(r) for r in self.ranges) + "}"


@dataclass
class WorkSplit:
    """The 6-tuple ``split_work_to_cores`` returns, plus what the caller needs to iterate cores like a factory."""

    num_cores: int
    all_cores: CoreRangeSet
    group_1: CoreRangeSet
    group_2: CoreRangeSet
    units_per_core_group_1: int
    units_per_core_group_2: int
    grid: Core  # grid size (x, y); for the CoreRangeSet overload, the set's bounding box from (0, 0)
    row_wise: bool = False
    units: int = 0
    core_grid: CoreRangeSet | None = field(default=None)  # the input set (CoreRangeSet overload only)

    def units_for(self, core: Core) -> int:
        """Units a core processes: the factory's ``core_group_1.contains(core) ? per1 : per2`` (0 when idle)."""
        if self.group_1.contains(core):
            return self.units_per_core_group_1
        if self.group_2.contains(core):
            return self.units_per_core_group_2
        return 0

    def core_order(self) -> list[Core]:
        """Cores in the order a factory walks them: ``corerange_to_cores(all_cores, nullopt, row_wise)``.

        For the grid overload this equals the classic ``core = {i / grid.y, i % grid.y}`` loop
        (``{i % grid.x, i / grid.x}`` when row_wise) over ``i < num_cores``.
        """
        return self.all_cores.cores(self.row_wise)

    def assignments(self) -> list[tuple[Core, int, int]]:
        """(core, first unit, unit count) per core in ``core_order``: the running ``start_id`` of a factory."""
        out: list[tuple[Core, int, int]] = []
        start = 0
        for core in self.core_order():
            n = self.units_for(core)
            out.append((core, start, n))
            start += n
        return out

    @property
    def max_units_per_core(self) -> int:
        return max(self.units_per_core_group_1, self.units_per_core_group_2)

    def summary(self) -> str:
        if self.units == 0 or self.num_cores == 0:
            return "0 units: no cores used"
        g1 = f"{self.group_1.num_cores} cores x {self.units_per_core_group_1} units {self.group_1}"
        if not self.group_2:
            return f"{self.units} units on {self.num_cores} cores: {g1}"
        g2 = f"{self.group_2.num_cores} cores x {self.units_per_core_group_2} units {self.group_2}"
        return f"{self.units} units on {self.num_cores} cores: group 1 {g1}; group 2 {g2}"


# ----------------------------------------------------------------------------------------------------------
# num_cores_to_corerangeset (grid form)


def num_cores_to_corerangeset(start: Core, n: int, grid: Core, row_wise: bool = False) -> CoreRangeSet:
    """``n`` cores from ``start`` in a ``grid`` (x, y): a partial column (row), full columns (rows), a partial one."""
    gx, gy = grid
    sx, sy = start
    if gx <= 0 or gy <= 0:
        raise SplitError(f"grid {gx}x{gy} has no cores")
    if not (0 <= sx < gx and 0 <= sy < gy):
        raise SplitError(f"Start core must be within grid size (start {start}, grid {gx}x{gy})")
    if n < 0:
        raise SplitError(f"number of cores must not be negative (got {n})")
    if row_wise:
        available = (gy - 1 - sy) * gx + (gx - sx)
    else:
        available = (gx - 1 - sx) * gy + (gy - sy)
    if n > available:
        raise SplitError(f"Target number of cores {n} is greater than total number of available cores {available}")

    ranges: list[CoreRange] = []
    left = n
    s = start
    if row_wise:
        if s[0] != 0 and left > gx - sx:  # partial row at start
            ranges.append(CoreRange(s, (gx - 1, s[1])))
            left -= ranges[-1].num_cores
            s = (0, s[1] + 1)
        if left > gx:  # full rows (strictly more than one row left, as in the source)
            rows = left // gx
            ranges.append(CoreRange(s, (gx - 1, s[1] + rows - 1)))
            left -= ranges[-1].num_cores
            s = (0, s[1] + rows)
        if left > 0:  # partial row at end
            ranges.append(CoreRange(s, (s[0] + left - 1, s[1])))
    else:
        if s[1] != 0 and left > gy - sy:  # partial column at start
            ranges.append(CoreRange(s, (s[0], gy - 1)))
            left -= ranges[-1].num_cores
            s = (s[0] + 1, 0)
        if left > gy:  # full columns
            cols = left // gy
            ranges.append(CoreRange(s, (s[0] + cols - 1, gy - 1)))
            left -= ranges[-1].num_cores
            s = (s[0] + cols, 0)
        if left > 0:  # partial column at end
            ranges.append(CoreRange(s, (s[0], s[1] + left - 1)))
    return CoreRangeSet(tuple(ranges))


# ----------------------------------------------------------------------------------------------------------
# num_cores_to_corerangeset_in_subcoregrids (CoreRangeSet form)


def _merge_rectangles(ranges: list[CoreRange], row_wise: bool) -> list[CoreRange]:
    """Merge consecutive single rows (columns) with the same x (y) span, as the source's merge_rectangles."""
    if not ranges:
        return []
    merged: list[CoreRange] = []
    cur = ranges[0]
    for nxt in ranges[1:]:
        if row_wise:
            same_span = cur.start[0] == nxt.start[0] and cur.end[0] == nxt.end[0]
            consecutive = nxt.start[1] == cur.end[1] + 1 and nxt.end[1] == cur.end[1] + 1
            if same_span and consecutive:
                cur = CoreRange(cur.start, (cur.end[0], nxt.end[1]))
                continue
        else:
            same_span = cur.start[1] == nxt.start[1] and cur.end[1] == nxt.end[1]
            consecutive = nxt.start[0] == cur.end[0] + 1 and nxt.end[0] == cur.end[0] + 1
            if same_span and consecutive:
                cur = CoreRange(cur.start, (nxt.end[0], cur.end[1]))
                continue
        merged.append(cur)
        cur = nxt
    merged.append(cur)
    return merged


def num_cores_to_corerangeset_in_subcoregrids(
    start: Core, n: int, sub_core_grids: CoreRangeSet, row_wise: bool = False
) -> CoreRangeSet:
    """``n`` cores from ``start`` walking the set's ranges in order (first range containing ``start`` onwards)."""
    if n <= 0:
        raise SplitError("Target number of cores must be greater than 0")
    total = sub_core_grids.num_cores
    if n > total:
        raise SplitError(f"Target number of cores {n} is greater than total available cores {total}")
    if not sub_core_grids.contains(start):
        raise SplitError(f"Start core must be inside sub_core_grids (start {start}, set {sub_core_grids})")

    result: list[CoreRange] = []
    remaining = n
    active = False
    for grid in sub_core_grids.ranges:
        if not active:
            if not grid.contains(start):
                continue
            active = True
            cur = start
        else:
            cur = grid.start
        if row_wise:
            y = cur[1]
            while y <= grid.end[1] and remaining > 0:
                x0 = cur[0] if y == cur[1] else grid.start[0]
                take = min(grid.end[0] - x0 + 1, remaining)
                result.append(CoreRange((x0, y), (x0 + take - 1, y)))
                remaining -= take
                y += 1
        else:
            x = cur[0]
            while x <= grid.end[0] and remaining > 0:
                y0 = cur[1] if x == cur[0] else grid.start[1]
                take = min(grid.end[1] - y0 + 1, remaining)
                result.append(CoreRange((x, y0), (x, y0 + take - 1)))
                remaining -= take
                x += 1
        if remaining == 0:
            break
    if remaining != 0:
        raise SplitError(f"Failed to assign all {n} requested cores (tt-metal TT_FATAL in num_cores_to_corerangeset_in_subcoregrids)")
    return CoreRangeSet(tuple(_merge_rectangles(result, row_wise)))


# ----------------------------------------------------------------------------------------------------------
# split_work_to_cores


def _check_units(units: int) -> None:
    if isinstance(units, bool) or not isinstance(units, int):
        raise SplitError(f"units to divide must be a whole number, got {units!r}")
    if units < 0:
        raise SplitError(f"units to divide must not be negative (got {units})")
    if units > _UINT32_MAX:
        raise SplitError(f"units to divide {units} does not fit tt-metal's uint32_t")


def split_work_to_cores(grid: Core | CoreRangeSet, units: int, row_wise: bool = False) -> WorkSplit:
    """Split ``units`` over a grid (x, y) or a CoreRangeSet exactly as tt-metal does."""
    _check_units(units)
    if isinstance(grid, CoreRangeSet):
        return _split_in_set(grid, units, row_wise)
    gx, gy = int(grid[0]), int(grid[1])
    if gx <= 0 or gy <= 0:
        raise SplitError(f"grid {gx}x{gy} has no cores")
    empty = CoreRangeSet()
    if units == 0:
        return WorkSplit(0, empty, empty, empty, 0, 0, (gx, gy), row_wise, 0)
    max_cores = gx * gy
    if units >= max_cores:
        target = max_cores
        all_cores = CoreRangeSet.of(((0, 0), (gx - 1, gy - 1)))
    else:
        target = units
        all_cores = num_cores_to_corerangeset((0, 0), target, (gx, gy), row_wise)
    per1, per2 = units // target, 0
    extra = units % target
    if extra == 0:
        g1, g2 = all_cores, empty
    else:  # only reachable with more units than cores
        g1 = num_cores_to_corerangeset((0, 0), extra, (gx, gy), row_wise)
        lx, ly = g1.ranges[-1].end
        if row_wise:
            start2 = (lx + 1, ly) if lx != gx - 1 else (0, ly + 1)
        else:
            start2 = (lx, ly + 1) if ly != gy - 1 else (lx + 1, 0)
        g2 = num_cores_to_corerangeset(start2, target - extra, (gx, gy), row_wise)
        per2, per1 = per1, per1 + 1
    return WorkSplit(target, all_cores, g1, g2, per1, per2, (gx, gy), row_wise, units)


def _split_in_set(core_grid: CoreRangeSet, units: int, row_wise: bool) -> WorkSplit:
    box = core_grid.bounding_box()
    grid = (box.end[0] + 1, box.end[1] + 1) if box else (0, 0)
    empty = CoreRangeSet()
    if units == 0:
        return WorkSplit(0, empty, empty, empty, 0, 0, grid, row_wise, 0, core_grid)
    max_cores = core_grid.num_cores
    if max_cores == 0:
        raise SplitError("Core grid must contain at least one core")
    start = core_grid.ranges[0].start
    if units >= max_cores:
        target, all_cores = max_cores, core_grid
    else:
        target = units
        all_cores = num_cores_to_corerangeset_in_subcoregrids(start, target, core_grid, row_wise)
    per1, per2 = units // target, 0
    extra = units % target
    if extra == 0:
        g1, g2 = all_cores, empty
    else:
        g1 = num_cores_to_corerangeset_in_subcoregrids(start, extra, core_grid, row_wise)
        last = g1.ranges[-1].end
        ranges = core_grid.ranges
        counted, i = 0, 0
        for i, r in enumerate(ranges):  # the range holding group 1's last core, by core count (as the source)
            counted += r.num_cores
            if counted >= extra:
                break
        holder = ranges[i]
        n2 = target - extra
        if last == holder.end:
            start2 = ranges[i + 1].start
        elif row_wise:
            start2 = (last[0] + 1, last[1]) if last[0] != holder.end[0] else (holder.start[0], last[1] + 1)
        elif last[1] != holder.end[1]:
            start2 = (last[0], last[1] + 1)
        else:
            start2 = (last[0] + 1, holder.end[1])  # sic: tt-metal starts at the range's end row, not its start row
        try:
            g2 = num_cores_to_corerangeset_in_subcoregrids(start2, n2, core_grid, row_wise)
        except SplitError as e:
            raise SplitError(
                f"{e}: tt-metal's CoreRangeSet split_work_to_cores fails for {units} units on {core_grid} "
                f"(group 1 ends at the bottom of column {last[0]}); use row_wise, the grid overload, or another unit count"
            ) from None
        per2, per1 = per1, per1 + 1
    return WorkSplit(target, all_cores, g1, g2, per1, per2, grid, row_wise, units, core_grid)


def iter_units(split: WorkSplit) -> Iterable[tuple[Core, int]]:
    """(core, unit index) for every unit, in factory order: handy for tests and the grid map."""
    for core, first, count in split.assignments():
        for u in range(first, first + count):
            yield core, u
