"""Airflow on CeleryExecutor with Redis and PostgreSQL, on loopback, running a sharded SMS campaign.

``make scale`` (or ``.venv-scale/bin/python scale/run.py``) brings up, in ``--workdir``:
Redis and PostgreSQL (the OS packages; installed with apt-get when missing), the ileti sandbox in its own
process, ``airflow db migrate``, an api-server (the workers' Execution API), a dag-processor, a scheduler,
a triggerer and Celery workers, each with its own hostname; every Airflow component with
``--skip-serve-logs`` and every server on 127.0.0.1. Then it runs the campaign DAG
(``scale/dags/ileti_scale_campaign.py``) in phases and prints what the issue asks for:

- ``throughput``: the campaign with 1, 2 and 4 workers (``--workers``), recipients per second from the
  first shard's start to the last shard's end (from the metadata database), peak memory per worker
  (RSS of the worker's whole process tree) and the delivery watch's status requests per poll (counted
  at the sandbox); and the sandbox's own ceiling: the same shards posted by a plain client loop.
- ``fault``: two workers; one is killed with SIGKILL (its whole process group) while shards are being
  sent, the triggerer is killed while the deferrable watch waits and started again; counts at the
  sandbox: duplicates and lost numbers must both be 0.
- ``fault-main``: the same, killing only the worker's main process (its task processes live on, while
  Airflow retries the shards elsewhere: two live tries of one shard at once).

Exit status 0 when every campaign succeeded with duplicates 0 and lost 0.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCALE = REPO / "scale"
BIN = Path(sys.executable).parent
PG_GLOB = "/usr/lib/postgresql/*/bin"
#: The source's numbers are BASE + i (i < recipients): 0555 0000000 .. 0555 9999999 in national form.
BASE = 905550000000
DAG_ID = "ileti_scale_campaign"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- installation ----------------------------------------------------------------------------------
def ensure_os_packages() -> None:
    """Redis and PostgreSQL from the OS's packages (apt-get), when they are not there yet."""
    if shutil.which("redis-server") is None:
        log("installing redis-server (apt-get)")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", "redis-server"],
            check=True,
            env=env,
        )
    subprocess.run([str(REPO / ".ci" / "install-postgres")], check=True)


def pg_bin() -> Path:
    import glob

    found = sorted(glob.glob(PG_GLOB), key=lambda p: [int(x) for x in Path(p).parent.name.split(".")])
    if not found:
        raise SystemExit("no PostgreSQL server binaries: run .ci/install-postgres")
    return Path(found[-1])


