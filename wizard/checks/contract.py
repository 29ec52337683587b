"""Factory <-> kernel contract: CBs created where kernels use them, runtime and compile-time
argument indices (with the TensorAccessorArgs offset), and CreateKernel paths that exist."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from wizard.checks import opmodel
from wizard.checks.facts import FactoryFacts, KernelCreate, KernelFacts
from wizard.checks.opmodel import ALL_CORES_NAMES, OpModel
from wizard.checks.poly import normalise
from wizard.model import Finding, Severity, dedupe_findings

CHECK = "contract"


def check_contract(files: Mapping[str, str], *, exists: Callable[[str], bool] | None = None) -> list[Finding]:
    model = opmodel.build(files)
    exists = exists or opmodel.exists_in(files)
    out: list[Finding] = []
    for ff in model.factories:
        out += _paths(ff, exists)
        out += _duplicate_cbs(ff)
        out += _rt_patches(ff)
    for kp, kf in model.kernels.items():
        insts = model.instances.get(kp, [])
        if not insts:
            if model.factories and any(ff.kernels for ff in model.factories):
                out.append(Finding(CHECK, kp, 1, "no CreateKernel in the program factory builds this kernel (its path is not referenced)", Severity.WARNING))
            continue
        for inst in insts:
            out += _rt_args(model, kf, inst.factory, inst.create)
            out += _ct_args(kf, inst.factory, inst.create)
        out += _cbs(model, kf)
    return dedupe_findings(out)


def _paths(ff: FactoryFacts, exists: Callable[[str], bool]) -> list[Finding]:
    out = []
    for kc in ff.kernels:
        if kc.path is None:
            out.append(Finding(CHECK, ff.path, kc.path_line, f"kernel path `{normalise(kc.path_text)}` is built at run time; cannot check that it exists", Severity.WARNING))
        elif not exists(kc.path):
            out.append(Finding(CHECK, ff.path, kc.path_line, f'CreateKernel path "{kc.path}" does not exist (relative to the repo root, it must name a kernel file of this op)'))
    return out


def _duplicate_cbs(ff: FactoryFacts) -> list[Finding]:
    out = []
    seen: dict[tuple[int, str], int] = {}
    for cb in ff.cbs:
        if cb.index is None:
            out.append(Finding(CHECK, ff.path, cb.line, f"cannot resolve the CB index `{normalise(cb.index_text)}` to a number", Severity.WARNING))
            continue
        if not 0 <= cb.index <= 31:
            out.append(Finding(CHECK, ff.path, cb.line, f"CB index {cb.index} is outside c_0..c_31"))
        key = (cb.index, normalise(cb.cores))
        if key in seen:
            out.append(Finding(CHECK, ff.path, cb.line, f"CB c_{cb.index} is created twice on `{key[1]}` (first at line {seen[key]})"))
        seen.setdefault(key, cb.line)
    return out


def _rt_patches(ff: FactoryFacts) -> list[Finding]:
    out = []
    for handle, k, line in ff.rt_patches:
        counts = {len(rs.args) for rs in ff.rt_sets if rs.handle == handle and rs.args is not None}
        if counts and k >= max(counts):
            out.append(Finding(CHECK, ff.path, line, f"override_runtime_arguments patches runtime arg {k} of {handle}, but create() sets only {max(counts)}"))
    return out


def _name(arg: str) -> str | None:
    """The plain identifier an argument expression is (`num_rows`, `shared.num_rows` -> num_rows)."""
    m = re.fullmatch(r"\s*(?:\w+\s*(?:\.|->)\s*)*(\w+)\s*", arg)
    return m.group(1) if m and not m.group(1).isdigit() else None


def _rt_args(model: OpModel, kf: KernelFacts, ff: FactoryFacts, kc: KernelCreate) -> list[Finding]:
    out: list[Finding] = []
    reads = [r for r in kf.rt_reads if r.kind == "rt"]
    if not reads:
        return out
    sets = [rs for rs in ff.rt_sets if kc.handle is not None and rs.handle == kc.handle]
    who = kc.handle or f"the kernel created at {ff.path}:{kc.line}"
    if not sets:
        r = reads[0]
        out.append(Finding(CHECK, kf.path, r.line, f"reads runtime arg {r.index} but the factory never calls SetRuntimeArgs for {who} ({ff.path})"))
        return out
    known = [rs for rs in sets if rs.args is not None]
    for rs in sets:
        if rs.args is None:
            out.append(Finding(CHECK, ff.path, rs.line, f"cannot read the runtime-arg list passed to {who} here; its count is not checked", Severity.WARNING))
    counts = {len(rs.args) for rs in known if rs.args is not None}
    if len(counts) > 1:
        detail = ", ".join(f"{len(rs.args or [])} at line {rs.line}" for rs in known)
        out.append(Finding(CHECK, ff.path, known[0].line, f"SetRuntimeArgs for {who} passes different numbers of args ({detail})", Severity.WARNING))
    if ff.groups:
        covered = {rs.group for rs in sets}
        if None not in covered:
            missing = [g for g in ff.groups if g not in covered and not any(c and c.startswith("else:") and c[5:] != g for c in covered)]
            if missing and normalise(kc.cores) in ALL_CORES_NAMES:
                out.append(Finding(CHECK, ff.path, sets[0].line, f"{who} runs on {normalise(kc.cores)} but no SetRuntimeArgs covers the cores of {', '.join(missing)}"))
    for rs in known:
        args = rs.args or []
        for r in reads:
            if r.index >= len(args):
                listing = ", ".join(f"{i}: {normalise(a)}" for i, a in enumerate(args)) or "none"
                out.append(Finding(CHECK, kf.path, r.line, f"reads runtime arg {r.index}{_var(r.var)} but the factory sets only {len(args)} for {who} at {ff.path}:{rs.line} ({listing})"))
                continue
            out += _name_mismatch(kf.path, r.line, r.index, r.var, args, "runtime", f"{ff.path}:{rs.line}")
        if args and reads and max(r.index for r in reads) < len(args) - 1:
            unread = [f"{i}: {normalise(a)}" for i, a in enumerate(args) if i not in {r.index for r in reads}]
            out.append(Finding(CHECK, ff.path, rs.line, f"{who} is given {len(args)} runtime args but {kf.path} never reads {', '.join(unread)}", Severity.WARNING))
    return out


def _var(var: str | None) -> str:
    return f" (`{var}`)" if var else ""


def _name_mismatch(kpath: str, line: int, index: int, var: str | None, args: list[str], what: str, where: str) -> list[Finding]:
    """A kernel variable named like a host arg at another index: the indices are shifted."""
    if not var:
        return []
    names = [_name(a) for a in args]
    if index < len(names) and names[index] == var:
        return []
    for j, n in enumerate(names):
        if n == var and j != index:
            here = normalise(args[index]) if index < len(args) else "nothing"
            return [Finding(CHECK, kpath, line, f"reads `{var}` from {what} arg {index}, but the factory passes `{n}` as {what} arg {j} and `{here}` as arg {index} ({where})")]
    return []


def _ct_args(kf: KernelFacts, ff: FactoryFacts, kc: KernelCreate) -> list[Finding]:
    out: list[Finding] = []
    who = kc.handle or f"the kernel created at {ff.path}:{kc.line}"
    if kc.ct is None:
        if kf.ct_reads or kf.accessors:
            out.append(Finding(CHECK, ff.path, kc.line, f"cannot read the compile-time args of {who}; {kf.path}'s compile-time arg indices are not checked", Severity.WARNING))
        return out
    first_append = kc.appends[0][0] if kc.appends else len(kc.ct)
    plain = kc.ct[:first_append]
    for r in kf.ct_reads:
        if r.index >= len(kc.ct):
            listing = ", ".join(f"{i}: {normalise(a)}" for i, a in enumerate(kc.ct)) or "none"
            out.append(Finding(CHECK, kf.path, r.line, f"reads compile-time arg {r.index}{_var(r.var)} but the factory passes only {len(kc.ct)} plain args to {who} at {ff.path}:{kc.line} ({listing})"))
        elif r.index >= first_append:
            out.append(Finding(CHECK, kf.path, r.line, f"reads compile-time arg {r.index}{_var(r.var)}, which falls inside the TensorAccessorArgs appended at {ff.path}:{kc.appends[0][1]} (plain args: {first_append})"))
        else:
            out += _name_mismatch(kf.path, r.line, r.index, r.var, plain, "compile-time", f"{ff.path}:{kc.line}")
    accessors = sorted(kf.accessors, key=lambda a: a.line)
    if accessors and not kc.appends:
        out.append(Finding(CHECK, kf.path, accessors[0].line, f"uses TensorAccessorArgs<{accessors[0].base_text}>() but the factory appends no TensorAccessorArgs to {who}'s compile-time args ({ff.path}:{kc.line})"))
        return out
    for j, acc in enumerate(accessors):
        if j >= len(kc.appends):
            out.append(Finding(CHECK, kf.path, acc.line, f"TensorAccessorArgs #{j + 1} has no matching append_to in the factory ({len(kc.appends)} appended for {who})"))
            continue
        want, app_line = kc.appends[j]
        if j == 0:
            if acc.base is None:
                out.append(Finding(CHECK, kf.path, acc.line, f"TensorAccessorArgs<{acc.base_text}>(): base is not a literal; the factory appends after {want} plain args", Severity.WARNING))
            elif acc.base != want:
                out.append(Finding(CHECK, kf.path, acc.line, f"TensorAccessorArgs<{acc.base}>() but the factory appends the accessor args after {want} compile-time args ({ff.path}:{app_line}); use TensorAccessorArgs<{want}>()"))
        else:
            prev = accessors[j - 1].name
            if acc.prev is None or acc.prev != prev:
                out.append(Finding(CHECK, kf.path, acc.line, f"TensorAccessorArgs<{acc.base_text}>() should start at {prev}.next_compile_time_args_offset() (the factory appends it right after the previous accessor, {ff.path}:{app_line})", Severity.WARNING if acc.base is None and acc.prev is None else Severity.ERROR))
    if len(kc.appends) > len(accessors) and accessors:
        out.append(Finding(CHECK, ff.path, kc.appends[len(accessors)][1], f"appends {len(kc.appends)} TensorAccessorArgs for {who} but {kf.path} reads {len(accessors)}", Severity.WARNING))
    return out


def _covers(cb_cores: str, k_cores: str) -> bool | None:
    a, b = normalise(cb_cores), normalise(k_cores)
    if a == b:
        return True
    if a in ALL_CORES_NAMES and (b.startswith("core_group_") or b in ("core", "core_group_1", "core_group_2")):
        return True
    if b in ALL_CORES_NAMES and a.startswith("core_group_"):
        return False
    return None


def _cbs(model: OpModel, kf: KernelFacts) -> list[Finding]:
    out: list[Finding] = []
    refs = sorted([(op.cb, op.cb_text, op.line) for op in kf.cb_ops] + [(u.cb, u.func, u.line) for u in kf.cb_uses], key=lambda r: r[2])
    reported: set[tuple[int | None, str]] = set()
    for inst in model.instances.get(kf.path, []):
        ff, kc = inst.factory, inst.create
        for group in model.scenarios(ff):
            if kc not in model.instances_in(kf.path, ff, group):
                continue
            for cbp, text, line in refs:
                idx, how = model.cb_index(cbp, ff, kc, group)
                key = (idx, str(cbp) if idx is None else "")
                if key in reported:
                    continue  # one finding per CB per kernel, at its first use
                if idx is None:
                    reported.add(key)
                    out.append(Finding(CHECK, kf.path, line, f"cannot tell which CB `{normalise(text)}` is: {how}", Severity.WARNING))
                    continue
                created = ff.cb(idx)
                reported.add(key)
                if not created:
                    have = ", ".join(f"c_{c.index}" for c in ff.cbs if c.index is not None) or "none"
                    out.append(Finding(CHECK, kf.path, line, f"uses CB c_{idx} ({how}) but {ff.path} creates no CB c_{idx} (created: {have})"))
                    continue
                verdicts = [_covers(c.cores, kc.cores) for c in created]
                if True in verdicts:
                    continue
                where = ", ".join(f"`{normalise(c.cores)}` (line {c.line})" for c in created)
                if False in verdicts:
                    out.append(Finding(CHECK, kf.path, line, f"uses CB c_{idx} on `{normalise(kc.cores)}` but the CB is created only on {where}"))
                else:
                    out.append(Finding(CHECK, kf.path, line, f"cannot prove CB c_{idx}, created on {where}, covers the kernel's cores `{normalise(kc.cores)}`", Severity.WARNING))
    return out
