"""QA (helper L): revisiting an earlier stage after a later one was applied must not regress shared files.

Stage 5 writes the program factory ending in the kernel TT_THROW; Stage 6 completes it. After applying
Stages 4-6, opening Stage 5 (to tweak a CB) and pressing F5 proposed an *update* of the factory that
removed Stage 6's kernel creation (135 lines), approved by default.
"""

from __future__ import annotations



from screens.session import Session
from wizard.model import Plan
from wizard.workspace import DemoWorkspace


def test_stage5_after_stage6_keeps_the_stage6_factory(ws: DemoWorkspace) -> None:
    s = Session.open(spec_path=ws.spec_path, op_dir=ws.op_dir, cwd=ws.root)
    full = s.plan()
    changes = s.changes(full)
    s.apply(changes, {c.path for c in changes}, (4, 5, 6))
    factory = next(f for f in full.files if f.path.endswith("_program_factory.cpp"))

    p5 = s.plan((5, 5))
    files5 = [f for f in p5.files if f.stage == 5]
    assert any(f.path == factory.path for f in files5), "Stage 5 still owns the factory"
    assert next(f for f in files5 if f.path == factory.path).text == factory.text
    ch5 = s.changes(Plan(op_name=p5.op_name, op_rel_dir=p5.op_rel_dir, files=files5))
    assert all(c.action == "unchanged" for c in ch5), [(c.path, c.action) for c in ch5]
    assert [f.text for f in s.stage_files(5, formatted=False) if f.path == factory.path] == [
        f.text for f in s.plan((4, 6), formatted=False).files if f.path == factory.path
    ]


def test_stage5_alone_before_stage6_is_the_stage5_factory(ws: DemoWorkspace) -> None:
    s = Session.open(spec_path=ws.spec_path, op_dir=ws.op_dir, cwd=ws.root)
    f5 = next(f for f in s.plan((5, 5)).files if f.path.endswith("_program_factory.cpp"))
    f6 = next(f for f in s.plan().files if f.path.endswith("_program_factory.cpp"))
    assert f5.text != f6.text, "before Stage 6 is applied, Stage 5 proposes its own form"
