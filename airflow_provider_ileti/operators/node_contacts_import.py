"""``NodeImportContactsOperator``: a CSV file into the Node contacts (``/contact/import``), in chunks.

The file is streamed: it is read row by row, validated in a first pass (every number, every row's width)
before any request, then sent ``rows_per_request`` rows at a time (the client builds ``csvData`` with the
spec's quoting). The service processes an import asynchronously and refuses a second one while the first is
pending (SMS13), so each chunk after the first usually waits: the operator retries it with a growing pause
until ``pending_timeout``. Chunks that surely went in are recorded across tries (Airflow 3.3
``task_state_store``, else a Variable), so a retry resumes at the next chunk instead of importing again.
"""

from __future__ import annotations

import csv
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.chunking import enumerate_chunks
from airflow_provider_ileti.core.errors import IletiError, TransientError, ValidationError
from airflow_provider_ileti.exactly_once.progress import TaskIdentity, progress_store_for
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    optional_bool,
    require_bool,
    require_int,
    require_text,
    text_list,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: Rows per ``/contact/import`` request. Guess: the spec gives no limit; 5,000 rows of a few short
#: fields keep a request body well under a megabyte.
ROWS_PER_REQUEST = 5000
#: The codes of "an import is still pending" (retry later).
IMPORT_PENDING_CODES = ("SMS13", "ERR_CONTACT_IMPORT_EXISTS")
#: Pauses between tries of a chunk the service refused as pending: first, factor, longest (seconds);
#: a ``Retry-After`` on the answer replaces the pause (capped at the longest).
PENDING_FIRST_WAIT = 2.0
PENDING_BACKOFF = 2.0
PENDING_MAX_WAIT = 60.0
#: How long a chunk may wait for the previous import before the task fails (and Airflow may retry).
PENDING_TIMEOUT = 1800.0
#: The column that holds the number; known Node columns (others become custom fields).
GSM_COLUMN = "GSM"
KNOWN_COLUMNS = ("GSM", "FIRST_NAME", "LAST_NAME", "BIRTH_DATE", "GSM_2", "GSM_3", "GROUP_NAME")
#: Custom field names: no Turkish letters, ``_`` the only special character.
_COLUMN_NAME = re.compile(r"[A-Za-z0-9_]+")
#: Characters the spec's csvData quoting (every value in single quotes) cannot carry; the client refuses
#: them too, but only when it builds a chunk, so the first pass finds them before any chunk goes out.
CSV_FORBIDDEN = ("'", "\n", "\r")
#: Columns whose values are numbers, normalised before sending.
NUMBER_COLUMNS = ("GSM", "GSM_2", "GSM_3")


