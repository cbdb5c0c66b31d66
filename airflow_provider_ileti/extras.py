"""One line naming what to install, instead of a traceback, when a command's optional piece is missing.

A plain ``pip install airflow-provider-ileti`` leaves out the extras (``[sandbox]``: aiohttp). A console
script calls :func:`require_extra` first thing in ``main``, before the imports that need the piece, so
``ileti-sandbox --help`` after a plain install says::

    ileti-sandbox: needs aiohttp, which is not installed: pip install 'airflow-provider-ileti[sandbox]'

and exits with status 2 (argparse's status for "you called it wrong"; the fix is on the caller's side).
A command whose modules are ordinary dependencies (Airflow for ``ileti-connect`` and the clean-up) passes
``extra=None`` and the line asks for the package itself: its dependencies were left out (``--no-deps``, or
the command runs from another environment than Airflow's).

The sandbox's pytest fixtures (registered in every pytest run where the package is installed) fail a test
that asks for them with the same line, instead of breaking pytest itself for every test.

Importing this module imports nothing else of ours.
"""

from __future__ import annotations

import importlib
import sys
from typing import TextIO

#: The distribution a user installs, as pip spells it.
DISTRIBUTION = "airflow-provider-ileti"
#: Exit status of a command that cannot run because something is not installed.
EXIT_MISSING = 2


def missing_modules(*modules: str) -> list[str]:
    """Those of ``modules`` that cannot be imported: not installed, or installed without what they need.

    Imported, not only looked up, so a broken install (aiohttp without multidict) is caught too; the name
    reported is the module that is really missing.
    """
    missing: list[str] = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(exc.name or name)
    return missing


def install_command(extra: str | None) -> str:
    """``pip install 'airflow-provider-ileti[sandbox]'``, or the bare package when ``extra`` is None."""
    return f"pip install '{DISTRIBUTION}[{extra}]'" if extra else f"pip install {DISTRIBUTION}"


def missing_line(extra: str | None, *modules: str, prog: str) -> str | None:
    """The one line that says what to install, or None when every module imports."""
    missing = missing_modules(*modules)
    if not missing:
        return None
    names = ", ".join(dict.fromkeys(missing))
    verb = "is" if len(missing) == 1 else "are"
    return f"{prog}: needs {names}, which {verb} not installed: {install_command(extra)}"


def require_extra(extra: str | None, *modules: str, prog: str, stream: TextIO | None = None) -> None:
    """Return when every module imports; otherwise print one line to stderr and exit with status 2."""
    line = missing_line(extra, *modules, prog=prog)
    if line is None:
        return
    print(line, file=stream if stream is not None else sys.stderr)
    raise SystemExit(EXIT_MISSING)
