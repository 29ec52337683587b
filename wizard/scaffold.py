"""Stages 1-3: the op's scaffold (public API, binding, device operation, stub program factory) and its tests.

Registered with ``wizard.generate`` as the renderers of Stages 1, 2 and 3, from the same OpDesign the later
stages use, so the names, parameters and validations agree everywhere. Current tt-metal form (checked against
tenstorrent/tt-metal, 2026):

* public op: a free function ``ttnn::{op}(...)`` with its defaults in the header (register_operation +
  ``Execute{Op}::invoke`` was migrated away by tt-metal PRs #36298/#37817/#40490);
* binding: ``ttnn::bind_function<"{op}">(mod, doc, ttnn::overload_t(&ttnn::{op}, nb::arg(...)...))`` from
  ``ttnn-nanobind/bind_function.hpp`` (not ``bind_registered_operation``);
* device operation: a struct of static functions in ``{namespace}`` and the ``ttnn::prim::{op}`` free function
  calling ``ttnn::device_operation::launch<...>`` (no ``invoke``, no ``detail::launch``);
* program factory: ``program::{Op}ProgramFactory`` with ``CachedProgram`` shared variables; ``create()`` is a
  ``TT_THROW`` stub until Stages 5-6.

File ownership follows the scaffolder's stage table: Stage 1 the API and binding, Stage 2 the device
operation, Stage 3 the program factory header and stub. A later stage in the same plan that owns the same
file (Stage 4: the device op ``.cpp``; Stage 5: the factory header; Stages 5/6: the factory ``.cpp``) renders
it instead, and the scaffold renders it from the *same* template, so applying 1-3 then 4-6 is a clean update.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.design import OpDesign, ParamDesign
from wizard.generate import RenderContext, _file, register_stage
from wizard.model import PlannedFile

SCAFFOLD_STAGES = (1, 2, 3)
ROOT_FILES = ("{op}.hpp", "{op}.cpp", "{op}_nanobind.hpp", "{op}_nanobind.cpp")
DEVICE_FILES = (
    "device/{op}_device_operation_types.hpp",
    "device/{op}_device_operation.hpp",
    "device/{op}_device_operation.cpp",
    "device/{op}_program_factory.hpp",
    "device/{op}_program_factory.cpp",
)
TEST_FILES = (
    "test_dev/test_stage1_api_exists.py",
    "test_dev/test_stage2_validation.py",
    "test_dev/test_stage3_registration.py",
)


def scaffold_files(op: str) -> list[str]:
    """The nine C++ files of a scaffolded op, op-relative (what the scaffold check requires)."""
    return [p.format(op=op) for p in (*ROOT_FILES, *DEVICE_FILES)]


def build_sources(op: str) -> list[str]:
    """The three sources the category's CMake list compiles, relative to the category directory."""
    return [f"{op}/device/{op}_device_operation.cpp", f"{op}/device/{op}_program_factory.cpp", f"{op}/{op}.cpp"]


def bind_namespace(op: str) -> str:
    """Where the binding function lives: the scaffolder (and integrate_build.py) call
    ``::ttnn::operations::{op}::bind_{op}_operation(mod)``."""
    return f"ttnn::operations::{op}"


def bind_function_name(op: str) -> str:
    return f"bind_{op}_operation"


