"""Offline verification: compile an op's dataflow kernels with tt-metal's own JIT flags, no card needed.

``setup_verify`` prepares the toolchain (pinned ttnn wheel + zig clang in a venv in the user
cache dir); ``check_compile`` compiles an op's reader/writer kernels with it. Both stream
progress through an ``on_line`` callback. See wizard/verify/toolchain.py and compile.py.
"""

from __future__ import annotations

from wizard.verify.compile import SFPI_NOTE, check_compile, compile_ok
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
    "setup_verify",
    "verify_home",
]
