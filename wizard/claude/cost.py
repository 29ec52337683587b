"""Tokens and money: per call, per op session, and the budget cap checked before every call."""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass
from typing import Any

from wizard.claude.config import ClaudeConfig, Prices
from wizard.errors import WizardError


class BudgetExceeded(WizardError):
    """The call would (or could) go over the session budget: refused before anything is sent."""


@dataclass
class Usage:
    input_tokens: int = 0  # uncached input
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @classmethod
    def from_sdk(cls, usage: Any) -> Usage:
        """From an SDK ``Usage`` (fields may be None when the server omits them)."""
        if usage is None:
            return cls()
        return cls(
            input_tokens=int(getattr(usage, "input_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "output_tokens", 0) or 0),
            cache_read_tokens=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
            cache_write_tokens=int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
        )

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(a + b for a, b in zip(asdict(self).values(), asdict(other).values(), strict=True)))

    @property
    def total_input(self) -> int:
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens


def call_cost(usage: Usage, prices: Prices) -> float:
    """USD for one call's usage."""
    return (usage.input_tokens * prices.input + usage.output_tokens * prices.output
            + usage.cache_write_tokens * prices.cache_write + usage.cache_read_tokens * prices.cache_read) / 1e6


def estimate_call_cost(input_tokens: int, max_output_tokens: int, prices: Prices) -> float:
    """Worst case before sending: all input uncached (a cache write costs more: use that rate when
    higher) and a reply of the full ``max_tokens``."""
    in_rate = max(prices.input, prices.cache_write)
    return (input_tokens * in_rate + max_output_tokens * prices.output) / 1e6


def typical_call_cost(input_tokens: int, expected_output_tokens: int, prices: Prices) -> float:
    """The figure shown to the user: uncached input at the base rate plus an expected reply size."""
    return (input_tokens * prices.input + expected_output_tokens * prices.output) / 1e6


def format_usage(usage: Usage, cost: float, session_cost: float) -> str:
    """aider's line: tokens sent / cache write / cache hit / received, cost this call and this session."""
    return (f"Tokens: {usage.input_tokens:,} sent, {usage.cache_write_tokens:,} cache write, "
            f"{usage.cache_read_tokens:,} cache hit, {usage.output_tokens:,} received. "
            f"Cost: ${cost:.4f} call, ${session_cost:.4f} session.")


class CostLedger:
    """Running totals for one op session, kept in a mapping (the session state's "claude" section, or a
    plain dict). Only numbers go in here: never text that could hold the key."""

    def __init__(self, store: MutableMapping[str, Any] | None = None) -> None:
        self.store: MutableMapping[str, Any] = store if store is not None else {}

    def _number(self, key: str) -> float | None:
        """The stored figure, or None when a hand edit left something that is not a non-negative number."""
        value = self.store.get(key, 0)
        if hasattr(value, "unwrap"):
            value = value.unwrap()
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) and number >= 0 else None

    @property
    def problem(self) -> str | None:
        """Why the recorded spend cannot be trusted (then no call is allowed), or None."""
        if self._number("spent_usd") is None:
            return (f"the recorded spend [claude] spent_usd = {self.store.get('spent_usd')!r} in the op's session state "
                    "is not a number of dollars: fix or delete it (.ttnn-wizard/state.toml)")
        return None

    @property
    def spent_usd(self) -> float:
        spent = self._number("spent_usd")
        return math.inf if spent is None else spent  # unknown spend fails closed: over any budget

    def _count(self, key: str) -> int:
        n = self._number(key)
        return int(n) if n is not None else 0  # counters are for display: a bad one restarts at 0

    @property
    def calls(self) -> int:
        return self._count("calls")

    def totals(self) -> Usage:
        c = self._count
        return Usage(c("tokens_input"), c("tokens_output"), c("tokens_cache_read"), c("tokens_cache_write"))

    def check(self, config: ClaudeConfig, input_tokens: int) -> float:
        """Raise BudgetExceeded unless the worst case of the next call fits; return that worst case."""
        worst = estimate_call_cost(input_tokens, config.max_tokens, config.prices)
        if self.problem:
            raise BudgetExceeded(f"{self.problem}; nothing was sent")
        spent = self.spent_usd
        if spent >= config.budget_usd:
            raise BudgetExceeded(f"budget spent: ${spent:.4f} of ${config.budget_usd:.2f} for this op's session; "
                                 "nothing was sent (raise budget_usd under [claude] in your config)")
        if spent + worst > config.budget_usd:
            raise BudgetExceeded(
                f"this call could cost up to ${worst:.4f} ({input_tokens:,} input tokens, up to "
                f"{config.max_tokens:,} output), over the ${config.budget_usd:.2f} budget with ${spent:.4f} spent; "
                "nothing was sent (raise budget_usd or lower max_tokens under [claude])")
        return worst

    def record(self, usage: Usage, cost: float) -> None:
        totals = self.totals() + usage
        self.store["spent_usd"] = round(self.spent_usd + cost, 8)
        self.store["calls"] = self.calls + 1
        # flat keys: the state file is TOML and a flat table survives any round trip
        self.store["tokens_input"] = totals.input_tokens
        self.store["tokens_output"] = totals.output_tokens
        self.store["tokens_cache_read"] = totals.cache_read_tokens
        self.store["tokens_cache_write"] = totals.cache_write_tokens
