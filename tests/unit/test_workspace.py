"""wizard.workspace: checkout root, op directory from a spec, op listing, demo workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard import resources
from wizard.errors import WizardError
from wizard.workspace import (
    OPS_REL,
    create_demo_workspace,
    find_checkout_root,
    list_ops,
    normalise_category,
    op_dir_for_spec,
    relative_to_workspace,
)


def _checkout(tmp: Path, marker: str = "build_metal.sh") -> Path:
    root = tmp / "tt-metal"
    root.mkdir()
    if marker == "build_metal.sh":
        (root / "build_metal.sh").write_text("#!/bin/sh\n")
    else:
        (root / "ttnn").mkdir()
        (root / "tt_metal").mkdir()
    return root


@pytest.mark.parametrize("marker", ["build_metal.sh", "dirs"])
def test_find_checkout_root_walks_up(tmp_path: Path, marker: str) -> None:
    root = _checkout(tmp_path, marker)
    deep = root / OPS_REL / "reduction" / "foo"
    deep.mkdir(parents=True)
    assert find_checkout_root(deep) == root.resolve()
    spec = deep / "foo_spec.md"
    spec.write_text("# foo\n")
    assert find_checkout_root(spec) == root.resolve()


def test_find_checkout_root_none_outside(tmp_path: Path) -> None:
    (tmp_path / "ttnn").mkdir()  # ttnn/ alone is not a checkout
    assert find_checkout_root(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("reduction (fused format conversion + reduction)", "reduction"),
        ("data_movement (template for compute operations)", "data_movement"),
        ("`pool` (spatial)", "pool"),
        ("Normalization", "normalization"),
        ("", ""),
        ("(none)", ""),
    ],
)
def test_normalise_category(text: str, want: str) -> None:
    assert normalise_category(text) == want


def test_op_dir_spec_already_in_op_dir(tmp_path: Path) -> None:
    op = tmp_path / "foo"
    op.mkdir()
    spec = op / "foo_spec.md"
    spec.write_text("x")
    assert op_dir_for_spec(spec, "foo", "whatever") == op.resolve()


def test_op_dir_from_category_in_checkout(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    (root / "specs").mkdir()
    spec = root / "specs" / "foo_spec.md"
    spec.write_text("x")
    got = op_dir_for_spec(spec, "foo", "reduction (fused)")
    assert got == root.resolve() / OPS_REL / "reduction" / "foo"


def test_op_dir_outside_checkout_is_beside_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "foo_spec.md"
    spec.write_text("x")
    assert op_dir_for_spec(spec, "foo", "reduction") == tmp_path.resolve() / "foo"


@pytest.mark.parametrize("name", ["", "../evil", "a/b", "x y"])
def test_op_dir_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    spec = tmp_path / "s_spec.md"
    spec.write_text("x")
    with pytest.raises(WizardError):
        op_dir_for_spec(spec, name, "reduction")


def test_op_dir_without_category_in_checkout_says_so(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    spec = root / "foo_spec.md"
    spec.write_text("x")
    with pytest.raises(WizardError, match="category"):
        op_dir_for_spec(spec, "foo", "")


def test_list_ops_finds_specs_and_sessions(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    ops = root / OPS_REL
    (ops / "reduction" / "a").mkdir(parents=True)
    (ops / "reduction" / "a" / "a_spec.md").write_text("x")
    (ops / "pool" / "b" / ".ttnn-wizard").mkdir(parents=True)
    (ops / "pool" / "b" / ".ttnn-wizard" / "state.toml").write_text("")
    (ops / "pool" / "c").mkdir(parents=True)  # neither: not listed
    (ops / "reduction" / "a" / "build").mkdir()
    (ops / "reduction" / "a" / "build" / "junk_spec.md").write_text("x")  # build trees are skipped
    entries = list_ops(root)
    assert [(e.category, e.name, e.has_state) for e in entries] == [("pool", "b", True), ("reduction", "a", False)]
    assert entries[0].spec_path is None
    assert entries[1].spec_path == ops / "reduction" / "a" / "a_spec.md"


def test_list_ops_empty_when_not_a_checkout(tmp_path: Path) -> None:
    assert list_ops(tmp_path) == []


def test_create_demo_workspace_copies_fixture(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "demo")
    assert ws.root == (tmp_path / "demo").resolve()
    assert find_checkout_root(ws.op_dir) == ws.root
    assert ws.op_dir == ws.root / OPS_REL / "reduction" / "reduce_avg_w_rm"
    assert ws.spec_path.is_file() and ws.spec_path.parent == ws.op_dir
    # a real copy: editing the workspace leaves the bundled fixture untouched
    ws.spec_path.write_text("changed")
    assert (resources.demo_dir() / ws.spec_path.relative_to(ws.root)).read_text() != "changed"


def test_create_demo_workspace_fresh_temp_dirs_differ() -> None:
    a, b = create_demo_workspace(), create_demo_workspace()
    try:
        assert a.root != b.root and a.root.is_dir() and b.root.is_dir()
    finally:
        import shutil

        shutil.rmtree(a.root)
        shutil.rmtree(b.root)


def test_create_demo_workspace_refuses_non_empty_dir(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(WizardError, match="empty"):
        create_demo_workspace(tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_create_demo_workspace_other_sample_spec(tmp_path: Path) -> None:
    ws = create_demo_workspace(tmp_path / "d", spec="image_rotate")
    assert ws.spec_path == ws.root / "specs" / "image_rotate_spec.md"
    assert ws.op_dir == ws.root / OPS_REL / "pool" / "image_rotate"


def test_create_demo_workspace_unknown_spec(tmp_path: Path) -> None:
    with pytest.raises(WizardError, match="bundled"):
        create_demo_workspace(tmp_path / "d", spec="nope")


def test_relative_to_workspace(tmp_path: Path) -> None:
    assert relative_to_workspace(tmp_path / "a" / "b.md", tmp_path) == "a/b.md"
    assert relative_to_workspace("/elsewhere/x", tmp_path) == "/elsewhere/x"
    assert relative_to_workspace("/elsewhere/x", None) == "/elsewhere/x"


def test_demo_workspace_reopens_where_it_was(tmp_path) -> None:
    from wizard.workspace import create_demo_workspace

    first = create_demo_workspace(tmp_path / "ws")
    assert not first.resumed
    edited = first.op_dir / "note.txt"
    edited.write_text("mine")
    again = create_demo_workspace(tmp_path / "ws")
    assert again.resumed and again.op_dir == first.op_dir and again.spec_path == first.spec_path
    assert edited.read_text() == "mine"  # nothing copied over the user's work


def test_demo_refuses_a_non_demo_folder(tmp_path) -> None:
    import pytest

    from wizard.errors import WizardError
    from wizard.workspace import create_demo_workspace

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "x.txt").write_text("x")
    with pytest.raises(WizardError, match="new or empty directory"):
        create_demo_workspace(tmp_path / "mine")
