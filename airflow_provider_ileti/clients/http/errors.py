"""The HTTP layer's own errors, below ``core.errors``' classes so the operators treat them as they should."""

from __future__ import annotations

from airflow_provider_ileti.core.errors import ProtocolError, ServiceError


class RedirectRefusedError(ServiceError):
    """The server answered with a redirect; it is not followed (it could carry credentials elsewhere)."""


class AnswerTooLargeError(ProtocolError):
    """The answer (decompressed) is larger than ``max_answer_bytes``; reading stopped there."""


class WrongAnswerKindError(ProtocolError):
    """The answer is not the kind expected (an HTML page where JSON, XML or SOAP was due)."""
