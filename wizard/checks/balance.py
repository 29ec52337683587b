"""CB balance: over one run on a core, every page pushed into a CB is popped, with page kinds
that agree between producer and consumer.

Counts are symbolic (``num_rows * Wt``): each CB call's page count times the trip counts of
the loops around it, with kernel-level names mapped to what the factory passes on each core
group. A CB pushed a constant number of times and never popped is program-lifetime (exempt,
reported as INFO). What cannot be proven is a WARNING that says why, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wizard.checks import opmodel
from wizard.checks.facts import TILE_CALLS, FactoryFacts, KernelCreate, KernelFacts, is_non_sync
from wizard.checks.opmodel import OpModel, page_kind
from wizard.checks.poly import Poly, normalise
from wizard.model import Finding, Severity, dedupe_findings

CHECK = "balance"
_VERB = {"reserve": "reserves", "push": "pushes", "wait": "waits for", "pop": "pops"}


@dataclass
class Side:
    kernel: str
    op: str
    count: Poly
    n_text: str
    line: int
    why: list[str]  # reasons this count is not exact (unknown loop, unmapped arg, condition)
    n: Poly | None = None  # pages of the one call, in host terms


def check_balance(files: Mapping[str, str]) -> list[Finding]:
    model = opmodel.build(files)
    out: list[Finding] = []
    for ff in model.factories:
        per_group = any(normalise(kc.cores) in ff.groups for kc in ff.kernels)
        base = {} if per_group else _balance_group(model, ff, None)
        if per_group or (ff.groups and any(base.values())):
            # values differ per core group (split_work_to_cores' two groups): prove each group
            results = [_balance_group(model, ff, g) for g in ff.groups]
            for idx in sorted({i for r in results for i in r}):
                failing = [r[idx] for r in results if r.get(idx)]
                if failing and len(failing) == len(results) and base.get(idx):
                    out += base[idx]  # fails the same way everywhere: the group-free wording reads better
                elif failing:
                    out += failing[0]
        else:
            for idx in sorted(base):
                out += base[idx]
        out += _page_kinds(model, ff)
    return dedupe_findings(out)


def _label(group: str | None) -> str:
    return f" on {group} cores" if group else ""


def _opaque(p: Poly) -> list[str]:
    return sorted(s for s in p.symbols if s.startswith("[") or "::" in s or "." in s or s.startswith("$"))


def _balance_group(model: OpModel, ff: FactoryFacts, group: str | None) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = {}
    by_cb: dict[int, list[Side]] = {}
    opaque_uses: dict[int, list[str]] = {}
    for kp, kf in model.kernels.items():
        for kc in model.instances_in(kp, ff, group):
            for op in kf.cb_ops:
                idx, _how = model.cb_index(op.cb, ff, kc, group)
                if idx is None:
                    continue  # the contract check reports unresolvable CB ids
                lifted = model.lift(op.count, ff, kc, group)
                why = list(lifted.why)
                if op.unknown:
                    why.append(op.unknown)
                if op.conditional:
                    why.append(f"inside {op.conditional}")
                n = model.lift(op.n, ff, kc, group).poly if op.n is not None else None
                by_cb.setdefault(idx, []).append(Side(kp, op.op, lifted.poly, op.n_text, op.line, why, n))
            for use in kf.cb_uses:
                if is_non_sync(use.func):
                    continue
                idx, _how = model.cb_index(use.cb, ff, kc, group)
                if idx is not None:
                    opaque_uses.setdefault(idx, []).append(f"`{use.func}` ({kp}:{use.line})")
    for idx in sorted(by_cb):
        out[idx] = _balance_cb(ff, idx, by_cb[idx], opaque_uses.get(idx, []), group)
    return out


def _sum(sides: list[Side]) -> Poly:
    total = Poly.const(0)
    for s in sides:
        total = total + s.count
    return total


def _where(sides: list[Side]) -> str:
    return ", ".join(f"{s.kernel}:{s.line}" for s in sides)


def _balance_cb(ff: FactoryFacts, idx: int, sides: list[Side], opaque: list[str], group: str | None) -> list[Finding]:
    out: list[Finding] = []
    name = f"CB c_{idx}{_label(group)}"
    pushes = [s for s in sides if s.op == "push"]
    pops = [s for s in sides if s.op == "pop"]
    out += _capacity_checks(ff, idx, sides, name)
    # reserve/push and wait/pop pairs within each kernel
    for kernel in sorted({s.kernel for s in sides}):
        for a, b in (("reserve", "push"), ("wait", "pop")):
            sa = [s for s in sides if s.kernel == kernel and s.op == a]
            sb = [s for s in sides if s.kernel == kernel and s.op == b]
            if not sa and not sb:
                continue
            if a == "wait" and sa and not sb:
                continue  # waiting on a persistent CB without popping is fine
            if sb and not sa:
                out.append(Finding(CHECK, kernel, sb[0].line, f"{name}: cb_{b}_{'back' if b == 'push' else 'front'} without a matching cb_{a}_{'back' if a == 'reserve' else 'front'} in this kernel"))
                continue
            if sa and not sb:
                out.append(Finding(CHECK, kernel, sa[0].line, f"{name}: cb_{a}_{'back' if a == 'reserve' else 'front'} ({_where(sa)}) but this kernel never calls cb_{b}_{'back' if b == 'push' else 'front'}", Severity.WARNING))
                continue
            ta, tb = _sum(sa), _sum(sb)
            if ta != tb and not any(s.why for s in sa + sb):
                over = tb - ta  # pushing more than was reserved / popping more than was waited for is a bug
                sev = Severity.ERROR if over.nonneg_coeffs() and not _opaque(over) else Severity.WARNING
                out.append(Finding(CHECK, kernel, sb[0].line, f"{name}: {_VERB[a]} {ta} pages ({_where(sa)}) but {_VERB[b]} {tb} ({_where(sb)}) over a run", sev))
    if not pushes and not pops:
        return out
    why = [w for s in pushes + pops for w in s.why]
    if opaque:
        why.append(f"also passed to {', '.join(opaque)}, whose pushes/pops are not counted")
    if pushes and not pops:
        total = _sum(pushes)
        if opaque:
            out.append(Finding(CHECK, pushes[0].kernel, pushes[0].line, f"{name}: pushed {total} pages ({_where(pushes)}); cannot prove the balance: {'; '.join(why)}", Severity.WARNING))
        elif total.is_const and not why:
            cap = _capacity(ff, idx)
            if cap is not None and cap.is_const and cap.value is not None and total.value is not None and total.value > cap.value:
                out.append(Finding(CHECK, pushes[0].kernel, pushes[0].line, f"{name}: pushed {total} pages and never popped, but the CB holds only {cap} pages: the producer blocks forever"))
            else:
                out.append(Finding(CHECK, pushes[0].kernel, pushes[0].line, f"{name}: pushed {total} page(s) once and never popped: treated as program-lifetime (balance-exempt)", Severity.INFO))
        else:
            reason = f" ({'; '.join(why)})" if why else ""
            out.append(Finding(CHECK, pushes[0].kernel, pushes[0].line, f"{name}: pushed {total} pages over a run ({_where(pushes)}) and never popped{reason}: the producer blocks once the CB's pages fill"))
        return out
    if pops and not pushes:
        if opaque:
            out.append(Finding(CHECK, pops[0].kernel, pops[0].line, f"{name}: popped {_sum(pops)} pages but no kernel pushes it with cb_push_back; cannot prove the balance: {'; '.join(why)}", Severity.WARNING))
        else:
            out.append(Finding(CHECK, pops[0].kernel, pops[0].line, f"{name}: popped {_sum(pops)} pages ({_where(pops)}) but no kernel pushes it: the consumer waits forever"))
        return out
    tp, tq = _sum(pushes), _sum(pops)
    if tp == tq and not why:
        return out
    if tp == tq:
        out.append(Finding(CHECK, pops[0].kernel, pops[0].line, f"{name}: pushes {tp} ({_where(pushes)}) and pops {tq} ({_where(pops)}) look equal, but cannot prove it: {'; '.join(why)}", Severity.WARNING))
        return out
    opaque_syms = _opaque(tp - tq)
    if why or opaque_syms:
        detail = "; ".join(why) if why else f"they depend on {', '.join(opaque_syms)}, which we cannot expand"
        out.append(Finding(CHECK, pops[0].kernel, pops[0].line, f"{name}: cannot prove pushes `{tp}` ({_where(pushes)}) equal pops `{tq}` ({_where(pops)}): {detail}", Severity.WARNING))
        return out
    out.append(Finding(CHECK, pops[0].kernel, pops[0].line, f"{name}: pushes `{tp}` pages ({_where(pushes)}) but pops `{tq}` ({_where(pops)}) over a run: {_consequence(tp, tq)}"))
    return out


def _consequence(pushed: Poly, popped: Poly) -> str:
    diff = pushed - popped
    if diff.nonneg_coeffs():
        return "pages are left in the CB (the producer can block; a rerun starts misaligned)"
    if (-diff).nonneg_coeffs():
        return "the consumer waits for pages that never come (hang)"
    return "they differ for some shapes (hang or leftover pages)"


def _capacity_checks(ff: FactoryFacts, idx: int, sides: list[Side], name: str) -> list[Finding]:
    """cb_reserve_back / cb_wait_front for more pages than the CB holds never return."""
    out: list[Finding] = []
    cap = _capacity(ff, idx)
    if cap is None:
        return out
    created = ff.cb(idx)[0]
    for s in sides:
        if s.op not in ("reserve", "wait") or s.n is None:
            continue
        room = cap - s.n
        fn = "cb_reserve_back" if s.op == "reserve" else "cb_wait_front"
        where = f"`{normalise(created.num_pages)}` = {cap} pages ({ff.path}:{created.line})"
        if room.value is not None and room.value < 0:
            out.append(Finding(CHECK, s.kernel, s.line, f"{name}: {fn} asks for {s.n} pages but the CB holds {where}: it never returns (hang)"))
        elif room.value is None and not room.nonneg_if_positive() and not _opaque(room):
            out.append(Finding(CHECK, s.kernel, s.line, f"{name}: cannot prove the CB holds the {s.n} pages {fn} asks for: it holds {where}", Severity.WARNING))
    return out


def _capacity(ff: FactoryFacts, idx: int) -> Poly | None:
    created = ff.cb(idx)
    if not created or not created[0].num_pages:
        return None
    return ff.host_poly(created[0].num_pages)


def _page_kinds(model: OpModel, ff: FactoryFacts) -> list[Finding]:
    """Tile ops need tile pages; a transfer's size per page must match the CB's page kind."""
    out: list[Finding] = []
    for kp, kf in model.kernels.items():
        for inst in model.instances.get(kp, []):
            if inst.factory is not ff:
                continue
            kc = inst.create
            group = model.scenarios(ff)[0]
            out += _kernel_page_kinds(model, ff, kf, kc, group)
    return out


def _kernel_page_kinds(model: OpModel, ff: FactoryFacts, kf: KernelFacts, kc: KernelCreate, group: str | None) -> list[Finding]:
    out: list[Finding] = []

    def cb_kind(idx: int) -> tuple[str | None, str, int]:
        created = ff.cb(idx)
        if not created:
            return None, "", 0
        return page_kind(created[0].page_size, ff), normalise(created[0].page_size), created[0].line

    if kf.is_compute:
        # cb_wait/push/... work with any page size; tile operations need tile-sized pages
        refs = [(u.cb, u.func, u.line) for u in kf.cb_uses if u.func in TILE_CALLS]
        for cbp, what, line in refs:
            idx, _ = model.cb_index(cbp, ff, kc, group)
            if idx is None:
                continue
            kind, ps, cline = cb_kind(idx)
            if kind == "stick":
                out.append(Finding(CHECK, kf.path, line, f"CB c_{idx}: the compute kernel works on tiles ({what}) but the factory gives it stick-sized pages (`{ps}`, {ff.path}:{cline}): tile-page/stick-page mismatch, the #1 hang cause"))
    for cbp, size_text, call, line in kf.transfers:
        idx, _ = model.cb_index(cbp, ff, kc, group)
        if idx is None:
            continue
        kind, ps, cline = cb_kind(idx)
        size = model.lift(_kernel_size(kf, size_text), ff, kc, group).poly
        size_kind = page_kind(str(size), ff) or _size_kind_in_kernel(kf, size_text)
        # a stick-sized transfer into a tile-sized page is the normal row-major staging for tilize;
        # a tile-sized transfer into a stick-sized page overruns it
        if kind == "stick" and size_kind == "tile" and "min" not in size_text:
            out.append(Finding(CHECK, kf.path, line, f"CB c_{idx}: {call} moves `{normalise(size_text)}` ({size_kind}-sized) per page, but the CB's pages are {kind}-sized (`{ps}`, {ff.path}:{cline})"))
    return out


def _kernel_size(kf: KernelFacts, text: str) -> Poly:
    from wizard.checks.facts import kernel_poly

    return kernel_poly(kf.env, text)


def _size_kind_in_kernel(kf: KernelFacts, text: str) -> str | None:
    t = text.lower()
    init = kf.env.exprs.get(text.strip(), "").lower()
    for s in (t, init):
        if "get_tile_size" in s or "tile" in s:
            return "tile"
        if "stick" in s:
            return "stick"
    return None
