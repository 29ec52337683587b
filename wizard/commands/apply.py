"""``ttnn-wizard apply SPEC --op-dir DIR [--stages A-B | --stage N] [--dry-run] [--yes]``.

Plans the stages (with the op's session-state overrides), shows a unified diff per file, then
writes what is approved: per file at a terminal (y/n/a/q), everything with --yes, nothing
without a terminal. Conflicts are only ever written as marker files (after a backup) and make
the exit status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from wizard.apply import ApplyResult, FileChange, apply_changes, diff_plan
from wizard.errors import WizardError

_LABEL = {
    "create": "create",
    "update": "update",
    "merge": "merge (your edits kept)",
    "conflict": "CONFLICT",
    "replace": "replace (no base: whole file)",
    "unchanged": "unchanged",
}


def _stages(args: argparse.Namespace) -> tuple[int, int]:
    if args.stages and args.stage is not None:
        raise WizardError("give --stages A-B or --stage N, not both")
    if args.stage is not None:
        if not 1 <= args.stage <= 7:
            raise WizardError(f"--stage must be within 1-7, not {args.stage}")
        return (args.stage, args.stage)
    return tuple(args.stages) if args.stages else (4, 6)  # type: ignore[return-value]


def _load_state(op_dir: Path):  # type: ignore[no-untyped-def]
    try:
        from wizard.state import SessionState
    except ImportError:
        return None
    return SessionState.load(op_dir)


def build_plan(spec_path: str, op_dir: Path, stages: tuple[int, int], profile_name: str | None, state):  # type: ignore[no-untyped-def]
    """Spec -> (session overrides) -> plan; each piece is another module, imported when needed."""
    try:
        from wizard.generate import plan_stages
        from wizard.spec import parse_spec
    except ImportError as exc:
        raise WizardError(f"generation is not available in this build ({exc.name} missing)") from None
    spec = parse_spec(spec_path)
    if state is not None:
        try:
            from wizard.overrides import apply_overrides

            spec = apply_overrides(spec, state)
        except ImportError:
            pass
    profile = None
    name = profile_name or (getattr(state, "profile", None) if state is not None else None)
    try:
        from wizard.profiles import load_profile

        profile = load_profile(name)
    except ImportError:
        pass
    if not spec.usable:
        problems = [w.render(spec.path) for w in spec.errors] or ["the spec has no name or no CB table"]
        raise WizardError("the spec is not usable for generation:\n" + "\n".join(problems), path=str(spec_path))
    return plan_stages(spec, stages, profile)


def _colour(out) -> bool:  # type: ignore[no-untyped-def]
    return bool(getattr(out, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def render_diff(diff: str, colour: bool) -> str:
    # a user file may hold non-UTF-8 bytes (read with surrogateescape): show them as U+FFFD, never crash printing
    diff = diff.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if not colour:
        return diff
    lines = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            lines.append(f"\x1b[1m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("+"):
            lines.append(f"\x1b[32m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("-"):
            lines.append(f"\x1b[31m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("@@"):
            lines.append(f"\x1b[36m{line.rstrip(chr(10))}\x1b[0m\n")
        else:
            lines.append(line)
    return "".join(lines)


def print_summary(changes: list[FileChange], out=None) -> None:  # type: ignore[no-untyped-def]
    out = out or sys.stdout
    for ch in changes:
        note = f"  ({ch.note})" if ch.note else ""
        print(f"{_LABEL[ch.action]:>30}  {ch.path}{note}", file=out)


def print_diff(ch: FileChange, out=None) -> None:  # type: ignore[no-untyped-def]
    out = out or sys.stdout
    if ch.action != "unchanged" and ch.diff:
        print(file=out)
        text = render_diff(ch.diff, _colour(out))
        print(text, end="" if text.endswith("\n") else "\n", file=out)


def print_changes(changes: list[FileChange], out=None) -> None:  # type: ignore[no-untyped-def]
    print_summary(changes, out)
    for ch in changes:
        print_diff(ch, out)


def ask(changes: list[FileChange], prompt: Callable[[str], str] | None = None, *, show: bool = False) -> set[str]:
    """Per file: y (yes), n (no), a (this and all the rest), q (no to this and the rest).

    With ``show``, each file's diff is printed right before its question.
    """
    approved: set[str] = set()
    all_rest = False
    for ch in changes:
        if not ch.needs_approval:
            continue
        if all_rest:
            approved.add(ch.path)
            continue
        if show:
            print_diff(ch)
        while True:
            try:
                answer = (prompt or input)(f"{_LABEL[ch.action]} {ch.path}? [y/n/a/q] ").strip().lower()
            except EOFError:
                answer = "q"
            if answer in ("y", "yes"):
                approved.add(ch.path)
            elif answer in ("a", "all"):
                approved.add(ch.path)
                all_rest = True
            elif answer in ("q", "quit"):
                return approved
            elif answer not in ("n", "no"):
                print("answer y, n, a (all the rest) or q (quit)", file=sys.stderr)
                continue
            break
    return approved


def print_result(result: ApplyResult, op_dir: Path) -> None:
    for label, paths in (("created", result.created), ("updated", result.updated), ("merged", result.merged), ("replaced", result.replaced)):
        for p in paths:
            print(f"{label}: {p}")
    for p, lines in result.conflicts.items():
        where = ", ".join(str(n) for n in lines)
        backup = f"; your file before the apply: {result.backups[p]}" if p in result.backups else ""
        print(f"CONFLICT: {p}: markers at line(s) {where} (<<<<<<< yours / ||||||| base / ======= / >>>>>>> generated){backup}", file=sys.stderr)
    for p, why in result.errors.items():
        print(f"not written: {p}: {why}", file=sys.stderr)
    if result.skipped:
        print(f"not approved, left as is: {', '.join(result.skipped)}", file=sys.stderr)


def _record(state, changes: list[FileChange], result: ApplyResult, stages: tuple[int, int], spec: str) -> None:  # type: ignore[no-untyped-def]
    if state is None:
        return
    if not state.spec_path:
        state.spec_path = str(Path(spec).resolve())
    try:
        from wizard.state import StageStatus
    except ImportError:
        return
    written = set(result.created + result.updated + result.merged + result.replaced)
    for st in range(stages[0], stages[1] + 1):
        files = [c for c in changes if c.stage == st]
        if not files:
            continue
        if any(c.path in result.conflicts for c in files):
            continue  # not "generated" until the conflicts are resolved
        if all(c.path in written or c.action == "unchanged" for c in files) and any(c.path in written for c in files):
            state.set_stage(st, StageStatus.GENERATED, note="applied by ttnn-wizard apply")
    state.save()


def _ops_in(op_dir: Path) -> dict[str, str]:
    """Op names whose device operation lives in ``op_dir`` (``device/{op}_device_operation.hpp``) -> that file."""
    found: dict[str, str] = {}
    for f in sorted((op_dir / "device").glob("*_device_operation.hpp")):
        found.setdefault(f.name[: -len("_device_operation.hpp")], f"device/{f.name}")
    return found


def _checkout_root(op_dir: Path) -> Path | None:
    """The tt-metal checkout holding ``op_dir`` (itself or an ancestor with ttnn/cpp/ttnn/operations/)."""
    for a in (op_dir, *op_dir.parents):
        if (a / "ttnn" / "cpp" / "ttnn" / "operations").is_dir():
            return a
    return None


def _check_target(
    op_dir: Path, op_name: str, stages: tuple[int, int], *, writing: bool, op_rel_dir: str = "", new: bool = False
) -> None:
    """Refuse another op's directory, a checkout root or category folder, and an unwritable directory up front;
    note a missing Stage 1-3 scaffold."""
    root = _checkout_root(op_dir.resolve())
    if root is not None and op_rel_dir:
        expected = root / op_rel_dir
        if expected != op_dir.resolve() and expected.is_relative_to(op_dir.resolve()):
            shown = op_dir / expected.relative_to(op_dir.resolve())
            raise WizardError(
                f"this is not the op's directory: in this checkout {op_name} lives in {op_rel_dir}; "
                f"use --op-dir {shown} (nothing written)",
                path=str(op_dir),
            )
        if expected != op_dir.resolve():
            # The factory's CreateKernel paths are repo-relative and built from the category: elsewhere they break.
            print(
                f"ttnn-wizard: warning: the generated kernel paths point to {op_rel_dir}/ (the spec's category), but "
                f"--op-dir is {op_dir.resolve().relative_to(root)}: tt-metal will not find the kernels there; "
                "fix the category (override 'category') or move the op",
                file=sys.stderr,
            )
    ops = _ops_in(op_dir)
    if ops and op_name not in ops:
        other, where = next(iter(ops.items()))
        raise WizardError(
            f"this directory holds op '{other}' ({where}) but the spec is for '{op_name}': "
            f"give {op_name}'s own op directory (nothing written)",
            path=str(op_dir),
        )
    if writing and not os.access(op_dir.parent if new else op_dir, os.W_OK):
        raise WizardError("op directory is not writable (read-only?): nothing written; --dry-run only reads", path=str(op_dir))
    header = f"device/{op_name}_device_operation.hpp"
    if stages[0] >= 4 and not (op_dir / header).is_file():
        print(
            f"ttnn-wizard: note: {op_dir} has no Stage 1-3 scaffold ({header}): the Stage 4-6 files alone will not "
            f"build; scaffold first with: ttnn-wizard apply SPEC --op-dir DIR --stages 1-3",
            file=sys.stderr,
        )


def _new_op_dir(op_dir: Path, stages: tuple[int, int]) -> bool:
    """True when ``op_dir`` is a new op's directory that Stage 1 may create; WizardError when it cannot be."""
    if op_dir.is_dir():
        return False
    if op_dir.exists():
        raise WizardError("op directory is not a directory", path=str(op_dir))
    if stages[0] != 1:
        raise WizardError(
            "op directory does not exist: a new op starts with its Stage 1-3 scaffold "
            "(ttnn-wizard apply SPEC --op-dir DIR --stages 1-3 creates it)",
            path=str(op_dir),
        )
    if not op_dir.parent.is_dir():
        raise WizardError(f"op directory does not exist, nor its parent {op_dir.parent} (the category folder)", path=str(op_dir))
    return True


