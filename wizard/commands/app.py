"""``ttnn-wizard [SPEC]``: open the app (in a checkout without SPEC: pick or resume an op)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import WizardError

if TYPE_CHECKING:
    import argparse


def run(args: argparse.Namespace) -> int:
    from wizard.workspace import find_checkout_root

    cwd = Path.cwd()
    spec = Path(args.spec) if args.spec else None
    op_dir = Path(args.op_dir) if args.op_dir else None
    # Check what we can cheaply before the screen takes over, so bad input is one line on stderr.
    if spec is not None:
        if spec.is_dir():
            raise WizardError("is a directory, not a spec file", path=str(spec))
        if not spec.is_file():
            raise WizardError("no such spec file", path=str(spec))
    if op_dir is not None and op_dir.exists() and not op_dir.is_dir():
        raise WizardError("the op directory is not a directory", path=str(op_dir))
    host = getattr(args, "host", None)
    if host:
        from wizard.hostspec import parse_host

        parse_host(host)  # bad syntax -> one line on stderr, exit 2, before the screen takes over
    root = find_checkout_root(spec.parent if spec else (op_dir or cwd))
    if spec is None and op_dir is None and root is None:
        raise WizardError(
            "not inside a tt-metal checkout: give a spec (`ttnn-wizard path/to/op_spec.md`) "
            "or try the bundled sample with `ttnn-wizard demo`"
        )
    from screens.app import run_app  # Textual only now: every check above stays fast

    return run_app(spec=spec, op_dir=op_dir, profile=args.profile, root=root, no_animation=args.no_animation, cwd=cwd,
                   host=host, remote_root=getattr(args, "remote_root", None))
