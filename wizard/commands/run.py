"""``ttnn-wizard run --op-dir DIR --stage N [--expect red|green] [--host H] [--no-build] [--timeout S]``.

Builds (when host-side files changed) and runs a stage's tests with the device protocol, streaming the output,
then prints the per-test table with each failure's classification and next step, and records RED/GREEN in
the op's session state. Exit: 0 as expected, 1 when the expectation fails (without --expect: when tests fail,
hang or cannot run), 2 on bad input.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from wizard.errors import WizardError


def run(args: argparse.Namespace) -> int:
    from wizard.profiles import load_profile
    from wizard.runner import Runner, format_table

    op_dir = Path(args.op_dir)
    if not op_dir.is_dir():
        raise WizardError("op directory not found", path=str(op_dir))
    if args.stage < 1 or args.stage > 7:
        raise WizardError(f"--stage must be 1..7, not {args.stage}")
    if args.timeout is not None and args.timeout <= 0:
        raise WizardError(f"--timeout must be positive, not {args.timeout}")
    profile = load_profile(args.profile)
    host = args.host
    if host:
        from wizard.hostspec import parse_host

        parse_host(host)  # bad syntax -> exit 2 before anything starts
    runner = Runner(op_dir, profile, host=host, remote_root=getattr(args, "remote_root", None))

    def on_line(line: str) -> None:
        print(line, flush=True)

    # Ctrl-C stops the process groups we started (and only those), then reports what happened.
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(_sig: int, _frame: object) -> None:
        print("ttnn-wizard: stopping…", file=sys.stderr, flush=True)
        runner.stop()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_sigint)
    try:
        result = runner.run_stage(
            args.stage, on_line=on_line, expect=args.expect, build=not args.no_build, timeout=args.timeout
        )
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)
    print()
    print(format_table(result))
    if result.tdd:
        print(f"stage {args.stage}: recorded {result.tdd.upper()}")
    if args.expect:
        verdict = "met" if result.expectation_met else "NOT met"
        print(f"expectation {args.expect.upper()}: {verdict}")
    return 0 if result.expectation_met else 1
