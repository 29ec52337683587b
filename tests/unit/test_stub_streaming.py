"""Stub kernels whose CBs hold fewer pages than a work unit (a double-buffered 2-tile CB, a Wt-tile unit): tiles
move one page at a time, so no wait or reserve asks for more than the CB holds; the balance check proves it and
the factory's "holds N pages but a unit needs M" guard is only emitted where a unit cannot be split."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.checks import check_plan
from wizard.design import build_design, holds_unit
from wizard.generate import plan_stages
from wizard.model import Severity
from wizard.spec import parse_spec_text

TEMPLATE = (Path(__file__).resolve().parents[1] / "fixtures" / "synthetic" / "tile_row_scale_spec.md").read_text()


def spec_with(in_pages: str, out_pages: str, shape: str = "Same as input"):  # type: ignore[no-untyped-def]
    text = TEMPLATE.replace("{{IN_PAGES}}", in_pages).replace("{{OUT_PAGES}}", out_pages)
    return parse_spec_text(text.replace("{{OUTPUT_SHAPE}}", shape))


def files(spec) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.path: f.text for f in plan_stages(spec, (4, 6)).files}


def one(fs: dict[str, str], part: str) -> str:
    [text] = [t for p, t in fs.items() if part in p and p.endswith(".cpp")]
    return text


@pytest.mark.parametrize(
    ("cap", "unit", "holds"),
    [("Wt", "Wt", True), ("2 * Wt", "Wt", True), ("Wt * 2", "Wt", True), ("(Wt)", "Wt", True), ("4", "2", True),
     ("2u", "1", True), ("2", "Wt", False), ("1", "2", False), ("Wt + 1", "Wt", False), ("Ht * Wt", "Wt", False)],
)
def test_holds_unit_is_conservative(cap: str, unit: str, holds: bool) -> None:
    assert holds_unit(cap, unit) is holds


def test_tiles_mode_spec_reads_as_tiles() -> None:
    d = build_design(spec_with("2 * Wt", "2 * Wt"))
    pt = d.passthrough
    assert (pt.in_mode, pt.out_mode, pt.in_pages_cpp, pt.out_pages_cpp) == ("tiles", "tiles", "Wt", "Wt")
    assert not pt.in_stream and not pt.out_stream


@pytest.mark.parametrize(
    ("in_pages", "out_pages", "in_stream", "out_stream"),
    [("2", "2", True, True), ("Wt", "2", False, True), ("2", "Wt", True, False), ("2 * Wt", "2 * Wt", False, False)],
)
def test_small_cbs_stream_one_page_and_balance_is_proven(in_pages: str, out_pages: str, in_stream: bool,
                                                         out_stream: bool) -> None:
    spec = spec_with(in_pages, out_pages)
    pt = build_design(spec).passthrough
    assert (pt.in_stream, pt.out_stream) == (in_stream, out_stream)
    plan = plan_stages(spec, (4, 6))
    findings = [f for f in check_plan(plan) if f.severity is not Severity.INFO]
    assert findings == [], [f.render() for f in findings]
    fs = {f.path: f.text for f in plan.files}
    reader, writer, compute = one(fs, "dataflow/reader"), one(fs, "dataflow/writer"), one(fs, "compute/")
    factory = one(fs, "program_factory")
    assert ("cb_reserve_back(cb_in, 1);" in reader) is in_stream
    assert ("cb_wait_front(cb_out, 1);" in writer) is out_stream
    if in_stream or out_stream:
        assert "copy_tile(cb_in, 0, 0);" in compute and "cb_reserve_back(cb_out, out_pages_per_unit)" not in compute
    # the guard only where a unit must fit whole
    assert ("c_0 (cb_in) holds {} pages but one work unit needs {}" in factory) is (not in_stream)
    assert ("c_16 (cb_out) holds {} pages but one work unit needs {}" in factory) is (not out_stream)


def test_n_to_1_streaming_consumes_the_rest_of_the_unit() -> None:
    spec = spec_with("2", "2", shape="[N, C, H, 32] (one tile of width)")
    d = build_design(spec)
    pt = d.passthrough
    assert pt.ratio == "N-to-1" and pt.in_stream and (pt.in_pages_cpp, pt.out_pages_cpp) == ("Wt", "1")
    plan = plan_stages(spec, (4, 6))
    assert [f.render() for f in check_plan(plan) if f.severity is not Severity.INFO] == []
    compute = one({f.path: f.text for f in plan.files}, "compute/")
    assert "for (uint32_t p = out_pages_per_unit; p < in_pages_per_unit; ++p)" in compute


def test_the_check_catches_a_hand_edit_that_waits_for_a_whole_unit_again() -> None:
    from wizard.checks import Context, run_checks
    from wizard.checks.opmodel import exists_in

    plan = plan_stages(spec_with("Wt", "2"), (4, 6))
    fs = {f.path: f.text for f in plan.files if f.path.endswith((".cpp", ".hpp"))}
    [wpath] = [p for p in fs if "dataflow/writer" in p]
    fs[wpath] = fs[wpath].replace("cb_wait_front(cb_out, 1);", "cb_wait_front(cb_out, out_pages_per_unit);")
    found = [f for f in run_checks(fs, Context(None, exists_in(fs))) if f.check == "balance"]
    assert any("c_16" in f.message and f.severity is not Severity.INFO for f in found), [f.render() for f in found]


def test_handoff_describes_the_streaming_stubs() -> None:
    plan = plan_stages(spec_with("Wt", "2"), (4, 6))
    note = next(f.text for f in plan.files if f.path.endswith("handoff.md"))
    assert "3. Writer: per tile of the unit's Wt: `cb_wait_front(c_16, 1)`" in note
    assert "1. Reader: `cb_reserve_back(c_0, Wt)`" in note  # c_0 holds a unit: whole-unit transfers
    assert "c_16 holds `2` pages" in note