class NodeImportContactsOperator(NodeBaseOperator):
    """Import the contacts of CSV file ``csv_path`` (first line: a header).

    :param csv_path: the file (templated, e.g. ``"/data/{{ ds }}/contacts.csv"``).
    :param columns: which CSV columns go in, as what Node column: ``None`` (the header names *are* Node
        columns), a list (the Node column of every CSV column, in order) or a mapping
        ``{"telefon": "GSM", "ad": "FIRST_NAME"}`` (only these columns, renamed). A ``GSM`` column is
        required; other names become custom fields.
    :param group_uuids: groups the contacts join. :param overwrite: update existing contacts.
    :param is_in_blacklist: import them onto the black list.
    :param skip_invalid_numbers: leave rows with an invalid number out (counted) instead of failing.
    :param rows_per_request: rows per request (default ``ROWS_PER_REQUEST``).
    :param pending_timeout: seconds a chunk may wait while an earlier import is pending (SMS13).

    Returns ``{"rows", "chunks", "skipped_invalid", "pending_waits", "from_earlier_tries"}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "csv_path", "columns", "group_uuids")
    failure_action = "import contacts"

    def __init__(
        self,
        *,
        csv_path: str,
        columns: Sequence[str] | Mapping[str, str] | None = None,
        group_uuids: Any = None,
        overwrite: bool | None = None,
        is_in_blacklist: bool | None = None,
        skip_invalid_numbers: bool = False,
        delimiter: str = ",",
        file_encoding: str = "utf-8-sig",
        rows_per_request: int = ROWS_PER_REQUEST,
        pending_timeout: float = PENDING_TIMEOUT,
        pending_first_wait: float = PENDING_FIRST_WAIT,
        persist_progress: bool = True,
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._invalid_seen = 0
        self.csv_path = csv_path
        self.columns = columns
        self.group_uuids = group_uuids
        self.overwrite = overwrite
        self.is_in_blacklist = is_in_blacklist
        self.skip_invalid_numbers = skip_invalid_numbers
        self.delimiter = delimiter
        self.file_encoding = file_encoding
        self.rows_per_request = rows_per_request
        self.pending_timeout = pending_timeout
        self.pending_first_wait = pending_first_wait
        self.persist_progress = persist_progress
        self.region = region

    # -- validation ---------------------------------------------------------------------------------
    def validate(self) -> dict[str, Any]:
        path = require_text("csv_path", self.csv_path)
        if not os.path.isfile(path):
            raise ValidationError("csv_path", path, "no such file")
        if not isinstance(self.delimiter, str) or len(self.delimiter) != 1:
            raise ValidationError("delimiter", self.delimiter, "must be one character")
        for name in ("pending_timeout", "pending_first_wait"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValidationError(name, value, "must be a number of seconds >= 0")
        args: dict[str, Any] = {
            "path": path,
            "group_uuids": text_list("group_uuids", self.group_uuids) or None,
            "overwrite": optional_bool("overwrite", self.overwrite),
            "is_in_blacklist": optional_bool("is_in_blacklist", self.is_in_blacklist),
            "skip_invalid": require_bool("skip_invalid_numbers", self.skip_invalid_numbers),
            "size": require_int("rows_per_request", self.rows_per_request, minimum=1),
            "persist": require_bool("persist_progress", self.persist_progress),
        }
        with self._open(path) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            header = next(reader, None)
            if not header:
                raise ValidationError("csv_path", path, "the file is empty (a header line is required)")
            args["indexes"], args["columns"] = self._plan_columns([h.strip() for h in header])
        # First pass: every row, before any request (the file is streamed, never held).
        rows = sum(1 for _ in self._rows(args))
        invalid = self._invalid_seen
        if rows == 0:
            raise ValidationError(
                "csv_path", path, "no rows to import" + (" (all invalid)" if invalid else "")
            )
        args["rows"], args["invalid"] = rows, invalid
        return args

    def _plan_columns(self, header: list[str]) -> tuple[list[int], list[str]]:
        columns = self.columns
        if isinstance(columns, str):
            columns = text_list("columns", columns)
        if columns is None:
            indexes, names = list(range(len(header))), list(header)
        elif isinstance(columns, Mapping):
            missing = [k for k in columns if k not in header]
            if missing:
                raise ValidationError("columns", missing, f"not in the CSV header {header}")
            indexes = [header.index(k) for k in columns]
            names = [str(v) for v in columns.values()]
        elif isinstance(columns, Sequence):
            if len(columns) != len(header):
                raise ValidationError(
                    "columns", list(columns), f"needs one name per CSV column ({len(header)}: {header})"
                )
            indexes, names = list(range(len(header))), [str(c) for c in columns]
        else:
            raise ValidationError("columns", type(columns).__name__, "must be None, a list or a mapping")
        names = [n.strip().upper() if n.strip().upper() in KNOWN_COLUMNS else n.strip() for n in names]
        for name in names:
            if not _COLUMN_NAME.fullmatch(name):
                raise ValidationError("columns", name, "letters without Turkish ones, digits and '_' only")
        if len(set(names)) != len(names):
            raise ValidationError("columns", names, "a column name appears twice")
        if GSM_COLUMN not in names:
            raise ValidationError("columns", names, f"a {GSM_COLUMN} column is required")
        return indexes, names

    def _open(self, path: str) -> Any:
        try:
            return open(path, newline="", encoding=self.file_encoding)
        except (OSError, LookupError) as exc:
            raise ValidationError("csv_path", path, f"cannot be read: {type(exc).__name__}") from None

    def _rows(self, args: dict[str, Any]) -> Iterator[list[str]]:
        """The file's data rows as Node rows (selected, numbers normalised); streamed."""
        from airflow_provider_ileti.core.phone import normalize_number

        self._invalid_seen = 0
        indexes: list[int] = args["indexes"]
        names: list[str] = args["columns"]
        number_at = [i for i, n in enumerate(names) if n in NUMBER_COLUMNS]
        width = max(indexes) + 1
        with self._open(args["path"]) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            for line_no, raw in enumerate(reader, start=2):
                if not raw or all(not v.strip() for v in raw):
                    continue
                if len(raw) < width:
                    raise ValidationError(
                        f"csv line {line_no}", f"{len(raw)} values", f"needs at least {width} values"
                    )
                row = [raw[i].strip() for i in indexes]
                for at, value in enumerate(row):
                    if any(ch in value for ch in CSV_FORBIDDEN):
                        raise ValidationError(
                            f"csv line {line_no} {names[at]}",
                            "<value>",
                            "csvData values may not contain a single quote or a line break",
                        )
                try:
                    for at in number_at:
                        if row[at] or names[at] == GSM_COLUMN:
                            row[at] = normalize_number(
                                row[at], field=f"csv line {line_no} {names[at]}", region=self.region
                            )
                except ValidationError:
                    if not args["skip_invalid"]:
                        raise
                    self._invalid_seen += 1
                    continue
                yield row

    # -- execution ----------------------------------------------------------------------------------
    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        store = progress_store_for(
            context, TaskIdentity.from_context(context), persist=args["persist"], required=True
        )
        progress = store.load()
        earlier = progress.next_chunk
        if earlier:
            self.log.info("%d chunk(s) imported by earlier tries; resuming at chunk %d", earlier, earlier)
        waits = 0
        for chunk_no, rows in enumerate_chunks(self._rows(args), args["size"], start=progress.next_chunk):
            waits += self._import_chunk(client, args, chunk_no, rows)
            progress.next_chunk = chunk_no + 1
            progress.recipients += len(rows)
            store.save(progress)
        result = {
            "rows": args["rows"],
            "chunks": progress.next_chunk,
            "skipped_invalid": args["invalid"],
            "pending_waits": waits,
            "from_earlier_tries": earlier,
        }
        store.clear()
        self.log.info(
            "Imported %d row(s) in %d chunk(s) (%d skipped as invalid, %d wait(s) for a pending import)",
            result["rows"],
            result["chunks"],
            result["skipped_invalid"],
            waits,
        )
        return result

    def _import_chunk(
        self, client: NodeClient, args: dict[str, Any], chunk_no: int, rows: list[list[str]]
    ) -> int:
        """Send one chunk, waiting while an earlier import is pending; returns the number of waits."""
        deadline = time.monotonic() + float(self.pending_timeout)
        wait = float(self.pending_first_wait)
        waits = 0
        while True:
            try:
                client.import_contacts(
                    rows,
                    args["columns"],
                    overwrite=args["overwrite"],
                    is_in_blacklist=args["is_in_blacklist"],
                    group_uuids=args["group_uuids"],
                )
            except IletiError as exc:
                if exc.code not in IMPORT_PENDING_CODES:
                    raise
                asked = getattr(exc, "retry_after", None)  # the service's own estimate wins
                pause = min(float(asked), PENDING_MAX_WAIT) if asked else wait
                if time.monotonic() + pause > deadline:
                    raise TransientError(
                        f"chunk {chunk_no}: an earlier import was still pending after "
                        f"{float(self.pending_timeout):g}s",
                        service="node",
                        code=exc.code,
                    ) from exc
                waits += 1
                self.log.info(
                    "Chunk %d: an import is pending (%s); trying again in %gs", chunk_no, exc.code, pause
                )
                time.sleep(pause)
                wait = min(wait * PENDING_BACKOFF, PENDING_MAX_WAIT)
                continue
            self.log.info("Chunk %d: %d row(s) accepted", chunk_no, len(rows))
            return waits
