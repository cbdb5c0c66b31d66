"""``ileti-sandbox [--host H] [--port N] [--speed X]``: serve the four services on loopback.

Binds first, then prints, for each service, the ``AIRFLOW_CONN_…`` line to export (and writes them to
``--env-file``) with the port it really listens on, then serves until interrupted. A port that is taken is
one line on stderr and exit status 2, with nothing printed or written before it; so is a missing
``[sandbox]`` extra (aiohttp), even for ``--help``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import signal
import sys

from airflow_provider_ileti.extras import require_extra

#: Exit status when the sandbox cannot listen (port taken, address not local).
EXIT_CANNOT_LISTEN = 2


def _write_env_file(path: str, text: str) -> None:
    """Write to a temporary name and rename, so a reader never sees half a file."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    # before anything imports aiohttp: a plain install (no [sandbox] extra) gets one line, not a traceback
    require_extra("sandbox", "aiohttp", prog="ileti-sandbox")
    from airflow_provider_ileti.sandbox.server import SandboxServer

    parser = argparse.ArgumentParser(prog="ileti-sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 = any free port)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="virtual seconds per real second (default: 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for probabilistic faults")
    parser.add_argument(
        "--journal-size",
        type=int,
        default=None,
        help="how many requests the journal keeps, the newest (default 10000)",
    )
    parser.add_argument("--env-file", help="also write the export lines to this file")
    args = parser.parse_args(argv)
    if args.speed <= 0:
        parser.error(f"--speed={args.speed}: must be > 0")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port={args.port}: must be 0..65535")
    if args.journal_size is not None and args.journal_size < 1:
        parser.error(f"--journal-size={args.journal_size}: must be >= 1")

    server = SandboxServer(
        host=args.host, port=args.port, speed=args.speed, seed=args.seed, journal_size=args.journal_size
    )
    listening = False

    def announce(bound: SandboxServer) -> None:
        nonlocal listening
        listening = True
        lines = [f"export {name}={shlex.quote(value)}" for name, value in sorted(bound.env().items())]
        print(f"# ileti-sandbox on {bound.url} (speed {args.speed}x); admin API at {bound.url}/_admin")
        print("\n".join(lines), flush=True)
        if args.env_file:
            _write_env_file(args.env_file, "\n".join(lines) + "\n")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await server.serve(stop, on_ready=announce)

    try:
        asyncio.run(run())
    except OSError as exc:
        if listening:
            raise
        reason = exc.strerror or str(exc)
        print(f"ileti-sandbox: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    return 0


if __name__ == "__main__":
    sys.exit(main())
