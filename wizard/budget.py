"""Per-core L1 budget of a CB table for a sample shape, and the work-unit total of a spec.

Bytes per CB = page size x number of pages, where the page size follows the CB's page kind:
tile -> ``tt::tile_size`` of the CB's data format ("input"/"output" resolve to the sample dtype; the reduce
scaler CB is bfloat16 whatever the input is), stick -> ``round_up(W * element_size, buffer alignment)``,
bytes -> the pages expression *is* the CB's total size. CBs are laid out as tt-metal's program does:
each starts at an address aligned to the DRAM alignment (``ProgramImpl::allocate_circular_buffers``), so the
static CB region can be a little larger than the plain sum.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from wizard.errors import WizardError
from wizard.expr import ELEMENT_BYTES, ExprError, normalize_dtype, parse_expr, round_up, sample_env
from wizard.model import CircularBuffer, PageKind, WorkDistribution
from wizard.profiles import HardwareProfile

__all__ = ["CBBytes", "L1Budget", "l1_budget", "total_units", "resolve_data_format", "cb_env"]


@dataclass
class CBBytes:
    index: int
    name: str
    page_kind: PageKind
    page_size: int | None
    num_pages: int | None
    total: int | None
    error: str | None = None
    data_format: str = ""  # resolved dtype name, e.g. "bfloat16"
    expr: str = ""  # normalised pages expression, when it parsed


@dataclass
class L1Budget:
    rows: list[CBBytes]
    total: int  # static CB region size per core (aligned layout); counts only CBs that evaluated
    budget: int  # profile's CB budget per core
    l1_size: int
    fits: bool  # every CB evaluated and the region fits the budget
    errors: list[str] = field(default_factory=list)
    raw_total: int = 0  # plain sum of CB sizes (without alignment padding)
    profile: str = ""
    l1_reserved: int = 0  # estimated allocator base (0: unknown, taken as l1_size - budget)

    @property
    def over(self) -> int:
        """Bytes over budget (0 when within)."""
        return max(0, self.total - self.budget)

    @property
    def free(self) -> int:
        return max(0, self.budget - self.total)

    @property
    def fraction(self) -> float:
        return self.total / self.budget if self.budget else 0.0

    def biggest(self, n: int = 3) -> list[CBBytes]:
        return sorted((r for r in self.rows if r.total), key=lambda r: -(r.total or 0))[:n]

    def message(self) -> str:
        """One paragraph for the CLI/UI: fits, or how much over and what to shrink (tt-metal #28835's wishes)."""
        used = f"{self.total:,} B of {self.budget:,} B ({self.fraction:.0%}) per core on {self.profile or 'this profile'}"
        if self.errors:
            return f"L1 budget incomplete: {len(self.errors)} CB(s) could not be sized; {used} for the rest"
        if self.fits:
            return f"CBs fit: {used}, {self.free:,} B free"
        top = ", ".join(
            f"c_{r.index} {r.name} {r.total:,} B ({r.num_pages} x {r.page_size} B)" for r in self.biggest()
        )
        base = self.l1_reserved or (self.l1_size - self.budget)
        end = base + self.total  # where the static CB region would end
        if end > self.l1_size:
            runtime = (
                f"tt-metal would throw 'Statically allocated circular buffers on core range [...] grow to ~{end:,} B "
                f"which is beyond max L1 size of {self.l1_size:,} B'"
            )
        else:
            runtime = (
                "CBs fill L1 upward from the allocator base while L1 tensors grow down from the top; where they meet "
                "tt-metal throws 'Statically allocated circular buffers ... clash with L1 buffers'"
            )
        return (
            f"CBs do not fit: {used}, {self.over:,} B over. Biggest: {top}. {runtime}. "
            "Shrink the biggest CBs (fewer pages per block, single instead of double buffering, a smaller block of "
            "Wt), use a smaller data format, or split the row across cores."
        )


def resolve_data_format(cb: CircularBuffer, sample_dtype: str) -> str:
    """The dtype whose tile/element size a CB uses (see module doc); WizardError for an unknown name."""
    fmt = (cb.data_format or "input").strip()
    low = fmt.lower()
    if low in ("input", "output", "") or low.startswith(("same as", "input ", "output ")):
        if _is_reduce_scaler(cb):
            return "bfloat16"  # reduce/bcast scaler generators pack bf16 pairs: the CB is Float16_b
        return normalize_dtype(sample_dtype)
    try:
        return normalize_dtype(fmt)
    except ExprError as e:
        raise WizardError(f"CB c_{cb.index} ({cb.name}): {e}") from None


def _is_reduce_scaler(cb: CircularBuffer) -> bool:
    text = f"{cb.name} {' '.join(cb.aliases)} {cb.purpose}".lower()
    return "scaler" in text


def cb_env(profile: HardwareProfile, shape: Sequence[int], dtype: str = "bfloat16", *,
           dim_order: str = "NCHW") -> dict[str, int]:
    """``sample_env`` with the profile's tile sizes and DRAM alignment (what stick pages round up to)."""
    env = sample_env(shape, dtype, alignment=profile.dram_alignment, dim_order=dim_order)
    tile = profile.tile_size(dtype)
    for key in ("tile_size", "input_tile_size", "output_tile_size", "single_tile_size", "in_tile_size", "out_tile_size"):
        env[key] = tile
    return env


def _size_cb(cb: CircularBuffer, env: dict[str, int], profile: HardwareProfile, dtype: str) -> CBBytes:
    row = CBBytes(cb.index, cb.name, cb.page_kind, None, None, None)
    label = f"CB c_{cb.index} ({cb.name})"
    try:
        row.data_format = resolve_data_format(cb, dtype)
        expr = parse_expr(cb.pages)
        row.expr = expr.text
        count = expr.evaluate_int(env)
    except (ExprError, WizardError) as e:
        msg = str(e)
        row.error = msg if msg.startswith("CB c_") else f"{label}: pages '{cb.pages}': {msg}"
        return row
    if count <= 0:
        row.error = f"{label}: pages '{cb.pages}' evaluates to {count}; a CB needs at least one page"
        return row
    if cb.page_kind is PageKind.BYTES:
        row.page_size, row.num_pages = count, 1
    elif cb.page_kind is PageKind.STICK:
        row.page_size = round_up(env["W"] * ELEMENT_BYTES[row.data_format], profile.dram_alignment)
        row.num_pages = count
    else:
        row.page_size = profile.tile_size(row.data_format)
        row.num_pages = count
    row.total = row.page_size * row.num_pages
    return row


def l1_budget(
    cbs: Sequence[CircularBuffer],
    profile: HardwareProfile,
    shape: Sequence[int],
    dtype: str = "bfloat16",
    *,
    symbols: Mapping[str, str] | None = None,
    dim_order: str = "NCHW",
) -> L1Budget:
    """Bytes per CB and the static CB region per core for a sample ``shape``/``dtype`` against the profile.

    ``symbols`` are definitions the spec makes itself (``OpSpec.symbols``, e.g. image_rotate's
    ``out_ntiles_c``): page expressions that use them are expanded first so they can be sized.
    """
    try:
        env = cb_env(profile, shape, dtype, dim_order=dim_order)
    except ExprError as e:
        raise WizardError(f"sample shape/dtype: {e}") from None
    if symbols:
        from wizard.spec.symbols import expand_symbols  # lazy: pulls in the parser package

        cbs = [
            dataclasses.replace(cb, pages=expanded) if (expanded := expand_symbols(cb.pages, symbols)) != cb.pages else cb
            for cb in cbs
        ]
    rows = [_size_cb(cb, env, profile, dtype) for cb in cbs]
    addr = raw = 0
    for r in rows:  # creation order, each CB start aligned like tt-metal's CB allocator
        if r.total:
            addr = round_up(addr, profile.dram_alignment) + r.total
            raw += r.total
    errors = [r.error for r in rows if r.error]
    seen: dict[int, str] = {}
    for cb in cbs:
        if cb.index in seen:
            errors.append(f"CB index c_{cb.index} is used by both {seen[cb.index]} and {cb.name}")
        seen.setdefault(cb.index, cb.name)
        if not 0 <= cb.index <= 31:
            errors.append(f"CB c_{cb.index} ({cb.name}): index must be 0..31 (tt::CBIndex)")
    return L1Budget(
        rows=rows,
        total=addr,
        budget=profile.l1_budget,
        l1_size=profile.l1_size,
        fits=not errors and addr <= profile.l1_budget,
        errors=errors,
        raw_total=raw,
        profile=profile.name,
        l1_reserved=profile.l1_reserved,
    )


def total_units(work: WorkDistribution, shape: Sequence[int], dtype: str = "bfloat16", *,
                dim_order: str = "NCHW") -> int:
    """``work.total_units`` evaluated for a sample shape; WizardError (with the spec line when known) otherwise."""
    src = work.source("total_units")
    line = src.line if src else None
    where = f" (spec line {line})" if line else ""
    try:
        value = parse_expr(work.total_units).evaluate_int(sample_env(shape, dtype, dim_order=dim_order))
    except ExprError as e:
        raise WizardError(f"work total units '{work.total_units}'{where}: {e}", line=line) from None
    if value < 0:
        raise WizardError(f"work total units '{work.total_units}'{where} evaluates to {value} (negative)", line=line)
    return value
