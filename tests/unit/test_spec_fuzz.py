"""Fuzz the spec engine with mutated real specs: no exception, no hang (hypothesis deadline), sane lines.

Bounded: ~200 examples in total at a few tens of ms each; the per-example deadline turns a hang into a failure.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.errors import WizardError
from wizard.spec import parse_spec, parse_spec_text

SPECS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "specs").glob("*_spec.md"))
# An architect-style document too: Part 1 + a final CB table, lead-line argument tables, a test-criteria table.
ARCHITECT = """# Operation Design: fz_op

## Overview
- **Operation Name**: fz_op
- **Category**: normalization
- **Reference Operations**: tilize (input_stage), untilize (output_stage)

## Part 1: Architecture

### Work Distribution
- **Work unit**: tile-row
- **Grid**: 1D linear from compute_with_storage_grid_size
- **Total units**: Ht_total = NC * Ht

### Circular Buffer Requirements
| CB ID | Name | Purpose | Producer | Consumer | Pages | Lifetime |
|-------|------|---------|----------|----------|-------|----------|
| c_0 | cb_in | RM sticks | Reader | Compute (tilize) | Wt | Row |
| c_16 | cb_out | Output | Compute | Writer | 2*Wt | Block |

### Kernel Arguments

**Compile-time** (reader kernel):
| Index | Name | Type | Description |
|-------|------|------|-------------|
| 0 | stick_size | uint32_t | bytes |

### Test Criteria
| Category | Purpose | Shape |
|----------|---------|-------|
| Minimal | Single tile | `(1, 1, 32, 32)` |

## Part 2: Kernel Implementation

### CB Allocation (final, validated against helpers)
| CB | Pages | Layout | Valid Region | Lifetime |
|----|-------|--------|--------------|----------|
| c_0 | Wt | Tile-sized pages (RM data) | All | Row |
| c_16 | 2*Wt | TILE | All | Block |
"""
TEXTS = [p.read_text(encoding="utf-8") for p in SPECS] + [ARCHITECT]

FUZZ = settings(
    max_examples=120,
    deadline=timedelta(seconds=3),
    database=None,  # no .hypothesis/ directory in the repo
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text that stresses markdown and the cell parsers: pipes, backticks, emphasis, brackets, RTL marks, NULs.
NASTY = st.lists(
    st.one_of(
        st.sampled_from([*"|`*_\\-#>()[]{}=:,;/×·—\t ", "**", "c_", "CB_", "tiles", "\u202e", "\u0000", "\ufeff"]),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
).map("".join)


def _mutate(data: st.DataObject, lines: list[str]) -> list[str]:
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        if not lines:
            lines = [""]
        n = len(lines)
        op = data.draw(st.sampled_from(["delete", "duplicate", "shuffle", "cell", "insert", "truncate"]), label="op")
        i = data.draw(st.integers(0, n - 1), label="at")
        if op == "delete":
            j = data.draw(st.integers(i, min(n, i + 40)), label="to")
            del lines[i:j]
        elif op == "duplicate":
            j = data.draw(st.integers(i, min(n, i + 20)), label="to")
            lines[j:j] = lines[i:j]
        elif op == "shuffle":
            j = data.draw(st.integers(i, min(n, i + 30)), label="to")
            chunk = lines[i:j]
            lines[i:j] = data.draw(st.permutations(chunk), label="perm") if chunk else chunk
        elif op == "cell":
            table_rows = [k for k, ln in enumerate(lines) if ln.startswith("|") and ln.count("|") >= 3]
            if table_rows:
                k = data.draw(st.sampled_from(table_rows), label="row")
                cells = lines[k].split("|")
                c = data.draw(st.integers(1, len(cells) - 2), label="cell")
                cells[c] = data.draw(NASTY, label="text")
                lines[k] = "|".join(cells)
        elif op == "insert":
            lines.insert(i, data.draw(NASTY, label="text"))
        else:
            lines[i] = lines[i][: data.draw(st.integers(0, max(0, len(lines[i]))), label="cut")]
    return lines


def _check(spec, text: str) -> None:
    n_lines = text.count("\n") + 1
    assert "internal-error" not in {w.code for w in spec.warnings}, [w.message for w in spec.warnings]
    for w in spec.warnings:
        assert w.line is None or 1 <= w.line <= n_lines, (w.code, w.line, n_lines)
        assert w.message and w.render(spec.path)
    for cb in spec.cbs:
        assert isinstance(cb.index, int)
        assert cb.line is None or 1 <= cb.line <= n_lines
    indices = [cb.index for cb in spec.cbs]
    if len(set(indices)) != len(indices):  # a clash always blocks generation
        assert "duplicate-cb-index" in {w.code for w in spec.errors}


@FUZZ
@given(data=st.data(), which=st.integers(0, len(TEXTS) - 1))
def test_mutated_real_specs(data: st.DataObject, which: int) -> None:
    text = "\n".join(_mutate(data, TEXTS[which].split("\n")))
    _check(parse_spec_text(text), text)


@settings(FUZZ, max_examples=60)
@given(text=st.text(max_size=400))
def test_random_unicode(text: str) -> None:
    _check(parse_spec_text(text), text)


@settings(FUZZ, max_examples=25)
@given(blob=st.binary(max_size=300), which=st.integers(0, len(TEXTS) - 1))
def test_random_bytes_in_a_file(tmp_path_factory, blob: bytes, which: int) -> None:
    p = tmp_path_factory.mktemp("fz") / "f_spec.md"
    p.write_bytes(TEXTS[which].encode()[:2000] + blob)
    try:
        spec = parse_spec(p)
    except WizardError as exc:  # binary / not UTF-8: a one-line reason naming the file
        assert str(p) in str(exc) and "\n" not in str(exc)
        return
    _check(spec, p.read_text(encoding="utf-8"))
