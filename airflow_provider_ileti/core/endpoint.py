"""Build a service's base URL from an Airflow connection's host, port and schema."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from airflow_provider_ileti.core.errors import ValidationError

#: A port that only repeats the scheme's own is left out of the URL.
DEFAULT_PORTS = {"http": 80, "https": 443}


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
    (``http://127.0.0.1:8765/node``), as the http provider accepts. A ``port`` of 0 is no port (Airflow's
    UI sends 0 for an empty field); a port that contradicts the one in the host URL is refused.
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
        if port and parts.port is not None and port != parts.port:
            raise ValidationError("port", port, f"differs from the port in the host URL ({parts.port})")
        if port and parts.port is None and port != DEFAULT_PORTS.get(parts.scheme):
            netloc = f"{netloc}:{port}"
        return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")).rstrip("/")
    host_part, _, path = host.partition("/")
    netloc = f"{host_part}:{port}" if port else host_part
    full_path = ("/" + path) if path else default.path
    chosen_scheme = scheme or default.scheme or "https"
    return urlunsplit((chosen_scheme, netloc, full_path.rstrip("/"), "", "")).rstrip("/")
