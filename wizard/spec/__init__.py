"""The spec engine: a planner ``{op}_spec.md`` -> ``OpSpec`` with source lines, confidences and warnings.

``parse_spec(path)`` refuses what is not a text spec (missing, a directory, binary, not UTF-8, empty) with a
``WizardError``; ``parse_spec_text`` never raises on content: anything missing or odd becomes a
``SpecWarning`` tied to a line, and ``OpSpec.usable`` says whether generation can go ahead.
"""

from __future__ import annotations

import re
from pathlib import Path

from wizard.errors import WizardError
from wizard.model import OpSpec, Section, Severity, SpecWarning

__all__ = ["parse_spec", "parse_spec_text", "sample_shape", "warning_lines", "MAX_SPEC_BYTES", "SpecWarning"]

MAX_SPEC_BYTES = 4 * 1024 * 1024  # real specs are 20-30 kB; a multi-MB "spec" is a wrong file


def parse_spec(path: str | Path) -> OpSpec:
    """Read and parse a spec file; WizardError (naming the file) for anything that is not a markdown text."""
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise WizardError("no such file", path=shown)
    if p.is_dir():
        raise WizardError("is a directory, not a spec file (give the {op}_spec.md inside it)", path=shown)
    if not p.is_file():  # a FIFO or a device (/dev/zero) would block or never end
        raise WizardError("not a regular file", path=shown)
    try:
        size = p.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise WizardError(f"file is {size:,} bytes; a spec is markdown text of at most {MAX_SPEC_BYTES:,} bytes",
                              path=shown)
        data = p.read_bytes()
    except OSError as exc:
        raise WizardError(f"cannot read: {exc.strerror or exc}", path=shown) from None
    if not data.strip():
        raise WizardError("empty file: a spec needs at least an Overview and a circular buffer table", path=shown)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise WizardError(f"binary file (NUL byte at offset {nul}), not a markdown spec", path=shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WizardError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the spec as UTF-8",
            path=shown,
        ) from None
    return parse_spec_text(text, p)


def parse_spec_text(text: str, path: Path | None = None) -> OpSpec:
    """Parse spec text. Never raises on content: problems become warnings (ERROR ones make it unusable)."""
    spec = OpSpec(path=path)

    def warn(code: str, message: str, line: int | None = None, severity: Severity = Severity.WARNING) -> None:
        spec.warnings.append(SpecWarning(code=code, message=message, line=line, severity=severity))

    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        warn("empty", "the spec is empty", None, Severity.ERROR)
        warn("missing-name", "no operation name", None, Severity.ERROR)
        warn("no-cb-table", "no circular buffer table", None, Severity.ERROR)
        return spec
    try:
        _extract(text, spec, warn, path)
    except RecursionError:
        warn("too-deep", "the markdown nests too deeply to read (lists or quotes hundreds of levels deep)", None,
             Severity.ERROR)
    except Exception as exc:  # a parser bug must not cost the user a traceback; the fuzz test keeps this empty
        warn("internal-error", f"the spec parser failed ({type(exc).__name__}: {exc}); please report this spec",
             None, Severity.ERROR)
    spec.warnings.sort(key=lambda w: (w.line is None, w.line or 0))
    return spec


def _extract(text: str, spec: OpSpec, warn, path: Path | None) -> None:
    # Imported here so ``import wizard.spec`` (e.g. for WizardError paths in the CLI) stays cheap.
    from wizard.spec.api import extract_api
    from wizard.spec.cbs import extract_cbs, select_cb_tables
    from wizard.spec.checks import check_cbs, check_sections, check_symbols
    from wizard.spec.kernels import extract_kernels
    from wizard.spec.layout import extract_dim_order
    from wizard.spec.markdown import parse_markdown
    from wizard.spec.notes import extract_notes
    from wizard.spec.overview import extract_overview
    from wizard.spec.work import extract_work

    doc = parse_markdown(text)
    spec.sections = [Section(h.title, h.level, h.line, min(h.end_line, len(doc.lines))) for h in doc.headings]
    extract_overview(doc, spec, warn, path)
    extract_api(doc, spec, warn)
    extract_dim_order(spec)
    extract_kernels(doc, spec)
    spec.cbs = extract_cbs(doc, warn)
    extract_notes(doc, spec)  # before the work split: its batch check reads the spec's symbol definitions
    extract_work(doc, spec, warn)
    check_sections(doc, spec, warn)
    cb_tables = select_cb_tables(doc)
    check_cbs(spec, warn, has_tables=bool(cb_tables), table_line=cb_tables[0].line if cb_tables else None)
    check_symbols(spec, warn)


_SHAPE_RE = re.compile(r"[\[(]\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*[\])]")


def spec_sample_shape(spec: OpSpec) -> tuple[tuple[int, ...], str] | None:
    """The sample shape the spec itself suggests, with where it came from: the first 4-D shape in its test
    criteria, else for an NHWC input a 32x32 image with 64 channels; None when it suggests none."""
    for title, items in spec.test_criteria.items():
        for item in items:
            m = _SHAPE_RE.search(item)
            if m:
                dims = tuple(int(g) for g in m.groups())
                if all(d > 0 for d in dims):
                    return dims, f"from the spec's test criteria ({title})"
    if spec.dim_order == "NHWC":  # not a 1-pixel-high image
        return (1, 32, 32, 64), "default (N,H,W,C): the spec's test criteria list no 4-D shape"
    return None


def sample_shape(spec: OpSpec) -> tuple[tuple[int, ...], str]:
    """The sample input shape for budgets and splits: the spec's (``spec_sample_shape``), else (1,1,32,64).

    Returns the shape and a phrase saying where it came from."""
    return spec_sample_shape(spec) or ((1, 1, 32, 64), "default: the spec's test criteria list no 4-D shape")


def warning_lines(spec: OpSpec) -> list[str]:
    """``path:line: severity: message [code]`` for each warning."""
    return [w.render(spec.path) for w in spec.warnings]

