"""QA (helper J): a hand-damaged [claude] section of the session state (spend, counters) never crashes delegate
and never lets a call through the budget cap.

Bug: `spent_usd = "lots"` in .ttnn-wizard/state.toml made `ttnn-wizard delegate --dry-run` end in a ValueError
traceback (and the app's delegate worker die)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from wizard.claude.config import load_config
from wizard.claude.cost import BudgetExceeded, CostLedger, Usage
from wizard.cli import main

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
OP_REL = "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"


@pytest.mark.parametrize("bad", ["lots", [1, 2], {"a": 1}, -3.0, float("nan"), float("inf"), True])
def test_corrupt_spend_fails_closed(bad) -> None:  # type: ignore[no-untyped-def]
    ledger = CostLedger({"spent_usd": bad})
    assert ledger.spent_usd == math.inf  # unknown spend: treated as over budget, never as zero
    assert ledger.problem and "spent_usd" in ledger.problem
    with pytest.raises(BudgetExceeded) as exc:
        ledger.check(load_config(), 100)
    assert "spent_usd" in str(exc.value)


def test_numeric_text_and_good_values_are_read() -> None:
    ledger = CostLedger({"spent_usd": "1.25", "calls": 3, "tokens_input": 10})
    assert ledger.spent_usd == 1.25 and ledger.calls == 3 and ledger.problem is None
    assert ledger.totals().input_tokens == 10


def test_corrupt_counters_are_display_only() -> None:
    ledger = CostLedger({"calls": "many", "tokens_input": "x"})
    assert ledger.calls == 0 and ledger.totals().input_tokens == 0
    ledger.record(Usage(5, 6, 0, 0), 0.01)  # and recording repairs them
    assert ledger.store["calls"] == 1 and ledger.store["tokens_input"] == 5


def test_delegate_dry_run_with_corrupt_spend(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    op_dir, spec = demo_op
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    state = op_dir / ".ttnn-wizard" / "state.toml"
    state.write_text(state.read_text() + '\n[claude]\nspent_usd = "lots"\n')
    capsys.readouterr()
    code = main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix", "--dry-run"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code == 0 and "spent_usd" in out and "nothing was sent" in out


def test_delegate_with_key_and_corrupt_spend_refuses_before_sending(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    op_dir, spec = demo_op
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    state = op_dir / ".ttnn-wizard" / "state.toml"
    state.write_text(state.read_text() + '\n[claude]\nspent_usd = "lots"\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-qa-not-a-real-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens: a send would fail loudly
    capsys.readouterr()
    assert main(["delegate", "--op-dir", str(op_dir), "--stage", "6", "--task", "fix"]) == 2
    out, err = capsys.readouterr()
    assert "spent_usd" in err and "Traceback" not in err and "sk-ant-qa" not in out + err


@pytest.mark.parametrize("where", ["", "ttnn/cpp/ttnn/operations/reduction"])
def test_delegate_refuses_a_checkout_root_or_category_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    # proposals are confined to --op-dir: at the checkout root that confinement would cover the whole checkout
    root = tmp_path / "tt"
    shutil.copytree(DEMO, root)
    spec = root / OP_REL / "reduce_avg_w_rm_spec.md"
    target = root / where if where else root
    code = main(["delegate", "--op-dir", str(target), "--stage", "6", "--task", "fix", "--dry-run", "--spec", str(spec)])
    err = capsys.readouterr().err
    assert code == 2 and "op's own directory" in err and "Traceback" not in err
