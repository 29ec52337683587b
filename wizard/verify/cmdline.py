"""tt-metal's own JIT kernel command line, replayed with zig clang, and its diagnostics mapped back.

Setup runs a known-good program through ttnn's JIT on a mock device and logs the exact
``riscv-tt-elf-g++`` command lines (``wizard.verify.stub_gxx``). ``templatize`` turns one of
them into a template: the wheel's install path, the kernel's source directory, its
compile-time args and its name become placeholders; output/dependency options go. For a
check, ``render`` fills the template for one kernel of the op, and ``stub_gxx.clang_command``
swaps the SFPI-only flags for zig clang's riscv32 equivalents with ``-fsyntax-only``.
``map_diagnostics`` then turns clang's output into (line, message) pairs in the kernel's
own file, following "requested here" notes and include chains out of tt-metal headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.verify.stub_gxx import DM_ENTRY_FILES, clang_command

TTNN = "{TTNN}"
KERNEL_DIR = "{KERNEL_DIR}"
CT_ARGS = "{CT_ARGS}"
KERNEL_NAME = "{KERNEL_NAME}"
EXTRA_INCLUDES = "{EXTRA_INCLUDES}"  # the op's tt-metal checkout, when the op dir lives in one

# tt::DataFormat codes and tile sizes for chlkc_descriptors.h (tt_metal/api/tt-metalium/tt_backend_api_types.hpp).
DATA_FORMATS: dict[str, tuple[int, int]] = {
    "float32": (0, 4096),
    "bfloat16": (5, 2048),
    "bfloat8_b": (6, 1088),
    "bfloat4_b": (7, 576),
    "int32": (8, 4096),
    "uint16": (9, 2048),
    "uint32": (24, 4096),
    "uint8": (30, 1024),
}


class TemplateError(ValueError):
    """A logged JIT command does not look like a dataflow kernel compile."""


def templatize(args: Sequence[str], *, ttnn_root: str, kernel_src_dir: str) -> list[str]:
    """Turn a logged BRISC/NCRISC compile command (without argv[0]) into a reusable template."""
    if not any(Path(a).name in DM_ENTRY_FILES for a in args):
        raise TemplateError("not a BRISC/NCRISC kernel compile (no brisck.cc/ncrisck.cc)")
    root = ttnn_root.rstrip("/")
    out: list[str] = []
    skip = False
    saw = {"ct": False, "kdir": False}
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF"):
            skip = True
            continue
        if a in ("-c", "-MMD"):
            continue
        if a.startswith("-DKERNEL_COMPILE_TIME_ARGS="):
            out.append(f"-DKERNEL_COMPILE_TIME_ARGS={CT_ARGS}")
            saw["ct"] = True
            continue
        if a.startswith("-DFULL_KERNEL_NAME="):
            out.append(f'-DFULL_KERNEL_NAME="{KERNEL_NAME}"')
            continue
        if a.startswith("-I") and a[2:].rstrip("/") == kernel_src_dir.rstrip("/"):
            out += [f"-I{KERNEL_DIR}", EXTRA_INCLUDES]
            saw["kdir"] = True
            continue
        out.append(a.replace(root, TTNN))
    if not saw["kdir"]:
        raise TemplateError(f"the kernel's source directory {kernel_src_dir} is not among the include paths")
    if not saw["ct"]:
        # The JIT omits the define when a kernel has no compile-time args; keep a slot for ours.
        out.insert(len(out) - 1, f"-DKERNEL_COMPILE_TIME_ARGS={CT_ARGS}")
    return out


def render(
    template: Sequence[str],
    *,
    ttnn_root: str,
    kernel_dir: str,
    ct_args: Sequence[int],
    kernel_name: str,
    extra_includes: Sequence[str] = (),
) -> list[str]:
    """Fill a template for one kernel: tt-metal's gcc command line, ready for ``clang_command``."""
    ct = ",".join(str(int(v)) for v in ct_args)
    out: list[str] = []
    for a in template:
        if a == EXTRA_INCLUDES:
            out += [f"-I{p}" for p in extra_includes]
            continue
        if a == f"-DKERNEL_COMPILE_TIME_ARGS={CT_ARGS}" and not ct_args:
            continue  # as the JIT does: no define at all, so get_compile_time_arg_val(0) fails to compile
        out.append(
            a.replace(TTNN, ttnn_root.rstrip("/"))
            .replace(KERNEL_DIR, kernel_dir)
            .replace(CT_ARGS, ct)
            .replace(KERNEL_NAME, kernel_name)
        )
    return out


