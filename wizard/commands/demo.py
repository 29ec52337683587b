"""``ttnn-wizard demo``: a bundled sample spec and scaffolded op in a fresh temp workspace, opened in the app."""

from __future__ import annotations

import argparse

from wizard.workspace import create_demo_workspace


def run(args: argparse.Namespace) -> int:
    ws = create_demo_workspace(args.workspace, spec=args.spec)
    print(f"ttnn-wizard: {'reopening the' if ws.resumed else ''} demo workspace {ws.root}".replace("  ", " "))
    if args.headless_setup:
        print(ws.spec_path)
        return 0
    from screens.app import run_app

    code = run_app(spec=ws.spec_path, op_dir=ws.op_dir, root=ws.root, no_animation=args.no_animation, cwd=ws.root)
    print(f"ttnn-wizard: the demo workspace stays at {ws.root} (delete it when done)")
    return code
