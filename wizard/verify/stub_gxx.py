"""Stand-in for SFPI's ``riscv-tt-elf-g++``: answers tt-metal's JIT with zig's clang.

tt-metal's JIT (inside the ``ttnn`` wheel) calls ``riscv-tt-elf-g++`` for every kernel it
builds. SFPI is not on any package registry, so setup installs a tiny wrapper at the place
the JIT looks and points it here. This file runs standalone under the verify venv's Python
(stdlib only) and is also imported by ``wizard.verify.cmdline``, so the gcc->clang flag
translation lives in exactly one place.

Per kind of call:
* ``--version``: the exact SFPI version string (part of tt-metal's build hash; with any
  other string the bundled pre-compiled firmware is not found).
* ``-x c++-header`` (PCH): fail, so tt-metal logs "Skipping the shared PCH" (a gcc .gch
  would be rejected by clang anyway).
* ``-c`` of a BRISC/NCRISC kernel: a real zig-clang rv32 compile plus the ``.d`` file tt-metal
  needs to cache the build.
* ``-c`` of anything else (TRISC compute, firmware): a placeholder object (SFPI headers are
  not available; compute kernels are checked on the device run).
* link (``-o x.elf``): a placeholder ELF the loader accepts (the code never runs on a mock
  device; clang objects cannot be linked against SFPI's GCC-LTO libraries).

Every call is appended to the JSON-lines log named in the config, which setup reads to
capture tt-metal's own compile command lines per architecture.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# gcc/SFPI-only options clang rejects or that make no sense for a front-end check.
_DROP_PREFIXES = ("-ftt-", "-mcpu=", "-flto", "--param=", "-fno-tree-loop-distribute-patterns", "-MMD", "-MD")
_DROP_WITH_VALUE = ("-o", "-MF", "-MT", "-MQ")

# libc++ is used unconfigured (no __config_site for riscv32 bare metal): these are the
# values zig itself passes when it builds libc++ for a single-threaded musl target.
LIBCXX_DEFINES = (
    "-D_LIBCPP_ABI_VERSION=1",
    "-D_LIBCPP_ABI_NAMESPACE=__1",
    "-D_LIBCPP_HAS_THREADS=0",
    "-D_LIBCPP_HAS_MUSL_LIBC=1",
    "-D_LIBCPP_HARDENING_MODE=_LIBCPP_HARDENING_MODE_NONE",
    "-D_LIBCPP_ASSERTION_SEMANTIC_DEFAULT=_LIBCPP_ASSERTION_SEMANTIC_IGNORE",
    "-D_LIBCPP_HAS_VENDOR_AVAILABILITY_ANNOTATIONS=0",
    "-D_LIBCPP_DISABLE_VISIBILITY_ANNOTATIONS",
    "-D_LIBCXXABI_DISABLE_VISIBILITY_ANNOTATIONS",
    "-D_LIBCPP_HAS_NO_STD_MODULES",
    "-D_LIBCPP_PSTL_BACKEND_SERIAL",
)
# Warnings where clang and gcc disagree on unmodified tt-metal headers; with -Werror they
# would fail every kernel. Kernel code mistakes still surface as errors.
CLANG_WNO = (
    "-Wno-unknown-attributes",
    "-Wno-unknown-warning-option",
    "-Wno-empty-body",
    "-Wno-mismatched-tags",
    "-Wno-missing-template-arg-list-after-template-kw",
    "-Wno-unused-command-line-argument",
    "-Wno-missing-braces",
    "-Wno-c99-designator",
)
_ISYSTEM = (
    "libcxx/include",
    "libcxxabi/include",
    "include",
    "libc/include/riscv32-linux-musl",
    "libc/include/generic-musl",
    "libc/include/riscv-linux-any",
    "libc/include/any-linux-any",
)
TARGET = ("--target=riscv32-unknown-elf", "-march=rv32im_zicsr", "-mabi=ilp32", "-nostdinc", "-nostdinc++")
DM_ENTRY_FILES = ("brisck.cc", "ncrisck.cc")


def zig_lib_dir(zig: str | Path) -> Path:
    return Path(zig).resolve().parent / "lib"


def filter_gcc_args(args: Sequence[str]) -> list[str]:
    """Drop what only SFPI gcc understands, plus output/dependency options (the caller adds its own)."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in _DROP_WITH_VALUE:
            skip = True
            continue
        if a == "-c" or a.startswith(_DROP_PREFIXES) or any(a.startswith(p) and len(a) > len(p) for p in ("-MF", "-MT")):
            continue
        out.append(a)
    return out