@dataclass
class ApiParam:
    """A parameter of the public function and its binding, with C++ and Python defaults kept apart."""

    p: ParamDesign

    @property
    def name(self) -> str:
        return self.p.name

    @property
    def cpp_type(self) -> str:
        return self.p.cpp_type

    @property
    def cpp_decl(self) -> str:
        """``float fill = 0.0f`` / ``std::optional<X> y = std::nullopt`` / ``float angle`` (required)."""
        default = f" = {self.p.cpp_default}" if self.p.cpp_default is not None else ""
        return f"{self.p.cpp_type} {self.p.name}{default}"

    @property
    def nb_arg(self) -> str:
        """The nanobind argument: a C++ value for the default (``nb::none()`` for optionals), never Python text."""
        arg = f'nb::arg("{self.p.name}")'
        if self.p.cpp_default is None:
            return arg
        if self.p.cpp_type.startswith("std::optional"):
            return f"{arg} = nb::none()"
        return f"{arg} = {self.p.cpp_default}"

    @property
    def doc_text(self) -> str:
        """The spec's description on one line, safe inside a C++ raw string ``R"doc(...)doc"``."""
        text = " ".join(self.p.description.split()).replace(")doc", ") doc")
        return (text[:77] + "...") if len(text) > 80 else (text or self.p.name)

    @property
    def doc_type(self) -> str:
        py = self.p.py_type
        inner = py[len("Optional[") : -1] if py.startswith("Optional[") else py
        return f"{inner}, optional" if (self.p.py_default is not None or py.startswith("Optional[")) else inner

    @property
    def doc_default(self) -> str:
        return f" Defaults to `{self.p.py_default}`." if self.p.py_default is not None else ""


@dataclass
class ScaffoldView:
    """What the Stage 1-3 templates need beyond the OpDesign (derived here, never in a template)."""

    d: OpDesign

    @property
    def api_params(self) -> list[ApiParam]:
        """Required parameters first (C++ default arguments must trail), then the defaulted ones, each in spec order."""
        ps = [ApiParam(p) for p in self.d.params]
        return [a for a in ps if a.p.cpp_default is None] + [a for a in ps if a.p.cpp_default is not None]

    @property
    def bind_namespace(self) -> str:
        return bind_namespace(self.d.op_name)

    @property
    def bind_function(self) -> str:
        return bind_function_name(self.d.op_name)

    def _types(self) -> str:
        return " ".join(p.cpp_type for p in self.d.params)

    @property
    def type_includes(self) -> list[str]:
        """Standard headers the parameter types need."""
        t = self._types()
        out = []
        if "std::array" in t:
            out.append("<array>")
        if "std::optional" in t:
            out.append("<optional>")
        if "std::string" in t:
            out.append("<string>")
        return out

    @property
    def ttnn_includes(self) -> list[str]:
        out = ["ttnn/tensor/tensor.hpp"]
        if "DeviceComputeKernelConfig" in self._types():
            out.append("ttnn/operations/core/compute_kernel/compute_kernel_config.hpp")
        return out

    @property
    def nb_includes(self) -> list[str]:
        """nanobind type casters for the parameter types (std::optional: memory_config is always optional)."""
        t = self._types()
        out = ["<nanobind/stl/optional.h>"]
        if "std::array" in t:
            out.insert(0, "<nanobind/stl/array.h>")
        if "std::string" in t:
            out.append("<nanobind/stl/string.h>")
        return out

    @property
    def summary(self) -> str:
        """One line for the docstring and header comment: the spec's output description or a plain sentence."""
        out = self.d.output
        shape = {"same": "same shape as the input", "reduce_w": "last dimension reduced to 1", "width_32": "last dimension 32"}
        return f"{self.d.op_name}: {self.d.output.layout} output, {shape.get(out.shape_kind, out.shape_kind)}"

    # ---- test helpers: wrong inputs for the Stage 2 tests ---------------------------------------------
    @property
    def valid_shape(self) -> tuple[int, ...]:
        return tuple(self.d.test_shapes["stage4"][0])

    @property
    def wrong_rank_shape(self) -> tuple[int, ...] | None:
        """A shape the rank validation must reject (None when the spec requires no rank)."""
        rank = self.d.primary.rank
        if not rank:
            return None
        if rank.startswith(">="):
            need = int(rank[2:])
            return (32,) * (need - 1) if need > 1 else None
        need = int(rank)
        return (32, 32) if need != 2 else (1, 32, 32)

    @property
    def wrong_layout(self) -> str | None:
        lay = self.d.primary.layout
        if lay == "ROW_MAJOR":
            return "TILE_LAYOUT"
        if lay == "TILE":
            return "ROW_MAJOR_LAYOUT"
        return None

    def _message_fragment(self, kind: str) -> str:
        """A lower-case piece of our own TT_FATAL message of that kind, so the test knows the exact text to expect."""
        v = next((v for v in self.d.validations if v.tensor == self.d.primary.field and v.kind == kind), None)
        if v is None:
            return ""
        text = v.message.replace("{{", "{").replace("}}", "}").replace('\\"', '"').replace("\\\\", "\\")
        text = text.split("{")[0].strip().lower()
        return text[:60]

    @staticmethod
    def py(words: list[str]) -> str:
        """A Python tuple literal (repr quotes and escapes any spec text safely)."""
        return repr(tuple(words))

    @property
    def rank_words(self) -> list[str]:
        return [w for w in ("rank", "dimension", "shape", self._message_fragment("rank")) if w]

    @property
    def layout_words(self) -> list[str]:
        return [w for w in ("layout", "row_major", "tile", self._message_fragment("layout")) if w]

    @property
    def output_shape_expr(self) -> str:
        """Python expression of the expected output shape from ``shape`` (a tuple)."""
        kind = self.d.output.shape_kind
        if kind == "reduce_w":
            return "tuple(shape[:-1]) + (1,)"
        if kind == "width_32":
            return "tuple(shape[:-1]) + (32,)"
        return "tuple(shape)"


