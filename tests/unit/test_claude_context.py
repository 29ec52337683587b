"""The per-task context builder: only what each task needs, spec lines numbered, failure + log tail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.claude.context import DelegateTask, TaskKind, build_context, spec_excerpt, stage_files

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"


def _op(tmp_path: Path) -> Path:
    op = tmp_path / "op"
    (op / "device" / "kernels" / "dataflow").mkdir(parents=True)
    (op / "device" / "kernels" / "compute").mkdir(parents=True)
    (op / "test_dev").mkdir()
    (op / "device" / "foo_device_operation.cpp").write_text("void validate() {}\n")
    (op / "device" / "foo_program_factory.cpp").write_text("// factory\ncreate_cb();\n")
    (op / "device" / "kernels" / "dataflow" / "reader_foo.cpp").write_text("void kernel_main() {}\n")
    (op / "device" / "kernels" / "compute" / "foo_compute.cpp").write_text("void kernel_main() { /* c */ }\n")
    (op / "test_dev" / "test_stage6_kernel_compilation.py").write_text("def test_x(): pass\n")
    return op


def _numbered_lines_match(text: str, spec_lines: list[str]) -> int:
    n = 0
    for m in re.finditer(r"^\s*(\d+)\| (.*)$", text, re.MULTILINE):
        assert spec_lines[int(m.group(1)) - 1] == m.group(2)
        n += 1
    return n


def test_validations_takes_requirement_sections_with_true_line_numbers(tmp_path: Path) -> None:
    spec = SPECS / "row_centralize_spec.md"
    text = spec.read_text()
    ctx = build_context(DelegateTask(TaskKind.VALIDATIONS, 4, _op(tmp_path), spec), spec_text=text)
    titles = [p.title for p in ctx.stable]
    assert "Spec: Input Tensor Requirements" in titles and "Spec: Parameters" in titles
    assert not any("Circular Buffer" in t or "Memory Access" in t for t in titles)  # not needed for this task
    assert _numbered_lines_match(ctx.stable_text(), text.splitlines()) > 20
    assert ctx.file_paths == ["device/foo_device_operation.cpp"]
    assert ctx.writes_files


def test_fix_brings_failure_log_tail_and_stage_files(tmp_path: Path) -> None:
    op = _op(tmp_path)
    logs = op / ".ttnn-wizard" / "logs"
    logs.mkdir(parents=True)
    log = logs / "stage6-20260101-000000.log"
    log.write_text("\n".join(f"line {i}" for i in range(500)) + "\nreader_foo.cpp:3:5: error: 'x' was not declared\n")
    runner = {"stages": {"6": {"last_status": "failed", "last_log": str(log), "last_failure_kind": "compile error",
                               "last_failure_summary": "reader_foo.cpp:3: 'x' was not declared",
                               "last_failure_path": "device/kernels/dataflow/reader_foo.cpp", "last_failure_line": 3}}}
    spec = SPECS / "reduce_avg_w_rm_spec.md"
    ctx = build_context(DelegateTask(TaskKind.FIX, 6, op, spec), spec_text=spec.read_text(), runner_section=runner)
    req = ctx.request_text()
    assert "failure_kind: compile error" in req and "suggested next step" in req
    assert "line 499" in req and "line 100\n" not in req  # the tail only
    assert set(ctx.file_paths) >= {"device/foo_program_factory.cpp", "device/kernels/dataflow/reader_foo.cpp",
                                   "device/kernels/compute/foo_compute.cpp", "test_dev/test_stage6_kernel_compilation.py"}
    assert "device/foo_device_operation.cpp" not in ctx.file_paths
    assert "### Circular Buffer Requirements" in ctx.stable_text()  # nested in Data Flow here


def test_explain_is_text_only_and_uses_console(tmp_path: Path) -> None:
    spec = SPECS / "tilize_untilize_spec.md"
    ctx = build_context(DelegateTask(TaskKind.EXPLAIN, 6, _op(tmp_path), spec), spec_text=spec.read_text(),
                        console_text="waiting\nTT_METAL timeout: core (1,1) in cb_wait_front(16)\n")
    assert not ctx.writes_files
    assert "cb_wait_front(16)" in ctx.request_text()
    assert any("no recorded run" in n for n in ctx.notes)


def test_symlink_leaving_the_op_is_not_read(tmp_path: Path) -> None:
    op = _op(tmp_path)
    secret = tmp_path / "outside.cpp"
    secret.write_text("TOP SECRET\n")
    (op / "device" / "kernels" / "dataflow" / "writer_foo.cpp").symlink_to(secret)
    assert "device/kernels/dataflow/writer_foo.cpp" not in stage_files(op, TaskKind.FIX, 6)
    ctx = build_context(DelegateTask(TaskKind.FIX, 6, op, None), spec_text=None)
    assert "TOP SECRET" not in ctx.request_text()


@pytest.mark.parametrize("kind", list(TaskKind))
def test_every_sample_spec_yields_sections_for_every_task(sample_spec: Path, kind: TaskKind, tmp_path: Path) -> None:
    text = sample_spec.read_text()
    ctx = build_context(DelegateTask(kind, 6, _op(tmp_path), sample_spec), spec_text=text)
    assert not any("sent whole" in n for n in ctx.notes), [p.title for p in ctx.stable]
    assert ctx.stable and _numbered_lines_match(ctx.stable_text(), text.splitlines()) > 5
    # only what the task needs: always well under the whole spec plus patterns
    assert len(ctx.stable_text()) < 1.6 * len(text)


def test_nested_matches_are_not_repeated() -> None:
    text = "# T\n## Data Flow\nx\n### Circular Buffer Requirements\n| a |\n## Other\ny\n"
    parts = spec_excerpt(text, ["data flow", "circular buffer"])
    assert [p.source for p in parts] == ["spec:2-5"]


def test_headings_in_code_fences_are_ignored() -> None:
    text = "# T\n## Data Flow\n```\n# not a heading\n```\nz\n## End\n"
    parts = spec_excerpt(text, ["data flow", "not a heading"])
    assert [p.source for p in parts] == ["spec:2-6"]
