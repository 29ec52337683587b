"""The offline kernel compile check for real: pinned ttnn wheel + zig clang, tt-metal's own JIT flags.

Needs a Python 3.12/3.10 and PyPI (first run: about 50 s and 1 GB in the user cache dir; later
runs reuse it). Skipped, with the reason, when either is missing. The toolchain lives in the
real cache dir (captured at import, before the per-test XDG_CACHE_HOME redirection in
conftest), so CI runs on the same machine set it up once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from wizard.model import Finding, Severity
from wizard.verify import VerifySetupError, check_compile, load_toolchain, setup_verify
from wizard.verify.toolchain import Toolchain, find_python

pytestmark = [pytest.mark.verify, pytest.mark.slow]

_HOME = Path(
    os.environ.get("TTNN_WIZARD_VERIFY_HOME")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ttnn-wizard" / "verify"
)
ARCHES = ("wormhole_b0", "blackhole")
SPECS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "specs").glob("*_spec.md"))


@pytest.fixture(scope="module")
def tc() -> Toolchain:
    ready = load_toolchain(_HOME)
    if ready is not None:
        return ready
    try:
        find_python(None)
    except VerifySetupError as exc:
        pytest.skip(f"offline compile check: {exc}")
    try:
        return setup_verify(home=_HOME, on_line=print)
    except VerifySetupError as exc:
        pytest.skip(f"offline compile toolchain could not be set up: {exc}")


# ---------------------------------------------------------------- a hand-written op in the generated layout

OP_REL = "ttnn/cpp/ttnn/operations/eltwise/foo"
READER = """\
// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_tiles = get_arg_val<uint32_t>(1);
    const uint32_t start_id = get_arg_val<uint32_t>(2);

    constexpr uint32_t cb_in = get_compile_time_arg_val(0);
    constexpr auto src_args = TensorAccessorArgs<1>();

    const uint32_t tile_bytes = get_tile_size(cb_in);
    const auto src = TensorAccessor(src_args, src_addr, tile_bytes);

    for (uint32_t i = start_id; i < start_id + num_tiles; ++i) {
        cb_reserve_back(cb_in, 1);
        const uint32_t l1_write_addr = get_write_ptr(cb_in);
        noc_async_read(src.get_noc_addr(i), l1_write_addr, tile_bytes);
        noc_async_read_barrier();
        cb_push_back(cb_in, 1);
    }
}
"""
WRITER = """\
// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include "api/dataflow/dataflow_api.h"
#include "ttnn/operations/eltwise/foo/device/kernels/dataflow/foo_common.hpp"

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t num_tiles = get_arg_val<uint32_t>(1);
    const uint32_t start_id = get_arg_val<uint32_t>(2);

    constexpr uint32_t cb_out = get_compile_time_arg_val(0);
    constexpr auto dst_args = TensorAccessorArgs<1>();

    const uint32_t tile_bytes = get_tile_size(cb_out);
    const auto dst = TensorAccessor(dst_args, dst_addr, tile_bytes);

    for (uint32_t i = start_id; i < start_id + num_tiles; i += foo::kStep) {
        cb_wait_front(cb_out, 1);
        const uint32_t l1_read_addr = get_read_ptr(cb_out);
        noc_async_write(l1_read_addr, dst.get_noc_addr(i), tile_bytes);
        noc_async_write_barrier();
        cb_pop_front(cb_out, 1);
    }
}
"""
COMMON = "#pragma once\n#include <cstdint>\nnamespace foo {\nconstexpr uint32_t kStep = 1;\n}\n"
COMPUTE = """\
#include <cstdint>
#include "api/compute/common.h"

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0);
    for (uint32_t i = 0; i < n; ++i) {
    }
}
"""
FACTORY = f"""\
#include "foo_program_factory.hpp"
namespace ttnn::prim {{
FooProgramFactory::cached_program_t FooProgramFactory::create(const Params& p, const Inputs& in, Tensor& out) {{
    tt::tt_metal::Program program{{}};
    constexpr uint32_t cb_in_idx = tt::CBIndex::c_0;
    constexpr auto cb_out_idx = tt::CBIndex::c_16;
    tt::tt_metal::create_cb(cb_in_idx, program, all_cores, page_size, 2, df);
    tt::tt_metal::create_cb(cb_out_idx, program, all_cores, page_size, 2, df);
    std::vector<uint32_t> reader_compile_time_args = {{cb_in_idx}};
    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_compile_time_args);
    std::vector<uint32_t> writer_compile_time_args = {{static_cast<uint32_t>(cb_out_idx)}};
    tt::tt_metal::TensorAccessorArgs(*dst_buffer).append_to(writer_compile_time_args);
    auto reader_id = tt::tt_metal::CreateKernel(
        program, "{OP_REL}/device/kernels/dataflow/reader_foo.cpp", all_cores,
        tt::tt_metal::ReaderDataMovementConfig(reader_compile_time_args));
    auto writer_id = tt::tt_metal::CreateKernel(
        program, "{OP_REL}/device/kernels/dataflow/writer_foo.cpp", all_cores,
        tt::tt_metal::WriterDataMovementConfig(writer_compile_time_args));
    std::vector<uint32_t> compute_compile_time_args = {{1}};
    auto compute_id = tt::tt_metal::CreateKernel(
        program, "{OP_REL}/device/kernels/compute/foo_compute.cpp", all_cores,
        tt::tt_metal::ComputeConfig{{.math_fidelity = MathFidelity::HiFi4, .compile_args = compute_compile_time_args}});
    return {{std::move(program), {{}}}};
}}
}}
"""


def write_fixture_op(root: Path) -> Path:
    files = {
        "device/kernels/dataflow/reader_foo.cpp": READER,
        "device/kernels/dataflow/writer_foo.cpp": WRITER,
        "device/kernels/dataflow/foo_common.hpp": COMMON,
        "device/kernels/compute/foo_compute.cpp": COMPUTE,
        "device/foo_program_factory.cpp": FACTORY,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def generated_op(spec: Path, root: Path) -> Path:
    generate = pytest.importorskip("wizard.generate", reason="wizard.generate (plan_stages) is not in this tree yet")
    from wizard.spec import parse_spec

    plan = generate.plan_stages(parse_spec(spec), (4, 6))
    for f in plan.files:
        if f.root != "op":
            continue
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_text(f.text, encoding="utf-8")
    return root


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def compiled(findings: list[Finding]) -> set[str]:
    return {f.path for f in findings if f.severity is Severity.INFO and f.message.startswith("compiles for")}


# ---------------------------------------------------------------- good kernels compile


@pytest.mark.parametrize("arch", ARCHES)
def test_fixture_op_compiles(tc: Toolchain, tmp_path: Path, arch: str) -> None:
    op = write_fixture_op(tmp_path / "foo")
    lines: list[str] = []
    findings = check_compile(op, arch, toolchain=tc, on_line=lines.append)
    assert errors(findings) == [], [f.render() for f in findings]
    assert compiled(findings) == {"device/kernels/dataflow/reader_foo.cpp", "device/kernels/dataflow/writer_foo.cpp"}
    ok = {f.path: f.message for f in findings if f.message.startswith("compiles for")}
    assert "3 compile-time args from the factory (device/foo_program_factory.cpp:13)" in ok["device/kernels/dataflow/reader_foo.cpp"]
    assert any("NCRISC" in m for m in ok.values()) and any("BRISC" in m for m in ok.values())
    sfpi = [f for f in findings if f.path.endswith("foo_compute.cpp")]
    assert [f.severity for f in sfpi] == [Severity.INFO] and "needs the SFPI toolchain" in sfpi[0].message
    assert any(ln.strip().startswith("device/kernels/dataflow/reader_foo.cpp (NCRISC") and ln.endswith("s") for ln in lines)


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_generated_kernels_of_every_sample_spec_compile(tc: Toolchain, tmp_path: Path, spec: Path, arch: str) -> None:
    op = generated_op(spec, tmp_path / "op")
    findings = check_compile(op, arch, toolchain=tc)
    assert errors(findings) == [], "\n".join(f.render() for f in findings)
    dataflow = {p.relative_to(op).as_posix() for p in (op / "device" / "kernels" / "dataflow").glob("*.cpp")}
    assert dataflow and compiled(findings) == dataflow
    for f in findings:
        if f.message.startswith("compiles for"):
            assert "from the factory" in f.message, f.message  # CT args came from the generated factory


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize(("in_pages", "out_pages"), [("2", "2"), ("Wt", "2"), ("2 * Wt", "2 * Wt")])
def test_tile_layout_stubs_compile_whole_unit_and_streaming(tc: Toolchain, tmp_path: Path, arch: str, in_pages: str,
                                                             out_pages: str) -> None:
    # the TILE-layout passthrough (no bundled sample has it), with CBs smaller than a unit (one page at a time)
    synthetic = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic" / "tile_row_scale_spec.md"
    text = synthetic.read_text().replace("{{IN_PAGES}}", in_pages).replace("{{OUT_PAGES}}", out_pages)
    spec = tmp_path / "tile_row_scale_spec.md"
    spec.write_text(text.replace("{{OUTPUT_SHAPE}}", "Same as input"))
    op = generated_op(spec, tmp_path / "op")
    findings = check_compile(op, arch, toolchain=tc)
    assert errors(findings) == [], "\n".join(f.render() for f in findings)
    assert len(compiled(findings)) == 2


# ---------------------------------------------------------------- broken kernels fail at the right line


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


def _op_for_mutation(kind: str, tmp_path: Path) -> Path:
    if kind == "fixture":
        return write_fixture_op(tmp_path / "foo")
    return generated_op(SPECS[0], tmp_path / "op")


def _reader(op: Path) -> Path:
    return next((op / "device" / "kernels" / "dataflow").glob("reader*.cpp"))


@pytest.mark.parametrize("kind", ["fixture", "generated"])
@pytest.mark.parametrize("arch", ARCHES)
def test_typo_is_reported_at_its_line(tc: Toolchain, tmp_path: Path, kind: str, arch: str) -> None:
    op = _op_for_mutation(kind, tmp_path)
    reader = _reader(op)
    line = _line_of(reader, "cb_reserve_back(")
    reader.write_text(reader.read_text().replace("cb_reserve_back(", "cb_reserve_bak(", 1))
    rel = reader.relative_to(op).as_posix()
    errs = errors(check_compile(op, arch, toolchain=tc))
    assert [(f.path, f.line) for f in errs] == [(rel, line)], [f.render() for f in errs]
    assert "cb_reserve_bak" in errs[0].message and "did you mean 'cb_reserve_back'" in errs[0].message
    assert errs[0].check == "compile"


@pytest.mark.parametrize("kind", ["fixture", "generated"])
def test_wrong_argument_count_is_reported_at_its_line(tc: Toolchain, tmp_path: Path, kind: str) -> None:
    op = _op_for_mutation(kind, tmp_path)
    reader = _reader(op)
    text = reader.read_text()
    m = re.search(r"noc_async_read\((.*)\);", text)
    assert m, "the reader has a noc_async_read call"
    args = m.group(1).rsplit(",", 1)[0]  # drop the size argument
    line = _line_of(reader, m.group(0))
    reader.write_text(text.replace(m.group(0), f"noc_async_read({args});", 1))
    errs = errors(check_compile(op, "wormhole_b0", toolchain=tc))
    assert [(f.path, f.line) for f in errs] == [(reader.relative_to(op).as_posix(), line)], [f.render() for f in errs]
    assert "no matching function for call to 'noc_async_read'" in errs[0].message


@pytest.mark.parametrize("kind", ["fixture", "generated"])
def test_missing_compile_time_arg_is_reported_at_the_kernel_line_that_reads_it(tc: Toolchain, tmp_path: Path, kind: str) -> None:
    op = _op_for_mutation(kind, tmp_path)
    factory = next(p for p in (op / "device").glob("*program_factory*.cpp"))
    text = factory.read_text()
    drop = re.search(r"^.*TensorAccessorArgs\(\*?\w+\)\.append_to\(reader_compile_time_args\);\n", text, re.M)
    assert drop, "the factory appends TensorAccessorArgs to the reader's args"
    factory.write_text(text.replace(drop.group(0), "", 1))
    reader = _reader(op)
    line = _line_of(reader, "TensorAccessorArgs<")
    errs = errors(check_compile(op, "blackhole", toolchain=tc))
    assert [(f.path, f.line) for f in errs] == [(reader.relative_to(op).as_posix(), line)], [f.render() for f in errs]
    assert "Index out of range" in errs[0].message and "the kernel reads compile-time arg" in errs[0].message


def test_cli_check_compile_reports_per_kernel(tc: Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    monkeypatch.setenv("TTNN_WIZARD_VERIFY_HOME", str(tc.home))
    op = write_fixture_op(tmp_path / "foo")
    reader = op / "device/kernels/dataflow/reader_foo.cpp"
    reader.write_text(reader.read_text().replace("cb_push_back(cb_in, 1);", "cb_push_back(cb_in, 1)", 1))
    rc = main(["check", "--compile", "--op-dir", str(op), "--arch", "blackhole", "--json"])
    out = json.loads(capsys.readouterr().out)
    comp = [f for f in out["findings"] if f["check"] == "compile"]
    bad = [f for f in comp if f["severity"] == "error"]
    assert rc == 1
    assert [(f["path"], f["line"]) for f in bad] == [("device/kernels/dataflow/reader_foo.cpp", _line_of(reader, "cb_push_back(cb_in, 1)"))]
    assert "expected ';'" in bad[0]["message"]
    assert any(f["path"].endswith("writer_foo.cpp") and f["message"].startswith("compiles for blackhole") for f in comp)


def test_setup_is_idempotent(tc: Toolchain) -> None:
    again = setup_verify(home=tc.home)
    assert again.version_string == tc.version_string and again.created == tc.created
    assert shutil.which("sh")  # the stand-in compiler's wrapper is a sh script
    wrapper = Path(tc.ttnn_root) / "runtime" / "sfpi" / "compiler" / "bin" / "riscv-tt-elf-g++"
    assert wrapper.exists() and os.access(wrapper, os.X_OK)


# ---------------------------------------------------------------- the program on a mock device (ttnn.generic_op)


def _op_with_state(spec: Path, root: Path, profile: str | None = None) -> Path:
    from wizard.state import SessionState

    op = generated_op(spec, root)
    state = SessionState.load(op)
    state.spec_path = str(spec)
    if profile:
        state.profile = profile
    state.save()
    return op


def _spec(name: str) -> Path:
    return next(s for s in SPECS if s.name == name)


@pytest.mark.parametrize("arch", ARCHES)
def test_generated_program_runs_on_a_mock_device(tc: Toolchain, tmp_path: Path, arch: str) -> None:
    from wizard.verify.program_run import run_program_check

    op = _op_with_state(_spec("reduce_avg_w_rm_spec.md"), tmp_path / "op")
    lines: list[str] = []
    findings = run_program_check(op, arch, toolchain=tc, on_line=lines.append)
    assert errors(findings) == [], [f.render() for f in findings]
    (ok,) = [f for f in findings if f.check == "program"]
    assert ok.severity is Severity.INFO and f"runs on a mock {arch} device" in ok.message
    assert ok.path.endswith("_program_factory.cpp")
    assert any(ln.startswith(f"running the program on a mock {arch} device") for ln in lines)


def test_cbs_beyond_l1_are_caught_by_tt_metal(tc: Toolchain, tmp_path: Path) -> None:
    from wizard.verify.program_run import run_program_check

    op = _op_with_state(_spec("layer_norm_w_rm_spec.md"), tmp_path / "op")
    findings = run_program_check(op, "wormhole_b0", shape=(1, 1, 32, 32 * 1024), toolchain=tc)
    errs = errors(findings)
    assert len(errs) == 1 and errs[0].check == "program", [f.render() for f in findings]
    assert "beyond max L1 size" in errs[0].message and "backtrace" not in errs[0].message


def test_a_profile_grid_larger_than_the_device_is_caught(tc: Toolchain, tmp_path: Path) -> None:
    from wizard.verify.program_run import run_program_check

    user_profiles = Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "profiles"
    user_profiles.mkdir(parents=True)
    (user_profiles / "wormhole_n150.toml").write_text("grid_y = 10\n")  # the n150 has 8 rows of compute cores
    op = _op_with_state(_spec("reduce_avg_w_rm_spec.md"), tmp_path / "op", profile="wormhole_n150")
    findings = run_program_check(op, shape=(1, 1, 32 * 80, 64), toolchain=tc)
    errs = errors(findings)
    assert len(errs) == 1 and "Illegal kernel placement" in errs[0].message, [f.render() for f in findings]


def test_factory_defines_reach_the_kernel(tc: Toolchain, tmp_path: Path) -> None:
    op = write_fixture_op(tmp_path / "foo")
    reader = op / "device/kernels/dataflow/reader_foo.cpp"
    text = reader.read_text().replace(
        "        cb_push_back(cb_in, 1);\n",
        "#ifdef WIZARD_EXTRA_PUSH\n        cb_push_bak(cb_in, 1);\n#endif\n        cb_push_back(cb_in, 1);\n",
    )
    reader.write_text(text)
    assert errors(check_compile(op, "wormhole_b0", toolchain=tc)) == []  # the branch is off without the define
    factory = op / "device/foo_program_factory.cpp"
    factory.write_text(
        factory.read_text()
        .replace(
            "    std::vector<uint32_t> reader_compile_time_args",
            '    std::map<std::string, std::string> reader_defines;\n    reader_defines["WIZARD_EXTRA_PUSH"] = "1";\n'
            "    std::vector<uint32_t> reader_compile_time_args",
        )
        .replace("ReaderDataMovementConfig(reader_compile_time_args)", "ReaderDataMovementConfig(reader_compile_time_args, reader_defines)")
    )
    errs = errors(check_compile(op, "wormhole_b0", toolchain=tc))
    assert [(f.path, f.line) for f in errs] == [("device/kernels/dataflow/reader_foo.cpp", _line_of(reader, "cb_push_bak"))]
