"""QA (helper J): a hand-edited CB table in the session state is checked like the spec's own table.

Bugs: two saved CBs on one index were generated as two create_cb(c_0, ...) calls (tt-metal refuses the
program at run time); a saved page count 'lots' was only caught later, reported against the *spec's* line; an
empty saved table made the spec unusable with no reason given."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.model import Severity
from wizard.overrides import apply_overrides, cb_to_dict
from wizard.spec import parse_spec
from wizard.state import SessionState

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "reduce_avg_w_rm_spec.md"


@pytest.fixture
def spec():  # type: ignore[no-untyped-def]
    return parse_spec(SPEC)


def _state(tmp_path: Path, rows: list[dict]) -> SessionState:  # type: ignore[type-arg]
    st = SessionState.load(tmp_path)
    st.cbs = rows
    st.save()
    return SessionState.load(tmp_path)  # as read back from disk


def _errors(spec) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.message for w in spec.warnings if w.severity is Severity.ERROR]


def test_duplicate_index_in_saved_table_is_an_error(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [cb_to_dict(c) for c in spec.cbs]
    rows[2]["index"] = 0  # cb_scaler moved onto cb_in's index
    out = apply_overrides(spec, _state(tmp_path, rows))
    assert not out.usable
    msgs = _errors(out)
    assert any("index 0" in m and "cb_in" in m and "cb_scaler" in m and "state.toml" in m for m in msgs), msgs


def test_bad_pages_in_saved_table_is_an_error_naming_the_state(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [cb_to_dict(c) for c in spec.cbs]
    rows[1]["pages"] = "lots"
    out = apply_overrides(spec, _state(tmp_path, rows))
    assert not out.usable
    msgs = _errors(out)
    assert any("'lots'" in m and "cb_tilized" in m and "state.toml" in m for m in msgs), msgs


def test_empty_saved_table_says_why(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = apply_overrides(spec, _state(tmp_path, []))
    assert not out.usable
    assert any("empty" in m and "state.toml" in m for m in _errors(out)), _errors(out)


def test_good_saved_table_still_applies(spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [cb_to_dict(c) for c in spec.cbs]
    rows[0]["pages"] = "2*Wt"
    out = apply_overrides(spec, _state(tmp_path, rows))
    assert out.usable and not _errors(out)
    assert out.cbs[0].pages == "2*Wt"


def test_apply_cli_refuses_duplicate_saved_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from wizard.cli import main

    demo = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
    shutil.copytree(demo, tmp_path / "tt")
    op_dir = tmp_path / "tt" / "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"
    rows = [cb_to_dict(c) for c in parse_spec(SPEC).cbs]
    rows[2]["index"] = 0
    _state(op_dir, rows)
    assert main(["apply", str(SPEC), "--op-dir", str(op_dir), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "index 0" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("mutate", "fix"),
    [
        # a page count the parser cannot read; the user types a real one in the CB form
        (lambda t: t.replace("Wt tiles * tile_size (single-buffered per block)", "lots of tiles"), lambda rows: rows[0].update(pages="Wt")),
        # two CBs on one index; the user moves one
        (lambda t: t.replace("| c_3 | cb_reduced", "| c_2 | cb_reduced"), lambda rows: rows[3].update(index=3)),
        # an index beyond 31; the user moves it back into range in the CB form
        (lambda t: t.replace("| c_16 | cb_out", "| c_40 | cb_out"), lambda rows: rows[4].update(index=16)),
    ],
    ids=["bad-pages", "duplicate-index", "index-out-of-range"],
)
def test_saved_table_rescues_a_spec_with_a_bad_cb_row(tmp_path: Path, mutate, fix) -> None:  # type: ignore[no-untyped-def]
    # bug: the spec's CB-table error stayed after the user fixed the table, so generation was blocked for good
    from wizard.spec import parse_spec_text

    bad = parse_spec_text(mutate(SPEC.read_text()), SPEC)
    assert not bad.usable
    rows = [cb_to_dict(c) for c in bad.cbs]
    fix(rows)
    out = apply_overrides(bad, _state(tmp_path, rows))
    assert out.usable, [w.render() for w in out.errors]
