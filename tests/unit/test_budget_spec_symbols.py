"""CBs sized with symbols the spec defines itself (image_rotate's out_ntiles_c) are sized wherever a budget is made."""

from __future__ import annotations

from pathlib import Path

from wizard.budget import l1_budget
from wizard.profiles import load_profile
from wizard.spec import parse_spec

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "image_rotate_spec.md"


def test_spec_defined_symbols_size_the_cb() -> None:
    spec = parse_spec(SPEC)
    assert "out_ntiles_c" in spec.symbols
    pages_before = [cb.pages for cb in spec.cbs]
    profile = load_profile("wormhole_n150")
    without = l1_budget(spec.cbs, profile, (1, 1, 32, 64))
    assert any(r.error and "out_ntiles_c" in r.error for r in without.rows)
    with_symbols = l1_budget(spec.cbs, profile, (1, 1, 32, 64), symbols=spec.symbols)
    assert not any(r.error for r in with_symbols.rows), [r.error for r in with_symbols.rows]
    assert all(r.total for r in with_symbols.rows)
    assert [cb.pages for cb in spec.cbs] == pages_before  # the spec's own CBs are left as extracted
