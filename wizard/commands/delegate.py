"""``ttnn-wizard delegate --op-dir DIR --stage N --task T [--yes-to PATCH] [--dry-run] [--spec SPEC]``.

Asks Claude for a proposal and writes it as a patch for review under ``.ttnn-wizard/proposals/`` (never
into the op's files); ``--yes-to`` applies a reviewed patch of ours, unchanged, through the apply machinery;
``--dry-run`` shows the context, its size and the cost estimate and sends nothing. Without a key or a
network the command exits 2 with the reason; everything else in the wizard keeps working.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from wizard.errors import WizardError


def _out(line: str = "") -> None:
    print(line, flush=True)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def load_session(op_dir: Path) -> Any:
    from wizard.state import SessionState  # noqa: PLC0415

    return SessionState.load(op_dir)


def resolve_spec(op_dir: Path, explicit: str | None, state: Any) -> Path:
    raw = explicit or getattr(state, "spec_path", None)
    if not raw:
        raise WizardError("no spec: pass --spec SPEC (none is recorded in the op's session state)", path=str(op_dir))
    path = Path(str(raw)).expanduser()
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, op_dir / path]
    for cand in candidates:
        if cand.is_file():
            return cand
    raise WizardError("spec not found", path=str(raw))


def load_profile_or_none(state: Any) -> tuple[Any | None, str | None]:
    try:
        from wizard.profiles import load_profile  # noqa: PLC0415

        return load_profile(getattr(state, "profile", None) or None), None
    except Exception as exc:  # noqa: BLE001 - the context just goes without hardware facts
        return None, f"no hardware profile ({exc})"


def build_task_context(op_dir: Path, stage: int, task: str, spec: str | None, state: Any) -> Any:
    from wizard.claude.context import DelegateTask, TaskKind, build_context  # noqa: PLC0415

    spec_path = resolve_spec(op_dir, spec, state)
    try:
        spec_text = spec_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WizardError(f"cannot read the spec: {exc}", path=str(spec_path)) from None
    profile, why = load_profile_or_none(state)
    runner = dict(state.section("runner")) if hasattr(state, "section") else {}
    ctx = build_context(DelegateTask(TaskKind(task), stage, op_dir, spec_path), spec_text=spec_text,
                        profile=profile, runner_section=runner)
    if why:
        ctx.notes.append(why)
    return ctx


def _refuse_non_op_dir(op_dir: Path) -> None:
    """Proposals are confined to --op-dir: a checkout root or a category folder would widen that to many ops."""
    if (op_dir / "ttnn" / "cpp" / "ttnn" / "operations").is_dir():
        raise WizardError("this is a tt-metal checkout root: give the op's own directory "
                          "(ttnn/cpp/ttnn/operations/<category>/<op>)", path=str(op_dir))
    if not (op_dir / "device").is_dir():
        ops = sorted(c.name for c in op_dir.iterdir() if c.is_dir() and (c / "device").is_dir())
        if ops:
            raise WizardError(f"this folder holds ops ({', '.join(ops[:5])}): give the op's own directory", path=str(op_dir))


def run(args: argparse.Namespace) -> int:
    from wizard.claude.config import availability, load_config  # noqa: PLC0415
    from wizard.claude.cost import CostLedger, format_usage, typical_call_cost  # noqa: PLC0415

    op_dir = Path(args.op_dir)
    if not op_dir.is_dir():
        raise WizardError("the op directory does not exist or is not a directory", path=str(op_dir))
    _refuse_non_op_dir(op_dir)
    if not 1 <= args.stage <= 7:
        raise WizardError(f"--stage must be 1..7, not {args.stage}")
    state = load_session(op_dir)
    section = state.section("claude")

    if args.yes_to:
        return _apply(op_dir, Path(args.yes_to), state, section)

    config = load_config()
    ledger = CostLedger(section)
    if not args.dry_run:  # say why at once, before any work, when Claude cannot be used
        if ledger.problem:
            raise WizardError(f"Claude is unavailable: {ledger.problem}")
        ok, reason = availability(config, spent_usd=ledger.spent_usd)
        if not ok:
            raise WizardError(f"Claude is unavailable: {reason}")
    ctx = build_task_context(op_dir, args.stage, args.task, args.spec, state)
    estimate = ctx.estimate_tokens()
    _out(f"context: {ctx.task.kind.value} for stage {args.stage}: {ctx.chars:,} characters, "
         f"~{estimate:,} tokens (estimate), {len(ctx.file_paths)} file(s)")
    for note in ctx.notes:
        _out(f"  note: {note}")

    if args.dry_run:
        for title, chars in ctx.summary():
            _out(f"  {chars:>8,}  {title}")
        from wizard.claude.client import ClaudeClient  # noqa: PLC0415

        count = ClaudeClient(config, ledger=ledger).count_tokens(ctx) if config.has_key else None
        tokens = count.tokens if count else estimate
        label = count.label() if count else f"{estimate:,} tokens (estimate)"
        _out(f"input: {label}" + (f" [{count.note}]" if count and not count.exact else ""))
        expected_out = min(config.max_tokens, 4000)
        _out(f"cost estimate ({config.model}): ~${typical_call_cost(tokens, expected_out, config.prices):.4f} "
             f"(uncached input + ~{expected_out:,} output tokens); at most "
             f"${(tokens * max(config.prices.input, config.prices.cache_write) + config.max_tokens * config.prices.output) / 1e6:.4f}")
        if ledger.problem:
            _out(f"budget: unknown ({ledger.problem}); no call will be sent until it is fixed")
        else:
            _out(f"budget: ${ledger.spent_usd:.4f} of ${config.budget_usd:.2f} spent in this op's session")
        ok, reason = availability(config, spent_usd=ledger.spent_usd, check_network=False)
        _out("dry run: nothing was sent" + ("" if ok else f" (and Claude is unavailable: {reason})"))
        return 0

    return _delegate(op_dir, ctx, config, ledger, state, section, format_usage)


def _delegate(op_dir: Path, ctx: Any, config: Any, ledger: Any, state: Any, section: Any, format_usage: Any) -> int:
    from wizard.claude.client import ClaudeClient  # noqa: PLC0415
    from wizard.claude.proposals import review_proposal, save_patch, severity_errors  # noqa: PLC0415
    from wizard.claude.transcript import save_transcript, transcript_dict  # noqa: PLC0415

    ledger.check(config, ctx.estimate_tokens())  # the cap, before anything (even count_tokens) is sent
    client = ClaudeClient(config, ledger=ledger)
    try:
        count = client.count_tokens(ctx)
        _out(f"input: {count.label()}" + ("" if count.exact else f" [{count.note}]"))
        ledger.check(config, count.tokens)
        params = client.request_params(ctx)
        streamed: list[str] = []

        def on_text(t: str) -> None:
            streamed.append(t)
            sys.stdout.write(t)
            sys.stdout.flush()

        def on_retry(n: int, delay: float, why: str) -> None:
            _err(f"ttnn-wizard: attempt {n} failed ({why}); retrying in {delay:.1f} s")

        proposal = None
        error: str | None = None
        try:
            proposal = client.propose(ctx, input_tokens=count.tokens, on_text=on_text, on_retry=on_retry)
        except WizardError as exc:
            error = str(exc)
        if streamed:
            _out()
        review = None
        saved = None
        if proposal is not None and proposal.complete and ctx.writes_files:
            review = review_proposal(proposal, op_dir, op_name=_op_name(op_dir, state))
            label = f"{ctx.task.kind.value}-stage{ctx.task.stage}"
            saved = save_patch(review, section, label=label)
        transcript = transcript_dict(
            ctx, params, proposal, config=config, token_count=count.label(), error=error,
            refused=[r.render() for r in review.refused] if review else [],
            findings=[f.render() for f in review.findings] if review else [],
            patch=str(saved.path.relative_to(op_dir)) if saved else None)
        tpath = save_transcript(op_dir, transcript, config)
        state.save()
    finally:
        client.close()

    if error:
        _err(f"ttnn-wizard: {error}")
        _out(f"transcript: {tpath}")
        return 2
    assert proposal is not None
    _out(format_usage(proposal.usage, proposal.cost, ledger.spent_usd))
    _out(f"transcript: {tpath}")
    if proposal.cancelled:
        _err("ttnn-wizard: cancelled; nothing proposed")
        return 1
    if proposal.error:
        _err(f"ttnn-wizard: {proposal.error}; nothing proposed (run again)")
        return 1
    if not ctx.writes_files:
        return 0
    assert review is not None
    for r in review.refused:
        _out(r.render())
    for note in review.notes:
        _out(f"note: {note}")
    if saved is None:
        _out("no file changes proposed" + (" (all refused)" if review.refused else ""))
        return 0
    _out(f"proposal: {saved.path}")
    for rel in saved.files:
        _out(f"  {rel}")
    for path in review.conflicted():
        _out(f"  conflict: {path} (left out of the patch; apply by hand)")
    new = review.new_findings
    _out(f"checks: {len(review.findings)} finding(s) with the proposal applied, {len(new)} new")
    for f in new:
        _out(f"  {f.render()}")
    _out(f"review it, then: ttnn-wizard delegate --op-dir {op_dir} --stage {ctx.task.stage} "
         f"--task {ctx.task.kind.value} --yes-to {saved.path}")
    return 1 if severity_errors(new) else 0


def _op_name(op_dir: Path, state: Any) -> str:
    return getattr(state, "op_name", "") or op_dir.resolve().name


def _apply(op_dir: Path, patch: Path, state: Any, section: Any) -> int:
    from wizard.claude.proposals import apply_reviewed_patch  # noqa: PLC0415

    written, result = apply_reviewed_patch(op_dir, patch, section)
    state.save()
    for rel in written:
        _out(f"applied: {rel}")
    return 0
