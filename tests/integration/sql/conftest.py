"""A real PostgreSQL server for the SQL tests, from the OS packages, started and stopped by the session.

``postgres_server`` runs ``initdb`` into a temporary directory and ``pg_ctl start`` on a free loopback port
(trust authentication, fsync off: a throw-away server), as the ``postgres`` user when the tests run as root
(PostgreSQL refuses to run as root). The binaries come from ``/usr/lib/postgresql/<version>/bin``
(``.ci/install-postgres`` installs them). Missing binaries FAIL the tests, naming that script, so CI can never
pass by skipping them silently; ``ILETI_NO_POSTGRES=1`` skips them on purpose.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
USER = "ileti"
DATABASE = "ileti"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    database: str

    @property
    def uri(self) -> str:
        """An Airflow connection URI (``AIRFLOW_CONN_...``) for the ``postgres`` connection type."""
        return f"postgres://{self.user}@{self.host}:{self.port}/{self.database}"

    def connect(self):  # type: ignore[no-untyped-def]
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=self.database)


def postgres_bin() -> Path | None:
    """The newest installed server's bin directory, or None."""
    found = [Path(p) for p in glob.glob(PG_BIN_GLOB) if (Path(p) / "initdb").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> tuple[list[str], str | None]:
    """The command prefix that runs the server's tools as a user PostgreSQL accepts, and that user."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(
            "running as root and there is no 'postgres' user to run the server as: run .ci/install-postgres"
        )
    return ["runuser", "-u", "postgres", "--"], "postgres"


def required_postgres_bin() -> Path:
    """The server's bin directory; a skip when ILETI_NO_POSTGRES=1; else a failure naming the installer."""
    if os.environ.get("ILETI_NO_POSTGRES") == "1":
        pytest.skip("ILETI_NO_POSTGRES=1: the PostgreSQL tests are skipped on purpose")
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail(
            f"no PostgreSQL server binaries ({PG_BIN_GLOB}/initdb): run .ci/install-postgres "
            "(or set ILETI_NO_POSTGRES=1 to skip the PostgreSQL tests)"
        )
    return bin_dir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = required_postgres_bin()
    prefix, owner = _as_server_user()
    base = Path(tempfile.mkdtemp(prefix="ileti-postgres-"))
    if owner is not None:
        shutil.chown(base, owner)
    data, log = base / "data", base / "server.log"
    port = _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            server_log = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            pytest.fail(
                f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr[-3000:]}\n{server_log}"
            )

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run(
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"
        )
        try:
            run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE)
            yield PostgresServer("127.0.0.1", port, USER, DATABASE)
        finally:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
