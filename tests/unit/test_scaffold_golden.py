"""Golden outputs: Stages 1-3 of every sample spec, checked in under tests/golden_scaffold/<spec stem>/
(the files rendered from the Stage 1-3 templates; the two shared with Stages 4/5 are in tests/golden).

Regenerate after an intended change with ``UPDATE_GOLDENS=1 pytest tests/unit/test_scaffold_golden.py`` and
review the diff like code.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden_scaffold"
SPECS = ROOT / "tests" / "fixtures" / "specs"
STEMS = sorted(p.name[: -len("_spec.md")] for p in SPECS.glob("*_spec.md"))
YEAR = 2026  # fixed so the SPDX headers do not change with the calendar


def expected_files(stem: str) -> dict[str, str]:
    from wizard.generate import plan_stages
    from wizard.spec import parse_spec

    plan = plan_stages(parse_spec(SPECS / f"{stem}_spec.md"), (1, 3), year=YEAR)
    # The device op .cpp and the factory header come from the Stage 4/5 templates (tests/golden has them).
    shared = {f"device/{plan.op_name}_device_operation.cpp", f"device/{plan.op_name}_program_factory.hpp"}
    return {f.path: f.text for f in plan.files if f.path not in shared}


@pytest.mark.parametrize("stem", STEMS)
def test_scaffold_golden(stem: str) -> None:
    from wizard.cppformat import clang_format_binary

    if clang_format_binary() is None:
        pytest.skip("clang-format is not installed: goldens are clang-formatted")
    files = expected_files(stem)
    root = GOLDEN / stem
    if os.environ.get("UPDATE_GOLDENS") == "1":
        for old in root.rglob("*") if root.exists() else []:  # (conftest.py is not a golden)
            if old.is_file() and old.relative_to(root).as_posix() not in files and old.name != "conftest.py":
                old.unlink()
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return
    assert root.is_dir(), f"no goldens for {stem}: run UPDATE_GOLDENS=1 pytest {Path(__file__).relative_to(ROOT)}"
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert on_disk == set(files), "golden file set differs (UPDATE_GOLDENS=1 to regenerate)"
    for rel, text in sorted(files.items()):
        golden = (root / rel).read_text(encoding="utf-8")
        if golden != text:
            diff = "".join(difflib.unified_diff(golden.splitlines(True), text.splitlines(True), f"golden/{rel}", f"generated/{rel}", n=2))
            pytest.fail(f"{stem}/{rel} differs from its golden (UPDATE_GOLDENS=1 to accept):\n{diff[:4000]}")
