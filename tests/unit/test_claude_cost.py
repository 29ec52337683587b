"""Cost per call and per session; the budget cap refuses before a call."""

from __future__ import annotations

import pytest

from wizard.claude.config import Prices, load_config, with_overrides
from wizard.claude.cost import BudgetExceeded, CostLedger, Usage, call_cost, estimate_call_cost, format_usage

PRICES = Prices(input=5.0, output=25.0, cache_write=6.25, cache_read=0.5)


def test_call_cost_counts_every_token_kind() -> None:
    u = Usage(input_tokens=1_000_000, output_tokens=1_000_000, cache_read_tokens=10_000_000, cache_write_tokens=1_000_000)
    assert call_cost(u, PRICES) == pytest.approx(5 + 25 + 5 + 6.25)


def test_estimate_is_the_worst_case() -> None:
    assert estimate_call_cost(1000, 2000, PRICES) == pytest.approx((1000 * 6.25 + 2000 * 25) / 1e6)


def test_ledger_records_and_sums() -> None:
    store: dict = {}
    ledger = CostLedger(store)
    ledger.record(Usage(10, 20, 30, 40), 0.25)
    ledger.record(Usage(1, 2, 3, 4), 0.5)
    assert ledger.spent_usd == pytest.approx(0.75) and ledger.calls == 2
    assert ledger.totals() == Usage(11, 22, 33, 44)
    assert all(isinstance(v, (int, float)) for v in store.values())  # numbers only in the state


def test_budget_checked_against_worst_case() -> None:
    cfg = with_overrides(load_config(), budget_usd=1.0, max_tokens=10_000, prices=PRICES)
    ledger = CostLedger({"spent_usd": 0.7})
    ledger.check(cfg, 1000)  # 0.7 + 0.25625 fits
    with pytest.raises(BudgetExceeded, match="nothing was sent"):
        ledger.check(cfg, 10_000)  # 0.7 + 0.3125 does not
    with pytest.raises(BudgetExceeded, match="budget spent"):
        CostLedger({"spent_usd": 1.0}).check(cfg, 1)


def test_format_usage_line() -> None:
    line = format_usage(Usage(1200, 300, 5000, 0), 0.0123, 0.5)
    assert line == "Tokens: 1,200 sent, 0 cache write, 5,000 cache hit, 300 received. Cost: $0.0123 call, $0.5000 session."
