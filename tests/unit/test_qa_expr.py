"""QA (helper J): hostile size expressions end in ExprError (a spec warning), never RecursionError.

Bug: a CB cell with a few hundred nested parentheses (or a long chain like 1+1+...+1) crashed `extract` with a
RecursionError traceback from the recursive-descent parser / evaluator."""

from __future__ import annotations

import pytest

from wizard.expr import ExprError, parse_expr, sample_env

HOSTILE = [
    "(" * 500 + "Wt" + ")" * 500,
    "-" * 1500 + "Wt",
    "+".join(["1"] * 999),
    "*".join(["Wt"] * 600),
    "ceil(" * 300 + "Wt" + ")" * 300,
]


@pytest.mark.parametrize("text", HOSTILE, ids=["parens", "unary", "sum-chain", "product-chain", "calls"])
def test_hostile_expression_is_an_expr_error(text: str) -> None:
    try:
        e = parse_expr(text)
    except ExprError as exc:
        assert "too" in str(exc)  # "too deeply nested" / "too complex"
        return
    e.evaluate(sample_env((1, 1, 32, 64)))  # if accepted, it must also evaluate without blowing the stack
    str(e)


@pytest.mark.parametrize("text", ["2*Wt", "((Wt))", "ceil(Wt / 2) * 2", "-(-(Wt))", "+".join(["Wt"] * 40), "`4 * input_stick_nbytes * 2` (double-buffered)"])
def test_real_expressions_still_parse(text: str) -> None:
    parse_expr(text).evaluate(sample_env((1, 1, 32, 64)))


def test_extract_cli_on_a_deep_cell(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from wizard.cli import main

    spec = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "reduce_avg_w_rm_spec.md"
    bad = tmp_path / "deep_spec.md"
    bad.write_text(spec.read_text().replace("| Wt tiles * tile_size (single-buffered per block) |", "| " + "(" * 500 + "Wt" + ")" * 500 + " |"))
    assert main(["extract", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "deep_spec.md:275" in err
