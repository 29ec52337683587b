"""QA (helper J): 3-way merge of a hand-edited file whose editor switched it to CRLF line endings.

Bug: the whole file became one conflict (every line differs by its '\\r'), burying a one-line hand edit in
hundreds of lines of markers. Line endings are the user's choice: merge the content, keep their endings."""

from __future__ import annotations

import pytest

from wizard.merge3 import merge3

BASE = "".join(f"line {i}\n" for i in range(1, 41))
GENERATED = BASE.replace("line 30\n", "line 30 (new generation)\n")
YOURS_LF = BASE.replace("line 5\n", "line 5 (hand edit)\n")
YOURS_CRLF = YOURS_LF.replace("\n", "\r\n")


@pytest.mark.parametrize("engine", ["python", "git"])
def test_crlf_hand_edit_merges_cleanly_and_keeps_crlf(engine: str) -> None:
    res = merge3(BASE, YOURS_CRLF, GENERATED, engine=engine)
    assert res.clean, res.text[:400]
    assert res.text == GENERATED.replace("line 5\n", "line 5 (hand edit)\n").replace("\n", "\r\n")


@pytest.mark.parametrize("engine", ["python", "git"])
def test_crlf_only_change_takes_the_new_generation_in_crlf(engine: str) -> None:
    res = merge3(BASE, BASE.replace("\n", "\r\n"), GENERATED, engine=engine)
    assert res.clean
    assert res.text == GENERATED.replace("\n", "\r\n")


@pytest.mark.parametrize("engine", ["python", "git"])
def test_crlf_conflict_is_small_and_keeps_user_text(engine: str) -> None:
    yours = BASE.replace("line 30\n", "line 30 (mine)\n").replace("\n", "\r\n")
    res = merge3(BASE, yours, GENERATED, engine=engine)
    assert len(res.conflicts) == 1
    assert "line 30 (mine)\r\n" in res.text and "line 30 (new generation)" in res.text
    assert res.text.count("\n") < 50  # one small conflict region, not the whole file twice
    assert "\r\n" in res.text and "\n" not in res.text.replace("\r\n", "")


def test_lf_files_unchanged_behaviour() -> None:
    res = merge3(BASE, YOURS_LF, GENERATED, engine="python")
    assert res.clean and "\r" not in res.text


def test_apply_on_crlf_file_end_to_end(demo_op, capsys) -> None:  # type: ignore[no-untyped-def]
    """A CRLF hand-edited factory: a CB page change merges in; a clash leaves CRLF markers that a later apply
    recognises as unresolved (never merged on top of)."""
    from wizard.cli import main
    from wizard.overrides import cb_to_dict
    from wizard.spec import parse_spec
    from wizard.state import SessionState

    op_dir, spec = demo_op
    factory = op_dir / "device" / "reduce_avg_w_rm_program_factory.cpp"
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    text = factory.read_bytes().decode()
    factory.write_bytes(("// my header\n" + text).replace("\n", "\r\n").encode())

    def set_pages(index: int, pages: str) -> None:
        st = SessionState.load(op_dir)
        rows = [cb_to_dict(c) for c in parse_spec(spec).cbs]
        for r in rows:
            if r["index"] == index:
                r["pages"], r["manual"] = pages, ["pages"]
        st.cbs = rows
        st.save()

    set_pages(1, "2*Wt")
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    merged = factory.read_bytes().decode()
    assert merged.startswith("// my header\r\n") and "cb_tilized_num_pages = 2 * Wt;\r\n" in merged
    assert "<<<<<<<" not in merged and merged.count("\n") == merged.count("\r\n")

    factory.write_bytes(merged.replace("cb_tilized_num_pages = 2 * Wt;", "cb_tilized_num_pages = 7 * Wt;").encode())
    set_pages(1, "3*Wt")
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 1
    first = factory.read_bytes().decode()
    assert first.count("<<<<<<<") == 1 and "7 * Wt" in first
    capsys.readouterr()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 1
    assert factory.read_bytes().decode() == first  # no markers nested inside markers
    assert "unresolved" in capsys.readouterr().out


@pytest.mark.parametrize("engine", ["python", "git"])
def test_non_utf8_bytes_in_the_user_file_survive_a_merge(engine: str) -> None:
    # bug: a Latin-1 byte in a hand-edited file (read with surrogateescape) crashed the git merge with
    # UnicodeEncodeError; the byte must come back out unchanged
    yours = ("// caf" + b"\xe9".decode("utf-8", "surrogateescape") + " note\n") + BASE
    res = merge3(BASE, yours, GENERATED, engine=engine)
    assert res.clean
    assert res.text.encode("utf-8", "surrogateescape").startswith(b"// caf\xe9 note\n")
    assert "line 30 (new generation)" in res.text


def test_apply_on_a_latin1_file_end_to_end(demo_op, capsys) -> None:  # type: ignore[no-untyped-def]
    from wizard.cli import main
    from wizard.overrides import cb_to_dict
    from wizard.spec import parse_spec
    from wizard.state import SessionState

    op_dir, spec = demo_op
    factory = op_dir / "device" / "reduce_avg_w_rm_program_factory.cpp"
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    factory.write_bytes(b"// caf\xe9 note by user\n" + factory.read_bytes())
    st = SessionState.load(op_dir)
    rows = [cb_to_dict(c) for c in parse_spec(spec).cbs]
    rows[1]["pages"] = "2*Wt"
    st.cbs = rows
    st.save()
    for extra in (["--dry-run"], ["--yes"]):
        assert main(["apply", str(spec), "--op-dir", str(op_dir), *extra]) == 0
    data = factory.read_bytes()
    assert data.startswith(b"// caf\xe9 note by user\n") and b"cb_tilized_num_pages = 2 * Wt;" in data
