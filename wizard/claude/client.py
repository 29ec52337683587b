"""The Messages API client: one streamed call per delegation, with our own retry loop, the budget cap
checked before every attempt, cancellation between stream events, and file changes only through the
``propose_file_change`` tool.

``anthropic`` is imported lazily (it costs over a second at import): nothing here touches it until a call
is made.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard.claude.config import ClaudeConfig
from wizard.claude.context import DelegateContext
from wizard.claude.cost import CostLedger, Usage, call_cost
from wizard.errors import WizardError

PROPOSE_TOOL: dict[str, Any] = {
    "name": "propose_file_change",
    "description": (
        "Propose the complete new text of ONE file of the op. Nothing is written: the engineer reviews every "
        "proposal as a diff and approves or rejects it. Use a path relative to the op directory (for example "
        "device/kernels/compute/foo_compute.cpp); absolute paths, '..' and files outside the op are refused."),
    "input_schema": {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "file path relative to the op directory"},
            "new_content": {"type": "string", "description": "the complete new file text"},
            "reason": {"type": "string", "description": "why this change, citing spec lines as spec:LINE"},
        },
        "required": ["path", "new_content", "reason"],
    },
}

RETRY_STATUS = {408, 429, 500, 502, 503, 504, 529}

Cancel = threading.Event | Callable[[], bool] | None


class ClaudeCallError(WizardError):
    """The API refused or kept failing; the message says which and what to do."""


@dataclass
class ProposedFile:
    path: str
    new_content: str
    reason: str = ""


@dataclass
class Proposal:
    task: str
    stage: int
    model: str
    text: str = ""
    files: list[ProposedFile] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # tool calls we could not use, and why
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    stop_reason: str | None = None
    attempts: int = 0
    complete: bool = False  # the stream ended with message_stop
    cancelled: bool = False
    error: str | None = None  # e.g. "the stream was cut after 12 events: ..."
    retries: list[str] = field(default_factory=list)  # what each retried attempt failed with
    request_id: str | None = None


@dataclass
class TokenCount:
    tokens: int
    exact: bool  # True: the API's count_tokens; False: our local estimate
    note: str = ""

    def label(self) -> str:
        return f"{self.tokens:,} tokens" + ("" if self.exact else " (estimate)")


def _is_cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


class ClaudeClient:
    """``ClaudeClient(config).propose(ctx)``; tests inject ``sleep``/``rng`` to observe the backoff."""

    def __init__(self, config: ClaudeConfig, *, ledger: CostLedger | None = None,
                 sleep: Callable[[float], None] | None = None, rng: Callable[[], float] = random.random) -> None:
        self.config = config
        self.ledger = ledger if ledger is not None else CostLedger()
        self._sleep = sleep
        self._rng = rng
        self._sdk: Any = None

    # -- SDK -------------------------------------------------------------------------------------
    def sdk(self) -> Any:
        if self._sdk is None:
            if not self.config.has_key:
                raise ClaudeCallError("no API key: set ANTHROPIC_API_KEY or api_key under [claude] in your config")
            import anthropic  # noqa: PLC0415 - lazy: costly import

            kwargs: dict[str, Any] = {"api_key": self.config.api_key, "max_retries": 0, "timeout": self.config.timeout}
            if self.config.base_url:
                kwargs["base_url"] = self.config.base_url
            self._sdk = anthropic.Anthropic(**kwargs)
        return self._sdk

    def close(self) -> None:
        if self._sdk is not None:
            self._sdk.close()
            self._sdk = None

    # -- request ---------------------------------------------------------------------------------
    def request_params(self, ctx: DelegateContext) -> dict[str, Any]:
        """system + reference patterns + spec/hardware are the cached prefix; the request text goes last."""
        cache: dict[str, Any] = {"type": "ephemeral"}
        if self.config.cache_ttl != "5m":
            cache["ttl"] = self.config.cache_ttl
        stable = ctx.stable_text() or "(no spec sections)"
        params: dict[str, Any] = {
            "model": self.config.model,
            "max_tokens": self.config.max_tokens,
            "system": [
                {"type": "text", "text": ctx.system},
                {"type": "text", "text": ctx.patterns, "cache_control": cache},
            ],
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": stable, "cache_control": cache},
                {"type": "text", "text": ctx.request_text()},
            ]}],
        }
        if ctx.writes_files:
            params["tools"] = [PROPOSE_TOOL]
            params["tool_choice"] = {"type": "auto"}
        return params

    def count_tokens(self, ctx: DelegateContext) -> TokenCount:
        """The API's count when it answers; else the local estimate, labelled as such."""
        estimate = ctx.estimate_tokens()
        if not self.config.has_key:
            return TokenCount(estimate, False, "no API key: local estimate")
        params = self.request_params(ctx)
        params.pop("max_tokens", None)
        try:
            result = self.sdk().messages.count_tokens(**params)
            return TokenCount(int(result.input_tokens), True, "count_tokens")
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the estimate, with the reason
            return TokenCount(estimate, False, f"count_tokens unavailable ({_describe_error(exc)}): local estimate")

    # -- the call --------------------------------------------------------------------------------
    def propose(self, ctx: DelegateContext, *, input_tokens: int | None = None,
                on_text: Callable[[str], None] | None = None,
                on_retry: Callable[[int, float, str], None] | None = None,
                cancel: Cancel = None) -> Proposal:
        """Stream one reply. Raises BudgetExceeded before sending when the worst case does not fit, and
        ClaudeCallError when the API refuses or retries run out. A cut stream or a cancellation returns an
        incomplete Proposal (with ``error`` / ``cancelled``) instead of raising."""
        params = self.request_params(ctx)
        tokens = input_tokens if input_tokens is not None else ctx.estimate_tokens()
        proposal = Proposal(task=ctx.task.kind.value, stage=ctx.task.stage, model=self.config.model)
        attempt = 0
        while True:
            if _is_cancelled(cancel):
                proposal.cancelled = True
                return proposal
            self.ledger.check(self.config, tokens)  # before EVERY attempt: nothing is sent past the cap
            proposal.attempts = attempt + 1
            try:
                self._stream_once(params, proposal, on_text, cancel)
                break
            except _Retryable as r:
                if attempt >= self.config.max_retries:
                    raise ClaudeCallError(f"gave up after {attempt + 1} attempts: {r.why}") from None
                delay = self._backoff(attempt, r.retry_after)
                proposal.retries.append(r.why)
                if on_retry:
                    on_retry(attempt + 1, delay, r.why)
                if self._wait(delay, cancel):
                    proposal.cancelled = True
                    return proposal
                attempt += 1
        return proposal

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential with full jitter in [50 %, 100 %]; a server's retry-after is a floor (capped)."""
        base = min(self.config.retry_max_delay, self.config.retry_base_delay * (2 ** attempt))
        delay = base * (0.5 + 0.5 * self._rng())
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.config.retry_max_delay))
        return delay

    def _wait(self, delay: float, cancel: Cancel) -> bool:
        """Sleep ``delay`` unless cancelled first; True when cancelled."""
        if self._sleep is not None:
            self._sleep(delay)
            return _is_cancelled(cancel)
        if isinstance(cancel, threading.Event):
            return cancel.wait(delay)
        end = time.monotonic() + delay
        while time.monotonic() < end:
            if _is_cancelled(cancel):
                return True
            time.sleep(min(0.1, end - time.monotonic()))
        return _is_cancelled(cancel)

    def _stream_once(self, params: dict[str, Any], proposal: Proposal, on_text: Callable[[str], None] | None,
                     cancel: Cancel) -> None:
        import anthropic  # noqa: PLC0415

        events = 0
        text: list[str] = []
        stream: Any = None
        try:
            manager = self.sdk().messages.stream(**params)
            stream = manager.__enter__()
        except anthropic.APIStatusError as exc:
            if exc.status_code in RETRY_STATUS:
                raise _Retryable(_describe_error(exc), _retry_after(exc)) from None
            raise ClaudeCallError(_describe_error(exc)) from None
        except anthropic.APIConnectionError as exc:  # includes timeouts: nothing was received, safe to retry
            raise _Retryable(_describe_error(exc), None) from None
        proposal.request_id = getattr(stream, "request_id", None)
        try:
            for event in stream:
                events += 1
                if _is_cancelled(cancel):
                    proposal.cancelled = True
                    break
                etype = getattr(event, "type", "")
                if etype == "text":
                    text.append(event.text)
                    if on_text:
                        on_text(event.text)
                elif etype == "content_block_stop":
                    block = event.content_block
                    if getattr(block, "type", "") == "tool_use":
                        self._take_tool_call(block, proposal)
                elif etype == "message_stop":
                    proposal.complete = True
        except Exception as exc:  # noqa: BLE001 - a cut stream is reported, never a crash
            proposal.error = f"the stream was cut after {events} events: {_describe_error(exc)}"
        finally:
            try:
                snapshot = stream.current_message_snapshot
            except Exception:  # noqa: BLE001 - no message_start arrived: nothing to account
                snapshot = None
            try:
                manager.__exit__(None, None, None)
            except Exception:  # noqa: BLE001, S110 - closing a broken stream can fail; nothing to do
                pass
        proposal.text = "".join(text)
        if snapshot is not None:
            proposal.usage = Usage.from_sdk(snapshot.usage)
            proposal.stop_reason = snapshot.stop_reason
        if not proposal.complete and not proposal.cancelled and proposal.error is None:
            proposal.error = f"the stream ended after {events} events without message_stop"
        # Input is billed even for a cut or cancelled stream: account for what the server reported.
        proposal.cost = call_cost(proposal.usage, self.config.prices)
        self.ledger.record(proposal.usage, proposal.cost)
        if proposal.stop_reason == "max_tokens" and snapshot is not None and snapshot.content:
            last = snapshot.content[-1]
            # the block that hit the limit may be a half-written file: never propose it
            if getattr(last, "type", "") == "tool_use" and proposal.files:
                dropped = proposal.files.pop()
                proposal.malformed.append(f"{dropped.path}: cut off by max_tokens ({self.config.max_tokens}); "
                                          "not proposed (raise max_tokens under [claude])")

    @staticmethod
    def _take_tool_call(block: Any, proposal: Proposal) -> None:
        if block.name != PROPOSE_TOOL["name"]:
            proposal.malformed.append(f"unknown tool {block.name!r}: ignored")
            return
        args = block.input if isinstance(block.input, dict) else {}
        path, content = args.get("path"), args.get("new_content")
        if not isinstance(path, str) or not isinstance(content, str):
            proposal.malformed.append(f"propose_file_change without a string path and new_content: {sorted(args)}")
            return
        reason = args.get("reason") if isinstance(args.get("reason"), str) else ""
        proposal.files.append(ProposedFile(path, content, reason))


class _Retryable(Exception):
    def __init__(self, why: str, retry_after: float | None) -> None:
        super().__init__(why)
        self.why = why
        self.retry_after = retry_after


def _retry_after(exc: Any) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, ValueError, TypeError):
        return None


def _describe_error(exc: BaseException) -> str:
    """A one-line reason; never includes request headers (where the key travels)."""
    status = getattr(exc, "status_code", None)
    api_message = getattr(exc, "api_message", None) or getattr(exc, "message", None) or str(exc)
    etype = getattr(exc, "type", None)
    head = f"HTTP {status}" if status else exc.__class__.__name__
    if etype and isinstance(etype, str):
        head += f" {etype}"
    return f"{head}: {api_message}".strip()
