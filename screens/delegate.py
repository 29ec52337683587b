"""Delegate a step to Claude: pick a task, see the context's size and cost before sending, watch the reply
stream in, then review the proposed files in the shared review screen (approve / reject per file).

Unavailable (no key, no network, budget spent): the screen still opens, Send stays disabled and the reason
is shown. The SDK is synchronous and slow to import, so everything that talks to it runs in thread workers;
Stop sets a threading.Event the client checks between stream events.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from wizard.claude.context import TASK_LABELS, TaskKind

DEFAULT_TASK = {1: TaskKind.FIX, 2: TaskKind.VALIDATIONS, 3: TaskKind.FIX, 4: TaskKind.VALIDATIONS,
                5: TaskKind.CBS, 6: TaskKind.FIX, 7: TaskKind.COMPUTE}


class DelegateScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DelegateScreen { align: center middle; }
    #delegate-box { width: 96%; height: 94%; border: round $accent; padding: 0 1; background: $surface; }
    #delegate-title { height: 1; text-style: bold; }
    #delegate-taskrow { height: 1; }
    #delegate-taskrow Label { width: auto; padding: 0 1 0 0; }
    #delegate-task { width: 1fr; }
    #delegate-availability { height: auto; }
    #delegate-estimate { height: auto; max-height: 4; color: $text-muted; }
    #delegate-buttons { height: 1; margin: 1 0 0 0; }
    #delegate-buttons Button { margin-right: 1; min-width: 10; }
    #delegate-output { height: 1fr; min-height: 4; border: round $primary 40%; padding: 0 1; }
    #delegate-result { height: auto; max-height: 8; overflow-y: auto; }
    """
    BINDINGS = [
        Binding("ctrl+enter,f10", "send", "Send", id="delegate-send"),
        Binding("ctrl+x", "stop", "Stop", id="delegate-stop"),
        Binding("f5", "review", "Review", id="delegate-review"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, op_dir: Path, stage: int, *, spec_path: Path | None, state: Any, profile: Any = None,
                 task: TaskKind | None = None, console_text: str | None = None) -> None:
        super().__init__()
        self.op_dir = Path(op_dir)
        self.stage = stage
        self.spec_path = Path(spec_path) if spec_path else None
        self.state = state
        self.profile = profile
        self.task_kind = task or DEFAULT_TASK.get(stage, TaskKind.FIX)
        self.console_text = console_text
        self.config: Any = None
        self.ctx: Any = None
        self.tokens: int | None = None
        self.available = False
        self.reason = "checking…"
        self.cancel = threading.Event()
        self.sending = False
        self.review: Any = None
        self.proposal: Any = None
        self.applied: list[str] = []

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="delegate-box"):
            yield Static(f"Delegate to Claude · stage {self.stage} · {self.op_dir.name}", id="delegate-title")
            with Horizontal(id="delegate-taskrow"):
                yield Label("Task")
                yield Select([(TASK_LABELS[k], k.value) for k in TaskKind], value=self.task_kind.value,
                             allow_blank=False, compact=True, id="delegate-task")
            yield Static("Claude: checking…", id="delegate-availability")
            yield Static("context: building…", id="delegate-estimate")
            with Horizontal(id="delegate-buttons"):
                yield Button("Send F10", id="send", variant="primary", disabled=True, compact=True)
                yield Button("Stop ^x", id="stop", disabled=True, compact=True)
                yield Button("Review F5", id="review", variant="success", disabled=True, compact=True)
                yield Button("Close esc", id="close", compact=True)
            with VerticalScroll(id="delegate-output"):
                yield Static("", id="delegate-text")
            yield Static("", id="delegate-result")

    def on_mount(self) -> None:
        self._chunks: list[str] = []
        self._dirty = False
        self.set_interval(0.05, self._flush)  # batch the stream's many small deltas into one repaint
        self.prepare()

    @property
    def stream_text(self) -> str:
        return "".join(self._chunks)

    def _append(self, text: str) -> None:
        self._chunks.append(text)
        self._dirty = True

    def _flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self.query_one("#delegate-text", Static).update(Text(self.stream_text))
            self.query_one("#delegate-output", VerticalScroll).scroll_end(animate=False)

    # -- preparation: context, availability, token count (thread: network + file reads) ------------
    @on(Select.Changed, "#delegate-task")
    def _task_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.BLANK and event.value != self.task_kind.value:
            self.task_kind = TaskKind(str(event.value))
            self.prepare()

    @work(thread=True, exclusive=True, group="delegate-prep")
    def prepare(self) -> None:
        from wizard.claude.client import ClaudeClient
        from wizard.claude.config import availability, load_config
        from wizard.claude.context import DelegateTask, build_context
        from wizard.claude.cost import CostLedger, typical_call_cost
        from wizard.errors import WizardError

        self.app.call_from_thread(self._set_send, False)
        try:
            config = load_config()
        except WizardError as exc:
            self.app.call_from_thread(self._show_availability, False, f"config: {exc}")
            return
        spec_text = None
        if self.spec_path is not None:
            try:
                spec_text = self.spec_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                spec_text = None
                self.app.call_from_thread(self.notify, f"cannot read the spec: {exc}", severity="warning")
        runner = dict(self.state.section("runner")) if self.state is not None else {}
        ctx = build_context(DelegateTask(self.task_kind, self.stage, self.op_dir, self.spec_path),
                            spec_text=spec_text, profile=self.profile, runner_section=runner,
                            console_text=self.console_text)
        ledger = CostLedger(dict(self._claude_section()))
        self.config, self.ctx = config, ctx

        def show(tokens: int, label: str) -> None:
            self.tokens = tokens
            typical = typical_call_cost(tokens, min(config.max_tokens, 4000), config.prices)
            lines = [f"context: {len(ctx.file_paths)} file(s), {ctx.chars:,} characters → {label}",
                     f"cost estimate ({config.model}): ~${typical:.4f} (+ up to {config.max_tokens:,} output tokens); "
                     f"session: ${ledger.spent_usd:.4f} of ${config.budget_usd:.2f}"]
            lines += [f"note: {n}" for n in ctx.notes[:3]]
            self.app.call_from_thread(self._show_estimate, "\n".join(lines))

        estimate = ctx.estimate_tokens()
        show(estimate, f"{estimate:,} tokens (estimate)")  # at once; the exact count follows when available
        ok, reason = availability(config, spent_usd=ledger.spent_usd)
        self.app.call_from_thread(self._show_availability, ok, reason)
        if ok:
            count = ClaudeClient(config, ledger=ledger).count_tokens(ctx)
            show(count.tokens, count.label())

    def _claude_section(self) -> Any:
        return self.state.section("claude") if self.state is not None else {}

    def _show_estimate(self, text: str) -> None:
        self.query_one("#delegate-estimate", Static).update(text)

    def _show_availability(self, ok: bool, reason: str) -> None:
        self.available, self.reason = ok, reason
        widget = self.query_one("#delegate-availability", Static)
        if ok:
            widget.update(Text.assemble(("Claude: ", "bold"), (reason, "green")))
        else:
            widget.update(Text.assemble(("Claude unavailable: ", "bold red"), reason,
                                        ("  (everything else in the wizard works without it)", "dim")))
        self._set_send(ok and not self.sending)

    def _set_send(self, enabled: bool) -> None:
        send = self.query_one("#send", Button)
        send.disabled = not enabled
        send.tooltip = None if enabled else self.reason

    # -- sending -------------------------------------------------------------------------------
    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self.action_stop()

    @on(Button.Pressed, "#review")
    def _review_pressed(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_send(self) -> None:
        if self.sending:
            return
        if not self.available or self.ctx is None:
            self.notify(f"Claude is unavailable: {self.reason}", severity="warning")
            return
        self.sending = True
        self.cancel.clear()
        self.review = self.proposal = None
        self._chunks.clear()
        self._dirty = True
        self.query_one("#delegate-result", Static).update("")
        self.query_one("#stop", Button).disabled = False
        self.query_one("#review", Button).disabled = True
        self._set_send(False)
        self.run_delegation()

    def action_stop(self) -> None:
        if self.sending:
            self.cancel.set()
            self.query_one("#stop", Button).disabled = True

    @work(thread=True, exclusive=True, group="delegate-send")
    def run_delegation(self) -> None:
        from wizard.claude.client import ClaudeClient
        from wizard.claude.cost import CostLedger
        from wizard.claude.proposals import review_proposal
        from wizard.claude.transcript import save_transcript, transcript_dict
        from wizard.errors import WizardError

        config, ctx = self.config, self.ctx
        section = self._claude_section()
        ledger = CostLedger(section)
        client = ClaudeClient(config, ledger=ledger)
        params = client.request_params(ctx)
        proposal = review = None
        error: str | None = None
        try:
            proposal = client.propose(
                ctx, input_tokens=self.tokens, cancel=self.cancel,
                on_text=lambda t: self.app.call_from_thread(self._append, t),
                on_retry=lambda n, d, why: self.app.call_from_thread(
                    self._append, f"\n[attempt {n} failed: {why}; retrying in {d:.1f} s]\n"))
            if proposal.complete and ctx.writes_files:
                review = review_proposal(proposal, self.op_dir, op_name=self.op_dir.name)
        except WizardError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - the app keeps running whatever happens here
            error = f"{exc.__class__.__name__}: {exc}"
        finally:
            client.close()
        try:
            data = transcript_dict(ctx, params, proposal, config=config, error=error,
                                   token_count=f"{self.tokens:,}" if self.tokens else "",
                                   refused=[r.render() for r in review.refused] if review else [],
                                   findings=[f.render() for f in review.findings] if review else [])
            save_transcript(self.op_dir, data, config)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, f"transcript not saved: {exc}", severity="warning")
        self.app.call_from_thread(self._finished, proposal, review, error, ledger.spent_usd)

    def _finished(self, proposal: Any, review: Any, error: str | None, spent: float) -> None:
        from wizard.claude.cost import format_usage

        self.sending = False
        self._flush()
        if self.state is not None:
            try:
                self.state.save()
            except Exception as exc:  # noqa: BLE001
                self.notify(f"session state not saved: {exc}", severity="error")
        self.proposal, self.review = proposal, review
        self.query_one("#stop", Button).disabled = True
        self._set_send(self.available)
        out = Text()
        if error:
            out.append(f"{error}\n", style="bold red")
        if proposal is not None:
            out.append(format_usage(proposal.usage, proposal.cost, spent) + "\n", style="dim")
            if proposal.cancelled:
                out.append("stopped: nothing proposed\n", style="yellow")
            elif proposal.error:
                out.append(f"{proposal.error}: nothing proposed (send again)\n", style="bold red")
        if review is not None:
            for r in review.refused:
                out.append(r.render() + "\n", style="bold red")
            for note in review.notes:
                out.append(f"note: {note}\n", style="yellow")
            pending = [c for c in review.changes if c.action != "unchanged"]
            if review.files and not pending:
                out.append("the proposal matches what is on disk: nothing to review\n", style="yellow")
            elif review.files:
                out.append(f"{len(review.files)} file(s) proposed: {', '.join(review.paths)}; "
                           f"checks: {len(review.new_findings)} new finding(s)\n", style="bold")
                for f in review.new_findings[:5]:
                    out.append(f"  {f.render()}\n", style="red")
                out.append("F5 reviews them: approve / reject each file\n", style="green")
            elif not review.refused:
                out.append("no file changes proposed\n")
        self.query_one("#delegate-result", Static).update(out)
        has_files = review is not None and any(c.action != "unchanged" for c in review.changes)
        self.query_one("#review", Button).disabled = not has_files
        if has_files:
            self.query_one("#review", Button).focus()
        self.prepare()  # the session's spend changed: refresh the estimate line and the budget check

    # -- review + apply ------------------------------------------------------------------------
    def action_review(self) -> None:
        if self.review is None or not self.review.files:
            self.notify("nothing to review yet", severity="warning")
            return
        from screens.review import ReviewScreen

        review = self.review
        title = f"Claude proposal · {review.proposal.task} · stage {self.stage}"

        def done(approved: set[str] | None) -> None:
            if approved is None:
                self.notify("review cancelled: nothing written")
                return
            self._apply(approved)

        self.app.push_screen(ReviewScreen(review.changes, title), done)

    def _apply(self, approved: set[str]) -> None:
        from wizard.claude.proposals import apply_review

        if not approved:
            self.notify("nothing approved: nothing written")
            return
        try:
            apply_review(self.review, approved)
        except Exception as exc:  # noqa: BLE001 - report, never crash; the writes are atomic per file
            self.notify(f"apply failed: {exc}", severity="error", timeout=10)
            return
        self.applied = sorted(approved)
        rejected = sorted(set(self.review.paths) - set(approved))
        msg = f"applied {len(approved)} file(s)" + (f"; rejected {len(rejected)}" if rejected else "")
        self.notify(msg)
        self.query_one("#delegate-result", Static).update(Text(msg, style="bold green"))
        self.query_one("#review", Button).disabled = True

    def action_close(self) -> None:
        self.cancel.set()
        self.dismiss(None)


def open_delegate(app: App[Any], session: Any, stage: int) -> None:
    """Entry point for the main app (helper G's WizardApp.action_delegate)."""
    app.push_screen(DelegateScreen(session.op_dir, stage, spec_path=getattr(session, "spec_path", None),
                                   state=getattr(session, "state", None), profile=getattr(session, "profile", None)))
