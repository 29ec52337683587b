"""Render an OpDesign into a Plan (op-relative path -> text) for a range of stages.

Templates live in ``templates/stage<N>/...`` (jinja2, StrictUndefined: a missing variable is an error, never an
empty string). Each stage has a renderer registered in ``_STAGES``; stages with no renderer (1-3 until the
scaffolding generator lands) are reported, not silently skipped. Stages 5 and 6 both own the program factory:
a plan that includes Stage 6 gets the complete factory, one that stops at Stage 5 gets the ``TT_THROW`` version.
All C++ goes through clang-format (tt-metal's style) in one subprocess. Output is deterministic.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from wizard.design import OpDesign, build_design
from wizard.errors import WizardError
from wizard.model import OpSpec, Plan, PlannedFile, Role

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

DEFAULT_STAGE_TIMEOUT = 60


@cache
def environment() -> jinja2.Environment:
    import jinja2

    from wizard.resources import templates_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render_template(name: str, design: OpDesign, *, year: int | None = None, **extra: Any) -> str:
    """Render one template with the design as ``d`` (plus ``pt`` = its passthrough and ``year``)."""
    import jinja2

    try:
        template = environment().get_template(name)
        return template.render(d=design, pt=design.passthrough, year=year or datetime.date.today().year, **extra)
    except jinja2.UndefinedError as exc:
        raise WizardError(f"template {name}: {exc.message} (a template bug: please report it)") from exc
    except jinja2.TemplateError as exc:
        raise WizardError(f"template {name}: {exc}") from exc


@dataclass
class RenderContext:
    stages: tuple[int, int]
    year: int
    timeout: int
    spec_name: str

    @property
    def full_factory(self) -> bool:
        return self.stages[0] <= 6 <= self.stages[1]


StageRenderer = Callable[[OpDesign, RenderContext], list[PlannedFile]]
_STAGES: dict[int, StageRenderer] = {}


def register_stage(stage: int) -> Callable[[StageRenderer], StageRenderer]:
    """Decorator: the renderer of one stage's files (another module can add Stages 1-3 or 7 this way)."""

    def deco(fn: StageRenderer) -> StageRenderer:
        _STAGES[stage] = fn
        return fn

    return deco


def available_stages() -> list[int]:
    return sorted(_STAGES)


def _kind(path: str) -> str:
    return path.rsplit(".", 1)[-1] if "." in path else "txt"


def _file(path: str, template: str, d: OpDesign, ctx: RenderContext, owner: int, **extra: Any) -> PlannedFile:
    text = render_template(template, d, year=ctx.year, timeout=ctx.timeout, **extra)
    return PlannedFile(path=path, text=text, stage=owner, kind=_kind(path))


@register_stage(4)
def _stage4(d: OpDesign, ctx: RenderContext) -> list[PlannedFile]:
    op = d.op_name
    return [
        _file(f"device/{op}_device_operation.cpp", "stage4/device/device_operation.cpp.j2", d, ctx, 4),
        _file("test_dev/test_stage4_device_op.py", "stage4/test_dev/test_stage4_device_op.py.j2", d, ctx, 4),
    ]


@register_stage(5)
def _stage5(d: OpDesign, ctx: RenderContext) -> list[PlannedFile]:
    op = d.op_name
    files = [
        _file(f"device/{op}_program_factory.hpp", "stage5/device/program_factory.hpp.j2", d, ctx, 5),
        _file("test_dev/test_stage5_program_factory.py", "stage5/test_dev/test_stage5_program_factory.py.j2", d, ctx, 5),
    ]
    if not ctx.full_factory:
        files.insert(1, _file(f"device/{op}_program_factory.cpp", "stage5/device/program_factory.cpp.j2", d, ctx, 5, stage=5))
    return files


