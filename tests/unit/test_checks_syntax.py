"""tree-sitter-cpp syntax check and the -Werror unused-variable check."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.checks.syntax import blank_macros, check_format, check_syntax, clang_format_binary, syntax_errors
from wizard.checks.unused import check_unused
from wizard.model import Severity

GOOD = """#include "api/dataflow/dataflow_api.h"

FORCE_INLINE void helper(tt_l1_ptr uint32_t* p) { p[0] = 1; }

void kernel_main() {
    constexpr auto args = TensorAccessorArgs<1>();
    for (uint32_t i = 0; i < 4; ++i) {
        cb_reserve_back(0, 1);
    }
}
"""


def test_clean_kernel_with_attribute_macros() -> None:
    assert syntax_errors(GOOD) == []
    assert blank_macros("ALWI void f();") == "     void f();"


def test_errors_carry_line_and_column() -> None:
    bad = GOOD.replace("cb_reserve_back(0, 1);", "cb_reserve_back(0, 1;")
    errs = syntax_errors(bad)
    assert errs and errs[0][0] == 8
    findings = check_syntax({"device/kernels/dataflow/r.cpp": bad, "notes.md": "not c++ {"})
    assert findings and findings[0].path == "device/kernels/dataflow/r.cpp" and findings[0].line == 8
    assert findings[0].message.startswith("col ")


def test_missing_brace_is_reported() -> None:
    errs = syntax_errors("void f() {\n  int x = 1;\n")
    assert errs and "missing" in errs[0][2]


def test_many_errors_are_capped() -> None:
    text = "\n".join("int x = ;" for _ in range(20))
    findings = check_syntax({"a.cpp": text})
    assert len(findings) == 6 and "more syntax errors" in findings[-1].message


def test_unused_locals_in_host_code() -> None:
    text = """void create(const Params& operation_attributes, [[maybe_unused]] const Inputs& tensor_args, Tensor&) {
    const uint32_t Wt = shape[-1] / 32;
    [[maybe_unused]] const uint32_t Ht = shape[-2] / 32;
    const uint32_t used = Wt;
    auto maybe = compute();
    tt::tt_metal::Program program{};
    auto [a, b] = split();
    use(used);
}
"""
    findings = check_unused({"device/x_program_factory.cpp": text, "device/kernels/dataflow/r.cpp": text})
    got = {(f.line, f.severity) for f in findings}
    assert (2, Severity.ERROR) not in got  # Wt is used by `used`
    assert (4, Severity.ERROR) not in got
    assert (5, Severity.WARNING) in got  # auto: depends on the type
    assert (7, Severity.ERROR) in got  # no structured binding used
    assert (1, Severity.WARNING) in got  # operation_attributes unused (-Wunused-parameter)
    assert all(f.path == "device/x_program_factory.cpp" for f in findings)  # kernels are built with -Wno-unused-variable
    msgs = " ".join(f.message for f in findings)
    assert "Ht" not in msgs and "program" not in msgs and "tensor_args" not in msgs


def test_unused_scalar_is_an_error() -> None:
    [f] = check_unused({"a.cpp": "void f() {\n    const uint32_t num_pages = 2;\n}\n"})
    assert f.severity is Severity.ERROR and f.line == 2 and "num_pages" in f.message and "[[maybe_unused]]" in f.message


@pytest.mark.skipif(clang_format_binary() is None, reason="clang-format not installed")
def test_format_check_is_info(tmp_path: Path) -> None:
    (tmp_path / ".clang-format").write_text("BasedOnStyle: Google\nIndentWidth: 4\nColumnLimit: 120\n")
    (tmp_path / "a.cpp").write_text("void f(){int x=1;}\n")
    (tmp_path / "b.cpp").write_text("void f() { int x = 1; }\n")
    findings = check_format(tmp_path, ["a.cpp", "b.cpp"])
    assert [(f.path, f.severity) for f in findings] == [("a.cpp", Severity.INFO)]
