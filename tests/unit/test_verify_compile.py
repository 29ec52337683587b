"""Planning the compile check (which kernels, which args, which processor) without the toolchain."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import WizardError
from wizard.model import Severity
from wizard.verify import VerifyNotReady, check_compile
from wizard.verify.cmdline import MappedError
from wizard.verify.compile import KernelJob, KernelResult, _error_findings, plan_jobs, syntax_errors
from wizard.verify.toolchain import ArchFlags, Toolchain

OP_REL = "ttnn/cpp/ttnn/operations/eltwise/foo"
FACTORY = f"""\
    constexpr uint32_t cb_in_idx = tt::CBIndex::c_0;
    std::vector<uint32_t> reader_compile_time_args = {{cb_in_idx, Wt}};
    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_compile_time_args);
    std::vector<uint32_t> writer_compile_time_args = {{tt::CBIndex::c_16}};
    tt::tt_metal::TensorAccessorArgs(*dst_buffer).append_to(writer_compile_time_args);
    auto r = tt::tt_metal::CreateKernel(program, "{OP_REL}/device/kernels/dataflow/reader_foo.cpp", all_cores,
        tt::tt_metal::ReaderDataMovementConfig(reader_compile_time_args));
    auto w = tt::tt_metal::CreateKernel(program, "{OP_REL}/device/kernels/dataflow/writer_foo.cpp", all_cores,
        tt::tt_metal::WriterDataMovementConfig(writer_compile_time_args));
    auto c = tt::tt_metal::CreateKernel(program, "{OP_REL}/device/kernels/compute/foo_compute.cpp", all_cores,
        tt::tt_metal::ComputeConfig{{.compile_args = {{1}}}});
