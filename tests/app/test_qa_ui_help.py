"""QA (helper L): the help screen covers every step the stepper shows (Stages 1-3 too) and the Tests keys."""

from __future__ import annotations

from screens.help import STEPS


def test_help_guide_names_every_step_and_the_tests_keys() -> None:
    steps = dict(STEPS)
    for step in ("Spec", "Stage 1-3", "Stage 4", "Stage 5", "Stage 6", "Tests"):
        assert step in steps, step
    assert "compile check (c)" in steps["Tests"] and "tests (r" in steps["Tests"] and "--host" in steps["Tests"]