def syntax_command(zig: str, gcc_args: Sequence[str]) -> list[str]:
    return clang_command(zig, gcc_args, syntax_only=True)


def kernel_includes_text(kernel_path: Path) -> str:
    """What the JIT writes as kernel_includes.hpp (the entry files include it)."""
    return f'void kernel_main();\n#include "{kernel_path}"\n'


_ARRAY = re.compile(r"(constexpr (?:unsigned char|uint8_t|uint16_t) (\w+)\[32\] = \{\n\s*)([0-9,\s]+?)(\n\};)")


def chlkc_descriptors_text(template: str, cb_formats: Mapping[int, str]) -> str:
    """Rewrite the captured chlkc_descriptors.h for the op's CBs (data format codes and tile sizes).

    Dataflow kernels only read it through ``get_tile_size``/``get_dataformat``; indices the op
    does not use keep the template's values, as the JIT leaves unused CBs invalid (255).
    """

    def fill(m: re.Match[str]) -> str:
        name = m.group(2)
        values = [v.strip() for v in m.group(3).split(",")]
        if len(values) != 32:
            return m.group(0)
        for idx, fmt in cb_formats.items():
            code, size = DATA_FORMATS.get(fmt, DATA_FORMATS["bfloat16"])
            if not 0 <= idx < 32:
                continue
            if name.endswith(("src_format", "dst_format")):
                values[idx] = str(code)
            elif name.endswith("tile_size"):
                values[idx] = str(size)
        return m.group(1) + ",".join(values) + m.group(4)

    return _ARRAY.sub(fill, template)


# ---------------------------------------------------------------- diagnostics

_DIAG = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>fatal error|error|warning|note): (?P<msg>.*)$")
_INCLUDED = re.compile(r"^In file included from (?P<file>[^:\n]+):(?P<line>\d+):$")


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: str  # "error" | "fatal error" | "warning" | "note"
    message: str


@dataclass(frozen=True)
class MappedError:
    """One compiler error placed in the kernel's own file (``line`` None when no kernel line applies)."""

    line: int | None
    col: int | None
    message: str
    origin: str  # "" when the error is in the kernel itself, else "file:line" of the header it fired in


@dataclass
class _Group:
    head: Diagnostic
    includes: list[tuple[str, int]]
    notes: list[Diagnostic]


def _same(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b
    except OSError:
        return False


def _groups(output: str) -> list[_Group]:
    groups: list[_Group] = []
    pending_includes: list[tuple[str, int]] = []
    for raw in output.splitlines():
        line = raw.rstrip()
        inc = _INCLUDED.match(line)
        if inc:
            pending_includes.append((inc.group("file"), int(inc.group("line"))))
            continue
        m = _DIAG.match(line)
        if not m:
            continue
        d = Diagnostic(m.group("file"), int(m.group("line")), int(m.group("col")), m.group("sev"), m.group("msg"))
        if d.severity == "note" and groups:
            groups[-1].notes.append(d)
        elif d.severity != "note":
            groups.append(_Group(d, pending_includes, []))
        pending_includes = []
    return groups


def map_diagnostics(output: str, kernel_path: Path) -> list[MappedError]:
    """Errors from clang's output, each placed at the kernel line that caused it.

    An error inside a tt-metal header is attributed to the first "requested here"/"expanded
    from" note in the kernel, else to the kernel line whose ``#include`` led there; the header
    location is kept in ``origin`` so nothing is hidden.
    """
    kernel = kernel_path.resolve()
    mapped: list[MappedError] = []
    seen: set[tuple[int | None, str]] = set()
    for g in _groups(output):
        if g.head.severity not in ("error", "fatal error"):
            continue
        h = g.head
        if _same(h.file, kernel):
            item = MappedError(h.line, h.col, h.message, "")
        else:
            origin = f"{h.file}:{h.line}"
            note = next((n for n in g.notes if _same(n.file, kernel)), None)
            inc = next(((f, ln) for f, ln in g.includes if _same(f, kernel)), None)
            if note is not None:
                item = MappedError(note.line, note.col, h.message, origin)
            elif inc is not None:
                item = MappedError(inc[1], None, h.message, origin)
            else:
                item = MappedError(None, None, h.message, origin)
        key = (item.line, item.message)
        if key not in seen:
            seen.add(key)
            mapped.append(item)
    return mapped
