"""The real anthropic SDK against the local stand-in: streaming, tool calls, retries, cut streams,
the budget cap, cancellation, prompt caching and token counting."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_anthropic import ErrorReply, FakeAnthropic, Reply
from wizard.claude.client import ClaudeCallError, ClaudeClient
from wizard.claude.config import ClaudeConfig, load_config, with_overrides
from wizard.claude.context import DelegateContext, DelegateTask, TaskKind, build_context
from wizard.claude.cost import BudgetExceeded, CostLedger

KEY = "sk-ant-test-SECRET-0123456789"
SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "row_centralize_spec.md"


@pytest.fixture
def api() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def config(api: FakeAnthropic) -> ClaudeConfig:
    return with_overrides(load_config(), base_url=api.url, api_key=KEY, retry_base_delay=0.5, retry_max_delay=8.0,
                          max_retries=3, timeout=10.0)


def _ctx(tmp_path: Path, kind: TaskKind = TaskKind.FIX) -> DelegateContext:
    op = tmp_path / "op"
    (op / "device").mkdir(parents=True, exist_ok=True)
    (op / "device" / "rc_program_factory.cpp").write_text("// factory\n")
    return build_context(DelegateTask(kind, 5, op, SPEC), spec_text=SPEC.read_text(), include_findings=False)


def _tool(path: str, text: str = "int x;\n") -> tuple[str, dict]:
    return ("propose_file_change", {"path": path, "new_content": text, "reason": "because spec:12"})


def test_stream_text_and_tool_calls(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(text="I changed the factory.", tool_calls=[_tool("device/rc_program_factory.cpp", "// new\n" * 50)]))
    seen: list[str] = []
    p = ClaudeClient(config).propose(_ctx(tmp_path), on_text=seen.append)
    assert p.complete and p.error is None and p.attempts == 1
    assert "".join(seen) == p.text == "I changed the factory."
    assert [(f.path, f.new_content) for f in p.files] == [("device/rc_program_factory.cpp", "// new\n" * 50)]
    assert p.stop_reason == "tool_use" and p.usage.output_tokens > 0 and p.cost > 0
    req = api.message_requests[0]
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.body["stream"] is True and req.body["model"] == config.model
    assert [t["name"] for t in req.body["tools"]] == ["propose_file_change"]


def test_stable_prefix_is_cached(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    client = ClaudeClient(config)
    body = client.request_params(ctx)
    assert "cache_control" in body["system"][-1] and "cache_control" not in body["system"][0]
    content = body["messages"][0]["content"]
    assert "cache_control" in content[0] and "cache_control" not in content[-1]
    assert "Input Tensor Requirements" in content[0]["text"] or "Circular Buffer" in content[0]["text"]
    api.push(Reply(text="a"), Reply(text="b"))
    first = client.propose(ctx)
    second = client.propose(ctx)
    assert first.usage.cache_write_tokens > 1000 and first.usage.cache_read_tokens == 0
    assert second.usage.cache_read_tokens == first.usage.cache_write_tokens and second.usage.cache_write_tokens == 0
    assert second.cost < first.cost


def test_explain_sends_no_tools(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(text="The reader waits on CB 0."))
    p = ClaudeClient(config).propose(_ctx(tmp_path, TaskKind.EXPLAIN))
    assert p.text == "The reader waits on CB 0." and p.files == []
    assert "tools" not in api.message_requests[0].body


def test_retries_429_529_500_then_success(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(ErrorReply(429, "rate_limit_error", "slow down"), ErrorReply(529, "overloaded_error", "busy"),
             ErrorReply(500, "api_error", "oops"), Reply(text="done"))
    delays: list[float] = []
    retried: list[tuple[int, str]] = []
    client = ClaudeClient(config, sleep=delays.append, rng=lambda: 1.0)
    p = client.propose(_ctx(tmp_path), on_retry=lambda n, d, why: retried.append((n, why)))
    assert p.complete and p.text == "done" and p.attempts == 4
    assert len(api.message_requests) == 4
    assert delays == [0.5, 1.0, 2.0]  # exponential (jitter pinned to its top)
    assert [n for n, _ in retried] == [1, 2, 3]
    assert "429" in retried[0][1] and "529" in retried[1][1] and "500" in retried[2][1]


def test_jitter_and_retry_after(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(ErrorReply(429, "rate_limit_error", "wait", retry_after=3), Reply(text="ok"))
    delays: list[float] = []
    ClaudeClient(config, sleep=delays.append, rng=lambda: 0.0).propose(_ctx(tmp_path))
    assert delays == [3.0]  # the server's retry-after is a floor over our 0.25 s jittered delay
    client = ClaudeClient(config, sleep=delays.append, rng=lambda: 0.0)
    assert client._backoff(0, None) == 0.25 and client._backoff(10, None) == 4.0  # half of the 8 s cap


def test_gives_up_after_max_retries(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(*[ErrorReply(529, "overloaded_error", "busy")] * 4)
    with pytest.raises(ClaudeCallError, match="gave up after 4 attempts: HTTP 529"):
        ClaudeClient(config, sleep=lambda d: None).propose(_ctx(tmp_path))
    assert len(api.message_requests) == 4


def test_client_errors_are_not_retried(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(ErrorReply(401, "authentication_error", "invalid x-api-key"))
    with pytest.raises(ClaudeCallError, match="HTTP 401 authentication_error") as exc:
        ClaudeClient(config, sleep=lambda d: None).propose(_ctx(tmp_path))
    assert len(api.message_requests) == 1
    assert KEY not in str(exc.value)


def test_cut_stream_is_reported_not_raised(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(text="partial answer " * 20, tool_calls=[_tool("device/rc_program_factory.cpp", "x" * 2000)],
                   cut_after=20))
    ledger = CostLedger()
    p = ClaudeClient(config, ledger=ledger).propose(_ctx(tmp_path))
    assert not p.complete and p.error and "cut" in p.error
    assert p.files == []  # a half-streamed tool call is never proposed
    assert p.text.startswith("partial answer")
    assert ledger.calls == 1 and p.usage.total_input > 0  # input is billed: accounted anyway
    assert len(api.message_requests) == 1  # not retried (it would be paid twice)


def test_budget_cap_stops_the_call_before_it_is_sent(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    ledger = CostLedger({"spent_usd": config.budget_usd - 0.01})
    with pytest.raises(BudgetExceeded, match="nothing was sent"):
        ClaudeClient(config, ledger=ledger).propose(ctx)
    assert api.requests == []  # nothing arrived at all


def test_budget_is_rechecked_before_each_retry(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    # the first call is cut (input billed), which leaves too little for a second attempt
    cfg = with_overrides(config, max_tokens=1000)
    worst = (ctx.estimate_tokens() * cfg.prices.cache_write + 1000 * cfg.prices.output) / 1e6
    ledger = CostLedger({"spent_usd": cfg.budget_usd - worst * 1.01})
    api.push(ErrorReply(529, "overloaded_error", "busy"), Reply(text="never"))
    ledger.store["spent_usd"] = cfg.budget_usd - worst * 1.01

    def spend(_delay: float) -> None:  # another delegation spends meanwhile
        ledger.store["spent_usd"] = cfg.budget_usd - worst * 0.5

    with pytest.raises(BudgetExceeded):
        ClaudeClient(cfg, ledger=ledger, sleep=spend).propose(ctx)
    assert len(api.message_requests) == 1


def test_cancellation_stops_a_stream(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(text="word " * 400, event_delay=0.02))  # ~84 events, ~1.7 s
    cancel = threading.Event()
    chunks: list[str] = []
    client = ClaudeClient(config)
    client.sdk()

    def on_text(t: str) -> None:
        chunks.append(t)
        if len(chunks) == 3:
            cancel.set()

    p = client.propose(_ctx(tmp_path), on_text=on_text, cancel=cancel)
    assert p.cancelled and not p.complete
    assert len(chunks) == 3  # of ~84: the stream stopped at the next event after Stop


def test_cancellation_during_backoff(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(ErrorReply(429, "rate_limit_error", "slow"), Reply(text="never"))
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    start = time.monotonic()
    p = ClaudeClient(with_overrides(config, retry_base_delay=5.0)).propose(_ctx(tmp_path), cancel=cancel)
    assert p.cancelled and time.monotonic() - start < 2.5  # the shortest uninterrupted backoff is 2.5 s
    assert len(api.message_requests) == 1


def test_count_tokens_exact_then_estimate(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    client = ClaudeClient(config)
    exact = client.count_tokens(ctx)
    assert exact.exact and exact.tokens == api.count(api.requests[-1].body) and "estimate" not in exact.label()
    assert "max_tokens" not in api.requests[-1].body
    api.serve_count_tokens = False
    est = client.count_tokens(ctx)
    assert not est.exact and est.tokens == ctx.estimate_tokens() and est.label().endswith("(estimate)")
    assert "404" in est.note


def test_malformed_and_unknown_tool_calls_are_reported(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(tool_calls=[("propose_file_change", {"path": 3}), ("delete_everything", {"path": "/"}),
                               _tool("device/ok.cpp")]))
    p = ClaudeClient(config).propose(_ctx(tmp_path))
    assert [f.path for f in p.files] == ["device/ok.cpp"]
    assert len(p.malformed) == 2 and "delete_everything" in p.malformed[1]


def test_file_cut_by_max_tokens_is_not_proposed(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(tool_calls=[_tool("device/a.cpp", "whole\n"), _tool("device/b.cpp", "half of it")],
                   stop_reason="max_tokens"))
    p = ClaudeClient(config).propose(_ctx(tmp_path))
    assert p.complete and [f.path for f in p.files] == ["device/a.cpp"]
    assert "device/b.cpp: cut off by max_tokens" in p.malformed[0]


def test_stalled_stream_times_out_and_is_reported(api: FakeAnthropic, config: ClaudeConfig, tmp_path: Path) -> None:
    api.push(Reply(text="a " * 100, event_delay=1.5))  # 15 events: ~22 s if nothing timed out
    client = ClaudeClient(with_overrides(config, timeout=0.5))
    client.sdk()  # the lazy SDK import is not what we time
    start = time.monotonic()
    p = client.propose(_ctx(tmp_path))
    assert not p.complete and p.error and "cut" in p.error and "Timeout" in p.error
    assert time.monotonic() - start < 10


def test_connection_refused_is_retried_then_reported(config: ClaudeConfig, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    delays: list[float] = []
    cfg = with_overrides(config, base_url=f"http://127.0.0.1:{port}", max_retries=2)
    with pytest.raises(ClaudeCallError, match="gave up after 3 attempts: APIConnectionError"):
        ClaudeClient(cfg, sleep=delays.append).propose(_ctx(tmp_path))
    assert len(delays) == 2
