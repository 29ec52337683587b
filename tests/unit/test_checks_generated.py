"""The checks on the generator's output for every sample spec, and mutation tests on generated kernels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.checks import check_op_dir, check_plan, run_checks, Context
from wizard.checks.opmodel import exists_in
from wizard.model import Finding, Plan, Severity

generate = pytest.importorskip("wizard.generate", reason="the generator (helper C) is not in this build")
spec_mod = pytest.importorskip("wizard.spec", reason="the spec parser (helper A) is not in this build")

SPECS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "specs").glob("*_spec.md"))


def plan_for(spec_path: Path, stages: tuple[int, int] = (4, 6)) -> Plan:
    return generate.plan_stages(spec_mod.parse_spec(spec_path), stages)


def files_of(plan: Plan) -> dict[str, str]:
    return {f.path: f.text for f in plan.files if f.path.endswith((".cpp", ".hpp"))}


def check(files: dict[str, str]) -> list[Finding]:
    return run_checks(files, Context(None, exists_in(files)))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def one(files: dict[str, str], pattern: str) -> str:
    paths = [p for p in files if re.search(pattern, p)]
    assert len(paths) == 1, (pattern, list(files))
    return paths[0]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generated_stages_4_6_are_clean(spec: Path) -> None:
    findings = check_plan(plan_for(spec))
    assert [f.render() for f in findings if f.severity is not Severity.INFO] == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generated_stages_4_5_are_clean(spec: Path) -> None:
    findings = check_plan(plan_for(spec, (4, 5)))
    assert [f.render() for f in findings if f.severity is not Severity.INFO] == []


MUTATION_SPECS = [p for p in SPECS if p.stem in ("reduce_avg_w_rm_spec", "layer_norm_w_rm_spec", "image_rotate_spec")]


@pytest.mark.parametrize("spec", MUTATION_SPECS, ids=lambda p: p.stem)
def test_pop_one_page_fewer(spec: Path) -> None:
    files = files_of(plan_for(spec))
    compute = one(files, r"kernels/compute/")
    m = next(m for m in re.finditer(r"cb_pop_front\((\w+), ([A-Za-z_]\w*)\);", files[compute]))
    mutated = m.group(0).replace(f", {m.group(2)});", f", {m.group(2)} - 1);")
    files[compute] = files[compute].replace(m.group(0), mutated, 1)
    errs = errors(check(files))
    line = line_of(files[compute], mutated)
    assert any(f.path == compute and f.line == line and f.check == "balance" for f in errs), [f.render() for f in errs]


@pytest.mark.parametrize("spec", MUTATION_SPECS, ids=lambda p: p.stem)
def test_runtime_arg_index_shifted(spec: Path) -> None:
    files = files_of(plan_for(spec))
    reader = one(files, r"kernels/dataflow/reader_")
    reads = list(re.finditer(r"(\w+) = get_arg_val<uint32_t>\((\d+)\);", files[reader]))
    # the last runtime arg moved one index up: past what the factory sets
    last = reads[-1]
    shifted = f"{last.group(1)} = get_arg_val<uint32_t>({int(last.group(2)) + 1});"
    mutated = dict(files)
    mutated[reader] = files[reader].replace(last.group(0), shifted, 1)
    errs = errors(check(mutated))
    assert any(f.path == reader and f.line == line_of(mutated[reader], shifted) and f.check == "contract" for f in errs), [f.render() for f in errs]
    # a middle arg moved one down onto its neighbour: found by the name the factory passes it under
    last_idx = int(last.group(2))
    shifted = f"{last.group(1)} = get_arg_val<uint32_t>({last_idx - 1});"
    mutated[reader] = files[reader].replace(last.group(0), shifted, 1)
    errs = errors(check(mutated))
    assert any(f.path == reader and f.line == line_of(mutated[reader], shifted) for f in errs), [f.render() for f in errs]


@pytest.mark.parametrize("spec", MUTATION_SPECS, ids=lambda p: p.stem)
def test_cb_index_removed_from_factory(spec: Path) -> None:
    files = files_of(plan_for(spec))
    factory = one(files, r"device/\w+_program_factory\.cpp$")
    writer = one(files, r"kernels/dataflow/writer_")
    # the CB the writer drains: its create_cb block goes
    cb_var = re.search(r"constexpr uint32_t (\w+) = get_compile_time_arg_val\(0\);", files[writer]).group(1)
    blocks = list(re.finditer(r"[ \t]*tt::tt_metal::create_cb\(\s*(\w+)_idx,[^;]*;\n", files[factory]))
    target = next(b for b in blocks if b.group(1) in (cb_var, cb_var.removesuffix("_idx")))
    files[factory] = files[factory].replace(target.group(0), "", 1)
    errs = errors(check(files))
    first_use = min(i for i, line in enumerate(files[writer].splitlines(), 1) if re.search(rf"\b{cb_var}\b", line) and "get_compile_time_arg_val" not in line)
    assert any(f.path == writer and f.line == first_use and "creates no CB" in f.message for f in errs), [f.render() for f in errs]


def test_check_op_dir_on_a_generated_tree(tmp_path: Path) -> None:
    spec = next(p for p in SPECS if p.stem == "reduce_avg_w_rm_spec")
    plan = plan_for(spec)
    op_dir = tmp_path / plan.op_rel_dir
    for f in plan.files:
        (op_dir / f.path).parent.mkdir(parents=True, exist_ok=True)
        (op_dir / f.path).write_text(f.text)
    findings = check_op_dir(op_dir)
    # a bare Stage 4-6 tree has no Stage 1-3 scaffold files: that check is not what this test is about
    assert [f.render() for f in findings if f.severity is not Severity.INFO and f.check != "scaffold"] == []
