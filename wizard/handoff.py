"""The Stage 7 hand-off note (``stage7_handoff.md``), rendered from the same OpDesign as the code."""

from __future__ import annotations

from wizard.design import OpDesign
from wizard.model import Role

STUB_TEXT = {
    "passthrough_in": "passthrough input",
    "passthrough_out": "passthrough output",
    "once": "1 page, once",
    "untouched": "not used by stubs",
}


def render_handoff(design: OpDesign, *, spec_name: str = "", year: int | None = None) -> str:
    """Markdown describing CBs, page sizes/counts, formats, argument layouts and data flow exactly as generated."""
    from wizard.generate import render_template

    return render_template(
        "stage6/stage7_handoff.md.j2",
        design,
        year=year,
        spec_name=spec_name or f"{design.op_name}_spec.md",
        roles=Role,
        stub_text=STUB_TEXT,
    )
