"""Hand edits can be anything: mangled factories and kernels never crash the checks."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.checks import Context, run_checks
from wizard.checks.opmodel import exists_in
from wizard.model import Finding

OP = Path(__file__).resolve().parents[1] / "fixtures" / "checks_op"
FILES = {p.relative_to(OP).as_posix(): p.read_text() for p in OP.rglob("*.cpp")}
PATHS = sorted(FILES)
NOISE = st.text(alphabet=st.sampled_from(list("(){}[];,<>=+-*/\"'#\\ \nxcb_0123456789")), max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), st.data())
def test_mangled_sources_never_crash(path: str, data: st.DataObject) -> None:
    text = FILES[path]
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, min(len(text), a + 200)))
    op = data.draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
    if op == "delete":
        text = text[:a] + text[b:]
    elif op == "insert":
        text = text[:a] + data.draw(NOISE) + text[a:]
    elif op == "duplicate":
        text = text[:b] + text[a:b] + text[b:]
    else:
        text = text[:a]
    files = dict(FILES)
    files[path] = text
    findings = run_checks(files, Context(None, exists_in(files)))
    assert all(isinstance(f, Finding) and f.path is not None for f in findings)