def run(args: argparse.Namespace) -> int:
    op_dir = Path(args.op_dir)
    stages = _stages(args)
    new_op = _new_op_dir(op_dir, stages)
    state = _load_state(op_dir)
    plan = build_plan(args.spec, op_dir, stages, args.profile, state)
    _check_target(op_dir, plan.op_name, stages, writing=not args.dry_run, op_rel_dir=plan.op_rel_dir, new=new_op)
    if new_op:
        print(f"ttnn-wizard: new op directory {op_dir}" + (" (would be created)" if args.dry_run else " (created)"), file=sys.stderr)
        if not args.dry_run:
            op_dir.mkdir()
    repo_root = Path(args.repo_root) if getattr(args, "repo_root", None) else None
    # Stage 1 wires the op into the build (helper I, wizard.integrate): checkout-file edits join the plan.
    from wizard.integrate import integrate_stage1, render_manual

    integration, repo_root = integrate_stage1(plan, op_dir, stages, repo_root)
    manual = render_manual(integration)
    changes = diff_plan(plan, op_dir, repo_root=repo_root, new_op=new_op and args.dry_run)
    interactive = not args.dry_run and not args.yes and sys.stdin.isatty()
    if interactive:
        print_summary(changes)  # each diff is shown right before its question
    else:
        print_changes(changes)
    for line in manual:
        print(line, file=sys.stderr)
    pending = [c for c in changes if c.needs_approval]
    conflicts = [c for c in changes if c.action == "conflict"]
    if not pending:
        if not args.dry_run:  # a dry run writes nothing, not even the state folder
            apply_changes(changes, op_dir, set(), repo_root=repo_root)  # keeps the 3-way bases current
        print("nothing to write: every file is up to date", file=sys.stderr)
        return 1 if manual else 0
    if args.dry_run:
        print(f"dry run: nothing written ({len(pending)} file(s) would change, {len(conflicts)} with conflicts)", file=sys.stderr)
        return 1 if conflicts or manual else 0
    if args.yes:
        approved = {c.path for c in pending}
    elif interactive:
        approved = ask(changes, show=True)
    else:
        print(
            f"not a terminal: nothing written. {len(pending)} file(s) would change; re-run with --yes to write them "
            "(conflicts are then written as marker files, never resolved silently) or --dry-run to only look.",
            file=sys.stderr,
        )
        return 1
    result = apply_changes(changes, op_dir, approved, repo_root=repo_root)
    print_result(result, op_dir)
    _record(state, changes, result, stages, args.spec)
    return 0 if result.ok and not manual else 1
