"""``ttnn-wizard extract``: human and JSON reports, exit codes, one stderr line per problem, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["extract", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_human_report(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    rc, out, err = run_main(capsys, str(specs_dir / "reduce_avg_w_rm_spec.md"))
    assert rc == 0 and err == ""
    for heading in ("References", "Parameters", "Tensor requirements", "Output", "Circular buffers (5)",
                    "Work distribution", "Kernels", "Compile-time args", "Runtime args", "Work split on wormhole_n150",
                    "L1 budget per core", "Warnings (0)"):
        assert heading in out, heading
    row = next(ln for ln in out.splitlines() if ln.strip().startswith("c_16 ") and "cb_out" in ln and "->" in ln)
    assert "279" in row and "explicit" in row and "Writer" in row
    assert "total units NC*Ht = 1" in out  # default sample shape 1,1,32,64 -> one tile-row
    assert "default: the spec's test criteria list no 4-D shape" in out
    assert "c_0   cb_in       4,096 B" in out  # Wt=2 tiles of 2048 B


def test_json_has_line_and_confidence_for_every_value(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    rc, out, _ = run_main(capsys, str(specs_dir / "layer_norm_w_rm_spec.md"), "--json", "--shape", "2,3,64,128")
    assert rc == 0
    data = json.loads(out)
    assert data["usable"] is True
    assert data["name"] == {"value": "layer_norm_w_rm", "line": 4, "confidence": "explicit"}
    assert len(data["cbs"]) == 16
    for cb in data["cbs"]:
        for key, field in cb.items():
            if key in ("line", "raw"):
                continue
            assert set(field) == {"value", "line", "confidence"}, key
    for key in ("category", "planning_mode", "data_flow", "memory_access", "edge_cases", "test_criteria",
                "validation_behavior", "symbols"):
        assert set(data[key]) == {"value", "line", "confidence"}, key
    assert data["test_criteria"]["confidence"] == "explicit" and data["test_criteria"]["line"] == 387
    for group in ("work", "output"):
        assert all(set(v) == {"value", "line", "confidence"} for k, v in data[group].items() if k != "raw"), group
    assert data["cbs"][9]["aliases"]["value"] == ["cb_output_tiled"]
    assert data["work"]["total_units"] == {"value": "Ht", "line": 143, "confidence": "explicit"}
    assert data["sample"] == {"shape": [2, 3, 64, 128], "dtype": "bfloat16", "source": "from --shape",
                              "dim_order": "NCHW"}
    assert data["split"]["units"] == 2 and data["split"]["num_cores"] == 1  # Ht=2 on a single core
    assert data["l1"]["fits"] is True and data["l1"]["rows"][0]["bytes"] == 2 * 4 * 2048  # 2*Wt pages, Wt=4
    assert [w["code"] for w in data["warnings"]] == ["work-unit-ignores-batch"]
    assert data["warnings"][0]["line"] == 143


def test_profile_and_dtype(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    rc, out, _ = run_main(capsys, str(specs_dir / "row_mean_sub_square_reduce_spec.md"), "--json",
                          "--profile", "blackhole_p150", "--dtype", "float32", "--shape", "8,4,512,64")
    assert rc == 0
    data = json.loads(out)
    assert data["profile"]["name"] == "blackhole_p150"
    split = data["split"]
    assert split["units"] == 8 * 4 * 16  # NC*Ht
    assert split["num_cores"] == min(split["units"], data["profile"]["grid"][0] * data["profile"]["grid"][1])
    c0 = data["l1"]["rows"][0]
    assert c0["page_size"] == 4096 and c0["data_format"] == "float32"


def test_unknown_profile_is_a_usage_error(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    rc, _, err = run_main(capsys, str(specs_dir / "reduce_avg_w_rm_spec.md"), "--profile", "nope")
    assert rc == 2 and "wormhole_n150" in err and "Traceback" not in err


def test_warnings_do_not_change_exit_code(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    rc, out, err = run_main(capsys, str(specs_dir / "standardize_w_rm_spec.md"))
    assert rc == 0 and err == ""
    assert "standardize_w_rm_spec.md:147: warning:" in out


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("empty_spec.md", b"", "empty file"),
        ("bin_spec.md", b"\x89PNG\r\n\x1a\n\x00\x00", "NUL byte at offset 8"),
        ("latin_spec.md", b"# Caf\xe9\n", "not UTF-8"),
    ],
)
def test_unreadable_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes,
                                needle: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    rc, out, err = run_main(capsys, str(p))
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ttnn-wizard: {p}: ") and needle in lines[0]


def test_missing_and_directory_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run_main(capsys, str(tmp_path / "gone_spec.md"))
    assert rc == 2 and err.strip() == f"ttnn-wizard: {tmp_path / 'gone_spec.md'}: no such file"
    rc, _, err = run_main(capsys, str(tmp_path))
    assert rc == 2 and "is a directory" in err and str(tmp_path) in err


def test_unusable_spec_lists_one_line_per_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                specs_dir: Path) -> None:
    text = (specs_dir / "reduce_avg_w_rm_spec.md").read_text(encoding="utf-8")
    text = text.replace("| 1 tile | Kernel |", "| lots | Kernel |")
    text = text.replace("| c_3 | cb_reduced |", "| c_0 | cb_reduced |")
    p = tmp_path / "bad_spec.md"
    p.write_text(text, encoding="utf-8")
    rc, out, err = run_main(capsys, str(p))
    assert rc == 2
    assert "Circular buffers (5)" in out  # the report still shows what was read
    lines = err.strip().splitlines()
    assert lines == [
        f"ttnn-wizard: {p}:277: error: CB c_2 (cb_scaler): bad page count: not a size expression (a word, not a "
        "symbol): 'lots' at position 1 in 'lots' [bad-pages-expression]",
        f"ttnn-wizard: {p}:278: error: CB index 0 (cb_reduced) is used twice (first at line 275) [duplicate-cb-index]",
    ]


def test_non_spec_markdown(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "notes.md"
    p.write_text("# Shopping\n\n- eggs\n- milk\n", encoding="utf-8")
    rc, _, err = run_main(capsys, str(p), "--json")
    assert rc == 2
    assert [ln.split(": error: ")[0] for ln in err.strip().splitlines()] == [f"ttnn-wizard: {p}"] * 2


def test_subprocess_no_traceback(tmp_path: Path, specs_dir: Path) -> None:
    bad = tmp_path / "bin_spec.md"
    bad.write_bytes(b"\x00" * 10)
    for target, rc_want in ((bad, 2), (tmp_path, 2), (specs_dir / "image_rotate_spec.md", 0)):
        r = subprocess.run([sys.executable, "-m", "wizard.cli", "extract", str(target)], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == rc_want, r.stderr
        assert "Traceback" not in r.stderr
        if rc_want == 2:
            assert r.stderr.startswith("ttnn-wizard: ") and str(target) in r.stderr


def test_budget_uses_the_spec_own_definitions(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    # image_rotate sizes its output CB with out_ntiles_c, defined in its "CB Sizing Formulas" C++ block.
    rc, out, _ = run_main(capsys, str(specs_dir / "image_rotate_spec.md"), "--json", "--shape", "1,32,32,64")
    assert rc == 0
    l1 = json.loads(out)["l1"]
    assert l1["errors"] == [] and l1["fits"] is True
    c5 = next(r for r in l1["rows"] if r["index"] == 5)
    # FACE_WIDTH * element_size * out_ntiles_c * 2; the spec's input is NHWC, so C is the last dim (64)
    assert c5["bytes"] == 16 * 2 * ((64 + 15) // 16) * 2


def test_bad_dtype_and_shape_are_usage_errors(capsys: pytest.CaptureFixture[str], specs_dir: Path) -> None:
    rc, _, err = run_main(capsys, str(specs_dir / "reduce_avg_w_rm_spec.md"), "--dtype", "float7")
    assert rc == 2 and err.startswith("ttnn-wizard: --dtype: unknown data type 'float7'")
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(specs_dir / "reduce_avg_w_rm_spec.md"), "--shape", "1,a,3"])
    assert exc.value.code == 2
