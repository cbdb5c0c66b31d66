"""The package as a user gets it: built, checked, installed from its wheel alone into a fresh Airflow.

Once per ``make test``, on Airflow 3 (``.venv``; skipped on the 2.11 run): ``uv build`` makes the sdist and
the wheel from it; ``twine check --strict`` reads both as PyPI would; the wheel goes into a new venv with
Airflow from ``constraints/airflow-3.txt`` and no extras (uv's cache keeps that to seconds). Then, in that
venv, with the checkout out of reach: Airflow lists the provider, a DAG file's import of the send operator
adds nothing heavy to what Airflow itself loads, and ``ileti-sandbox`` (the ``[sandbox]`` extra is not
installed) names the extra in one line instead of a traceback, and so does the sandbox's pytest fixture
while the user's own pytest keeps running.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest

import airflow_provider_ileti
from tests.unit.test_extras import SANDBOX_LINE
from tests.unit.test_imports import AIRFLOW_BASELINE, HEAVY

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "constraints" / "airflow-3.txt"
UV = Path(sys.executable).parent / "uv"


def _airflow_major() -> int:
    from importlib.metadata import version

    return int(version("apache-airflow").split(".")[0])


pytestmark = [
    pytest.mark.release,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        _airflow_major() < 3, reason="the wheel is checked once, on Airflow 3 (constraints/airflow-3.txt)"
    ),
]


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )
    assert done.returncode == 0, (
        f"{args}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


class Built:
    def __init__(self, root: Path) -> None:
        self.dist = root / "dist"
        self.venv = root / "venv"
        self.home = root / "airflow-home"
        self.elsewhere = root / "elsewhere"  # the working directory: the checkout is not importable from it

    @property
    def wheel(self) -> Path:
        return next(self.dist.glob("*.whl"))

    @property
    def sdist(self) -> Path:
        return next(self.dist.glob("*.tar.gz"))

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PYTHON", "VIRTUAL_ENV"))}
        keep.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            PATH=f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        return keep

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=self.elsewhere,
            timeout=300,
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build once, install once (the slow part), for every check below."""
    assert UV.is_file(), f"{UV}: uv is installed into the venv by the Makefile"
    b = Built(tmp_path_factory.mktemp("release"))
    b.home.mkdir()
    b.elsewhere.mkdir()
    # a copy of the tracked and untracked sources, without the venvs and build leftovers of the checkout
    _run(UV, "build", "--quiet", "--out-dir", b.dist, ROOT, cwd=ROOT)
    _run(UV, "venv", "--quiet", "--python", sys.executable, b.venv)
    _run(UV, "pip", "install", "--quiet", "--python", b.venv / "bin" / "python", "-c", CONSTRAINTS, b.wheel)
    return b


def test_the_build_makes_one_wheel_and_one_sdist_of_this_version(built: Built) -> None:
    version = airflow_provider_ileti.__version__
    assert sorted(p.name for p in built.dist.iterdir() if p.suffix in (".whl", ".gz")) == [
        f"airflow_provider_ileti-{version}-py3-none-any.whl",
        f"airflow_provider_ileti-{version}.tar.gz",
    ]


def test_twine_finds_nothing_to_complain_about(built: Built) -> None:
    _run(sys.executable, "-m", "twine", "check", "--strict", built.wheel, built.sdist)


def _metadata(wheel: Path) -> Any:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(zf.read(name).decode())


def test_the_wheels_metadata_carries_the_version_and_the_documentation_url_airflow_links(
    built: Built,
) -> None:
    """Airflow's Providers page takes its link from the Documentation project URL, not from provider info."""
    meta = _metadata(built.wheel)
    assert meta["Version"] == airflow_provider_ileti.__version__
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert urls["Documentation"] == airflow_provider_ileti.DOCUMENTATION_URL
    assert "Framework :: Apache Airflow :: Provider" in meta.get_all("Classifier")
    assert meta.get_all("Provides-Extra") and "sandbox" in meta.get_all("Provides-Extra")