"""
KERNEL = """\
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    constexpr uint32_t cb = get_compile_time_arg_val(0);
    constexpr auto args = TensorAccessorArgs<2>();
}
"""


def fake_tc(tmp_path: Path) -> Toolchain:
    flags = ArchFlags("wormhole_b0", {"brisc": [], "ncrisc": []}, "", [2, 2048], [2, 128], [8, 8])
    return Toolchain(home=tmp_path, python="p", venv_python="p", ttnn_root=str(tmp_path), zig="zig", version_string="v",
                     ttnn_version="0.81.1", zig_version="0.17.0", arches={"wormhole_b0": flags})


def make_op(root: Path, *, factory: bool = True) -> Path:
    files = {
        "device/kernels/dataflow/reader_foo.cpp": KERNEL,
        "device/kernels/dataflow/writer_foo.cpp": KERNEL,
        "device/kernels/compute/foo_compute.cpp": "void kernel_main() {}\n",
        ".ttnn-wizard/base/device/kernels/dataflow/reader_old.cpp": "ignored\n",
    }
    if factory:
        files["device/foo_program_factory.cpp"] = FACTORY
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_jobs_take_args_and_processors_from_the_factory(tmp_path: Path) -> None:
    op = make_op(tmp_path / "op")
    jobs, compute, notes = plan_jobs(op, fake_tc(tmp_path), "wormhole_b0", tmp_path / "ov")
    assert notes == []
    by = {j.rel: j for j in jobs}
    assert set(by) == {"device/kernels/dataflow/reader_foo.cpp", "device/kernels/dataflow/writer_foo.cpp"}
    r, w = by["device/kernels/dataflow/reader_foo.cpp"], by["device/kernels/dataflow/writer_foo.cpp"]
    assert (r.processor, r.ct_args) == ("ncrisc", [0, 1, 2, 2048])
    assert (w.processor, w.ct_args) == ("brisc", [16, 2, 2048])
    assert r.ct_source == "the factory (device/foo_program_factory.cpp:6)"
    assert r.notes == ["placeholder 1 for Wt"]
    assert [p.name for p in compute] == ["foo_compute.cpp"]
    assert r.cb_formats == {0: "bfloat16", 16: "bfloat16"}
    # the op's own headers resolve by repo path through an overlay onto the op dir
    overlay = tmp_path / "ov"
    assert (overlay / OP_REL).resolve() == op.resolve()
    assert str(overlay / "ttnn" / "cpp") in r.extra_includes


def test_without_a_factory_args_are_guessed_from_the_kernel(tmp_path: Path) -> None:
    op = make_op(tmp_path / "op", factory=False)
    jobs, compute, _ = plan_jobs(op, fake_tc(tmp_path), "wormhole_b0", tmp_path / "ov")
    assert {j.processor for j in jobs} == {"ncrisc", "brisc"}
    assert all(len(j.ct_args) == 4 for j in jobs)  # TensorAccessorArgs<2> + its 2 args
    assert all("the kernel itself" in j.ct_source for j in jobs)
    assert [p.name for p in compute] == ["foo_compute.cpp"]


def test_op_dir_inside_a_checkout_adds_the_checkout(tmp_path: Path) -> None:
    op = make_op(tmp_path / "tt-metal" / OP_REL)
    jobs, _, _ = plan_jobs(op, fake_tc(tmp_path), "wormhole_b0", tmp_path / "ov")
    assert str((tmp_path / "tt-metal").resolve() / "ttnn" / "cpp") in jobs[0].extra_includes


def test_not_set_up_is_a_clear_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTNN_WIZARD_VERIFY_HOME", str(tmp_path / "nothing"))
    op = make_op(tmp_path / "op")
    with pytest.raises(VerifyNotReady, match="run `ttnn-wizard setup-verify` first") as exc:
        check_compile(op, "wormhole_b0")
    assert exc.value.exit_code == 2


def test_bad_arch_and_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(WizardError, match="unknown arch"):
        check_compile(tmp_path, "grayskull", toolchain=fake_tc(tmp_path))
    with pytest.raises(WizardError, match="not a directory"):
        check_compile(tmp_path / "nope", "wormhole_b0", toolchain=fake_tc(tmp_path))


def test_no_kernels_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "op").mkdir()
    (f,) = check_compile(tmp_path / "op", "wormhole_b0", toolchain=fake_tc(tmp_path))
    assert f.severity is Severity.WARNING and "no kernels" in f.message


def test_tree_sitter_syntax_errors() -> None:
    assert syntax_errors("void kernel_main() {\n    int x = 1;\n}\n") == []
    errs = syntax_errors("void kernel_main() {\n    int x = 1\n    int y = 2;\n}\n")
    assert errs and errs[0][0] == 2 and "missing ';'" in errs[0][1]
    # attribute macros tt-metal kernels use are not syntax errors
    assert syntax_errors("FORCE_INLINE void f(volatile tt_l1_ptr uint32_t* p) { *p = 0; }\n") == []


def test_follow_on_errors_are_counted_not_listed(tmp_path: Path) -> None:
    job = KernelJob(path=tmp_path / "r.cpp", rel="device/kernels/dataflow/r.cpp", processor="ncrisc", ct_args=[0],
                    ct_source="the factory (f.cpp:9)")
    res = KernelResult(job, False, [
        MappedError(11, 26, "static assertion failed due to requirement '1U < kernel_compile_time_args.size()': Index out of range", "/w/ttnn/tt_metal/hw/inc/api/compile_time_args.h:27"),
        MappedError(11, 26, "constexpr variable 'is_sharded' must be initialized by a constant expression", "/w/ttnn/tt_metal/hw/inc/api/tensor/tensor_accessor_args.h:25"),
        MappedError(17, 9, "use of undeclared identifier 'cb_reserve_bak'", ""),
    ], 0.5, "")
    fs = _error_findings(res, "wormhole_b0", "NCRISC", "/w/ttnn")
    assert [(f.line, f.severity) for f in fs] == [(11, Severity.ERROR), (17, Severity.ERROR)]
    assert "reads compile-time arg 1 but the factory (f.cpp:9) passes only 1" in fs[0].message
    assert "[in ttnn wheel: tt_metal/hw/inc/api/compile_time_args.h:27]" in fs[0].message
    assert fs[0].message.endswith("(+1 follow-on error)")
    assert fs[1].message == "wormhole_b0 NCRISC: use of undeclared identifier 'cb_reserve_bak'"


# ---------------------------------------------------------------- generated ops: factory parse agrees with the design


def _generate(spec: Path, root: Path) -> Path:
    generate = pytest.importorskip("wizard.generate")
    from wizard.spec import parse_spec

    for f in generate.plan_stages(parse_spec(spec), (4, 6)).files:
        if f.root == "op":
            (root / f.path).parent.mkdir(parents=True, exist_ok=True)
            (root / f.path).write_text(f.text)
    return root


def test_factory_args_match_the_design_for_every_sample(sample_spec: Path, tmp_path: Path) -> None:
    from wizard.state import SessionState

    tc = fake_tc(tmp_path)
    op = _generate(sample_spec, tmp_path / "op")
    from_factory, compute, _ = plan_jobs(op, tc, "wormhole_b0", tmp_path / "ov1")
    assert from_factory and all("the factory" in j.ct_source for j in from_factory)
    assert [p.parent.name for p in compute] == ["compute"]
    # Without a factory the same args come from the design named by the session state.
    for p in (op / "device").glob("*program_factory.cpp"):
        p.unlink()
    state = SessionState.load(op)
    state.spec_path = str(sample_spec)
    state.save()
    from_design, _, notes = plan_jobs(op, tc, "wormhole_b0", tmp_path / "ov2")
    assert notes == []
    assert all(j.ct_source == f"the design from {sample_spec.name}" for j in from_design)
    got = {j.rel: (j.processor, len(j.ct_args)) for j in from_design}
    assert got == {j.rel: (j.processor, len(j.ct_args)) for j in from_factory}


def test_tt_error_summary_keeps_the_info_and_drops_the_backtrace() -> None:
    from wizard.verify.program_run import tt_error_summary

    msg = (
        "TT_THROW @ /project/tt_metal/impl/program/program.cpp:900: tt::exception\ninfo:\n"
        "Statically allocated circular buffers on core range [(x=0,y=0) - (x=7,y=7)] grow to 4304224 B which is beyond max L1 size of 1499136 B\n"
        "backtrace:\n --- libtt_metal.so(+0x1) [0x7f]\n"
    )
    assert tt_error_summary(msg) == (
        "Statically allocated circular buffers on core range [(x=0,y=0) - (x=7,y=7)] grow to 4304224 B which is beyond max L1 size of 1499136 B"
    )
    assert tt_error_summary("RuntimeError: boom\nsecond") == "RuntimeError: boom / second"
    assert tt_error_summary("") == "tt-metal failed without a message"


def test_overlay_links_stay_inside_the_overlay(tmp_path: Path) -> None:
    from wizard.verify.compile import _extra_includes

    op = make_op(tmp_path / "op")
    extra = _extra_includes(op, {"../../escape/x", "/abs/y", "ttnn/cpp/ttnn/operations/a/b"}, tmp_path / "ov")
    assert (tmp_path / "ov" / "ttnn/cpp/ttnn/operations/a/b").is_symlink()
    assert not (tmp_path / "escape").exists() and not Path("/abs/y").exists()
    assert extra[0] == str(tmp_path / "ov")
