"""The ``ttnn-wizard`` command line: the headless face of the core.

Each sub-command lives in ``wizard/commands/<name>.py`` with ``run(args) -> int`` and is
imported only when called, so ``ttnn-wizard --version`` and ``extract`` stay fast.
Exit codes: 0 fine, 1 findings or failed tests, 2 bad input or usage (one line per problem
on stderr, never a traceback).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from wizard import __version__
from wizard.errors import WizardError

if TYPE_CHECKING:
    import argparse

COMMANDS = ("demo", "extract", "generate", "apply", "check", "run", "delegate", "setup-verify", "app")


def _stages(text: str) -> tuple[int, int]:
    """Parse ``4-6`` or ``5`` into an inclusive range of stages 1..7."""
    import argparse

    try:
        lo, sep, hi = text.partition("-")
        a, b = int(lo), int(hi if sep else lo)
    except ValueError:
        raise argparse.ArgumentTypeError(f"stages must look like 4-6 or 5, not {text!r}") from None
    if not (1 <= a <= b <= 7):
        raise argparse.ArgumentTypeError(f"stages must be within 1-7 and ascending, not {text!r}")
    return a, b


def _shape(text: str) -> tuple[int, ...]:
    import argparse

    """``1,1,32,64`` or ``1x1x32x64``; every piece a whole number (an empty piece is a typo, not a dim)."""
    pieces = re.split(r"[,xX]", text)
    try:
        dims = tuple(int(x) for x in pieces)
    except ValueError:
        raise argparse.ArgumentTypeError(f"shape must be comma-separated integers like 1,1,32,64, not {text!r}") from None
    if not dims or any(d <= 0 for d in dims):
        raise argparse.ArgumentTypeError(f"shape needs positive dimensions, not {text!r}")
    return dims


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not at module level: the plain `ttnn-wizard [SPEC]` start skips it (first paint)

    p = argparse.ArgumentParser(
        prog="ttnn-wizard",
        description="Walk from a TTNN planner spec ({op}_spec.md) to a Stage 6 operation: "
        "extract, generate, review, apply, check and run the stage tests.",
        epilog="Without a command: open the app (in a tt-metal checkout, pick or resume an op; "
        "with SPEC, start from that spec).",
    )
    p.add_argument("--version", action="version", version=f"ttnn-wizard {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    app = sub.add_parser("app", help="open the app (the default when no command is given)")
    app.add_argument("spec", nargs="?", help="a {op}_spec.md to start from")
    app.add_argument("--op-dir", help="the op directory (default: found from the spec's location and category)")
    app.add_argument("--profile", help="hardware profile name (see profiles/)")
    app.add_argument("--no-animation", action="store_true", help="turn animations off (slow SSH links)")
    app.add_argument("--host", default=None, help="user@box[:port]: run the stage tests on a remote hardware box over SSH")
    app.add_argument("--remote-root", default=None, help="the tt-metal checkout on the --host box")

    demo = sub.add_parser("demo", help="open the app on a bundled sample in a fresh temp workspace (no hardware)")
    demo.add_argument("--workspace", help="use this directory instead of a fresh temp dir")
    demo.add_argument("--spec", default="reduce_avg_w_rm", help="which bundled sample spec (default: reduce_avg_w_rm)")
    demo.add_argument("--no-animation", action="store_true")
    demo.add_argument("--headless-setup", action="store_true", help="only prepare the workspace and print its path")

    ex = sub.add_parser("extract", help="print what was read from a spec: values, lines, confidence, warnings")
    ex.add_argument("spec")
    ex.add_argument("--json", action="store_true", help="machine-readable output")
    ex.add_argument("--profile", default=None, help="hardware profile for the split and L1 summary")
    ex.add_argument("--shape", type=_shape, default=None, help="sample input shape, e.g. 1,1,32,64")
    ex.add_argument("--dtype", default="bfloat16", help="sample data type (default bfloat16)")

    gen = sub.add_parser("generate", help="write a fresh tree of the stages' files for inspection")
    gen.add_argument("spec")
    gen.add_argument("--stages", type=_stages, default=(4, 6))
    gen.add_argument("--out", required=True, help="output directory (created; must be empty or absent)")
    gen.add_argument("--profile", default=None)
    gen.add_argument("--state", help="a session state file whose overrides to use")

    ap = sub.add_parser("apply", help="diff, 3-way merge and atomically write the stages' files into an op dir")
    ap.add_argument("spec")
    ap.add_argument("--op-dir", required=True)
    ap.add_argument("--stages", type=_stages, default=None)
    ap.add_argument("--stage", type=int, default=None, help="a single stage (same as --stages N-N)")
    ap.add_argument("--dry-run", action="store_true", help="show the diffs, write nothing")
    ap.add_argument("--yes", action="store_true", help="write without asking (still never over a conflict)")
    ap.add_argument("--profile", default=None)
    ap.add_argument("--repo-root", help="tt-metal checkout root for build integration (default: found upward)")

    ck = sub.add_parser("check", help="CB balance, factory/kernel contract, C++ syntax (and offline compile)")
    ck.add_argument("--op-dir", required=True)
    ck.add_argument("--compile", action="store_true", help="also compile dataflow kernels (needs setup-verify)")
    ck.add_argument("--arch", choices=("wormhole_b0", "blackhole"), default="wormhole_b0")
    ck.add_argument("--json", action="store_true")
    ck.add_argument("--mock-run", action="store_true", help="also run the program on a mock device (needs setup-verify)")
    ck.add_argument("--format", action="store_true", help="also report clang-format drift (INFO) using the checkout's .clang-format")

    rn = sub.add_parser("run", help="build and run a stage's tests with the device protocol")
    rn.add_argument("--op-dir", required=True)
    rn.add_argument("--stage", type=int, required=True)
    rn.add_argument("--expect", choices=("red", "green"), default=None)
    rn.add_argument("--host", default=None, help="user@box: run on a remote hardware box over SSH")
    rn.add_argument("--profile", default=None)
    rn.add_argument(
        "--remote-root",
        default=None,
        help="the tt-metal checkout on the --host box (default: the profile's remote_root or $TTNN_WIZARD_REMOTE_ROOT)",
    )
    rn.add_argument("--no-build", action="store_true", help="skip the build step")
    rn.add_argument("--timeout", type=float, default=None, help="seconds (default: the profile's stage timeout)")

    dl = sub.add_parser("delegate", help="ask Claude for a proposal (written as a patch for review)")
    dl.add_argument("--op-dir", required=True)
    dl.add_argument("--stage", type=int, required=True)
    dl.add_argument("--task", choices=("fix", "validations", "cbs", "explain", "compute"), required=True)
    dl.add_argument("--yes-to", metavar="REVIEWED-PATCH", help="apply this reviewed patch instead of asking")
    dl.add_argument("--spec", help="the spec (default: the one recorded in the op's session state)")
    dl.add_argument("--dry-run", action="store_true", help="build the context and show its size; send nothing")

    sv = sub.add_parser("setup-verify", help="prepare the offline kernel compile toolchain (ttnn wheel + zig clang)")
    sv.add_argument("--python", help="a Python 3.10/3.12 interpreter to use")
    sv.add_argument("--force", action="store_true", help="rebuild even if it exists")
    return p


def _normalise_argv(argv: list[str]) -> list[str]:
    """``ttnn-wizard`` and ``ttnn-wizard SPEC`` mean the app."""
    if not argv:
        return ["app"]
    first = argv[0]
    if first in COMMANDS or first.startswith("-"):
        return argv
    return ["app", *argv]


def _plain_app_args(args_list: list[str]) -> SimpleNamespace | None:
    """``ttnn-wizard`` or ``ttnn-wizard SPEC`` with no options: the app's arguments without argparse (whose
    import is a measurable part of the time to first paint). Anything else goes through the full parser."""
    if args_list[:1] != ["app"] or len(args_list) > 2 or any(a.startswith("-") for a in args_list[1:]):
        return None
    spec = args_list[1] if len(args_list) == 2 else None
    return SimpleNamespace(command="app", spec=spec, op_dir=None, profile=None, no_animation=False, host=None,
                           remote_root=None)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = _normalise_argv(list(sys.argv[1:] if argv is None else argv))
    args = _plain_app_args(args_list) or build_parser().parse_args(args_list)
    module = importlib.import_module(f"wizard.commands.{args.command.replace('-', '_')}")
    try:
        return int(module.run(args) or 0)
    except WizardError as exc:
        for line in str(exc).splitlines() or [exc.__class__.__name__]:
            print(f"ttnn-wizard: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ttnn-wizard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # Last line of defence: a path we could not create, read or write (read-only, not a directory, full
        # disk...) is bad input or environment, said in one line naming the path, never a traceback.
        print(f"ttnn-wizard: {_os_error(exc)}", file=sys.stderr)
        return 2


def _os_error(exc: OSError) -> str:
    what = exc.strerror or str(exc) or exc.__class__.__name__
    where = exc.filename if exc.filename is not None else None
    if where is None:
        return what
    other = f" -> {exc.filename2}" if getattr(exc, "filename2", None) else ""
    return f"{where}{other}: {what}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
