"""Split a large recipient source into shards for dynamic task mapping, the same shards on every try.

One ``SendSmsOperator`` streams any number of recipients, but it is one task on one worker. Past one
worker, a DAG maps the send over shards (``SendSmsOperator.partial(...).expand_kwargs(shards)``) and
Celery spreads them. Each mapped task is its own send: its keys, progress and claims are derived from its
``map_index`` (``exactly_once/progress.py``), so a shard must be *the same recipients under the same
index* on every try and every re-run that shares the keys. This module makes that hold:

- **Deterministic.** Shards are contiguous runs of the source's rows, cut at ``i * rows // shards`` (or
  every ``rows_per_shard`` rows): the same source and the same arguments give the same boundaries.
- **Atomic.** Each shard file is written to a temporary name in ``directory`` and renamed into place; the
  manifest (``MANIFEST``) is written last, the same way. Readers never see half a file.
- **Idempotent.** A second call with the same source and arguments finds the manifest, checks the shard
  files against it and returns the same plan without writing anything.
- **Refuses to reshuffle.** If the directory already holds shards of a *different* source (its content
  changed) or of different arguments, ``ShardPlanChanged`` is raised instead of cutting new boundaries: a
  retry whose shard 3 holds other recipients than the try that already sent shard 3 would send some twice
  and lose others. (The send operator would also stop such a chunk by its fingerprint; this stops it one
  step earlier, with a message that says why.) Start a new campaign in a new directory.

The module is pure Python (no Airflow import); a DAG calls it inside a ``@task``::

    @task
    def make_shards(run_id: str | None = None) -> list[dict[str, str]]:  # Airflow fills in run_id
        return split_csv("/data/campaign.csv", f"/shared/shards/{run_id}", shards=16).kwargs()

    SendSmsOperator.partial(task_id="send", conn_id="node_sms_default", message="...").expand_kwargs(
        make_shards()
    )

The directory must be readable by every worker (a shared disk), like the source.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from airflow_provider_ileti.core.errors import IletiError, ValidationError

T = TypeVar("T")

#: The manifest's file name inside the shard directory; its presence means the plan is complete.
MANIFEST = "shards.json"
#: Bumped when the manifest's meaning changes, so an old directory is refused rather than misread.
MANIFEST_VERSION = 1
_READ_BLOCK = 1 << 20


class ShardPlanChanged(IletiError):
    """The shard directory holds a plan for another source or other arguments; nothing was rewritten."""


@dataclasses.dataclass(frozen=True)
class Shard:
    """One shard: its file, how many recipient rows it holds, and where they start in the source."""

    index: int
    path: str
    rows: int
    #: the 0-based number of the source's first data row in this shard
    first_row: int
    #: SHA-256 of the shard file's bytes, so a later call can tell the file was not changed
    sha256: str


@dataclasses.dataclass(frozen=True)
class ShardPlan:
    """The shards of one source, in order; ``kwargs()`` is what ``expand_kwargs`` takes."""

    source: str
    source_sha256: str
    rows: int
    shards: tuple[Shard, ...]
    manifest: str

    def kwargs(self, field: str = "recipients_csv") -> list[dict[str, str]]:
        """One ``{field: path}`` per shard, for ``SendSmsOperator.partial(...).expand_kwargs(...)``."""
        return [{field: shard.path} for shard in self.shards]

    def paths(self) -> list[str]:
        """The shard files in order, for ``.expand(recipients_csv=...)``."""
        return [shard.path for shard in self.shards]


def split_csv(
    source: str | os.PathLike[str],
    directory: str | os.PathLike[str],
    *,
    shards: int | None = None,
    rows_per_shard: int | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> ShardPlan:
    """Write the rows of the CSV file ``source`` (a header line first) as shard files in ``directory``.

    Give exactly one of ``shards`` (how many; the rows are spread evenly, and an empty shard is never
    made: fewer rows than ``shards`` give one shard per row) or ``rows_per_shard``. Every shard file
    starts with the source's header, so ``recipients_csv`` reads it as it would read the source.

    Called again with the same source and arguments, it returns the same plan and writes nothing; with a
    changed source or other arguments it raises ``ShardPlanChanged``. Memory stays flat: the source is
    streamed twice (count and hash, then write), one row at a time.
    """
    _check_count("shards", shards, rows_per_shard, "rows_per_shard")
    src = Path(source)
    out = Path(directory)
    if not src.is_file():
        raise ValidationError("source", str(src), "must be an existing CSV file")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValidationError("delimiter", delimiter, "must be one character")
    source_sha, rows = _hash_and_count(src, delimiter, encoding)
    arguments = {"shards": shards, "rows_per_shard": rows_per_shard, "delimiter": delimiter}
    out.mkdir(parents=True, exist_ok=True)
    existing = _read_manifest(out)
    if existing is not None:
        return _reuse(existing, out, src, source_sha, arguments)
    sizes = shard_sizes(rows, shards=shards, rows_per_shard=rows_per_shard)
    written = _write_shards(src, out, sizes, delimiter, encoding)
    plan = ShardPlan(str(src), source_sha, rows, tuple(written), str(out / MANIFEST))
    _write_atomically(out / MANIFEST, _manifest_text(plan, arguments).encode("utf-8"))
    return plan


def shard_sizes(rows: int, *, shards: int | None = None, rows_per_shard: int | None = None) -> list[int]:
    """How many rows each shard gets: contiguous, in order, none empty, the same for the same input."""
    _check_count("shards", shards, rows_per_shard, "rows_per_shard")
    if rows <= 0:
        return []
    if rows_per_shard is not None:
        full, rest = divmod(rows, rows_per_shard)
        return [rows_per_shard] * full + ([rest] if rest else [])
    assert shards is not None
    count = min(shards, rows)
    return [(i + 1) * rows // count - i * rows // count for i in range(count)]


def split_list(
    recipients: Sequence[T], *, shards: int | None = None, rows_per_shard: int | None = None
) -> list[list[T]]:
    """The same cut for an in-memory list: contiguous slices, for ``.expand(recipients=...)``.

    Every slice travels through XCom, so this suits thousands of recipients, not millions (use
    ``split_csv`` and a shared directory for those). The list must come in the same order on every try.
    """
    sizes = shard_sizes(len(recipients), shards=shards, rows_per_shard=rows_per_shard)
    out: list[list[T]] = []
    start = 0
    for size in sizes:
        out.append(list(recipients[start : start + size]))
        start += size
    return out


# -- helpers -------------------------------------------------------------------------------------------
def _check_count(name: str, value: int | None, other: int | None, other_name: str) -> None:
    if (value is None) == (other is None):
        raise ValidationError(name, value, f"give exactly one of {name} and {other_name}")
    for field, given in ((name, value), (other_name, other)):
        if given is not None and (isinstance(given, bool) or not isinstance(given, int) or given < 1):
            raise ValidationError(field, given, "must be a whole number >= 1")


def _hash_and_count(src: Path, delimiter: str, encoding: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    with src.open("rb") as fh:
        while block := fh.read(_READ_BLOCK):
            digest.update(block)
    with src.open(newline="", encoding=encoding) as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        if next(reader, None) is None:
            raise ValidationError("source", str(src), "is empty: a header line is needed")
        rows = sum(1 for row in reader if row)
    return digest.hexdigest(), rows


def _rows(src: Path, delimiter: str, encoding: str) -> Iterator[list[str]]:
    with src.open(newline="", encoding=encoding) as fh:
        for row in csv.reader(fh, delimiter=delimiter):
            if row:
                yield row


def _shard_name(index: int, count: int) -> str:
    width = max(5, len(str(count)))
    return f"shard-{index:0{width}d}-of-{count:0{width}d}.csv"


def _write_shards(src: Path, out: Path, sizes: list[int], delimiter: str, encoding: str) -> list[Shard]:
    rows = _rows(src, delimiter, encoding)
    header = next(rows)
    shards: list[Shard] = []
    first = 0
    for index, size in enumerate(sizes):
        path = out / _shard_name(index, len(sizes))
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", newline="", encoding=encoding) as fh:
                writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
                writer.writerow(header)
                for _ in range(size):
                    writer.writerow(next(rows))
                fh.flush()
                os.fsync(fh.fileno())
            sha = _file_sha256(Path(tmp))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        shards.append(Shard(index, str(path), size, first, sha))
        first += size
    return shards


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _manifest_text(plan: ShardPlan, arguments: dict[str, Any]) -> str:
    body = {
        "version": MANIFEST_VERSION,
        "source": plan.source,
        "source_sha256": plan.source_sha256,
        "rows": plan.rows,
        "arguments": arguments,
        "shards": [
            {
                "index": s.index,
                "file": Path(s.path).name,
                "rows": s.rows,
                "first_row": s.first_row,
                "sha256": s.sha256,
            }
            for s in plan.shards
        ],
    }
    return json.dumps(body, indent=1, sort_keys=True) + "\n"


def _read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ShardPlanChanged(
            f"{path} is not a shard manifest (not JSON); remove it or use another directory"
        ) from err
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        raise ShardPlanChanged(f"{path} is not a version-{MANIFEST_VERSION} shard manifest")
    return data


def _reuse(
    manifest: dict[str, Any], out: Path, src: Path, source_sha: str, arguments: dict[str, Any]
) -> ShardPlan:
    where = out / MANIFEST
    if manifest.get("source_sha256") != source_sha:
        raise ShardPlanChanged(
            f"{where} was made from another content of the source (sha256 {manifest.get('source_sha256')},"
            f" now {source_sha}): the shards already handed to tasks would change under them. Keep the"
            " source as it was for retries and re-runs, or start a new campaign in a new directory"
        )
    if manifest.get("arguments") != arguments:
        raise ShardPlanChanged(
            f"{where} was made with {manifest.get('arguments')}, not {arguments}: other arguments would move"
            " the shard boundaries; use the same arguments or a new directory"
        )
    shards: list[Shard] = []
    for entry in manifest["shards"]:
        path = out / entry["file"]
        if not path.is_file() or _file_sha256(path) != entry["sha256"]:
            raise ShardPlanChanged(
                f"{path} is missing or was changed after {where} was written; a shard must not change"
                " between tries: restore it or start a new campaign in a new directory"
            )
        shards.append(Shard(entry["index"], str(path), entry["rows"], entry["first_row"], entry["sha256"]))
    return ShardPlan(str(src), source_sha, manifest["rows"], tuple(shards), str(where))
