"""Build a service's base URL from an Airflow connection's host, port and schema."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def build_base_url(
    host: str | None,
    *,
    port: int | None = None,
    scheme: str | None = None,
    default_url: str,
) -> str:
    """The base URL to which a client appends its paths (no trailing slash).

    ``host`` may be empty (use ``default_url``), a bare host name (``api.example.com``; ``scheme`` and
    ``port`` complete it and ``default_url``'s path is kept), or a full URL with a path
    (``http://127.0.0.1:8765/node``), as the http provider accepts.
    """
    default = urlsplit(default_url)
    if not host:
        parts = default
        netloc = parts.netloc
        if port:
            netloc = f"{parts.hostname}:{port}"
        return urlunsplit((scheme or parts.scheme, netloc, parts.path.rstrip("/"), "", "")).rstrip("/")
    if "://" in host:
        parts = urlsplit(host)
        netloc = parts.netloc
        if port and parts.port is None:
            netloc = f"{netloc}:{port}"
        return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")).rstrip("/")
    host_part, _, path = host.partition("/")
    netloc = f"{host_part}:{port}" if port else host_part
    full_path = ("/" + path) if path else default.path
    chosen_scheme = scheme or default.scheme or "https"
    return urlunsplit((chosen_scheme, netloc, full_path.rstrip("/"), "", "")).rstrip("/")
