"""Bad input to the spec engine: clear messages naming the file (and line), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import WizardError
from wizard.model import Severity
from wizard.spec import parse_spec, parse_spec_text


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty file"),
        (b"  \n\n\t\n", "empty file"),
        (b"# spec\x00\x01\x02binary", "NUL byte at offset 6"),
        (b"# caf\xe9 spec\n", "not UTF-8 text (byte 0xe9 at offset 5)"),
    ],
)
def test_unreadable_files(tmp_path: Path, data: bytes, needle: str) -> None:
    p = _write(tmp_path, "x_spec.md", data)
    with pytest.raises(WizardError) as exc:
        parse_spec(p)
    assert needle in str(exc.value)
    assert str(p) in str(exc.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(WizardError, match="no such file") as exc:
        parse_spec(tmp_path / "nope_spec.md")
    assert "nope_spec.md" in str(exc.value)
    with pytest.raises(WizardError, match="is a directory") as exc:
        parse_spec(tmp_path)
    assert str(tmp_path) in str(exc.value)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    p = _write(tmp_path, "big_spec.md", b"a" * (4 * 1024 * 1024 + 1))
    with pytest.raises(WizardError, match="at most"):
        parse_spec(p)


def test_non_spec_markdown_gives_errors_not_exceptions(tmp_path: Path) -> None:
    p = _write(tmp_path, "README.md", b"# Cats\n\nCats are nice.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    spec = parse_spec(p)
    assert not spec.usable
    codes = {w.code for w in spec.errors}
    assert codes == {"missing-name", "no-cb-table"}
    assert all(w.severity is Severity.ERROR for w in spec.errors)
    assert "internal-error" not in {w.code for w in spec.warnings}


def test_real_spec_without_cb_table(specs_dir: Path) -> None:
    lines = (specs_dir / "reduce_avg_w_rm_spec.md").read_text(encoding="utf-8").split("\n")
    kept = [ln for ln in lines if not ln.startswith("| c_") and not ln.startswith("| CB ID")]
    spec = parse_spec_text("\n".join(kept))
    assert spec.name == "reduce_avg_w_rm"
    assert [w.code for w in spec.errors] == ["no-cb-table"]


def test_garbage_cells_in_a_real_cb_table(specs_dir: Path) -> None:
    text = (specs_dir / "reduce_avg_w_rm_spec.md").read_text(encoding="utf-8")
    text = text.replace("| c_1 | cb_tilized | Tilized tiles (intermediate) | Compute (tilize) | Compute (reduce) | "
                        "Wt tiles * tile_size (single-buffered) | Block |",
                        "| c_1 | cb_tilized | ¯\\_(ツ)_/¯ | ??? | !!! | lots | ~~~ |")
    text = text.replace("| c_3 | cb_reduced |", "| c_2 | cb_reduced |")
    text = text.replace("| c_16 | cb_out |", "| zz | cb_out |")
    spec = parse_spec_text(text, Path("r_spec.md"))
    errs = {(w.code, w.line) for w in spec.errors}
    assert errs == {("bad-pages-expression", 276), ("duplicate-cb-index", 278), ("bad-cb-index", 279)}
    rendered = [w.render(spec.path) for w in spec.errors]
    assert any(r.startswith("r_spec.md:276: error:") and "'lots'" in r for r in rendered)
    assert any("zz" in r for r in rendered)
    kinds = {(w.code, w.line) for w in spec.warnings if w.severity is Severity.WARNING}
    assert ("cb-unknown-kernel", 276) in kinds  # "???" and "!!!" name no kernel
    assert ("cb-unknown-lifetime", 276) in kinds


@pytest.mark.parametrize(
    "text",
    ["|", "| CB ID |\n|---|\n| c_0 |", "# \n## \n### ", "- **Operation Name**:\n- **Category**:", "```\nunclosed",
     "> " * 500 + "deep", "- " * 300 + "deep", "| CB ID | Pages |\n|---|---|\n| c_99999999999 | 1 |",
     "| CB ID | Pages |\n|---|---|\n| c_0 | " + "(" * 400 + "1" + ")" * 400 + " |", "\u202e\u0000\ufffd"],
)
def test_odd_text_never_raises(text: str) -> None:
    spec = parse_spec_text(text)
    assert not spec.usable
    assert "internal-error" not in {w.code for w in spec.warnings}, [w.message for w in spec.warnings]


def test_device_file_is_refused() -> None:
    with pytest.raises(WizardError, match="not a regular file"):
        parse_spec("/dev/zero")


def test_missing_sections_are_named() -> None:
    text = ("## Overview\n- **Operation Name**: foo\n- **Category**: eltwise\n\n"
            "## Circular Buffer Requirements\n\n| CB ID | Name | Producer | Consumer | Pages |\n|---|---|---|---|---|\n"
            "| c_0 | cb_in | Reader | Writer | 2 |\n")
    spec = parse_spec_text(text)
    missing = sorted(w.message for w in spec.warnings if w.code == "missing-section")
    assert all(w.severity is Severity.WARNING for w in spec.warnings if w.code == "missing-section")
    labels = ("API Specification", "Work Distribution", "Data Flow", "Memory Access Patterns", "Kernel Data Movement")
    for label in labels:
        assert any(label in m for m in missing), label
    assert not any("Overview" in m or "Circular Buffer" in m for m in missing)
    assert spec.usable  # missing sections are warnings: the defaults still allow generation
