"""The op as the checks see it: factories, kernels, and which kernel file each CreateKernel builds.

``OpModel`` lifts kernel-level symbols ($rtK, $ctK) to the factory's host expressions for one
kernel instance and one core group ("scenario"), so two kernels' page counts can be compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wizard.checks.facts import FactoryFacts, KernelCreate, KernelFacts, read_factory, read_kernel
from wizard.checks.poly import Poly, normalise

ALL_CORES_NAMES = ("all_cores", "all_device_cores", "all_worker_cores")


def is_factory(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".cpp") and "program_factory" in name and "/kernels/" not in f"/{path}"


def is_kernel(path: str) -> bool:
    return path.endswith((".cpp", ".hpp", ".h")) and "/kernels/" in f"/{path}" and path.endswith(".cpp")


@dataclass
class Instance:
    factory: FactoryFacts
    create: KernelCreate


@dataclass
class Lifted:
    poly: Poly
    why: list[str] = field(default_factory=list)  # reasons a symbol could not be mapped to the host


@dataclass
class OpModel:
    files: Mapping[str, str]
    factories: list[FactoryFacts]
    kernels: dict[str, KernelFacts]
    instances: dict[str, list[Instance]]  # kernel path -> CreateKernel calls that build it

    def scenarios(self, ff: FactoryFacts) -> list[str | None]:
        return list(ff.groups) if ff.groups else [None]

    def instances_in(self, kpath: str, ff: FactoryFacts, group: str | None) -> list[KernelCreate]:
        out = []
        for inst in self.instances.get(kpath, []):
            if inst.factory is not ff:
                continue
            cores = normalise(inst.create.cores)
            if cores == group or cores not in ff.groups:
                out.append(inst.create)
        return out

    def lift(self, p: Poly, ff: FactoryFacts, kc: KernelCreate, group: str | None) -> Lifted:
        """Replace $rtK / $ctK with what the factory passes to this kernel instance on cores of ``group``."""
        env: dict[str, Poly] = {}
        why: list[str] = []
        for s in p.symbols:
            m = re.fullmatch(r"\$(rt|ct|crt)(\d+)", s)
            if not m:
                continue
            kind, k = m.group(1), int(m.group(2))
            if kind == "ct":
                if kc.ct is None:
                    why.append(f"compile-time args of {kc.handle or 'the kernel'} (factory line {kc.line}) could not be read")
                elif k >= len(kc.ct) or kc.ct[k] == "<TensorAccessorArgs>":
                    why.append(f"compile-time arg {k} is not a plain value in the factory (line {kc.line})")
                else:
                    env[s] = ff.host_poly(kc.ct[k], group)
                    continue
            elif kind == "rt":
                vals = self.rt_values(ff, kc, group, k)
                if len(vals) == 1:
                    env[s] = next(iter(vals.values()))
                    continue
                if not vals:
                    why.append(f"the factory sets no runtime arg {k} for {kc.handle or 'this kernel'}")
                else:
                    why.append(f"runtime arg {k} of {kc.handle} differs between SetRuntimeArgs calls (lines {', '.join(str(v) for v in vals)})")
            else:
                why.append(f"common runtime arg {k} is not modelled")
            env[s] = Poly.sym(f"{kc.handle or 'kernel'}.{kind}[{k}]")
        return Lifted(p.subst(env), why)

    def rt_values(self, ff: FactoryFacts, kc: KernelCreate, group: str | None, k: int) -> dict[int, Poly]:
        """Distinct host values of runtime arg k for this kernel on ``group``'s cores: {line: poly}."""
        out: dict[int, Poly] = {}
        for rs in ff.rt_sets:
            if kc.handle is None or rs.handle != kc.handle or rs.args is None or k >= len(rs.args):
                continue
            if rs.group is not None and group is not None:
                if rs.group.startswith("else:") and rs.group[5:] == group:
                    continue
                if not rs.group.startswith("else:") and rs.group != group:
                    continue
            p = ff.host_poly(rs.args[k], group)
            if p not in out.values():
                out[rs.line] = p
        return out

    def cb_index(self, p: Poly, ff: FactoryFacts, kc: KernelCreate | None, group: str | None) -> tuple[int | None, str]:
        """A kernel-level CB id -> its CB index, and how we got it."""
        if p.is_const:
            return int(p.value or 0), "literal"
        if kc is None:
            return None, "no CreateKernel for this kernel"
        lifted = self.lift(p, ff, kc, group)
        v = lifted.poly.value
        if v is not None and v.denominator == 1:
            return int(v), "via the factory's compile-time args"
        # a host name that is a CB variable (cb_in_idx) resolves through cb_index
        if len(lifted.poly.terms) == 1 and lifted.poly.terms[0][1] == 1 and len(lifted.poly.terms[0][0]) == 1:
            idx = ff.cb_index(lifted.poly.terms[0][0][0])
            if idx is not None:
                return idx, "via the factory's compile-time args"
        return None, "; ".join(lifted.why) or f"`{lifted.poly}` is not a constant CB index"


_CACHE: dict[tuple[tuple[str, int], ...], OpModel] = {}


def build(files: Mapping[str, str]) -> OpModel:
    key = tuple(sorted((p, hash(t)) for p, t in files.items()))
    if key in _CACHE:
        return _CACHE[key]
    factories = [read_factory(p, t) for p, t in sorted(files.items()) if is_factory(p)]
    instances: dict[str, list[Instance]] = {}
    kernels: dict[str, KernelFacts] = {}
    kpaths = [p for p in sorted(files) if is_kernel(p)]
    for ff in factories:
        for kc in ff.kernels:
            if kc.path is None:
                continue
            for kp in kpaths:
                if _same_kernel(kc.path, kp):
                    instances.setdefault(kp, []).append(Instance(ff, kc))
    for kp in kpaths:
        configs = {i.create.config for i in instances.get(kp, [])}
        is_compute = "compute" in configs if configs - {"?"} else None
        kernels[kp] = read_kernel(kp, files[kp], is_compute=is_compute)
    model = OpModel(files, factories, kernels, instances)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = model
    return model


def _same_kernel(repo_path: str, key: str) -> bool:
    """A CreateKernel path (repo-relative) names this file (op-relative, or ../ for a borrowed kernel)."""
    parts = key.split("/")
    while parts and parts[0] == "..":
        parts = parts[1:]
    rest = "/".join(parts)
    return repo_path == rest or repo_path.endswith("/" + rest)


def page_kind(text: str, ff: FactoryFacts, depth: int = 0) -> str | None:
    """Classify a host page-size expression as "tile" or "stick" from its names (following declarations)."""
    t = text.lower()
    if "tile" in t:
        return "tile"
    if any(w in t for w in ("stick", "round_up", "aligned_page_size", "row_size", "element_size", "page_size_bytes")):
        return "stick"
    if depth < 4:
        for name in re.findall(r"[A-Za-z_]\w*", text):
            if name in ff.decls:
                kind = page_kind(ff.decls[name][0].init, ff, depth + 1)
                if kind:
                    return kind
    return None


def exists_in(files: Mapping[str, str]) -> Callable[[str], bool]:
    def exists(repo_path: str) -> bool:
        return any(repo_path == p or repo_path.endswith("/" + p) for p in files)

    return exists