def _s(d: OpDesign, ctx: RenderContext, path: str, template: str, stage: int) -> PlannedFile:
    return _file(path, template, d, ctx, stage, s=ScaffoldView(d))


def _in_plan(ctx: RenderContext, stage: int) -> bool:
    return ctx.stages[0] <= stage <= ctx.stages[1]


@register_stage(1)
def _stage1(d: OpDesign, ctx: RenderContext) -> list[PlannedFile]:
    op = d.op_name
    return [
        _s(d, ctx, f"{op}.hpp", "stage1/operation.hpp.j2", 1),
        _s(d, ctx, f"{op}.cpp", "stage1/operation.cpp.j2", 1),
        _s(d, ctx, f"{op}_nanobind.hpp", "stage1/nanobind.hpp.j2", 1),
        _s(d, ctx, f"{op}_nanobind.cpp", "stage1/nanobind.cpp.j2", 1),
        _s(d, ctx, "test_dev/test_stage1_api_exists.py", "stage1/test_dev/test_stage1_api_exists.py.j2", 1),
    ]


@register_stage(2)
def _stage2(d: OpDesign, ctx: RenderContext) -> list[PlannedFile]:
    op = d.op_name
    files = [
        _s(d, ctx, f"device/{op}_device_operation_types.hpp", "stage2/device/device_operation_types.hpp.j2", 2),
        _s(d, ctx, f"device/{op}_device_operation.hpp", "stage2/device/device_operation.hpp.j2", 2),
    ]
    if not _in_plan(ctx, 4):
        # Stage 4's template IS the validating device op: rendering it here keeps 1-3 -> 4-6 a no-op for this file.
        files.append(_s(d, ctx, f"device/{op}_device_operation.cpp", "stage4/device/device_operation.cpp.j2", 2))
    files.append(_s(d, ctx, "test_dev/test_stage2_validation.py", "stage2/test_dev/test_stage2_validation.py.j2", 2))
    return files


@register_stage(3)
def _stage3(d: OpDesign, ctx: RenderContext) -> list[PlannedFile]:
    op = d.op_name
    files = []
    if not _in_plan(ctx, 5):
        files.append(_s(d, ctx, f"device/{op}_program_factory.hpp", "stage5/device/program_factory.hpp.j2", 3))
    if not (_in_plan(ctx, 5) or _in_plan(ctx, 6)):
        files.append(_s(d, ctx, f"device/{op}_program_factory.cpp", "stage3/device/program_factory.cpp.j2", 3))
    files.append(_s(d, ctx, "test_dev/test_stage3_registration.py", "stage3/test_dev/test_stage3_registration.py.j2", 3))
    return files