def clang_command(zig: str | Path, gcc_args: Sequence[str], *, syntax_only: bool, output: str | None = None) -> list[str]:
    """The zig-clang riscv32 command equivalent to an SFPI ``g++ ... -c`` kernel compile."""
    lib = zig_lib_dir(zig)
    cmd = [str(zig), "clang", *TARGET]
    for sub in _ISYSTEM:
        cmd += ["-isystem", str(lib / sub)]
    cmd += [*LIBCXX_DEFINES, "-include", "cstddef"]
    cmd += ["-fno-color-diagnostics", "-fno-caret-diagnostics", "-ferror-limit=30"]
    # After tt-metal's own flags: a later -Wall would switch these warnings back on.
    cmd += [*filter_gcc_args(gcc_args), *CLANG_WNO]
    if syntax_only:
        cmd.append("-fsyntax-only")
    else:
        cmd += ["-c", "-o", output or "/dev/null"]
    return cmd


def _value_after(args: Sequence[str], flag: str) -> str | None:
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(flag) and len(a) > len(flag) and flag in ("-MF", "-T"):
            return a[len(flag):]
    return None


def _source(args: Sequence[str]) -> str | None:
    srcs = [a for a in args if a.endswith((".cc", ".cpp", ".c", ".S")) and not a.startswith("-")]
    return srcs[-1] if srcs else None


def _write_depfile(mf: str | None, obj: str, deps: Sequence[str]) -> None:
    if mf:
        Path(mf).write_text(f"{obj}: " + " \\\n  ".join(deps) + "\n")


def _log(cfg: dict, entry: dict) -> None:
    # Only setup's capture run logs (it sets the variable): a log per check would grow forever.
    log = os.environ.get("TTNN_WIZARD_STUB_LOG") or cfg.get("log")
    if not log:
        return
    with open(log, "a", encoding="utf-8") as fh:  # one short line per call: appends stay whole
        fh.write(json.dumps(entry) + "\n")


def _link(cfg: dict, args: Sequence[str], out: str) -> int:
    """A placeholder ELF built with tt-metal's own linker script and the weakened firmware symbols."""
    cmd = [cfg["zig"], "ld.lld", "-z", "max-page-size=16", "-z", "common-page-size=16", "--emit-relocs"]
    for a in args:
        if a.startswith("-Wl,"):
            for part in a[4:].split(","):
                if part.startswith("--just-symbols="):
                    cmd.append(part)
        elif a.startswith("-T") and len(a) > 2:
            cmd += ["-T", a[2:]]
    if "-T" in args:
        cmd += ["-T", args[args.index("-T") + 1]]
    cmd += [cfg["start_obj"], "-o", out]
    return subprocess.run(cmd, check=False).returncode


def main(argv: Sequence[str]) -> int:
    cfg = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    args = list(argv[1:])
    if "--version" in args:
        print(cfg["version"])
        return 0
    _log(cfg, {"cwd": os.getcwd(), "args": args, "t": time.time()})
    if "-x" in args and "c++-header" in args:
        print("stand-in compiler: no precompiled headers", file=sys.stderr)
        return 1
    out = _value_after(args, "-o")
    if "-c" in args and out:
        src = _source(args) or ""
        mf = _value_after(args, "-MF")
        if Path(src).name in DM_ENTRY_FILES:
            # Front end only (as the offline check): the object could not be linked against SFPI's
            # GCC-LTO libraries anyway, and -O2 -g codegen costs 5-10x the time.
            cmd = clang_command(cfg["zig"], args, syntax_only=True)
            if mf:
                cmd += ["-MD", "-MF", mf, "-MT", out]
            rc = subprocess.run(cmd, check=False).returncode
            if rc == 0:
                shutil.copyfile(cfg["stub_obj"], out)
            return rc
        shutil.copyfile(cfg["stub_obj"], out)
        _write_depfile(mf, out, [src] if src else [])
        return 0
    if out and out.endswith(".elf"):
        return _link(cfg, args, out)
    if out:  # anything else that produces a file: a placeholder object
        shutil.copyfile(cfg["stub_obj"], out)
        return 0
    print(f"stand-in compiler: unsupported call {' '.join(args[:6])} ...", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
