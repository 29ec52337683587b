"""``ttnn-wizard check --op-dir DIR [--compile] [--arch A] [--json]``: exit 1 on errors, 0 clean, 2 bad input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wizard.checks import check_op_dir, counts
from wizard.model import Severity


def run(args: argparse.Namespace) -> int:
    progress = None if args.json else (lambda line: print(line, file=sys.stderr, flush=True))
    findings = check_op_dir(
        Path(args.op_dir),
        compile=args.compile,
        arch=args.arch,
        format=getattr(args, "format", False),
        mock_run=getattr(args, "mock_run", False),
        on_line=progress,
    )
    n = counts(findings)
    if args.json:
        payload = {
            "op_dir": str(args.op_dir),
            "counts": n,
            "findings": [
                {"check": f.check, "path": f.path, "line": f.line, "severity": f.severity.value, "message": f.message}
                for f in findings
            ],
        }
        print(json.dumps(payload, indent=2))
    else:
        for f in findings:
            print(f.render())
        print(f"{n['error']} error(s), {n['warning']} warning(s), {n['info']} note(s) in {args.op_dir}", file=sys.stderr)
    return 1 if any(f.severity is Severity.ERROR for f in findings) else 0
