"""What every conformance test shares: a recorder of the client functions called, and the refusal count.

The conformance suite is the answer to "does what passes our sandbox pass a panel that enforces the vendor's
document?". The sandbox refuses whatever the document forbids (a missing required field, an unknown field,
a value out of its rule) and counts each refusal (``sandbox/refusals.py``). Each test here calls every
public function of one client over one wire, the way a user would, then asserts two things: every public
function was called (so a new one cannot slip past the suite), and the sandbox refused nothing — read over
the admin API, so an error a client swallowed (a lookup that tolerates failures) still counts.
"""

from __future__ import annotations

import inspect
from typing import Any


class Recorder:
    """A client seen through a proxy that notes each public function called on it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if callable(attribute) and not name.startswith("_"):
            self.called.add(name)
        return attribute

    def uncalled(self, *, exempt: frozenset[str] = frozenset()) -> list[str]:
        """Public functions of the client's class that the test never called."""
        public = {
            name
            for name, member in inspect.getmembers(type(self._client))
            if not name.startswith("_")
            and (inspect.isfunction(member) or inspect.iscoroutinefunction(member))
        }
        return sorted(public - self.called - exempt)


def assert_conformant(sandbox: Any, recorder: Recorder, *, exempt: frozenset[str] = frozenset()) -> None:
    """Every public function was called and the sandbox refused none of the requests they made."""
    assert recorder.uncalled(exempt=exempt) == [], "public client functions the suite does not call"
    answer = sandbox.admin.refusals()
    assert answer["count"] == 0, f"the sandbox refused {answer['count']} request(s): {answer['refusals']}"


def request_count(sandbox: Any, service: str) -> int:
    return len(sandbox.requests(service=service))
