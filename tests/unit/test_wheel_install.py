"""``pip install`` of the built wheel gives a working ``ttnn-wizard`` whose data lives inside the package.

No network: the wheel is built without isolation (hatchling from the test venv), the temp venv is created
without pip and sees the test venv's site-packages (dependencies, pip) through a ``.pth`` file. That path
line does not process the test venv's own ``.pth`` files, so the editable source install stays invisible.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    pytest.importorskip("hatchling", reason="hatchling builds the wheel (it is in the test extra)")
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_NO_INDEX"] = "1"  # never the network
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    wheels = tmp / "dist"
    r = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO)],
             tmp, env)
    assert r.returncode == 0, r.stdout + r.stderr
    wheel = next(wheels.glob("ttnn_wizard-*.whl"))

    venv = tmp / "venv"
    r = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    probe = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run([str(py), "-c", probe], tmp, env).stdout.strip())
    (site / "_outer_site.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    r = _run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], tmp, env)
    assert r.returncode == 0, r.stdout + r.stderr
    return venv, wheel, env


def test_wheel_carries_the_data(installed: tuple[Path, Path, dict[str, str]]) -> None:
    _, wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    for prefix in ("wizard/_data/templates/", "wizard/_data/profiles/", "wizard/_data/specs/", "wizard/_data/demo/"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert "wizard/_data/profiles/wormhole_n150.toml" in names
    assert "wizard/_data/specs/reduce_avg_w_rm_spec.md" in names
    assert "wizard/spec/__init__.py" in names and "wizard/commands/extract.py" in names


def test_installed_cli_runs_from_the_package(installed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    venv, _, env = installed
    exe = venv / "bin" / "ttnn-wizard"
    r = _run([str(exe), "--version"], tmp_path, env, 60)
    assert r.returncode == 0 and r.stdout.startswith("ttnn-wizard "), r.stderr

    probe = (
        "import wizard, wizard.resources as r\n"
        "print(wizard.__file__)\n"
        "print(r.templates_dir()); print(r.profiles_dir()); print(r.sample_specs_dir())\n"
    )
    r = _run([str(venv / "bin" / "python"), "-c", probe], tmp_path, env, 60)
    assert r.returncode == 0, r.stderr
    pkg_file, templates, profiles, specs = (Path(x) for x in r.stdout.split())
    assert venv in pkg_file.parents, f"wizard imported from {pkg_file}, not the installed wheel"
    for d in (templates, profiles, specs):
        assert venv in d.parents and "_data" in d.parts and REPO not in d.parents, d

    spec = specs / "reduce_avg_w_rm_spec.md"
    r = _run([str(exe), "extract", str(spec)], tmp_path, env, 60)
    assert r.returncode == 0, r.stderr
    assert "reduce_avg_w_rm" in r.stdout and "Circular buffers (5)" in r.stdout
    assert "L1 budget per core (wormhole_n150" in r.stdout  # the profile came from wizard/_data/profiles
    r = _run([str(exe), "extract", str(spec), "--json", "--profile", "blackhole_p150"], tmp_path, env, 60)
    assert r.returncode == 0 and '"blackhole_p150"' in r.stdout, r.stderr
