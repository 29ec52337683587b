"""TDD guarantee across stages: each stage's test must be able to go RED before its code exists.

The stage tests match on exception text (domain.md 4.1-4.2). If the Stage 3 stub's message already
satisfied the Stage 5 pass condition, Stage 5 would be GREEN before it was written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.generate import plan_stages
from wizard.spec import parse_spec

SPECS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "specs").glob("*_spec.md"))
# The message may be split by clang-format into adjacent string literals.
THROW = re.compile(r'TT_THROW\(\s*((?:"[^"]*"\s*)+)', re.S)


def stage5_passes(message: str) -> bool:
    low = message.lower()
    return "kernel" in low and "circular" not in low


def stage4_passes(message: str) -> bool:
    low = message.lower()
    return any(k in low for k in ("kernel", "program", "factory")) and "select" not in low


def factory_throws(stages: tuple[int, int], spec_path: Path) -> list[str]:
    plan = plan_stages(parse_spec(spec_path), stages)
    factory = next(f for f in plan.files if f.path.endswith("_program_factory.cpp"))
    body = factory.text.split("::create(", 1)[1].split("override_runtime_arguments", 1)[0]
    return ["".join(re.findall(r'"([^"]*)"', literals)) for literals in THROW.findall(body)]


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.stem for p in SPECS])
def test_stage3_stub_leaves_stage5_red_and_stage5_code_turns_it_green(spec_path: Path) -> None:
    stub = factory_throws((1, 3), spec_path)
    assert stub, "the Stage 3 factory stub must throw"
    assert all(stage4_passes(m) for m in stub), stub  # Stage 4 is GREEN once the device op is in place
    assert not any(stage5_passes(m) for m in stub), f"Stage 5 would be GREEN before it is written: {stub}"
    stage5 = factory_throws((4, 5), spec_path)
    assert stage5 and all(stage5_passes(m) for m in stage5), stage5