# -- processes -------------------------------------------------------------------------------------
@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill_group(self, sig: int = signal.SIGKILL) -> None:
        """Signal the process group this process leads; once the leader is gone, only while a member is
        still one of ours (runs this venv's Python), so a reused group id is never signalled."""
        if self.popen.poll() is not None and not self._group_is_ours():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def _group_is_ours(self) -> bool:
        import psutil

        for p in psutil.process_iter(["cmdline"]):
            with contextlib.suppress(psutil.Error, OSError):
                if os.getpgid(p.pid) == self.popen.pid and str(BIN) in " ".join(p.info["cmdline"] or ()):
                    return True
        return False

    def tree_memory(self) -> tuple[int, int]:
        """(RSS, PSS) in bytes of this process and every descendant (a worker's pool and task processes).

        RSS counts the pages a forked child shares with its parent once per process, so a tree's RSS
        overstates it; PSS divides each shared page among the processes that map it.
        """
        import psutil

        try:
            root = psutil.Process(self.popen.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0, 0
        rss = pss = 0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
        return rss, pss


@dataclass
class Cluster:
    workdir: Path
    concurrency: int
    speed: float
    code: str = "head"
    pythonpath: list[str] = field(default_factory=list)
    procs: dict[str, Proc] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    counts_url: str = ""
    sandbox_env: dict[str, str] = field(default_factory=dict)
    pg_port: int = 0
    pg_prefix: list[str] = field(default_factory=list)
    worker_serial: int = 0

    # ---- start-up ----
    def start(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)
        (self.workdir / "logs").mkdir(parents=True)
        self.export_code()
        self.start_postgres()
        self.start_redis()
        self.start_sandbox()
        self.check_counter()
        self.build_env()
        self.airflow_run("db", "migrate")
        self.spawn(
            "api-server",
            ["api-server", "--host", "127.0.0.1", "--port", self.env["ILETI_API_PORT"], "--workers", "1"],
        )
        self.spawn("dag-processor", ["dag-processor"])
        self.spawn("scheduler", ["scheduler", "--skip-serve-logs"])
        self.spawn("triggerer", ["triggerer", "--skip-serve-logs"])
        self.wait_for_api()

    def export_code(self) -> None:
        """With ``code="head"``, every component imports the provider as committed (``git archive HEAD``),
        not the working tree's edits in progress; ``code="worktree"`` uses the working tree."""
        self.pythonpath = [str(SCALE)]
        if self.code == "head":
            target = self.workdir / "code"
            target.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", "HEAD", "airflow_provider_ileti"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
            rev = subprocess.run(
                ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            self.pythonpath.insert(0, str(target))
            log(f"provider code: commit {rev} (git archive HEAD)")
        else:
            log("provider code: the working tree")

    def start_postgres(self) -> None:
        bin_dir = pg_bin()
        base = self.workdir / "pg"
        base.mkdir()
        if os.geteuid() == 0:  # initdb refuses root: run the server's tools as the postgres user
            shutil.chown(base, "postgres")
            self.pg_prefix = ["runuser", "-u", "postgres", "--"]
        self.pg_port = free_port()
        pre = self.pg_prefix
        subprocess.run(
            [
                *pre,
                str(bin_dir / "initdb"),
                "-D",
                str(base / "data"),
                "-U",
                "airflow",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.pg_port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=400"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *pre,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(base / "data"),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *pre,
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "airflow",
                "airflow",
            ],
            check=True,
            capture_output=True,
        )
        log(f"PostgreSQL on 127.0.0.1:{self.pg_port}")

    def stop_postgres(self) -> None:
        data = self.workdir / "pg" / "data"
        if data.exists():
            subprocess.run(
                [*self.pg_prefix, str(pg_bin() / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                check=False,
            )

    def start_redis(self) -> None:
        port = free_port()
        self.env["ILETI_REDIS_PORT"] = str(port)
        (self.workdir / "redis").mkdir()
        self.spawn_raw(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir / "redis"),
            ],
            os.environ.copy(),
        )
        wait_until(lambda: _tcp_open(port), 30, "Redis")
        log(f"Redis on 127.0.0.1:{port}")

    def start_sandbox(self) -> None:
        env_file = self.workdir / "sandbox.env"
        count_file = self.workdir / "sandbox.counts"
        self.spawn_raw(
            "sandbox",
            [
                sys.executable,
                str(SCALE / "sandbox_main.py"),
                "--port",
                "0",
                "--speed",
                str(self.speed),
                "--journal-size",
                "50",
                "--env-file",
                str(env_file),
                "--count-file",
                str(count_file),
            ],
            {**os.environ, "PYTHONPATH": os.pathsep.join(self.pythonpath)},
        )
        wait_until(lambda: env_file.exists() and count_file.exists(), 60, "the sandbox")
        import shlex

        for line in env_file.read_text(encoding="utf-8").splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            self.sandbox_env[name] = shlex.split(value)[0]
        self.counts_url = count_file.read_text(encoding="utf-8").strip()
        log(f"sandbox: {json.loads(self.sandbox_env['AIRFLOW_CONN_NODE_SMS_DEFAULT'])['host']}")

    def check_counter(self) -> None:
        """The counts prove nothing unless the counter can see a duplicate: two packages that overlap in
        two numbers and leave three out must read duplicates 2, lost 3. Then the sandbox is reset."""
        import requests

        conn = json.loads(self.sandbox_env["AIRFLOW_CONN_NODE_SMS_DEFAULT"])
        with requests.Session() as session:
            session.auth = (conn["login"], conn["password"])
            for numbers in (range(0, 10), range(8, 12)):
                body = {
                    "type": 1,
                    "sendingType": 1,
                    "sender": conn["extra"]["default_sender"],
                    "title": "check",
                    "content": "check",
                    "encoding": 0,
                    "numbers": [str(BASE + n) for n in numbers],
                }
                answer = session.post(f"{conn['host']}/sms/create", json=body, timeout=30).json()
                if answer.get("err"):
                    raise SystemExit(f"counter check: the sandbox refused the send: {answer['err']}")
        got = self.counts(15)
        if (got["duplicates"], got["lost"], got["received"]) != (2, 3, 14):
            raise SystemExit(f"counter check: expected duplicates 2, lost 3, received 14; got {got}")
        self.reset_sandbox()
        log("counter check: two overlapping packages read duplicates 2, lost 3 (as sent); sandbox reset")

    def build_env(self) -> None:
        api_port = free_port()
        pg = f"airflow@127.0.0.1:{self.pg_port}/airflow"
        secret = secrets.token_urlsafe(32)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW__", "AIRFLOW_CONN_"))}
        env.update(self.sandbox_env)
        env.update(
            {
                "AIRFLOW_HOME": str(self.workdir / "home"),
                "ILETI_API_PORT": str(api_port),
                "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
                "PYTHONPATH": os.pathsep.join(self.pythonpath),
                "PYTHONWARNINGS": "ignore",
                "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__CORE__DAGS_FOLDER": str(SCALE / "dags"),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                "AIRFLOW__CORE__PARALLELISM": "64",
                "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "64",
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": "ileti_scale_hostname.hostname",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{pg}",
                "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.env['ILETI_REDIS_PORT']}/0",
                # not db+postgresql://: workers then refuse to start with a misleading version error
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{pg}",
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
                # one secret for every component: the api-server signs the task tokens the workers use
                "AIRFLOW__API_AUTH__JWT_SECRET": secret,
                "AIRFLOW__API__SECRET_KEY": secret,
                "AIRFLOW__API__HOST": "127.0.0.1",
                "AIRFLOW__API__PORT": str(api_port),
                "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
                # a killed worker's tasks are retried after 30 s without heartbeat, not the default 300 s
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
                "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            }
        )
        self.env = {**self.env, **env}

    def spawn_raw(self, name: str, argv: list[str], env: dict[str, str]) -> Proc:
        log_path = self.workdir / "logs" / f"{name}.log"
        fh = open(log_path, "ab")  # noqa: SIM115 - the child owns it
        popen = subprocess.Popen(argv, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        proc = Proc(name, popen, log_path)
        self.procs[name] = proc
        return proc

    def spawn(self, name: str, args: list[str], extra: dict[str, str] | None = None) -> Proc:
        return self.spawn_raw(name, [str(BIN / "airflow"), *args], {**self.env, **(extra or {})})

    def airflow_run(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "airflow"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(
                f"airflow {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def wait_for_api(self) -> None:
        url = f"http://127.0.0.1:{self.env['ILETI_API_PORT']}/api/v2/monitor/health"
        wait_until(lambda: _http_ok(url), 240, "the api-server")
        log("api-server healthy")

    def start_worker(self) -> Proc:
        self.worker_serial += 1
        name = f"worker{self.worker_serial}"
        proc = self.spawn(
            name,
            [
                "celery",
                "worker",
                "--skip-serve-logs",
                "--celery-hostname",
                f"{name}@scale",
                "--concurrency",
                str(self.concurrency),
            ],
            {"ILETI_SCALE_HOSTNAME": f"{name}.scale"},
        )
        log(f"{name} started (pid {proc.popen.pid}, concurrency {self.concurrency})")
        return proc

    def workers(self) -> list[Proc]:
        return [p for n, p in self.procs.items() if n.startswith("worker") and p.alive]

    def stop_workers(self) -> None:
        """End every worker's process group, also one whose main process a fault run killed: its orphaned
        pool processes keep the group alive (and would keep taking tasks from the broker)."""
        workers = [p for p in self.procs.values() if p.name.startswith("worker")]
        self._end_groups(workers, 30)
        for proc in workers:
            del self.procs[proc.name]

    def stop(self) -> None:
        self._end_groups(list(reversed(self.procs.values())), 20)
        self.stop_postgres()

    @staticmethod
    def _end_groups(procs: list[Proc], grace: float) -> None:
        for proc in procs:
            proc.kill_group(signal.SIGCONT)  # a frozen group handles SIGTERM only once it runs again
            proc.kill_group(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(max(0.1, deadline - time.monotonic()))
        for proc in procs:
            proc.kill_group(signal.SIGKILL)  # what is left of the group, even when its leader is gone
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(10)

    # ---- the metadata database ----
    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        import psycopg2

        db = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="airflow", dbname="airflow")
        try:
            with db, db.cursor() as cur:
                cur.execute(query, args)
                return list(cur.fetchall()) if cur.description else []
        finally:
            db.close()  # psycopg2's ``with connection`` ends the transaction, not the connection

    def counts(self, n: int) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.counts_url}/recipients?base={BASE}&n={n}", timeout=120) as r:
            return dict(json.load(r))

    def status_requests(self) -> list[dict[str, float]]:
        with urllib.request.urlopen(f"{self.counts_url}/status-requests", timeout=30) as r:
            return list(json.load(r))

    def reset_sandbox(self) -> None:
        host = json.loads(self.sandbox_env["AIRFLOW_CONN_NODE_SMS_DEFAULT"])["host"]
        root = host.rsplit("/node", 1)[0]
        urllib.request.urlopen(urllib.request.Request(f"{root}/_admin/reset", method="POST"), timeout=30)
        urllib.request.urlopen(urllib.request.Request(f"{self.counts_url}/reset", method="POST"), timeout=30)


def _tcp_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def wait_until(check: Callable[[], bool], timeout: float, what: str, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise SystemExit(f"{what}: not ready in {timeout:.0f} s")


# -- the source ------------------------------------------------------------------------------------
def write_source(path: Path, count: int) -> None:
    if path.exists() and path.stat().st_size and path.with_suffix(".count").read_text() == str(count):
        return
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["phone", "first_name", "code"])
        for i in range(count):
            writer.writerow([f"0555{i:07d}", f"Kişi{i}", f"K{i:07d}"])
    path.with_suffix(".count").write_text(str(count))


# -- one campaign ----------------------------------------------------------------------------------
@dataclass
class Result:
    label: str
    workers: int
    recipients: int
    state: str
    send_seconds: float
    total_seconds: float
    peak_worker_rss: list[int]
    peak_worker_pss: list[int]
    counts: dict[str, int]
    polls: int
    status_requests: int
    packages: int
    retried_shards: int
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.recipients / self.send_seconds if self.send_seconds else 0.0


def run_campaign(
    cluster: Cluster,
    label: str,
    source: Path,
    recipients: int,
    shards: int,
    chunk_size: int,
    timeout: float,
    during: Callable[[Cluster, str, dict[str, Any]], None] | None = None,
) -> Result:
    cluster.reset_sandbox()
    run_id = f"{label}-{int(time.time())}"
    conf = {
        "source": str(source),
        "shard_dir": str(cluster.workdir / "shards"),
        "shards": shards,
        "chunk_size": chunk_size,
    }
    wait_until(lambda: bool(cluster.sql("select 1 from dag where dag_id=%s", DAG_ID)), 180, "the DAG parse")
    cluster.airflow_run("dags", "trigger", DAG_ID, "--run-id", run_id, "--conf", json.dumps(conf))
    log(f"{label}: triggered {run_id} ({recipients:,} recipients, {shards} shards, chunk {chunk_size})")
    started = time.monotonic()
    peaks: dict[str, int] = {}
    pss_peaks: dict[str, int] = {}
    memo: dict[str, Any] = {}
    state = "running"
    last_note = 0.0
    while time.monotonic() - started < timeout:
        for w in cluster.workers():
            rss, pss = w.tree_memory()
            peaks[w.name] = max(peaks.get(w.name, 0), rss)
            pss_peaks[w.name] = max(pss_peaks.get(w.name, 0), pss)
        rows = cluster.sql("select state from dag_run where run_id=%s", run_id)
        state = rows[0][0] if rows else "queued"
        if state in ("success", "failed"):
            break
        if during is not None:
            during(cluster, run_id, memo)
        if time.monotonic() - last_note > 30:
            last_note = time.monotonic()
            tis = cluster.sql(
                "select task_id, state, count(*) from task_instance where run_id=%s"
                " group by 1, 2 order by 1, 2",
                run_id,
            )
            log(f"{label}: " + ", ".join(f"{t}:{s}={c}" for t, s, c in tis))
        time.sleep(1)
    total = time.monotonic() - started
    window = cluster.sql(
        "select extract(epoch from max(end_date) - min(start_date)), sum(case when"
        " try_number > 1 then 1 else 0 end) from task_instance where run_id=%s and"
        " task_id='send'",
        run_id,
    )
    send_seconds = float(window[0][0] or 0.0)
    retried = int(window[0][1] or 0)
    counts = cluster.counts(recipients)
    requests = cluster.status_requests()
    polls = _polls(requests)
    log(f"{label}: {state} in {total:.0f} s; counts {counts}")
    durations = cluster.sql(
        "select task_id, max(extract(epoch from end_date - start_date)) from task_instance where run_id=%s"
        " and task_id in ('make_shards', 'watch') group by 1",
        run_id,
    )
    phases = ", ".join(f"{task_id} {float(sec or 0):.1f} s" for task_id, sec in sorted(durations))
    memo.setdefault("notes", []).append(f"{phases}; run {total:.0f} s from trigger to end")
    return Result(
        label,
        len(peaks),
        recipients,
        state,
        send_seconds,
        total,
        [peaks[name] for name in sorted(peaks)],
        [pss_peaks[name] for name in sorted(peaks)],
        counts,
        polls,
        len(requests),
        counts["packages"],
        retried,
        memo.get("notes", []),
    )


def _polls(requests: list[dict[str, float]]) -> int:
    """Status requests closer than 1 s to the one before belong to the same poll."""
    polls, last = 0, None
    for entry in sorted(requests, key=lambda e: e["t"]):
        if last is None or entry["t"] - last > 1.0:
            polls += 1
        last = entry["t"]
    return polls


# -- faults ----------------------------------------------------------------------------------------
#: How each fault run stops the worker that is sending (``fault``, ``fault-main``, ``fault-freeze``).
FAULT_MODES = {
    "fault": "SIGKILL the whole process group",
    "fault-main": "SIGKILL the main process only",
    "fault-freeze": "SIGSTOP the whole process group until Airflow runs the shard's next try, then SIGCONT",
}


def fault_plan(mode: str, recipients: int) -> Callable[[Cluster, str, dict[str, Any]], None]:
    """Stop a worker once a fifth of the numbers arrived, then kill the triggerer once the watch is deferred.

    ``fault-freeze`` is the overlap the claim exists for: the frozen worker's tries are alive but silent, so
    Airflow fails them after the heartbeat timeout and starts the next try elsewhere; the old try is then
    woken mid-send while the new one runs — two live tries of one shard.
    """

    def during(cluster: Cluster, run_id: str, memo: dict[str, Any]) -> None:
        import psutil

        notes = memo.setdefault("notes", [])
        if "worker_killed" not in memo:
            received = cluster.counts(recipients)["received"]
            running = cluster.sql(
                "select hostname, map_index from task_instance where run_id=%s and"
                " task_id='send' and state='running'",
                run_id,
            )
            busy = {h for h, _ in running}
            victim = next((w for w in cluster.workers() if f"{w.name}.scale" in busy), None)
            if victim is not None and received >= recipients // 5:
                shards = sorted(m for h, m in running if h == f"{victim.name}.scale")
                try:
                    memo["victim_children"] = psutil.Process(victim.popen.pid).children(recursive=True)
                except psutil.NoSuchProcess:
                    memo["victim_children"] = []
                if mode == "fault-main":
                    os.kill(victim.popen.pid, signal.SIGKILL)
                elif mode == "fault-freeze":
                    victim.kill_group(signal.SIGSTOP)
                    memo["frozen"] = (victim, shards)
                else:
                    victim.kill_group()
                memo["worker_killed"] = victim.name
                memo["killed_at"] = time.monotonic()
                note = (
                    f"{FAULT_MODES[mode]} of {victim.name} at {received:,}/{recipients:,} numbers received,"
                    f" while it sent shards (map_index) {shards}"
                )
                notes.append(note)
                log(note)
        wait_done = "killed_at" in memo and time.monotonic() - memo["killed_at"] >= 5
        if mode == "fault-main" and wait_done and "survivors" not in memo:
            alive = [p for p in memo["victim_children"] if p.is_running()]
            memo["survivors"] = len(alive)
            notes.append(
                f"5 s after the kill {len(alive)} of the worker's {len(memo['victim_children'])} child"
                " processes were still alive"
            )
            log(notes[-1])
        if "frozen" in memo and "thawed" not in memo:
            victim, shards = memo["frozen"]
            later = cluster.sql(
                "select map_index, try_number, state, hostname from task_instance where run_id=%s and"
                " task_id='send' and map_index = any(%s) and try_number > 1"
                " and state in ('running', 'success')",
                run_id,
                shards,
            )
            if later:
                victim.kill_group(signal.SIGCONT)
                memo["thawed"] = True
                notes.append(
                    f"SIGCONT {victim.name} after {time.monotonic() - memo['killed_at']:.0f} s, when the next"
                    f" try of its shards was {[(m, t, s, h) for m, t, s, h in later]}"
                )
                log(notes[-1])
        if "worker_killed" in memo and "triggerer_killed" not in memo:
            watch = cluster.sql("select state from task_instance where run_id=%s and task_id='watch'", run_id)
            if watch and watch[0][0] == "deferred":
                cluster.procs["triggerer"].kill_group()
                memo["triggerer_killed"] = time.monotonic()
                notes.append("SIGKILL the triggerer (its process group) while the watch was deferred")
                log(notes[-1])
        if (
            "triggerer_killed" in memo
            and "triggerer_restarted" not in memo
            and time.monotonic() - memo["triggerer_killed"] >= 5
        ):
            cluster.spawn("triggerer2", ["triggerer", "--skip-serve-logs"])
            cluster.procs["triggerer"] = cluster.procs.pop("triggerer2")
            memo["triggerer_restarted"] = True
            notes.append("a new triggerer started 5 s after the kill")
            log(notes[-1])

    return during


# -- the sandbox's own ceiling -------------------------------------------------------------------------
def sandbox_ceiling(cluster: Cluster, shard_paths: list[str], processes: int, chunk_size: int) -> float:
    """Recipients per second a plain client loop gets from the sandbox, posting the same N-N chunks."""
    import multiprocessing

    cluster.reset_sandbox()
    conn = json.loads(cluster.sandbox_env["AIRFLOW_CONN_NODE_SMS_DEFAULT"])
    groups = [shard_paths[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        sent = sum(pool.starmap(_post_shards, [(conn, g, chunk_size) for g in groups]))
    return sent / (time.perf_counter() - started)


def _post_shards(conn: dict[str, Any], paths: list[str], chunk_size: int) -> int:
    import requests

    session = requests.Session()
    session.auth = (conn["login"], conn["password"])
    sent = 0

    def post(pairs: list[dict[str, str]]) -> None:
        body = {
            "type": 1,
            "sendingType": 2,
            "sender": conn["extra"]["default_sender"],
            "title": "ceiling",
            "content": pairs[0]["msg"],
            "encoding": 1,
            "numbers": pairs,
        }
        answer = session.post(f"{conn['host']}/sms/create", json=body, timeout=300).json()
        if answer.get("err"):
            raise SystemExit(f"ceiling loop: {answer['err']}")

    for path in paths:
        with open(path, newline="", encoding="utf-8") as fh:
            pairs: list[dict[str, str]] = []
            for row in csv.DictReader(fh):
                pairs.append(
                    {
                        "nr": "9" + row["phone"],
                        "msg": f"Merhaba {row['first_name']}, size özel kod: {row['code']}",
                    }
                )
                if len(pairs) == chunk_size:
                    post(pairs)
                    sent += len(pairs)
                    pairs = []
            if pairs:
                post(pairs)
                sent += len(pairs)
    return sent


# -- the report ------------------------------------------------------------------------------------
def report(results: list[Result], ceiling: dict[int, float]) -> bool:
    ok = True
    print(
        "\n| run | workers | recipients | send s | recipients/s | peak per worker MiB, PSS (RSS) | packages |"
        " status requests / polls | retried shards | duplicates | lost | state |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        mem = ", ".join(
            f"{p / 2**20:.0f} ({b / 2**20:.0f})"
            for p, b in zip(r.peak_worker_pss, r.peak_worker_rss, strict=True)
        )
        per_poll = f"{r.status_requests}/{r.polls}" if r.polls else "0/0"
        print(
            f"| {r.label} | {r.workers} | {r.recipients:,} | {r.send_seconds:.1f} | {r.rate:,.0f} |"
            f" {mem or '-'} |"
            f" {r.packages} | {per_poll} | {r.retried_shards} | {r.counts['duplicates']} |"
            f" {r.counts['lost']} | {r.state} |"
        )
        ok = ok and r.state == "success" and r.counts["duplicates"] == 0 and r.counts["lost"] == 0
        ok = ok and r.counts["unexpected"] == 0
    for procs, rate in sorted(ceiling.items()):
        print(f"sandbox ceiling, {procs} plain client process(es), the same chunks: {rate:,.0f} recipients/s")
    for r in results:
        for note in r.notes:
            print(f"{r.label}: {note}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make scale", description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=200_000, help="campaign size (default 200,000)")
    parser.add_argument("--shards", type=int, default=8, help="shards = mapped send tasks (default 8)")
    parser.add_argument("--chunk-size", type=int, default=5_000, help="recipients per request")
    parser.add_argument("--workers", default="1,2,4", help="worker counts of the throughput phase")
    parser.add_argument("--concurrency", type=int, default=2, help="task slots per worker (default 2)")
    parser.add_argument("--speed", type=float, default=240.0, help="sandbox clock speed (default 240)")
    parser.add_argument(
        "--phases",
        default="throughput,ceiling,fault,fault-main,fault-freeze",
        help="any of throughput, fault, fault-main, fault-freeze, ceiling (comma-separated)",
    )
    parser.add_argument("--fault-recipients", type=int, default=None, help="size of the fault runs")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds one campaign may take")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ileti-scale"))
    parser.add_argument("--keep", action="store_true", help="leave everything running at the end")
    parser.add_argument("--no-install", action="store_true", help="do not apt-get Redis/PostgreSQL")
    parser.add_argument(
        "--code",
        choices=("head", "worktree"),
        default="head",
        help="the provider as committed (default) or the working tree with its uncommitted edits",
    )
    args = parser.parse_args(argv)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]

    if not args.no_install:
        ensure_os_packages()
    begun = time.monotonic()
    cluster = Cluster(args.workdir, args.concurrency, args.speed, code=args.code)
    results: list[Result] = []
    ceiling: dict[int, float] = {}
    try:
        cluster.start()
        log(f"control plane up in {time.monotonic() - begun:.0f} s")
        sources = args.workdir / "sources"
        sources.mkdir()
        source = sources / f"campaign-{args.recipients}.csv"
        write_source(source, args.recipients)
        if "throughput" in phases:
            for count in [int(w) for w in args.workers.split(",")]:
                cluster.stop_workers()
                for _ in range(count):
                    cluster.start_worker()
                results.append(
                    run_campaign(
                        cluster,
                        f"{count}-worker",
                        source,
                        args.recipients,
                        args.shards,
                        args.chunk_size,
                        args.timeout,
                    )
                )
        for phase in FAULT_MODES:
            if phase not in phases:
                continue
            n = args.fault_recipients or args.recipients
            fsource = sources / f"campaign-{n}.csv"
            write_source(fsource, n)
            cluster.stop_workers()
            cluster.start_worker()
            cluster.start_worker()
            results.append(
                run_campaign(
                    cluster,
                    phase,
                    fsource,
                    n,
                    args.shards,
                    args.chunk_size,
                    args.timeout,
                    during=fault_plan(phase, n),
                )
            )
        if "ceiling" in phases:
            from airflow_provider_ileti.transfers.shards import split_csv

            plan = split_csv(source, args.workdir / "shards" / "ceiling", shards=args.shards)
            cluster.stop_workers()
            for procs in (1, 2):
                ceiling[procs] = sandbox_ceiling(cluster, plan.paths(), procs, args.chunk_size)
                log(f"sandbox ceiling with {procs} client process(es): {ceiling[procs]:,.0f} recipients/s")
        ok = report(results, ceiling)
        print(f"\nall in {time.monotonic() - begun:.0f} s; logs in {args.workdir / 'logs'}")
        if args.keep:
            log("--keep: leaving the cluster running; Ctrl-C stops it")
            while True:
                time.sleep(3600)
        return 0 if ok else 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
