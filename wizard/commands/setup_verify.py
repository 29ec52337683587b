"""``ttnn-wizard setup-verify [--python P] [--force]``: prepare the offline kernel compile toolchain."""

from __future__ import annotations

import argparse
import sys
import time


def run(args: argparse.Namespace) -> int:
    # Imported here so the rest of the CLI never pays for it.
    from wizard.verify import setup_verify

    t0 = time.monotonic()
    tc = setup_verify(args.python, force=bool(args.force), on_line=lambda line: print(line, flush=True))
    took = time.monotonic() - t0
    print(f"setup-verify: {took:.1f} s this run; toolchain {tc.size_bytes / 1e6:.0f} MB at {tc.home}", file=sys.stdout)
    print(f"  ttnn {tc.ttnn_version} + ziglang {tc.zig_version}; stand-in compiler: {tc.version_string}")
    print("  next: ttnn-wizard check --compile --op-dir DIR [--arch wormhole_b0|blackhole]")
    return 0
