"""A console script whose optional piece is missing stops with one line naming what to install, status 2.

The missing module is simulated the way Python itself marks a module that must not import:
``sys.modules[name] = None`` makes ``import name`` raise ``ModuleNotFoundError``.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_ileti import extras
from airflow_provider_ileti.connect import cli as connect_cli
from airflow_provider_ileti.maintenance import cli as maintenance_cli
from airflow_provider_ileti.sandbox import cli as sandbox_cli

SANDBOX_LINE = (
    "ileti-sandbox: needs aiohttp, which is not installed: pip install 'airflow-provider-ileti[sandbox]'\n"
)


def _hide(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_modules_that_import_are_not_missing() -> None:
    assert extras.missing_modules("json", "sqlite3") == []


def test_a_module_that_cannot_import_is_missing_by_its_own_name(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "aiohttp")
    assert extras.missing_modules("json", "aiohttp") == ["aiohttp"]


def test_the_install_command_names_the_extra_quoted_for_the_shell() -> None:
    assert extras.install_command("sandbox") == "pip install 'airflow-provider-ileti[sandbox]'"
    assert extras.install_command(None) == "pip install airflow-provider-ileti"


def test_require_extra_returns_quietly_when_everything_imports() -> None:
    out = io.StringIO()
    extras.require_extra("sandbox", "json", prog="x", stream=out)
    assert out.getvalue() == ""


def test_require_extra_prints_one_line_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "aiohttp", "zzz_other")
    out = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        extras.require_extra("sandbox", "aiohttp", "zzz_other", prog="ileti-sandbox", stream=out)
    assert stopped.value.code == extras.EXIT_MISSING == 2
    assert out.getvalue() == (
        "ileti-sandbox: needs aiohttp, zzz_other, which are not installed: "
        "pip install 'airflow-provider-ileti[sandbox]'\n"
    )


@pytest.mark.parametrize("argv", [["--help"], ["--port", "0"]])
def test_ileti_sandbox_names_the_sandbox_extra_before_parsing_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _hide(monkeypatch, "aiohttp")
    with pytest.raises(SystemExit) as stopped:
        sandbox_cli.main(argv)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == SANDBOX_LINE


def test_ileti_connect_without_airflow_asks_for_the_package_with_its_dependencies(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _hide(monkeypatch, "airflow")
    with pytest.raises(SystemExit) as stopped:
        connect_cli.main(["--help"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "ileti-connect: needs airflow, which is not installed: pip install airflow-provider-ileti\n"
    )


def test_the_cleanup_without_airflow_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _hide(monkeypatch, "sqlalchemy")
    with pytest.raises(SystemExit) as stopped:
        maintenance_cli.main(["cleanup", "--older-than", "30d"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("python -m airflow_provider_ileti.maintenance: needs sqlalchemy")


def test_the_sandbox_package_does_not_import_aiohttp_before_the_check() -> None:
    """``ileti-sandbox`` is ``sandbox.cli``: importing its package must not need aiohttp already.

    A fresh interpreter, as the console script starts one; the check in ``main`` must be reached at all.
    """
    code = (
        "import sys; sys.modules['aiohttp'] = None; "
        "from airflow_provider_ileti.sandbox.cli import main; sys.exit(main(['--help']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == SANDBOX_LINE


def test_the_pytest_plugin_loads_without_aiohttp_and_its_fixture_names_the_extra(tmp_path: Path) -> None:
    """pytest loads the plugin wherever the package is installed: without the extra, pytest must still run,
    and only a test that asks for the sandbox fails, with the one line."""
    (tmp_path / "test_user.py").write_text(
        "def test_plain():\n    assert 1 + 1 == 2\n\n\ndef test_sandbox(ileti_sandbox):\n    pass\n"
    )
    code = (
        "import sys; sys.modules['aiohttp'] = None; import pytest; "
        "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-o', 'addopts=', sys.argv[1]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout and "1 error" in done.stdout
    assert (
        "ileti_sandbox fixture: needs aiohttp, which is not installed: "
        "pip install 'airflow-provider-ileti[sandbox]'" in done.stdout
    )
