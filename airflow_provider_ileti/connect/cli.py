"""``ileti-connect <service>``: one command to connect a deployment (only İletiniz uses OAuth today)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from airflow_provider_ileti.extras import require_extra

PROG = "ileti-connect"


def build_parser() -> argparse.ArgumentParser:
    from airflow_provider_ileti.clients.iletiniz.oauth import DEFAULT_CLIENT_ID
    from airflow_provider_ileti.connect.iletiniz import DEFAULT_CONN_ID, REDIRECT_TIMEOUT_SECONDS

    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    services = parser.add_subparsers(dest="service", required=True)
    p = services.add_parser(
        "iletiniz", help="OAuth 2.0 + PKCE: get an İletiniz key into an Airflow connection"
    )
    p.add_argument("--conn-id", default=DEFAULT_CONN_ID, help="Airflow connection id (default %(default)s)")
    p.add_argument(
        "--auth-url", help="authorization server (default: the connection's auth_url or iletiniz.com)"
    )
    p.add_argument("--api-url", help="API URL stored as the host (default: api.iletiniz.com)")
    p.add_argument(
        "--client-id",
        help=(
            f"OAuth public client id (default: the connection's client_id, else {DEFAULT_CLIENT_ID!r} — a "
            "guess: İletiniz publishes no client id for Airflow; the WordPress plugin uses 'wordpress'; "
            "ask İletiniz for yours)"
        ),
    )
    p.add_argument("--no-browser", action="store_true", help="print the URL and read the pasted redirect URL")
    p.add_argument(
        "--print",
        dest="print_env",
        action="store_true",
        help="print the AIRFLOW_CONN_... value instead of storing it (the only way the key is shown)",
    )
    p.add_argument("--revoke", action="store_true", help="revoke the stored key and remove it locally")
    p.add_argument("--timeout", type=float, default=REDIRECT_TIMEOUT_SECONDS, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # ordinary dependencies, no extra: one line if this environment lacks them (e.g. not Airflow's venv)
    require_extra(None, "requests", "airflow", prog=PROG)
    args = build_parser().parse_args(argv)
    from airflow_provider_ileti.connect.iletiniz import ConnectOptions, connect

    options = ConnectOptions(
        conn_id=args.conn_id,
        auth_url=args.auth_url,
        api_url=args.api_url,
        client_id=args.client_id,
        no_browser=args.no_browser,
        print_env=args.print_env,
        revoke=args.revoke,
        timeout=args.timeout,
    )
    return connect(options)


if __name__ == "__main__":
    raise SystemExit(main())