@register_stage(6)
def _stage6(d: OpDesign, ctx: RenderContext) -> list[PlannedFile]:
    from wizard.handoff import render_handoff

    op = d.op_name
    files = [_file(f"device/{op}_program_factory.cpp", "stage5/device/program_factory.cpp.j2", d, ctx, 6, stage=6)]
    templates = {
        Role.READER: "stage6/device/kernels/dataflow/reader.cpp.j2",
        Role.COMPUTE: "stage6/device/kernels/compute/compute.cpp.j2",
        Role.WRITER: "stage6/device/kernels/dataflow/writer.cpp.j2",
    }
    for k in d.kernels:
        files.append(_file(k.path, templates[k.role], d, ctx, 6, k=k))
    files.append(
        _file("test_dev/test_stage6_kernel_compilation.py", "stage6/test_dev/test_stage6_kernel_compilation.py.j2", d, ctx, 6)
    )
    files.append(PlannedFile("stage7_handoff.md", render_handoff(d, spec_name=ctx.spec_name, year=ctx.year), 6, "md"))
    return files


def render_design(
    design: OpDesign,
    stages: tuple[int, int] = (4, 6),
    *,
    profile: object | None = None,
    year: int | None = None,
    spec_name: str = "",
    format_cpp: bool = True,
) -> tuple[Plan, list[str]]:
    """Plan for the stages of an already-built design. Returns the plan and notes (e.g. formatting skipped)."""
    lo, hi = stages
    missing = [s for s in range(lo, hi + 1) if s not in _STAGES]
    if missing:
        word = "stage" if len(missing) == 1 else "stages"
        raise WizardError(
            f"{word} {_ranges(missing)}: not generated by this build yet (available: {_ranges(available_stages())})"
        )
    timeout = int(getattr(profile, "stage_timeout", 0) or DEFAULT_STAGE_TIMEOUT)
    ctx = RenderContext((lo, hi), year or datetime.date.today().year, timeout, spec_name or f"{design.op_name}_spec.md")
    files: list[PlannedFile] = []
    for stage in range(lo, hi + 1):
        files.extend(_STAGES[stage](design, ctx))
    # A later stage that owns a file an earlier one also wrote (e.g. the factory) wins; order stays stable.
    last = {f.path: i for i, f in enumerate(files)}
    files = [f for i, f in enumerate(files) if last[f.path] == i]
    notes: list[str] = []
    if format_cpp:
        from wizard.cppformat import format_sources

        cpp = {f.path: f.text for f in files if f.kind in ("cpp", "hpp", "h")}
        formatted, note = format_sources(cpp)
        for f in files:
            if f.path in formatted:
                f.text = formatted[f.path]
        if note:
            notes.append(note)
    return Plan(op_name=design.op_name, op_rel_dir=design.op_rel_dir, files=files), notes


def _ranges(stages: list[int]) -> str:
    if not stages:
        return "none"
    if stages == list(range(stages[0], stages[-1] + 1)) and len(stages) > 1:
        return f"{stages[0]}-{stages[-1]}"
    return ", ".join(map(str, stages))


def plan_stages(
    spec: OpSpec,
    stages: tuple[int, int] = (4, 6),
    profile: object | None = None,
    *,
    year: int | None = None,
) -> Plan:
    """Design + render the given stages of ``spec``. WizardError when the spec is not usable for generation."""
    if spec.errors:
        lines = [w.render(spec.path) for w in spec.errors]
        raise WizardError("the spec is not usable for generation:\n" + "\n".join(lines))
    design = build_design(spec, profile)
    design_errors = [w for w in design.warnings if w.severity.value == "error"]
    if design_errors:
        lines = [w.render(spec.path) for w in design_errors]
        raise WizardError("the design has errors (fix the spec or override the values):\n" + "\n".join(lines))
    spec_name = spec.path.name if spec.path else ""
    plan, _notes = render_design(design, stages, profile=profile, year=year, spec_name=spec_name)
    return plan


# Stages 1-3 (the scaffold, wizard.scaffold) register themselves on import; last, so the registry above exists.
from wizard import scaffold as _scaffold  # noqa: E402,F401  (import for its registrations)
