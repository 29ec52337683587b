"""3-way merge: git merge-file and the pure-Python diff3 fallback behave the same."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.merge3 import conflict_lines, merge3, merge3_py

ENGINES = ["python", pytest.param("git", marks=pytest.mark.skipif(shutil.which("git") is None, reason="git not on PATH"))]
BASE = "".join(f"line {i}\n" for i in range(1, 11))


def edit(text: str, lineno: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[lineno - 1] = new + "\n"
    return "".join(lines)


@pytest.mark.parametrize("engine", ENGINES)
def test_disjoint_edits_merge_cleanly(engine: str) -> None:
    yours = edit(BASE, 2, "line 2 // my comment")
    generated = edit(BASE, 8, "line 8 changed by the generator")
    res = merge3(BASE, yours, generated, engine=engine)
    assert res.clean
    assert "line 2 // my comment\n" in res.text and "line 8 changed by the generator\n" in res.text
    assert res.text.count("\n") == 10


@pytest.mark.parametrize("engine", ENGINES)
def test_same_line_edits_conflict_with_markers_and_user_text(engine: str) -> None:
    yours = edit(BASE, 5, "line 5 mine")
    generated = edit(BASE, 5, "line 5 theirs")
    res = merge3(BASE, yours, generated, engine=engine)
    assert not res.clean
    lines = res.text.splitlines()
    start = lines.index("<<<<<<< yours")
    assert res.conflicts == [start + 1]
    assert lines[start : start + 7] == [
        "<<<<<<< yours", "line 5 mine", "||||||| base", "line 5", "=======", "line 5 theirs", ">>>>>>> generated",
    ]
    assert lines[:start] == [f"line {i}" for i in range(1, 5)]


@pytest.mark.parametrize("engine", ENGINES)
def test_identical_edits_and_insertions(engine: str) -> None:
    same = edit(BASE, 3, "line 3 both")
    assert merge3(BASE, same, same, engine=engine).text == same
    yours = BASE.replace("line 1\n", "line 1\n// inserted by me\n")
    generated = BASE.replace("line 10\n", "line 10\nline 11\n")
    res = merge3(BASE, yours, generated, engine=engine)
    assert res.clean and "// inserted by me\n" in res.text and res.text.endswith("line 11\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_deletion_vs_edit_elsewhere(engine: str) -> None:
    yours = BASE.replace("line 4\n", "")
    generated = edit(BASE, 9, "line 9 new")
    res = merge3(BASE, yours, generated, engine=engine)
    assert res.clean and "line 4\n" not in res.text and "line 9 new\n" in res.text


def test_trivial_cases_need_no_engine() -> None:
    other = edit(BASE, 1, "x")
    assert merge3(BASE, BASE, other).text == other  # user did not edit
    assert merge3(BASE, other, BASE).text == other  # generator did not change
    assert merge3(BASE, other, other).engine == "trivial"


def test_conflict_lines() -> None:
    assert conflict_lines("a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> generated\n") == [2]
    assert conflict_lines("no markers\n<<<< not one\n") == []


lines_st = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=6, max_size=20)


@settings(max_examples=60, deadline=None)
@given(lines_st, st.data())
def test_python_diff3_properties(base_lines: list[str], data: st.DataObject) -> None:
    """Edits in separate halves (with an untouched line between) always merge cleanly and keep both."""
    base_lines = [f"{x}{i}" for i, x in enumerate(base_lines)]  # unique lines: matching is unambiguous
    n = len(base_lines)
    mid = n // 2
    i = data.draw(st.integers(0, mid - 2))
    j = data.draw(st.integers(mid + 1, n - 1))
    yours = list(base_lines)
    yours[i] = "MINE"
    gen = list(base_lines)
    gen[j] = "GENERATED"
    b, y, g = ("\n".join(x) + "\n" for x in (base_lines, yours, gen))
    res = merge3_py(b, y, g)
    assert res.clean
    out = res.text.splitlines()
    assert out[i] == "MINE" and out[j] == "GENERATED" and len(out) == n
    if shutil.which("git"):
        assert merge3(b, y, g, engine="git").text == res.text


edit_ops = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.integers(0, 30), st.sampled_from(["X", "Y", "Z"])), max_size=5)


def apply_edits(lines: list[str], edits: list[tuple[str, int, str]], tag: str) -> list[str]:
    out = list(lines)
    for n, (op, pos, word) in enumerate(edits):
        k = pos % (len(out) + 1)
        if op == "insert" or not out:
            out.insert(k, f"{tag}{word}{n}")
        elif op == "replace":
            out[min(k, len(out) - 1)] = f"{tag}{word}{n}"
        else:
            del out[min(k, len(out) - 1)]
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=15), edit_ops, edit_ops)
def test_nothing_the_user_wrote_is_lost(base_lines: list[str], mine: list, theirs: list) -> None:  # type: ignore[type-arg]
    """Every line the user added survives the merge, cleanly or inside a conflict block."""
    base_lines = [f"{x}{i}" for i, x in enumerate(base_lines)]
    yours = apply_edits(base_lines, mine, "user-")
    gen = apply_edits(base_lines, theirs, "gen-")
    b, y, g = ("".join(f"{x}\n" for x in lines) for lines in (base_lines, yours, gen))
    for engine in ["python"] + (["git"] if shutil.which("git") else []):
        res = merge3(b, y, g, engine=engine)
        out = res.text.splitlines()
        for line in yours:
            if line.startswith("user-"):
                assert line in out, (engine, line, res.text)
        if res.clean:
            assert not any(line.startswith(("<<<<<<<", ">>>>>>>")) for line in out)
