"""The knobs of every client and hook, with one name each: ``timeout``, ``verify_ssl``, ``retries``,
``max_answer_bytes``. A hook reads them from the connection's extras; a client takes them as arguments."""

from __future__ import annotations

import dataclasses

from airflow_provider_ileti.core.errors import ValidationError

#: Seconds one request may take in all: connect, send, and the whole answer.
DEFAULT_TIMEOUT = 30.0
#: Retries after the first attempt, for what may safely be repeated.
DEFAULT_RETRIES = 3
#: The largest answer read (after decompression). The largest legitimate answers are list pages of 1000
#: rows (well under 2 MB); 16 MB leaves room and keeps a hostile or runaway answer from filling memory.
#: Raise it with the connection extra ``max_answer_bytes``.
DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class HttpSettings:
    timeout: float = DEFAULT_TIMEOUT
    verify_ssl: bool = True
    retries: int = DEFAULT_RETRIES
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES

    def __post_init__(self) -> None:
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, int | float) or self.timeout <= 0:
            raise ValidationError("timeout", self.timeout, "must be a number of seconds above 0")
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise ValidationError("retries", self.retries, "must be a whole number, 0 or more")
        if (
            isinstance(self.max_answer_bytes, bool)
            or not isinstance(self.max_answer_bytes, int)
            or self.max_answer_bytes < 1024
        ):
            raise ValidationError("max_answer_bytes", self.max_answer_bytes, "must be a whole number >= 1024")
        if not isinstance(self.verify_ssl, bool):
            raise ValidationError("verify_ssl", self.verify_ssl, "must be true or false")
