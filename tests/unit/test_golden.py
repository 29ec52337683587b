"""Golden outputs: Stages 4-6 of every sample spec, checked in under tests/golden/<spec stem>/.

Regenerate after an intended change with ``UPDATE_GOLDENS=1 pytest tests/unit/test_golden.py`` and review the
diff like code. The Stage 5 factory (the TT_THROW version) is kept as ``*_program_factory.stage5.cpp``.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
SPECS = ROOT / "tests" / "fixtures" / "specs"
STEMS = sorted(p.name[: -len("_spec.md")] for p in SPECS.glob("*_spec.md"))
YEAR = 2026  # fixed so the SPDX headers do not change with the calendar


def expected_files(stem: str) -> dict[str, str]:
    from wizard.generate import plan_stages
    from wizard.spec import parse_spec

    spec = parse_spec(SPECS / f"{stem}_spec.md")
    files = {f.path: f.text for f in plan_stages(spec, (4, 6), year=YEAR).files}
    stage5 = plan_stages(spec, (5, 5), year=YEAR).by_path()
    factory = next(p for p in stage5 if p.endswith("_program_factory.cpp"))
    files[factory.replace(".cpp", ".stage5.cpp")] = stage5[factory].text
    return files


@pytest.mark.parametrize("stem", STEMS)
def test_golden(stem: str) -> None:
    from wizard.cppformat import clang_format_binary

    if clang_format_binary() is None:
        pytest.skip("clang-format is not installed: goldens are clang-formatted")
    files = expected_files(stem)
    root = GOLDEN / stem
    if os.environ.get("UPDATE_GOLDENS") == "1":
        for old in root.rglob("*") if root.exists() else []:
            if old.is_file() and old.relative_to(root).as_posix() not in files:
                old.unlink()
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return
    assert root.is_dir(), f"no goldens for {stem}: run UPDATE_GOLDENS=1 pytest {Path(__file__).relative_to(ROOT)}"
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == set(files), "golden file set differs (UPDATE_GOLDENS=1 to regenerate)"
    for rel, text in sorted(files.items()):
        golden = (root / rel).read_text(encoding="utf-8")
        if golden != text:
            diff = "".join(
                difflib.unified_diff(golden.splitlines(True), text.splitlines(True), f"golden/{rel}", f"generated/{rel}", n=2)
            )
            pytest.fail(f"{stem}/{rel} differs from its golden (UPDATE_GOLDENS=1 to accept):\n{diff[:4000]}")
