"""The JIT command line template, its clang translation, and diagnostic mapping (no toolchain needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.verify.cmdline import (
    CT_ARGS,
    EXTRA_INCLUDES,
    KERNEL_DIR,
    TTNN,
    TemplateError,
    chlkc_descriptors_text,
    kernel_includes_text,
    map_diagnostics,
    render,
    templatize,
)
from wizard.verify.stub_gxx import CLANG_WNO, clang_command, filter_gcc_args

T = "/venv/lib/python3.12/site-packages/ttnn"
KSRC = f"{T}/ttnn/cpp/ttnn/operations/eltwise/unary/device/kernels/dataflow"
CACHE = "/c/tt-metal-cache1/kernels/reader_unary/123/ncrisc"

# Shaped like a logged tt-metal 0.81.1 NCRISC compile (trimmed include list).
LOGGED = [
    "-O2", "-std=c++17", "-ftt-nttp", "-ftt-constinit", "-flto=1", "-flto-partition=one", "-fno-exceptions", "-g", "-MMD",
    "-Wall", "-Werror", "-Wno-error=multistatement-macros", "--param=min-pagesize=0", "-mcpu=tt-wh",
    "-fno-tree-loop-distribute-patterns", "-I.", "-I..", f"-I{T}/", f"-I{T}/tt_metal/hw/inc",
    f"-I{T}/tt_metal/hw/firmware/src/tt-1xx", f"-I{KSRC}", "-DNUM_DRAM_BANKS=12", "-DPROCESSOR_INDEX=1",
    "-DCOMPILE_FOR_NCRISC", "-DARCH_WORMHOLE", "-DKERNEL_BUILD", "-DNOC_INDEX=0", "-DNOC_MODE=0",
    '-DFULL_KERNEL_NAME="reader_unary/123/"', "-DKERNEL_COMPILE_TIME_ARGS=2,2048", "-c", "-o", f"{CACHE}/ncrisck.1_2.o",
    f"{T}/tt_metal/hw/firmware/src/tt-1xx/ncrisck.cc", "-MF", f"{CACHE}/ncrisck.1_2.d",
]


def test_templatize_replaces_install_path_kernel_dir_and_args() -> None:
    tpl = templatize(LOGGED, ttnn_root=T, kernel_src_dir=KSRC)
    assert f"-I{TTNN}/tt_metal/hw/inc" in tpl
    assert f"-I{KERNEL_DIR}" in tpl and EXTRA_INCLUDES in tpl
    assert f"-DKERNEL_COMPILE_TIME_ARGS={CT_ARGS}" in tpl
    assert not any(a in ("-c", "-o", "-MF", "-MMD") for a in tpl)
    assert not any(T in a for a in tpl), "no absolute install path may survive"
    assert tpl[-1] == f"{TTNN}/tt_metal/hw/firmware/src/tt-1xx/ncrisck.cc"
    # tt-metal's own flags stay (they are filtered for clang only when run)
    assert "-mcpu=tt-wh" in tpl and "-DNOC_INDEX=0" in tpl


def test_templatize_rejects_non_kernel_commands() -> None:
    with pytest.raises(TemplateError):
        templatize(["-x", "c++-header", "pch.h", "-o", "pch.gch"], ttnn_root=T, kernel_src_dir=KSRC)
    with pytest.raises(TemplateError, match="source directory"):
        templatize(LOGGED, ttnn_root=T, kernel_src_dir="/elsewhere")


def test_render_fills_placeholders() -> None:
    tpl = templatize(LOGGED, ttnn_root=T, kernel_src_dir=KSRC)
    args = render(tpl, ttnn_root="/new/ttnn", kernel_dir="/op/k", ct_args=[0, 2, 2048], kernel_name="reader_x/0/",
                  extra_includes=["/ov", "/ov/ttnn"])
    assert "-DKERNEL_COMPILE_TIME_ARGS=0,2,2048" in args
    assert "-I/op/k" in args and "-I/ov" in args and "-I/ov/ttnn" in args
    assert args.index("-I/op/k") < args.index("-I/ov"), "the op's checkout comes after the wheel and kernel dirs"
    assert '-DFULL_KERNEL_NAME="reader_x/0/"' in args
    assert "-I/new/ttnn/tt_metal/hw/inc" in args


def test_render_without_ct_args_drops_the_define_like_the_jit() -> None:
    tpl = templatize(LOGGED, ttnn_root=T, kernel_src_dir=KSRC)
    args = render(tpl, ttnn_root=T, kernel_dir="/k", ct_args=[], kernel_name="k/0/")
    assert not any(a.startswith("-DKERNEL_COMPILE_TIME_ARGS") for a in args)


def test_clang_command_filters_sfpi_flags_and_keeps_tt_metal_defines() -> None:
    cmd = clang_command("/z/zig", LOGGED, syntax_only=True)
    assert cmd[:3] == ["/z/zig", "clang", "--target=riscv32-unknown-elf"]
    for bad in ("-ftt-nttp", "-mcpu=tt-wh", "-flto=1", "--param=min-pagesize=0", "-MMD", "-c",
                "-fno-tree-loop-distribute-patterns", f"{CACHE}/ncrisck.1_2.o", f"{CACHE}/ncrisck.1_2.d"):
        assert bad not in cmd, bad
    for good in ("-DCOMPILE_FOR_NCRISC", "-DKERNEL_COMPILE_TIME_ARGS=2,2048", "-Werror", "-std=c++17", "-I."):
        assert good in cmd, good
    assert cmd[-1] == "-fsyntax-only"
    assert "-isystem" in cmd and any(a.endswith("/z/lib/libcxx/include") for a in cmd)
    # clang's -Wno-* must come after tt-metal's -Wall, or -Wall turns them back on
    assert cmd.index("-Wall") < cmd.index(CLANG_WNO[0])


def test_clang_command_object_output() -> None:
    cmd = clang_command("/z/zig", LOGGED, syntax_only=False, output="/tmp/x.o")
    assert cmd[-3:] == ["-c", "-o", "/tmp/x.o"]


def test_filter_keeps_unrelated_flags_with_values() -> None:
    assert filter_gcc_args(["-MF", "a.d", "-include", "x.h", "-MFb.d", "-o", "y"]) == ["-include", "x.h"]


def test_kernel_includes_like_the_jit(tmp_path: Path) -> None:
    k = tmp_path / "reader.cpp"
    assert kernel_includes_text(k) == f'void kernel_main();\n#include "{k}"\n'


def test_chlkc_rewrite_sets_formats_and_tile_sizes() -> None:
    row = ",".join(["255"] * 32)
    sizes = ",".join(["1088"] * 32)
    tpl = (
        f"constexpr uint8_t unpack_src_format[32] = {{\n    {row}\n}};\n"
        f"constexpr unsigned char pack_dst_format[32] = {{\n    {row}\n}};\n"
        f"constexpr uint16_t unpack_tile_size[32] = {{\n    {sizes}\n}};\n"
        f"constexpr uint8_t unpack_tile_r_dim[32] = {{\n    {','.join(['32'] * 32)}\n}};\n"
    )
    out = chlkc_descriptors_text(tpl, {0: "bfloat16", 16: "float32"})
    src = out.split("unpack_src_format[32] = {\n    ")[1].split("\n")[0].split(",")
    assert src[0] == "5" and src[16] == "0" and src[1] == "255"
    pack = out.split("pack_dst_format[32] = {\n    ")[1].split("\n")[0].split(",")
    assert pack[0] == "5" and pack[16] == "0"
    size = out.split("unpack_tile_size[32] = {\n    ")[1].split("\n")[0].split(",")
    assert size[0] == "2048" and size[16] == "4096" and size[2] == "1088"
    assert "unpack_tile_r_dim[32] = {\n    32,32" in out


# ---------------------------------------------------------------- diagnostics


def test_error_in_the_kernel_maps_to_its_line(tmp_path: Path) -> None:
    k = tmp_path / "reader_x.cpp"
    k.write_text("x\n")
    out = (
        f"In file included from {T}/tt_metal/hw/firmware/src/tt-1xx/ncrisck.cc:23:\n"
        f"In file included from /tmp/w/reader_x/0/kernel_includes.hpp:2:\n"
        f"{k}:17:9: error: use of undeclared identifier 'cb_reserve_bak'; did you mean 'cb_reserve_back'?\n"
        f"{T}/tt_metal/hw/inc/api/dataflow/dataflow_api.h:300:6: note: 'cb_reserve_back' declared here\n"
        "1 error generated.\n"
    )
    errs = map_diagnostics(out, k)
    assert len(errs) == 1
    assert (errs[0].line, errs[0].col, errs[0].origin) == (17, 9, "")
    assert "cb_reserve_bak" in errs[0].message


def test_header_error_maps_to_the_kernel_line_that_requested_it(tmp_path: Path) -> None:
    k = tmp_path / "reader_x.cpp"
    k.write_text("x\n")
    out = (
        f"In file included from {T}/tt_metal/hw/firmware/src/tt-1xx/ncrisck.cc:23:\n"
        f"{T}/tt_metal/hw/inc/api/compile_time_args.h:27:19: error: static assertion failed due to requirement "
        "'1U < kernel_compile_time_args.size()': Index out of range\n"
        f"{T}/tt_metal/hw/inc/api/tensor/tensor_accessor_args.h:22:40: note: in instantiation of function template "
        "specialization 'get_ct_arg<1U>' requested here\n"
        f"{k}:11:26: note: in instantiation of template class 'TensorAccessorArgs<1>' requested here\n"
        f"{T}/tt_metal/hw/inc/api/tensor/tensor_accessor_args.h:25:20: error: constexpr variable 'is_sharded' must be "
        "initialized by a constant expression\n"
        f"{k}:11:26: note: in instantiation of template class 'TensorAccessorArgs<1>' requested here\n"
    )
    errs = map_diagnostics(out, k)
    assert [e.line for e in errs] == [11, 11]
    assert errs[0].origin.endswith("compile_time_args.h:27")
    assert "Index out of range" in errs[0].message


def test_header_error_without_note_maps_through_the_include_chain(tmp_path: Path) -> None:
    k = tmp_path / "writer.cpp"
    k.write_text("x\n")
    out = (
        f"In file included from {k}:4:\n"
        "/op/device/kernels/dataflow/common.hpp:3:1: error: unknown type name 'uint32'\n"
    )
    errs = map_diagnostics(out, k)
    assert len(errs) == 1 and errs[0].line == 4 and errs[0].origin == "/op/device/kernels/dataflow/common.hpp:3"


def test_unrelated_errors_keep_no_line_and_warnings_are_ignored(tmp_path: Path) -> None:
    k = tmp_path / "writer.cpp"
    k.write_text("x\n")
    out = (
        "/a/b.h:1:1: warning: something [-Wfoo]\n"
        "/a/c.h:9:2: fatal error: 'sfpi.h' file not found\n"
    )
    errs = map_diagnostics(out, k)
    assert len(errs) == 1 and errs[0].line is None and errs[0].origin == "/a/c.h:9"


def test_duplicate_errors_are_reported_once(tmp_path: Path) -> None:
    k = tmp_path / "r.cpp"
    k.write_text("x\n")
    line = f"{k}:5:3: error: expected ';' after expression\n"
    assert len(map_diagnostics(line + line, k)) == 1
