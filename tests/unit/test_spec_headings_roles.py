"""Spec parser fixes (helper M): sections found by heading text whatever their nesting, fractional CB ids,
the line of an empty CB table, and producer/consumer roles from a Purpose cell when a table has no role columns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.model import Confidence, Role, Severity
from wizard.spec import parse_spec_text

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
SPEC_FILES = sorted(SPECS.glob("*_spec.md"))
OVERVIEW = "# foo Functional Specification\n\n## Overview\n- **Operation Name**: foo_op\n- **Category**: eltwise\n\n"


def _extracted(spec):  # type: ignore[no-untyped-def]
    w = spec.work
    return {
        "unit": (w.unit, w.source("unit").line if w.source("unit") else None),
        "total": (w.total_units, w.source("total_units").line if w.source("total_units") else None),
        "strategy": w.strategy, "row_wise": w.row_wise,
        "kernels": sorted((k.name, k.role.value, k.line) for k in spec.kernels),
        "ct": {k: [(a.index, a.name, a.line) for a in v] for k, v in spec.ct_args.items()},
        "rt": {k: [(a.index, a.name, a.line) for a in v] for k, v in spec.rt_args.items()},
        "cbs": [(c.index, c.name, c.pages, c.producer_role, c.consumer_role, c.line) for c in spec.cbs],
        "params": [(p.name, p.line) for p in spec.parameters],
        "requirements": {k: len(v) for k, v in spec.input_requirements.items()},
        "output": spec.output.shape,
        "errors": sorted((x.code, x.line) for x in spec.warnings if x.severity is Severity.ERROR),
        "warnings": sorted((x.code, x.line) for x in spec.warnings if x.severity is Severity.WARNING),
    }


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("level", [2, 3])
def test_flat_headings_extract_the_same_with_the_same_lines(path: Path, level: int) -> None:
    text = path.read_text()
    flat = re.sub(r"^#{2,6} ", "#" * level + " ", text, flags=re.M)  # same line numbers: provenance must match
    assert _extracted(parse_spec_text(flat, path)) == _extracted(parse_spec_text(text, path))


def test_work_unit_heading_without_a_work_distribution_section() -> None:
    text = OVERVIEW + (
        "## Work Unit Definition\n\nOne tile-row: Wt tiles of one row of tiles.\n\n"
        "## Parallelization Strategy\n\n- **Grid**: 1 x 1 (single core)\n- **Total units**: NC * Ht\n\n"
        "## Circular Buffer Requirements\n\n| CB ID | Name | Producer | Consumer | Pages |\n|---|---|---|---|---|\n"
        "| c_0 | cb_in | Reader | Compute | 2 |\n| c_16 | cb_out | Compute | Writer | 2 |\n"
    )
    spec = parse_spec_text(text)
    lines = text.split("\n")
    w = spec.work
    assert (w.unit, w.total_units.replace(" ", ""), w.strategy.value) == ("tile-row", "NC*Ht", "single_core")
    assert lines[w.source("unit").line - 1].startswith("One tile-row")
    assert "Total units" in lines[w.source("total_units").line - 1]
    assert "Grid" in lines[w.source("strategy").line - 1]
    assert not any(x.code == "missing-section" and "Work Distribution" in x.message for x in spec.warnings)


def test_decision_heading_is_not_the_work_section() -> None:
    text = OVERVIEW + (
        "## Design Decisions\n\n## Decision 2: Work Unit Choice\n\n- **Total units**: N * C * H * W\n\n"
        "## Circular Buffer Requirements\n\n| CB ID | Name | Producer | Consumer | Pages |\n|---|---|---|---|---|\n"
        "| c_0 | cb_in | Reader | Compute | 2 |\n"
    )
    spec = parse_spec_text(text)
    assert spec.work.total_units != "N*C*H*W"
    assert any(x.code == "missing-section" and "Work Distribution" in x.message for x in spec.warnings)




def _cb_spec(rows: str, header: str = "| CB ID | Name | Purpose | Pages |") -> str:
    sep = "|" + "---|" * (header.count("|") - 1)
    return OVERVIEW + "## Circular Buffer Requirements\n\n" + header + "\n" + sep + "\n" + rows


@pytest.mark.parametrize("cell", ["c_1.5", "CB_2.0", "c_16.25", "`c_3.7`"])
def test_fractional_cb_id_is_refused_with_its_line(cell: str) -> None:
    text = _cb_spec(f"| c_0 | cb_in | Input staging | 2 |\n| {cell} | cb_x | Intermediate | 2 |\n")
    spec = parse_spec_text(text)
    line = text.split("\n").index(f"| {cell} | cb_x | Intermediate | 2 |") + 1
    bad = [w for w in spec.warnings if w.code == "bad-cb-index"]
    assert len(bad) == 1 and bad[0].line == line and bad[0].severity is Severity.ERROR
    assert cell.strip("`") in bad[0].message
    assert [c.index for c in spec.cbs] == [0]
    assert not any(w.code == "duplicate-cb-index" for w in spec.warnings)


def test_empty_cb_table_warning_names_the_table_line() -> None:
    text = _cb_spec("| | | | |\n", "| CB ID | Name | Producer | Pages |")
    spec = parse_spec_text(text)
    w = next(w for w in spec.warnings if w.code == "no-cb-rows")
    assert w.line == text.split("\n").index("| CB ID | Name | Producer | Pages |") + 1


@pytest.mark.parametrize(
    ("index", "purpose", "roles"),
    [
        (24, "Intermediate (centered tiles)", (Role.COMPUTE, Role.COMPUTE)),
        (3, "Scratchpad for partial sums", (Role.COMPUTE, Role.COMPUTE)),
        (5, "Accumulator", (Role.COMPUTE, Role.COMPUTE)),
        (16, "Intermediate result", (Role.COMPUTE, Role.COMPUTE)),
        (28, "Input staging (RM sticks)", (Role.READER, Role.COMPUTE)),
        (2, "Output staging", (Role.COMPUTE, Role.WRITER)),
        (27, "Output buffer for writer", (Role.COMPUTE, Role.WRITER)),
        (0, "Input tiles", (Role.READER, Role.COMPUTE)),  # no role word: the index convention
        (17, "Result tiles", (Role.COMPUTE, Role.WRITER)),
        (25, "Centered values", (Role.COMPUTE, Role.COMPUTE)),
    ],
)
def test_roles_from_purpose_words_then_index(index: int, purpose: str, roles: tuple[Role, Role]) -> None:
    spec = parse_spec_text(_cb_spec(f"| c_{index} | cb_x | {purpose} | 2 |\n"))
    (cb,) = spec.cbs
    assert (cb.producer_role, cb.consumer_role) == roles
    assert cb.source("producer_role").confidence is Confidence.INFERRED
    assert any(w.code == "cb-roles-inferred" for w in spec.warnings)
