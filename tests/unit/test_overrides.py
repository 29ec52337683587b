"""Overrides: dotted keys applied to a copy and marked MANUAL, the CB table round trip, bad keys as warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.model import (
    CircularBuffer,
    Confidence,
    Lifetime,
    OpSpec,
    PageKind,
    Parameter,
    Requirement,
    Role,
    Severity,
    Strategy,
    WorkDistribution,
)
from wizard.overrides import CB_FIELDS, apply_overrides, cb_from_dict, cb_to_dict
from wizard.state import SessionState

E, M = Confidence.EXPLICIT, Confidence.MANUAL


def make_spec() -> OpSpec:
    spec = OpSpec(name="foo", category="reduction")
    spec.mark("name", 3, E)
    spec.work = WorkDistribution(unit="tile-row", total_units="Ht", strategy=Strategy.SINGLE_CORE)
    spec.work.mark("total_units", 40, E)
    p = Parameter(name="epsilon", type="float", default="1e-5", required=False, line=20)
    p.mark("default", 20, E)
    spec.parameters = [p]
    spec.input_requirements = {"input": [Requirement("Layout", "ROW_MAJOR", "must be row-major", line=30)]}
    a = CircularBuffer(index=0, name="cb_in", pages="2*Wt", producer="Reader", producer_role=Role.READER, line=50,
                       raw={"CB ID": "c_0"})  # fmt: skip
    a.mark("pages", 50, E)
    a.mark("name", 50, E)
    b = CircularBuffer(index=16, name="cb_out", pages="Wt", page_kind=PageKind.STICK, lifetime=Lifetime.BLOCK, line=51)
    b.mark("pages", 51, E)
    spec.cbs = [a, b]
    return spec


class FakeState:
    def __init__(self, overrides: dict | None = None, cbs: list | None = None) -> None:
        self.overrides = overrides or {}
        self.cbs = cbs


def test_scalar_overrides_are_applied_to_a_copy_and_marked_manual() -> None:
    spec = make_spec()
    state = FakeState(
        {
            "name": "foo_bar",
            "category": "normalization",
            "work.total_units": "N*C*Ht",
            "work.strategy": "split_work_to_cores",
            "work.row_wise": True,
            "work.unit": "tile",
            "output.shape": "[N, C, H, 1]",
            "parameters.epsilon.default": "1e-6",
            "parameters.epsilon.required": "true",
            "input_requirements.input.0.hint": "row-major please",
        }
    )
    out = apply_overrides(spec, state)
    assert spec.name == "foo" and spec.work.total_units == "Ht"  # original untouched
    assert out.name == "foo_bar" and out.category == "normalization"
    assert out.work.total_units == "N*C*Ht"
    assert out.work.strategy is Strategy.SPLIT_WORK
    assert out.work.row_wise is True and out.work.unit == "tile"
    assert out.output.shape == "[N, C, H, 1]"
    assert out.parameters[0].default == "1e-6" and out.parameters[0].required is True
    assert out.input_requirements["input"][0].hint == "row-major please"
    assert out.source("name") is not None and out.source("name").confidence is M
    assert out.source("name").line == 3  # keeps the spec line it overrides
    assert out.work.source("total_units").confidence is M and out.work.source("total_units").line == 40
    assert out.work.source("row_wise").confidence is M and out.work.source("row_wise").line is None
    assert out.parameters[0].source("required").confidence is M
    assert out.input_requirements["input"][0].source("hint").confidence is M
    assert not out.warnings


def test_bool_for_a_text_field_becomes_text() -> None:
    out = apply_overrides(make_spec(), FakeState({"parameters.epsilon.default": True}))
    assert out.parameters[0].default == "true" and not out.warnings


@pytest.mark.parametrize(
    ("key", "value", "code", "severity"),
    [
        ("colour", "red", "unknown-override", Severity.WARNING),
        ("work.flavour", "x", "unknown-override", Severity.WARNING),
        ("parameters.missing.default", "1", "unknown-override", Severity.WARNING),
        ("input_requirements.gamma.0.hint", "x", "unknown-override", Severity.WARNING),
        ("input_requirements.input.5.hint", "x", "unknown-override", Severity.WARNING),
        ("work.strategy", "diagonal", "bad-override", Severity.ERROR),
        ("work.row_wise", "maybe", "bad-override", Severity.ERROR),
        ("work.total_units", "lots", "bad-override", Severity.ERROR),
        ("name", [1, 2], "bad-override", Severity.ERROR),
    ],
)
def test_bad_overrides_become_warnings(key: str, value: object, code: str, severity: Severity) -> None:
    spec = make_spec()
    out = apply_overrides(spec, FakeState({key: value}))
    assert [w.code for w in out.warnings] == [code]
    assert out.warnings[0].severity is severity
    assert key in out.warnings[0].message
    assert out.work.total_units == "Ht" and out.work.strategy is Strategy.SINGLE_CORE


def test_cb_dict_round_trip_every_field() -> None:
    cb = make_spec().cbs[0]
    cb.aliases = ["cb_input"]
    cb.lifetime_text = "PERSISTENT"
    cb.consumer_role = Role.COMPUTE
    d = cb_to_dict(cb)
    assert set(d) == set(CB_FIELDS) | {"manual"}
    assert d["page_kind"] == "tile" and d["producer_role"] == "reader" and d["manual"] == []
    back = cb_from_dict(d, cb)
    for f in CB_FIELDS:
        assert getattr(back, f) == getattr(cb, f), f
    assert back.source("pages") == cb.source("pages")  # unchanged fields keep the spec's provenance


def test_cb_to_dict_reads_manual_from_provenance_and_drops_none() -> None:
    cb = CircularBuffer(index=2, name="x", line=None)
    cb.mark("pages", None, M)
    d = cb_to_dict(cb)
    assert "line" not in d and d["manual"] == ["pages"]
    assert cb_to_dict(cb, manual=["name", "name"])["manual"] == ["name"]


def test_cb_from_dict_marks_changed_and_new() -> None:
    orig = make_spec().cbs[0]
    d = cb_to_dict(orig)
    d["pages"] = "4*Wt"  # changed by hand in the TOML, not listed in manual
    d["manual"] = ["data_format"]
    cb = cb_from_dict(d, orig)
    assert cb.source("pages").confidence is M and cb.source("pages").line == 50
    assert cb.source("data_format").confidence is M
    assert cb.source("name").confidence is E
    new = cb_from_dict({"index": 24, "name": "cb_tmp", "pages": "1"})
    assert all(p.confidence is M for p in new.prov.values()) and new.source("pages") is not None


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ({"index": 0}, "index' and 'name"),
        ({"index": 40, "name": "x"}, "0..31"),
        ({"index": "0", "name": "x"}, "whole number"),
        ({"index": 0, "name": "x", "page_kind": "pixel"}, "page_kind"),
        ({"index": 0, "name": "x", "pages": 2}, "pages"),
        ({"index": 0, "name": "x", "colour": "red"}, "colour"),
        ({"index": 0, "name": "x", "aliases": "y"}, "aliases"),
    ],
)
def test_cb_from_dict_errors_name_the_field(row: dict, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        cb_from_dict(row)


def test_cb_table_from_state_replaces_spec_table() -> None:
    spec = make_spec()
    rows = [cb_to_dict(c) for c in spec.cbs]
    rows[1]["pages"] = "2*Wt"
    rows[1]["manual"] = ["pages"]
    rows.append({"index": 24, "name": "cb_scratch", "pages": "1", "manual": ["index", "name", "pages"]})
    rows[0], rows[1] = rows[1], rows[0]  # reordered by the user
    out = apply_overrides(spec, FakeState(cbs=rows))
    assert [c.index for c in out.cbs] == [16, 0, 24]
    assert out.cbs[0].pages == "2*Wt" and out.cbs[0].source("pages").confidence is M
    assert out.cbs[1].source("pages").confidence is E  # untouched CB keeps its provenance
    assert out.cbs[2].name == "cb_scratch"
    assert [c.index for c in spec.cbs] == [0, 16]


def test_bad_cb_table_keeps_spec_table_with_error() -> None:
    spec = make_spec()
    out = apply_overrides(spec, FakeState(cbs=[{"index": 0, "name": "a"}, {"index": "x", "name": "b"}]))
    assert [c.name for c in out.cbs] == ["cb_in", "cb_out"]
    assert out.warnings[0].code == "bad-override" and out.warnings[0].severity is Severity.ERROR
    assert "row 2" in out.warnings[0].message
    assert not out.usable


def test_empty_cb_table_is_applied() -> None:
    out = apply_overrides(make_spec(), FakeState(cbs=[]))
    assert out.cbs == []


def test_with_a_real_session_state_round_trip(tmp_path: Path) -> None:
    spec = make_spec()
    state = SessionState.load(tmp_path)
    state.set_override("work.total_units", "N*C*Ht")
    state.set_override("work.row_wise", True)
    edited = [cb_to_dict(c) for c in spec.cbs]
    edited[0]["pages"] = "Wt"
    edited[0]["manual"] = ["pages"]
    state.cbs = edited
    state.save()
    out = apply_overrides(spec, SessionState.load(tmp_path))
    assert out.work.total_units == "N*C*Ht" and out.work.row_wise is True
    assert out.cbs[0].pages == "Wt" and out.cbs[0].source("pages").confidence is M
    assert out.cbs[0].raw == {"CB ID": "c_0"}
    assert not out.warnings


def test_real_spec_every_ui_key_applies(sample_spec: Path) -> None:
    from wizard.spec import parse_spec

    spec = parse_spec(sample_spec)
    keys: dict[str, object] = {"name": "renamed", "category": "misc", "planning_mode": "Derivative"}
    keys.update({f"work.{a}": "x" for a in ("unit", "unit_size", "per_core", "remainder", "grid")})
    keys.update({"work.total_units": "N*C*Ht", "work.strategy": "single_core", "work.row_wise": "false"})
    keys.update({f"output.{a}": "y" for a in ("shape", "padded_shape", "dtype", "layout", "memory_layout", "buffer_type")})
    for p in spec.parameters:
        keys.update({f"parameters.{p.name}.{a}": "1" for a in ("type", "valid_range", "default", "description")})
        keys[f"parameters.{p.name}.required"] = True
    for tensor, rows in spec.input_requirements.items():
        for i in range(len(rows)):
            keys[f"input_requirements.{tensor}.{i}.requirement"] = "z"
    before = len(spec.warnings)
    out = apply_overrides(spec, FakeState(keys, cbs=[cb_to_dict(c) for c in spec.cbs]))
    assert len(out.warnings) == before, [w.message for w in out.warnings[before:]]
    assert out.name == "renamed" and out.work.total_units == "N*C*Ht"
    assert len(out.cbs) == len(spec.cbs)
    for a, b in zip(out.cbs, spec.cbs, strict=True):
        assert cb_to_dict(a) == cb_to_dict(b)
