"""Without the PostgreSQL server the SQL tests fail naming the script that installs it, not a silent skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.sql import conftest


def test_missing_server_binaries_fail_naming_the_installer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ILETI_NO_POSTGRES", raising=False)
    monkeypatch.setattr(conftest, "PG_BIN_GLOB", f"{tmp_path}/*/bin")
    with pytest.raises(pytest.fail.Exception, match=r"run \.ci/install-postgres"):
        conftest.required_postgres_bin()


def test_ileti_no_postgres_skips_on_purpose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ILETI_NO_POSTGRES", "1")
    with pytest.raises(pytest.skip.Exception, match="on purpose"):
        conftest.required_postgres_bin()


def test_the_installed_server_is_found() -> None:
    found = conftest.postgres_bin()
    assert found is not None and (found / "initdb").exists() and (found / "pg_ctl").exists()
