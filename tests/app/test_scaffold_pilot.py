"""Pilot: start from a spec alone (no scaffolding; a fixture checkout, and `ttnn-wizard demo`'s workspace with an
unscaffolded sample spec) and reach Stage 6 files through the app.

Stages 1-3 are in the stepper; Stage 1's review lists the build-integration edits of the checkout files beside the
op's files; applying 1, 2, 3 and then 4-6 (from the Spec step) leaves a complete op that passes the checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from textual.widgets import Input, Static

from screens.app import WizardApp
from screens.review import ReviewScreen
from screens.scaffold_form import ScaffoldForm
from screens.stepper import Stepper

ROOT = Path(__file__).resolve().parents[2]
SIZE = (120, 40)
OPS = "ttnn/cpp/ttnn/operations"


def spec_only_checkout(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "tests" / "fixtures" / "checkouts" / "target_sources_category", root)
    op_dir = root / OPS / "reduction" / "reduce_avg_w_rm"
    op_dir.mkdir(parents=True)
    spec = op_dir / "reduce_avg_w_rm_spec.md"
    shutil.copy(ROOT / "tests" / "fixtures" / "specs" / "reduce_avg_w_rm_spec.md", spec)
    return root, op_dir, spec


async def review_and_apply_all(app: WizardApp, pilot) -> list:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen), "the review did not open"
    changes = list(app.screen.changes)
    await pilot.press("A")
    await pilot.press("ctrl+s")
    assert await app.wait_idle()
    await pilot.pause()
    assert not isinstance(app.screen, ReviewScreen)
    return changes


def demo_unscaffolded(tmp_path: Path) -> tuple[Path, Path, Path]:
    """`ttnn-wizard demo`'s workspace with a sample spec that is not scaffolded there (it goes to specs/)."""
    from wizard.workspace import create_demo_workspace

    ws = create_demo_workspace(tmp_path / "ws", spec="standardize_w_rm")
    assert not (ws.op_dir / "standardize_w_rm.hpp").exists()
    return ws.root, ws.op_dir, ws.spec_path


@pytest.mark.parametrize(("make", "op"), [(spec_only_checkout, "reduce_avg_w_rm"), (demo_unscaffolded, "standardize_w_rm")])
async def test_spec_only_to_stage6(tmp_path: Path, make, op: str) -> None:  # type: ignore[no-untyped-def]
    root, op_dir, spec = make(tmp_path)
    app = WizardApp(spec_path=spec, op_dir=op_dir, root=root, cwd=root)
    async with app.run_test(size=SIZE) as pilot:
        assert await app.wait_idle()
        await pilot.pause()
        await pilot.pause()
        assert app.session is not None, app.load_error
        keys = [s.key for s in app.query_one(Stepper).steps]
        assert keys[:4] == ["spec", "stage1", "stage2", "stage3"], keys

        # Stage 1: the op's API files and the checkout's build files, in one review.
        app.goto("stage1")
        await pilot.pause()
        changes = await review_and_apply_all(app, pilot)
        repo = {c.path for c in changes if c.root == "repo"}
        assert repo == {"ttnn/CMakeLists.txt", f"{OPS}/reduction/CMakeLists.txt", f"{OPS}/reduction/reduction_nanobind.cpp"}
        assert (op_dir / f"{op}_nanobind.cpp").is_file()
        assert f"{op}/{op}.cpp" in (root / OPS / "reduction" / "CMakeLists.txt").read_text()
        assert app.session.state.stage_status(1).name == "GENERATED"

        # Stage 2's form: a requirement's message edited in place becomes the TT_FATAL text (a manual override).
        app.goto("stage2")
        await pilot.pause()
        form = app.query_one("#scaffold-form-2", ScaffoldForm)
        await form.load()
        await pilot.pause()
        box = next(w for w in form.query(Input) if w.name and w.name.endswith(".hint"))
        key = box.name
        box.value = "rank must be four (edited in the form)"
        await form._commit(box)
        await pilot.pause()
        assert app.session.state.overrides[key] == "rank must be four (edited in the form)"
        dev = next(f for f in app.session.stage_files(2) if f.path.endswith("_device_operation.cpp"))
        assert "rank must be four (edited in the form)" in dev.text
        assert "rank must be four (edited in the form)" in str(form.query_one("#sf-derived-2", Static).render())

        for stage in (2, 3):
            app.goto(f"stage{stage}")
            await pilot.pause()
            await review_and_apply_all(app, pilot)
            assert app.session.state.stage_status(stage).name == "GENERATED"
        assert (op_dir / "device" / f"{op}_program_factory.cpp").is_file()
        assert "rank must be four (edited in the form)" in (op_dir / "device" / f"{op}_device_operation.cpp").read_text()

        # Stages 4-6 from the Spec step: the factory is updated, the kernels appear.
        app.goto("spec")
        await pilot.pause()
        changes = await review_and_apply_all(app, pilot)
        actions = {c.path: c.action for c in changes}
        assert actions[f"device/{op}_device_operation.cpp"] == "unchanged"  # Stage 2 already wrote it
        assert actions[f"device/{op}_program_factory.cpp"] == "update"
        for rel in (f"device/kernels/dataflow/reader_{op}.cpp", f"device/kernels/compute/{op}_compute.cpp",
                    "test_dev/test_stage6_kernel_compilation.py"):
            assert (op_dir / rel).is_file(), rel
        for n in (4, 5, 6):
            assert app.session.state.stage_status(n).name == "GENERATED"
        assert app.is_running

    # Stage 1 again changes nothing in the checkout (idempotent integration).
    from wizard.checks import check_op_dir

    assert [f.render() for f in check_op_dir(op_dir) if f.check == "scaffold"] == []
    text = (root / "ttnn" / "CMakeLists.txt").read_text()
    assert text.count(f"{op}_nanobind.cpp") == 1


async def test_unrecognised_build_layout_is_explained(tmp_path: Path) -> None:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "tests" / "fixtures" / "checkouts" / "unrecognised", root)
    op_dir = root / OPS / "reduction" / "reduce_avg_w_rm"
    op_dir.mkdir(parents=True)
    spec = op_dir / "reduce_avg_w_rm_spec.md"
    shutil.copy(ROOT / "tests" / "fixtures" / "specs" / "reduce_avg_w_rm_spec.md", spec)
    app = WizardApp(spec_path=spec, op_dir=op_dir, root=root, cwd=root)
    async with app.run_test(size=SIZE) as pilot:
        assert await app.wait_idle()
        await pilot.pause()
        app.goto("stage1")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert all(c.root == "op" for c in app.screen.changes)  # no half edit of the build files
        assert app.session.integration_steps()[0].startswith("build integration NOT done automatically")
        notes = [n.message for n in app._notifications]
        assert any("no list of the category's sources found" in m for m in notes), notes
