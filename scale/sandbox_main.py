"""The sandbox for the scale run: the ordinary ``ileti-sandbox`` CLI, plus what the run counts with.

- Node's credit starts at 10**9 (the account's 100,000 is meant for tests; a campaign needs more), as
  ``benchmarks/send_million.py`` does.
- A counting endpoint on its own loopback port (written to ``--count-file``), served from this process so
  it sees the sandbox's state directly:

  ``GET /recipients?base=B&n=N`` -> every number received in a live (not cancelled) Node package, compared
  with the source's numbers ``B .. B+N-1``: ``received``, ``distinct``, ``duplicates`` (numbers received
  more than once), ``extra_copies``, ``lost`` (source numbers never received), ``unexpected``,
  ``packages``, ``cancelled_packages``.

  ``GET /status-requests`` -> every ``/sms/list`` request by package ids (the delivery watch's reads,
  not the send's customID look-ups): ``[{"t": unix time, "ids": how many}]``.

  ``POST /reset`` -> forget the status requests (the admin API's reset clears the packages).

The journal is kept tiny (``--journal-size``): it would hold every send's body, a campaign's worth of
numbers, and the counts above come from the state itself.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from airflow_provider_ileti.sandbox.services.iletimerkezi import state as im_state
from airflow_provider_ileti.sandbox.services.node import functions
from airflow_provider_ileti.sandbox.services.node import state as node_state

node_state.INITIAL_CREDIT = 10**9
im_state.INITIAL_CREDITS = 10**9

_seen: dict[str, Any] = {"state": None}
_status_requests: list[dict[str, float]] = []
_lock = threading.Lock()


def _wrap(path: str, counting: bool) -> None:
    original = functions.FUNCTIONS[path]

    def handler(state: Any, params: Any) -> dict[str, Any]:
        _seen["state"] = state
        if counting:
            ids = params.get("ids") if isinstance(params, dict) else None
            if ids:
                with _lock:
                    _status_requests.append(
                        {"t": time.time(), "ids": len(ids) if isinstance(ids, list) else 1}
                    )
        return original.handler(state, params)

    functions.FUNCTIONS[path] = dataclasses.replace(original, handler=handler)


_wrap("sms/create", counting=False)
_wrap("sms/list", counting=True)


def recipients(base: int, n: int) -> dict[str, Any]:
    state = _seen["state"]
    counts = bytearray(n)
    received = unexpected = packages = cancelled = 0
    if state is not None:
        with state.lock:
            live = []
            for package in state.packages.values():
                if package.cancelled is not None:
                    cancelled += 1
                else:
                    live.append(package.numbers)
            packages = len(live) + cancelled
        for numbers in live:
            received += len(numbers)
            for number in numbers:
                i = number - base
                if 0 <= i < n:
                    if counts[i] < 255:
                        counts[i] += 1
                else:
                    unexpected += 1
    zero = counts.count(0)
    once = counts.count(1)
    duplicates = n - zero - once
    return {
        "received": received,
        "distinct": n - zero,
        "duplicates": duplicates,
        "extra_copies": received - unexpected - (n - zero),
        "lost": zero,
        "unexpected": unexpected,
        "packages": packages,
        "cancelled_packages": cancelled,
    }


class _Counts(BaseHTTPRequestHandler):
    def _answer(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/recipients":
            self._answer(recipients(int(query["base"]), int(query["n"])))
        elif url.path == "/status-requests":
            with _lock:
                self._answer(list(_status_requests))
        else:
            self.send_error(404)

    def do_POST(self) -> None:  # noqa: N802
        if urlparse(self.path).path == "/reset":
            with _lock:
                _status_requests.clear()
            self._answer({"ok": True})
        else:
            self.send_error(404)

    def log_message(self, *args: Any) -> None:
        pass


def main(argv: list[str]) -> int:
    count_file = argv[argv.index("--count-file") + 1]
    rest = [a for i, a in enumerate(argv) if a != "--count-file" and argv[i - 1 : i] != ["--count-file"]]
    counts = ThreadingHTTPServer(("127.0.0.1", 0), _Counts)
    threading.Thread(target=counts.serve_forever, daemon=True).start()
    tmp = count_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(f"http://127.0.0.1:{counts.server_address[1]}\n")
    os.replace(tmp, count_file)
    from airflow_provider_ileti.sandbox.cli import main as sandbox_main

    return sandbox_main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
