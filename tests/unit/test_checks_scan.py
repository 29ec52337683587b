"""cpp_scan (masking, calls, loops, declarations) and poly (symbolic counts)."""

from __future__ import annotations

from wizard.checks import cpp_scan as cs
from wizard.checks.poly import Env, Poly, parse_poly, try_poly


def test_mask_keeps_offsets_and_lines() -> None:
    text = 'int a; // cb_pop_front(cb, 1)\n/* cb_push_back(x, 2)\n */ f("cb_wait_front(y, 3)");\n'
    m = cs.mask(text)
    assert len(m) == len(text) and m.count("\n") == text.count("\n")
    assert "cb_pop_front" not in m and "cb_push_back" not in m and "cb_wait_front" not in m
    assert 'f("' in m
    kept = cs.mask(text, strings=False)
    assert "cb_wait_front(y, 3)" in kept and "cb_pop_front" not in kept


def test_find_calls_balanced_args_and_lines() -> None:
    text = "void k() {\n  cb_reserve_back(cb_in, f(a, b) * 2);\n  tt::tt_metal::CreateKernel(program, \"a/b.cpp\", cores, Cfg({x, y}));\n}\n"
    masked = cs.mask(text)
    [c] = cs.find_calls(text, masked, "cb_reserve_back")
    assert c.args == ["cb_in", "f(a, b) * 2"] and c.line == 2
    [k] = cs.find_calls(text, masked, "CreateKernel")
    assert k.qualified == "tt::tt_metal::CreateKernel" and k.line == 3
    assert cs.string_literal(k.args[1]) == "a/b.cpp" and k.args[3] == "Cfg({x, y})"


def test_split_top_ignores_trailing_comma_and_nesting() -> None:
    assert cs.split_top("a, f(b, c), {d, e}, std::map<int, int>{},") == ["a", "f(b, c)", "{d, e}", "std::map<int, int>{}"]


def test_loop_counts() -> None:
    assert cs.loop_count("uint32_t i = 0; i < n; ++i")[1] == "n"
    assert cs.loop_count("uint32_t i = 0; i < n; i++")[1] == "n"
    assert cs.loop_count("uint32_t i = 2; i <= n; ++i")[1] == "(n) - (2) + 1"
    assert cs.loop_count("uint32_t i = 0; n > i; ++i")[1] == "n"
    var, count, why = cs.loop_count("uint32_t i = 0; i < n; i += 2")
    assert count is None and "step" in why


def test_control_blocks_nesting_and_kinds() -> None:
    text = "void k() {\n for (uint32_t r = 0; r < R; ++r) {\n  for (uint32_t t = 0; t < Wt; ++t)\n   cb_push_back(cb, 1);\n }\n while (x) { cb_pop_front(cb, 1); }\n if (a) { g(); } else { h(); }\n}\n"
    masked = cs.mask(text)
    blocks = cs.control_blocks(masked)
    push = masked.index("cb_push_back")
    enc = cs.enclosing(blocks, push)
    assert [b.count for b in enc] == ["R", "Wt"]
    pop = masked.index("cb_pop_front")
    [w] = cs.enclosing(blocks, pop)
    assert w.kind == "while" and w.count is None and "while" in w.why_unknown
    kinds = [b.kind for b in blocks]
    assert "if" in kinds and "else" in kinds


def test_declarations() -> None:
    text = "void f() {\n  const uint32_t n = get_arg_val<uint32_t>(1);\n  constexpr auto args = TensorAccessorArgs<2>();\n  uint32_t id = 0;\n  id = 5;\n  [[maybe_unused]] uint32_t z{3};\n}\n"
    d = cs.declarations(text, cs.mask(text))
    assert d["n"][0].init == "get_arg_val<uint32_t>(1)" and d["n"][0].line == 2
    assert d["args"][0].type == "auto"
    assert d["id"][0].assignments == [("5", 5)]
    assert d["z"][0].maybe_unused and d["z"][0].init == "3"


def test_poly_normal_forms() -> None:
    assert parse_poly("2 * Wt * n") == parse_poly("n * (Wt + Wt)")
    assert parse_poly("a * (b + 1) - a") == parse_poly("a * b")
    assert parse_poly("(uint32_t)4 / 2").value == 2
    assert parse_poly("static_cast<uint32_t>(Wt)") == Poly.sym("Wt")
    assert parse_poly("2 * Wt / 2") == Poly.sym("Wt")
    opaque = parse_poly("W / 32")
    assert opaque.symbols == {"[W/32]"} and opaque == parse_poly("W / 32")
    assert str(parse_poly("Wt * n - n")) in ("Wt*n - n", "n*Wt - n")
    assert try_poly("a ? b : c").symbols == {"[a?b:c]"}


def test_env_resolution_is_recursive_and_cycle_safe() -> None:
    env = Env({"n": "rows * Wt", "rows": "NC * Ht", "x": "y", "y": "x"})
    assert env.poly("n") == parse_poly("NC * Ht * Wt")
    assert env.poly("x") in (Poly.sym("x"), Poly.sym("y"))
