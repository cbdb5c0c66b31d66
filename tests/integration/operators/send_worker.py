"""One try of a ``SendSmsOperator`` in a process of its own, so that a test can kill it with SIGKILL.

``python -m tests.integration.operators.send_worker CONN_ID RUN_ID TRY STORE_PATH NUMBERS_PATH``: the
task instance's progress lives in a JSON file (``FileStateStore``, standing in for Airflow 3.3's
``task_state_store``, which outlives a worker), so the next try, in another process, finds it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

#: The send's shape in every try: ``CHUNK_SIZE`` recipients a request.
CHUNK_SIZE = 5


class FileStateStore:
    """``task_state_store`` in a file: every ``set`` is written whole and renamed into place."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, Any]:
        return dict(json.loads(self.path.read_text())) if self.path.exists() else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._read().get(key, default)

    def set(self, key: str, value: Any) -> None:
        data = self._read()
        data[key] = value
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)

    def delete(self, key: str) -> None:
        data = self._read()
        data.pop(key, None)
        self.path.write_text(json.dumps(data))


def send_task(conn_id: str, numbers: list[str], **kwargs: Any) -> Any:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    return SendSmsOperator(
        task_id="send",
        conn_id=conn_id,
        message="Merhaba",
        recipients=numbers,
        chunk_size=CHUNK_SIZE,
        **kwargs,
    )


def main(argv: list[str]) -> None:
    from tests.unit.operators.support import FakeTI, make_context

    conn_id, run_id, try_number, store_path, numbers_path = argv
    numbers = json.loads(Path(numbers_path).read_text())
    ti = FakeTI(run_id=run_id, try_number=int(try_number))
    send_task(conn_id, numbers).execute(make_context(ti, FileStateStore(store_path)))  # type: ignore[arg-type]


if __name__ == "__main__":
    main(sys.argv[1:])
