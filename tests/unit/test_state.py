"""Session state: exact round trip, hand edits surviving rewrites, atomic writes, corrupt files never lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.errors import WizardError
from wizard.state import DEFAULT_SHAPE, STATE_VERSION, SessionState, StageStatus

CB_ROWS = [
    {
        "index": 0,
        "name": "cb_in_rm",
        "aliases": ["cb_input"],
        "purpose": "Input RM sticks",
        "producer": "Reader",
        "consumer": "Compute (tilize)",
        "producer_role": "reader",
        "consumer_role": "compute",
        "pages": "2*Wt",
        "page_kind": "tile",
        "data_format": "input",
        "buffering": "Double",
        "lifetime": "block",
        "lifetime_text": "Block",
        "sizing_text": "2*Wt tiles",
        "line": 234,
        "raw": {"CB ID": "c_0", "Capacity": "2*Wt tiles"},
        "manual": ["pages"],
    },
    {"index": 16, "name": "cb_out", "pages": "Wt", "page_kind": "stick", "manual": []},
]


def test_fresh_state_defaults(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    assert s.path == tmp_path / ".ttnn-wizard" / "state.toml"
    assert s.spec_path is None and s.profile is None
    assert s.sample_shape == DEFAULT_SHAPE and s.sample_dtype == "bfloat16"
    assert s.overrides == {} and s.cbs is None
    assert s.stage_status(4) is StageStatus.NOT_STARTED and s.stages() == {}
    assert not s.path.exists()  # loading never writes


def test_round_trip_of_every_field(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.spec_path = "ttnn/cpp/ttnn/operations/reduction/foo/foo_spec.md"
    s.profile = "blackhole_p150"
    s.sample_shape = (4, 2, 64, 96)
    s.sample_dtype = "float32"
    s.set_override("name", "foo_bar")
    s.set_override("work.total_units", "N*C*Ht")
    s.set_override("work.row_wise", True)
    s.set_override("parameters.epsilon.default", 1e-5)
    s.set_override("work.grid_x", 4)
    s.cbs = CB_ROWS
    s.set_stage(4, StageStatus.GREEN, "passed in 3.1 s")
    s.set_stage(5, "red", 'expected: "TT_THROW not implemented"')
    runner = s.section("runner")
    runner["last_log"] = "/tmp/x.log"
    runner["durations"] = [1.5, 2.0]
    runner["nested"] = {"a": 1}
    s.save()

    r = SessionState.load(tmp_path)
    assert r.spec_path == s.spec_path
    assert r.profile == "blackhole_p150"
    assert r.sample_shape == (4, 2, 64, 96)
    assert r.sample_dtype == "float32"
    assert r.overrides == {
        "name": "foo_bar",
        "work.total_units": "N*C*Ht",
        "work.row_wise": True,
        "parameters.epsilon.default": 1e-5,
        "work.grid_x": 4,
    }
    assert type(r.overrides["work.row_wise"]) is bool
    assert r.cbs == CB_ROWS
    assert r.stage_status(4) is StageStatus.GREEN and r.stage_note(4) == "passed in 3.1 s"
    assert r.stage_status(5) is StageStatus.RED and r.stage_note(5) == 'expected: "TT_THROW not implemented"'
    assert r.stage_updated(4)
    assert r.stages() == {4: StageStatus.GREEN, 5: StageStatus.RED}
    assert r.section("runner") == {"last_log": "/tmp/x.log", "durations": [1.5, 2.0], "nested": {"a": 1}}
    assert json.loads(json.dumps(r.section("runner")))["nested"] == {"a": 1}
    # saving what was loaded changes nothing
    before = r.path.read_text()
    r.save()
    assert r.path.read_text() == before


def test_none_line_in_cb_round_trips_as_absent(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.cbs = [{"index": 3, "name": "x", "line": None, "pages": "1"}]
    s.save()
    assert SessionState.load(tmp_path).cbs == [{"index": 3, "name": "x", "pages": "1"}]


def test_empty_cb_table_differs_from_none(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.cbs = []
    s.save()
    assert SessionState.load(tmp_path).cbs == []
    s.cbs = None
    s.save()
    assert SessionState.load(tmp_path).cbs is None


def test_user_comments_and_custom_keys_survive_a_rewrite(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.profile = "wormhole_n150"
    s.set_override("name", "foo")
    s.set_stage(4, StageStatus.GENERATED)
    s.save()
    text = s.path.read_text()
    text = text.replace('profile = "wormhole_n150"', 'profile = "wormhole_n150"  # my n150 in lab 3')
    text = text.replace("[overrides]", "# keep the short name, the spec is wrong\n[overrides]")
    text += '\n[my_notes]\n# personal\ntodo = "check gamma CB"\n'
    s.path.write_text(text)

    r = SessionState.load(tmp_path)
    r.profile = "wormhole_n300"
    r.set_override("name", "foo2")
    r.set_stage(4, StageStatus.RED, "as expected")
    r.save()
    out = r.path.read_text()
    assert 'profile = "wormhole_n300"  # my n150 in lab 3' in out
    assert "# keep the short name, the spec is wrong\n[overrides]" in out
    assert '# personal\ntodo = "check gamma CB"' in out
    assert out.index("[overrides]") < out.index("[my_notes]")  # order kept
    assert SessionState.load(tmp_path).section("my_notes")["todo"] == "check gamma CB"


def test_overrides_is_live_and_clear_works(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.overrides["category"] = "reduction"
    s.set_override("name", "x")
    s.clear_override("name")
    s.clear_override("never-set")
    s.save()
    assert SessionState.load(tmp_path).overrides == {"category": "reduction"}
    s.overrides = {"work.unit": "tile-row"}
    s.save()
    assert SessionState.load(tmp_path).overrides == {"work.unit": "tile-row"}


@pytest.mark.parametrize("value", [None, [1], {"a": 1}])
def test_bad_override_values(tmp_path: Path, value: object) -> None:
    with pytest.raises(WizardError, match="override"):
        SessionState.load(tmp_path).set_override("name", value)  # type: ignore[arg-type]


def test_bad_inputs(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    with pytest.raises(WizardError):
        s.sample_shape = (1, 0, 32)
    with pytest.raises(ValueError):
        s.set_stage(4, "purple")
    with pytest.raises(WizardError):
        s.stage_status(0)
    with pytest.raises(WizardError):
        s.section("overrides")
    with pytest.raises(WizardError):
        s.section("bad name")


def _write_state(op_dir: Path, text: str) -> Path:
    p = op_dir / ".ttnn-wizard" / "state.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_corrupt_file_names_file_and_line(tmp_path: Path) -> None:
    p = _write_state(tmp_path, 'version = 1\nprofile = "wormhole_n150"\nsample_shape = [1, 1,\n')
    with pytest.raises(WizardError) as info:
        SessionState.load(tmp_path)
    assert info.value.path == str(p)
    assert info.value.line is not None and info.value.line >= 3
    assert "not valid TOML" in str(info.value)


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('version = 1\nsample_shape = "1,1,32,32"\n', "sample_shape", 2),
        ("version = 1\nprofile = 3\n", "profile", 2),
        ("version = 1\n[stages.4]\nstatus = \"blue\"\n", "status", 3),
        ("version = 99\n", "version", 1),
        ("version = 1\n[overrides]\nname = [1, 2]\n", "name", 3),
        ("version = 1\ncbs = 5\n", "cbs", 2),
    ],
)
def test_wrong_types_name_key_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    _write_state(tmp_path, text)
    with pytest.raises(WizardError) as info:
        SessionState.load(tmp_path)
    assert f"'{key}'" in str(info.value)
    assert info.value.line == line


def test_recover_keeps_a_copy_and_starts_fresh(tmp_path: Path) -> None:
    bad = 'profile = "x"\n[[[nonsense\n'
    p = _write_state(tmp_path, bad)
    s = SessionState.load(tmp_path, recover=True)
    assert s.recovered_from is not None
    assert s.recovered_from.name.startswith("state.toml.corrupt-")
    assert s.recovered_from.read_text() == bad
    assert s.profile is None
    s.profile = "wormhole_n150"
    s.save()
    assert SessionState.load(tmp_path).profile == "wormhole_n150"
    # a second recovery in the same second keeps both copies
    p.write_text(bad)
    again = SessionState.load(tmp_path, recover=True)
    assert again.recovered_from != s.recovered_from and again.recovered_from is not None
    assert again.recovered_from.exists() and s.recovered_from.exists()


def test_binary_state_file(tmp_path: Path) -> None:
    p = tmp_path / ".ttnn-wizard" / "state.toml"
    p.parent.mkdir(parents=True)
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(WizardError, match="UTF-8"):
        SessionState.load(tmp_path)


def test_missing_version_is_accepted_and_restored(tmp_path: Path) -> None:
    _write_state(tmp_path, 'profile = "wormhole_n300"\n')
    s = SessionState.load(tmp_path)
    assert s.profile == "wormhole_n300"
    s.save()
    assert f"version = {STATE_VERSION}" in s.path.read_text()


def test_save_is_atomic_no_temp_files_left(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    for i in range(5):
        s.set_override("n", i)
        s.save()
    assert sorted(p.name for p in s.path.parent.iterdir()) == ["state.toml"]


def test_cb_table_text_survives_any_characters(tmp_path: Path) -> None:
    nasty = 'a "quoted" \\ back\\slash\nnew line\ttab \x7f del \x01 ctl ünïcødé ✓ \u2028'
    rows = [{"index": 1, "name": nasty, "raw": {nasty: nasty, "CB ID": "c_1", "x.y": ""}, "aliases": [nasty, ""],
             "manual": [], "line": 7}]  # fmt: skip
    s = SessionState.load(tmp_path)
    s.cbs = rows
    s.save()
    assert SessionState.load(tmp_path).cbs == rows


def test_cb_rows_must_be_toml_values(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    with pytest.raises(WizardError, match="row 1 field 'pages'"):
        s.cbs = [{"index": 0, "pages": object()}]
    with pytest.raises(WizardError, match="row 2"):
        s.cbs = [{"index": 0}, "not a dict"]  # type: ignore[list-item]


def test_unedited_cb_table_keeps_its_comments_and_edited_one_is_rewritten(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.cbs = CB_ROWS
    s.section("runner")["x"] = 1
    s.save()
    text = s.path.read_text().replace("[[cbs]]\nindex = 16", "[[cbs]]\n# output CB, checked by hand\nindex = 16", 1)
    s.path.write_text(text)
    r = SessionState.load(tmp_path)
    r.profile = "wormhole_n300"
    r.save()
    assert "# output CB, checked by hand" in r.path.read_text()
    assert SessionState.load(tmp_path).cbs == CB_ROWS
    r.cbs = CB_ROWS[:1]
    r.save()
    again = SessionState.load(tmp_path)
    assert again.cbs == CB_ROWS[:1] and again.section("runner") == {"x": 1}
    assert again.profile == "wormhole_n300"


def test_cbs_getter_returns_a_copy(tmp_path: Path) -> None:
    s = SessionState.load(tmp_path)
    s.cbs = CB_ROWS
    got = s.cbs
    assert got is not None
    got[0]["raw"]["CB ID"] = "changed"
    assert s.cbs == CB_ROWS
