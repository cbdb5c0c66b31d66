"""``ileti-sandbox [--host H] [--port N] [--speed X]``: serve the four services on loopback.

Prints, for each service, the ``AIRFLOW_CONN_…`` line to export, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import signal
import sys

from airflow_provider_ileti.sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ileti-sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 = any free port)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="virtual seconds per real second (default: 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for probabilistic faults")
    parser.add_argument("--env-file", help="also write the export lines to this file")
    args = parser.parse_args(argv)
    if args.speed <= 0:
        parser.error(f"--speed={args.speed}: must be > 0")

    server = SandboxServer(host=args.host, port=args.port, speed=args.speed, seed=args.seed)
    lines = [f"export {name}={shlex.quote(value)}" for name, value in sorted(server.env().items())]
    print(f"# ileti-sandbox on {server.url} (speed {args.speed}x); admin API at {server.url}/_admin")
    print("\n".join(lines), flush=True)
    if args.env_file:
        with open(args.env_file, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await server.serve(stop)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