def test_the_wheel_carries_every_file_of_the_package_and_nothing_else(built: Built) -> None:
    """Every tracked file under airflow_provider_ileti/ (py.typed too); no other folder of the checkout."""
    tracked = _run("git", "ls-files", "airflow_provider_ileti", cwd=ROOT).split()
    with zipfile.ZipFile(built.wheel) as zf:
        names = set(zf.namelist())
    assert "airflow_provider_ileti/py.typed" in names
    assert sorted(set(tracked) - names) == []
    assert not [n for n in names if not n.startswith(("airflow_provider_ileti/", "airflow_provider_ileti-"))]


def test_airflow_lists_the_provider_from_the_installed_wheel(built: Built) -> None:
    done = built.run(built.venv / "bin" / "airflow", "providers", "list", "--output", "json")
    assert done.returncode == 0, done.stderr[-3000:]
    providers = {p["package_name"]: p for p in json.loads(done.stdout[done.stdout.index("[") :])}
    assert providers["airflow-provider-ileti"]["version"] == airflow_provider_ileti.__version__


IMPORT_COST = f"""
import json, sys
HEAVY = {HEAVY!r}
{AIRFLOW_BASELINE}
before = set(sys.modules)
import airflow_provider_ileti.operators.send
added = set(sys.modules) - before
print(json.dumps({{
    "file": airflow_provider_ileti.operators.send.__file__,
    "heavy": sorted(m for m in added if m.split(".")[0] in HEAVY),
    "ours": sorted(m for m in added if m.startswith("airflow_provider_ileti")),
    "others": sorted(m for m in added if not m.startswith("airflow_provider_ileti")),
}}))
"""


def test_importing_the_send_operator_adds_nothing_heavy_to_airflows_own_imports(built: Built) -> None:
    done = built.run(built.venv / "bin" / "python", "-c", IMPORT_COST)
    assert done.returncode == 0, done.stderr[-3000:]
    cost = json.loads(done.stdout.strip().splitlines()[-1])
    assert str(built.venv) in cost["file"], "the installed wheel, not the checkout, was imported"
    assert cost["heavy"] == []
    assert not [m for m in cost["ours"] if m.startswith("airflow_provider_ileti.clients.")]
    # what else the import adds is the standard library's odds and ends, not another package
    assert len(cost["others"]) < 60, cost["others"]


def test_ileti_sandbox_without_its_extra_names_the_extra_in_one_line(built: Built) -> None:
    done = built.run(built.venv / "bin" / "ileti-sandbox", "--help")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == SANDBOX_LINE


def test_ileti_connect_runs_from_the_plain_install(built: Built) -> None:
    done = built.run(built.venv / "bin" / "ileti-connect", "iletiniz", "--help")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "--no-browser" in done.stdout


def test_a_users_pytest_runs_beside_the_plain_install(built: Built) -> None:
    """The package registers pytest fixtures (pytest11) in every environment it is installed in: without the
    [sandbox] extra pytest must still run; only a test asking for the sandbox fails, naming the extra."""
    _run(
        UV,
        "pip",
        "install",
        "--quiet",
        "--python",
        built.venv / "bin" / "python",
        "-c",
        CONSTRAINTS,
        "pytest",
    )
    (built.elsewhere / "test_user.py").write_text(
        "def test_plain():\n    assert 1 + 1 == 2\n\n\ndef test_sandbox(ileti_sandbox):\n    pass\n"
    )
    done = built.run(built.venv / "bin" / "pytest", "-q", "-p", "no:cacheprovider", "test_user.py")
    assert "1 passed, 1 error" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
    assert SANDBOX_LINE.replace("ileti-sandbox", "ileti_sandbox fixture").strip() in done.stdout


def test_the_sdist_carries_what_a_rebuild_needs(built: Built, tmp_path: Path) -> None:
    """``uv build`` made the wheel from the sdist, so the sdist builds; it also has the README PyPI shows."""
    shutil.unpack_archive(built.sdist, tmp_path)
    (unpacked,) = tmp_path.iterdir()
    assert (unpacked / "pyproject.toml").is_file()
    assert (unpacked / "README.md").is_file()
    assert (unpacked / "airflow_provider_ileti" / "__init__.py").is_file()
