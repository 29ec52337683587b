"""Compile-time args from the op's design (its spec, through ``build_design``), for kernels no factory names.

The factory on disk is the first source (it is what the device build will use); this covers
an op dir whose factory is missing or does not create a kernel yet, as long as the op's
session state (``.ttnn-wizard/state.toml``) names its spec.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.verify.factory_args import PLACEHOLDER


@dataclass(frozen=True)
class DesignArgs:
    processor: str  # "ncrisc" | "brisc"
    ct_args: list[int]
    source: str  # for the report: "the design from <spec>"


def design_ct_args(op_dir: Path, ta_ct_args: Sequence[int]) -> tuple[dict[str, DesignArgs], str | None]:
    """(op-relative kernel path -> args, note). An empty map with a note says why the design was not usable."""
    try:
        from wizard.state import SessionState

        state = SessionState.load(op_dir)
        spec_text = state.spec_path
    except Exception as exc:  # noqa: BLE001 - an unreadable state only disables this fallback
        return {}, f"session state unreadable ({exc})"
    if not spec_text:
        return {}, None
    spec_path = Path(spec_text)
    if not spec_path.is_absolute():
        spec_path = op_dir / spec_path
    try:
        from wizard.design import build_design
        from wizard.overrides import apply_overrides
        from wizard.profiles import load_profile
        from wizard.spec import parse_spec

        spec = apply_overrides(parse_spec(spec_path), state)
        design = build_design(spec, load_profile(state.profile) if state.profile else None)
    except Exception as exc:  # noqa: BLE001 - same: report and fall back to the kernel's own needs
        return {}, f"the design from {spec_path.name} could not be built ({exc.__class__.__name__}: {exc})"
    cb_index: dict[str, int] = {}
    for cb in design.cbs:
        cb_index[cb.var] = cb.index
        cb_index[cb.enum] = cb.index
    out: dict[str, DesignArgs] = {}
    for k in design.kernels:
        role = getattr(k.role, "value", str(k.role))
        if role not in ("reader", "writer"):
            continue
        values: list[int] = []
        for a in k.ct_args:
            host = re.sub(r"^static_cast<[^>]*>\((.*)\)$", r"\1", a.host.strip())
            if host in cb_index:
                values.append(cb_index[host])
            elif re.fullmatch(r"\d+[uU]?", host):
                values.append(int(host.rstrip("uU")))
            else:
                values.append(PLACEHOLDER)
        for _ in k.accessors:
            values.extend(int(x) for x in ta_ct_args)
        out[k.path] = DesignArgs("ncrisc" if role == "reader" else "brisc", values, f"the design from {spec_path.name}")
    return out, None
