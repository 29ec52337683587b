"""``ttnn-wizard generate SPEC --stages A-B --out DIR``: write a fresh tree of the stages' files for inspection.

DIR is the op directory of the generated tree (files land at ``DIR/device/...``, ``DIR/test_dev/...``). A
non-empty DIR is refused (use ``apply`` to update a real op directory with merging); nothing is written outside
DIR. Overrides from a session state (``--state``) are applied before generation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wizard.errors import WizardError


def _load_state(path_text: str):  # -> SessionState
    import tomlkit

    from wizard.state import STATE_DIR, STATE_FILE, SessionState

    path = Path(path_text).expanduser()
    if path.is_dir():
        # DIR is an op directory (DIR/.ttnn-wizard/state.toml) or its .ttnn-wizard folder; without a state file
        # there are no overrides to apply, which the user did not ask for: say so instead of ignoring --state.
        op_dir = path.parent if path.name == STATE_DIR and (path / STATE_FILE).is_file() else path
        looked = op_dir / STATE_DIR / STATE_FILE
        if not looked.is_file():
            raise WizardError(f"--state: no session state in this directory (looked for {looked}); give an op "
                              "directory the wizard has saved state in, or the state file itself", path=str(path))
        return SessionState.load(op_dir)
    if not path.is_file():
        raise WizardError("no such session state file", path=str(path))
    if path.name == STATE_FILE and path.parent.name == STATE_DIR:
        return SessionState.load(path.parent.parent)
    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - tomlkit raises several types; all mean "not a state file"
        raise WizardError(f"not a readable session state file ({exc})", path=str(path)) from None
    return SessionState(path.parent, doc)


def run(args: argparse.Namespace) -> int:
    from wizard.atomic import write_atomic
    from wizard.design import build_design
    from wizard.generate import render_design
    from wizard.profiles import load_profile
    from wizard.spec import parse_spec

    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise WizardError("--out must be a directory (it exists and is a file)", path=str(out))
    if out.is_dir() and any(out.iterdir()):
        raise WizardError(
            "--out directory is not empty; give a new or empty directory (to update an op directory, use 'ttnn-wizard apply')",
            path=str(out),
        )
    spec = parse_spec(args.spec)
    state = _load_state(args.state) if args.state else None
    if state is not None and (state.overrides or state.cbs):
        try:
            from wizard.overrides import apply_overrides
        except ImportError:
            raise WizardError("this build cannot apply session-state overrides yet (wizard.overrides missing)") from None
        spec = apply_overrides(spec, state)
    if spec.errors:
        for w in spec.errors:
            print(f"ttnn-wizard: {w.render(args.spec)}", file=sys.stderr)
        raise WizardError("the spec is not usable for generation (errors above)", path=args.spec)
    profile = load_profile(args.profile or (state.profile if state is not None else None))
    design = build_design(spec, profile)
    errors = [w for w in design.warnings if w.severity.value == "error"]
    if errors:
        for w in errors:
            print(f"ttnn-wizard: {w.render(args.spec)}", file=sys.stderr)
        raise WizardError("cannot generate: the design has errors (above)", path=args.spec)
    plan, notes = render_design(design, tuple(args.stages), profile=profile, spec_name=Path(args.spec).name)

    root = out.resolve()
    targets: list[tuple[Path, str]] = []
    for f in plan.files:
        target = (root / f.path).resolve()
        if root != target and root not in target.parents:  # generated paths are op-relative; never trust that blindly
            raise WizardError(f"refusing to write outside --out: {f.path}")
        targets.append((target, f.text))
    for target, text in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
        print(target)
    for w in design.warnings:
        if w.severity.value != "info":
            print(f"ttnn-wizard: note: {w.render(args.spec)}", file=sys.stderr)
    for note in notes:
        print(f"ttnn-wizard: note: {note}", file=sys.stderr)
    print(f"{len(plan.files)} files for stages {args.stages[0]}-{args.stages[1]} of {plan.op_name} in {out}", file=sys.stderr)
    return 0
