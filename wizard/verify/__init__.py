"""Offline verification: compile an op's dataflow kernels with tt-metal's own JIT flags, no card needed.

``setup_verify`` prepares the toolchain (pinned ttnn wheel + zig clang in a venv in the user
cache dir); ``check_compile`` compiles an op's reader/writer kernels with it. Both stream
progress through an ``on_line`` callback. See wizard/verify/toolchain.py and compile.py.
"""

from __future__ import annotations

from wizard.verify.compile import SFPI_NOTE, check_compile, compile_ok
from wizard.verify.program_run import run_program_check
from wizard.verify.toolchain import (
    TTNN_VERSION,
    ZIG_VERSION,
    Toolchain,
    VerifyNotReady,
    VerifySetupError,
    load_toolchain,
    setup_verify,
    verify_home,
)

__all__ = [
    "SFPI_NOTE",
    "TTNN_VERSION",
    "ZIG_VERSION",
    "Toolchain",
    "VerifyNotReady",
    "VerifySetupError",
    "check_compile",
    "compile_ok",
    "load_toolchain",
    "run_program_check",
    "status",
    "setup_verify",
    "verify_home",
]


def status() -> tuple[bool, str]:
    """(ready, one line for the UI): whether ``check_compile`` can run here, and what it would use."""
    tc = load_toolchain()
    if tc is None:
        return False, (
            "offline compile check not set up: run `ttnn-wizard setup-verify` "
            f"(Python 3.12/3.10 + PyPI; ttnn {TTNN_VERSION} + ziglang {ZIG_VERSION}, about 1 GB)"
        )
    return True, f"offline compile check ready: ttnn {tc.ttnn_version} + zig clang {tc.zig_version} ({tc.size_bytes / 1e6:.0f} MB at {tc.home})"
